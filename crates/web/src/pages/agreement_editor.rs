//! The drafting forms of an agreement: one form per part of the structure (a party, an axis, an action
//! sheet with the commitments of each party and its indicators, a correspondent and their substitute, an
//! annex with its roadmap, the targets, the items declared not applicable), each saved on its own through
//! the same store method as the API (`update_draft`). Lists of rows (indicators, roadmap actions, targets)
//! always end with an empty row to fill: a row emptied is removed; no script is needed.
//!
//! The forms are built here as data ([`EditForm`], [`Field`]) and written by one template, so that an error
//! lands next to the field it concerns, with what was typed.

use super::kit::form_date;
use crate::error::ApiError;
use axum::http::StatusCode;
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::agreements::checklist::ChecklistItem;
use passerelle_domain::agreements::content::{
    ActionSheet, AgreementContent, Annex, Axis, AxisTheme, Commitment, Correspondent, Indicator, NotApplicable, Party,
    RoadmapAction, Target as Objective, WorkerSituation,
};
use passerelle_domain::indicators::DEFINITIONS;
use passerelle_store::directory::{Contact, Organisation};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// How a field is written.
pub enum Kind {
    Text,
    Area(u8),
    Select(Vec<Group>),
    Checks(Vec<Choice>),
}

/// Options of a select, under an optional heading (an `optgroup`).
pub struct Group {
    pub label: String,
    pub options: Vec<Choice>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

pub struct Field {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub error: Option<String>,
    pub kind: Kind,
    /// Values suggested for a text field (a `datalist`); any other text is still accepted.
    pub suggestions: Vec<String>,
}

/// One form of the page: its fields and the hidden values that say which part of the structure it edits.
pub struct EditForm {
    pub key: String,
    pub legend: String,
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<Field>,
    pub save: &'static str,
    pub remove: Option<&'static str>,
    /// An error about the form as a whole (not one of its fields).
    pub error: Option<String>,
}

/// A titled group of forms, with the anchor the checklist links to.
pub struct Section {
    pub anchor: &'static str,
    pub title: &'static str,
    pub intro: String,
    pub forms: Vec<EditForm>,
}

/// A refused change: the form it came from, the field concerned when known, the French message, and what
/// was typed (shown again in the form; nothing was saved).
#[derive(Debug, Clone)]
pub struct EditError {
    pub key: String,
    pub field: Option<String>,
    pub message: String,
    pub typed: Vec<(String, String)>,
}

fn field(key: &str, name: &str, label: &str, value: impl Into<String>, kind: Kind) -> Field {
    Field {
        id: format!("{key}-{}", name.replace('_', "-")),
        name: name.to_owned(),
        label: label.to_owned(),
        hint: String::new(),
        value: value.into(),
        error: None,
        kind,
        suggestions: Vec::new(),
    }
}

fn hint(mut f: Field, hint: &str) -> Field {
    f.hint = hint.to_owned();
    f
}

fn text(key: &str, name: &str, label: &str, value: &str) -> Field {
    field(key, name, label, value, Kind::Text)
}

fn area(key: &str, name: &str, label: &str, value: &str) -> Field {
    field(key, name, label, value, Kind::Area(4))
}

fn lines(key: &str, name: &str, label: &str, values: &[String]) -> Field {
    hint(
        field(key, name, label, values.join("\n"), Kind::Area(4)),
        "une ligne par élément",
    )
}

fn iso(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn date_field(key: &str, name: &str, label: &str, value: Option<Date>) -> Field {
    hint(text(key, name, label, &iso(value)), "AAAA-MM-JJ")
}

/// A serde code (`mutual_knowledge`) of a unit enum of the content.
fn code_of<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The forms' values, as posted (`name=value` pairs; a checkbox list repeats its name).
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn lines(&self, name: &str) -> Vec<String> {
        self.get(name).lines().map(str::to_owned).collect()
    }

    fn index(&self, name: &str) -> Result<usize, ApiError> {
        self.get(name)
            .trim()
            .parse()
            .map_err(|_| ApiError::bad_request("form_invalid", "Formulaire incomplet : rechargez la page."))
    }
}

/// The part of the structure a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Party(usize),
    Axis(usize),
    Sheet(usize, usize),
    Correspondent(usize),
    Annex(usize),
    Targets,
    NotApplicable,
    Presets,
}

impl Part {
    pub fn parse(p: &Posted) -> Result<Self, ApiError> {
        Ok(match p.get("part") {
            "party" => Self::Party(p.index("index")?),
            "axis" => Self::Axis(p.index("index")?),
            "sheet" => Self::Sheet(p.index("axis")?, p.index("index")?),
            "correspondent" => Self::Correspondent(p.index("index")?),
            "annex" => Self::Annex(p.index("index")?),
            "targets" => Self::Targets,
            "not_applicable" => Self::NotApplicable,
            "presets" => Self::Presets,
            _ => {
                return Err(ApiError::bad_request(
                    "form_invalid",
                    "Formulaire inconnu : rechargez la page.",
                ));
            }
        })
    }

    /// The key of the form (prefix of its fields' ids).
    pub fn key(self) -> String {
        match self {
            Self::Party(i) => format!("partie-{i}"),
            Self::Axis(i) => format!("axe-{i}"),
            Self::Sheet(a, s) => format!("fiche-{a}-{s}"),
            Self::Correspondent(i) => format!("correspondant-{i}"),
            Self::Annex(i) => format!("annexe-{i}"),
            Self::Targets => "objectifs".into(),
            Self::NotApplicable => "sans-objet".into(),
            Self::Presets => "visas-proposes".into(),
        }
    }

    /// Where the page goes back to after the change.
    pub fn anchor(self) -> &'static str {
        match self {
            Self::Party(_) => "redaction-parties",
            Self::Axis(_) | Self::Sheet(..) => "redaction-axes",
            Self::Correspondent(_) => "redaction-correspondants",
            Self::Annex(_) => "redaction-annexes",
            Self::Targets => "redaction-objectifs",
            Self::NotApplicable => "redaction-sans-objet",
            Self::Presets => "texts-legal-references",
        }
    }

    fn hidden(self) -> Vec<(&'static str, String)> {
        let (part, axis, index) = match self {
            Self::Party(i) => ("party", None, Some(i)),
            Self::Axis(i) => ("axis", None, Some(i)),
            Self::Sheet(a, s) => ("sheet", Some(a), Some(s)),
            Self::Correspondent(i) => ("correspondent", None, Some(i)),
            Self::Annex(i) => ("annex", None, Some(i)),
            Self::Targets => ("targets", None, None),
            Self::NotApplicable => ("not_applicable", None, None),
            Self::Presets => ("presets", None, None),
        };
        let mut out = vec![("part", part.to_owned())];
        out.extend(axis.map(|a| ("axis", a.to_string())));
        out.extend(index.map(|i| ("index", i.to_string())));
        out
    }
}

/// Saves `list[index]` from `make` (an index one past the end adds an element), or removes it.
fn save_or_remove<T: Default + Clone>(
    list: &mut Vec<T>,
    index: usize,
    remove: bool,
    make: impl FnOnce(T) -> Result<T, ApiError>,
) -> Result<(), ApiError> {
    let stale = || {
        ApiError::new(
            StatusCode::CONFLICT,
            "form_stale",
            "Cet élément n'existe plus : la convention a changé depuis l'affichage ; rechargez la page.",
        )
    };
    match (remove, index.cmp(&list.len())) {
        (true, std::cmp::Ordering::Less) => {
            list.remove(index);
        }
        (false, std::cmp::Ordering::Less) => list[index] = make(list[index].clone())?,
        (false, std::cmp::Ordering::Equal) => list.push(make(T::default())?),
        _ => return Err(stale()),
    }
    Ok(())
}

/// Rows `0, 1, ...` of a list form, as long as the form has them; rows left empty are dropped.
fn rows<T>(
    p: &Posted,
    first: &str,
    columns: &[&str],
    mut make: impl FnMut(usize, Vec<&str>) -> Result<T, ApiError>,
) -> Result<Vec<T>, ApiError> {
    let mut out = Vec::new();
    for k in 0.. {
        if !p.has(&format!("{first}_{k}")) {
            break;
        }
        let values: Vec<&str> = std::iter::once(first)
            .chain(columns.iter().copied())
            .map(|c| p.get(&format!("{c}_{k}")))
            .collect();
        if values.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        out.push(make(k, values)?);
    }
    Ok(out)
}

fn named(k: usize, column: &str, value: &str, message: &str) -> Result<String, ApiError> {
    if value.trim().is_empty() {
        return Err(
            ApiError::from(passerelle_domain::invalid::Invalid::new("field_required", message))
                .on(format!("{column}_{k}")),
        );
    }
    Ok(value.to_owned())
}

fn parse_party(c: &AgreementContent, value: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(value.trim())
        .ok()
        .filter(|id| c.party(*id).is_some())
        .ok_or_else(|| {
            ApiError::from(passerelle_domain::invalid::Invalid::new(
                "agreement_party_unknown",
                "Choisissez une des parties à la convention.",
            ))
            .on("party")
        })
}

fn optional_id(value: &str) -> Option<Uuid> {
    Uuid::parse_str(value.trim()).ok()
}

/// Writes the posted form into `c`. `new_party` is the directory's organisation when a party is added.
pub fn apply(
    c: &mut AgreementContent,
    kind: AgreementKind,
    target: Part,
    p: &Posted,
    new_party: Option<&Organisation>,
) -> Result<(), ApiError> {
    let remove = p.get("op") == "remove";
    match target {
        Part::Party(i) => {
            if remove && let Some(gone) = c.parties.get(i).map(|x| x.organisation_id) {
                // Its commitments and correspondents go with it.
                for axis in &mut c.axes {
                    for sheet in &mut axis.sheets {
                        sheet.commitments.retain(|k| k.party != gone);
                    }
                }
                c.correspondents.retain(|k| k.party != gone);
            }
            save_or_remove(&mut c.parties, i, remove, |mut party: Party| {
                if let Some(org) = new_party {
                    party.organisation_id = org.id;
                    party.name = org.name.clone();
                } else if party.organisation_id.is_nil() {
                    return Err(ApiError::from(passerelle_domain::invalid::Invalid::new(
                        "organisation_required",
                        "Choisissez la structure à ajouter parmi les parties.",
                    ))
                    .on("organisation_id"));
                } else {
                    party.name = p.get("name").to_owned();
                    party.presentation = p.get("presentation").to_owned();
                }
                party.representative = p.get("representative").to_owned();
                party.capacity = p.get("capacity").to_owned();
                Ok(party)
            })
        }
        Part::Axis(i) => save_or_remove(&mut c.axes, i, remove, |mut axis: Axis| {
            axis.title = p.get("title").to_owned();
            axis.theme = AxisTheme::ALL.iter().copied().find(|t| code_of(*t) == p.get("theme"));
            Ok(axis)
        }),
        Part::Sheet(a, s) => {
            let parties: Vec<Uuid> = c.parties.iter().map(|x| x.organisation_id).collect();
            let axis = c.axes.get_mut(a).ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "form_stale",
                    "Cet axe n'existe plus : rechargez la page.",
                )
            })?;
            save_or_remove(&mut axis.sheets, s, remove, |mut sheet: ActionSheet| {
                sheet.title = p.get("title").to_owned();
                sheet.objectives = p.lines("objectives");
                sheet.implementation = p.get("implementation").to_owned();
                sheet.commitments = parties
                    .iter()
                    .enumerate()
                    .map(|(n, party)| Commitment {
                        party: *party,
                        items: p.lines(&format!("commitments_{n}")),
                    })
                    .filter(|k| k.items.iter().any(|i| !i.trim().is_empty()))
                    .collect();
                sheet.indicators = rows(p, "indicator", &["provider"], |k, v| {
                    Ok(Indicator {
                        name: named(
                            k,
                            "indicator",
                            v[0],
                            "Nommez l'indicateur, ou videz aussi son fournisseur.",
                        )?,
                        provider: v[1].to_owned(),
                    })
                })?;
                if p.has("situations_shown") {
                    let chosen = p.all("situations");
                    sheet.situations = WorkerSituation::ALL
                        .iter()
                        .copied()
                        .filter(|w| chosen.contains(&code_of(*w).as_str()))
                        .collect();
                }
                Ok(sheet)
            })
        }
        Part::Correspondent(i) => {
            let party = if remove {
                Uuid::nil()
            } else {
                parse_party(c, p.get("party"))?
            };
            save_or_remove(&mut c.correspondents, i, remove, |mut k: Correspondent| {
                k.party = party;
                k.contact_id = optional_id(p.get("contact_id"));
                k.name = p.get("name").to_owned();
                k.function = p.get("function").to_owned();
                k.substitute_contact_id = optional_id(p.get("substitute_contact_id"));
                k.substitute_name = p.get("substitute_name").to_owned();
                k.mission = p.get("mission").to_owned();
                Ok(k)
            })
        }
        Part::Annex(i) => save_or_remove(&mut c.annexes, i, remove, |mut annex: Annex| {
            annex.title = p.get("title").to_owned();
            annex.text = p.get("text").to_owned();
            annex.roadmap = rows(p, "action", &["due", "due_on"], |k, v| {
                Ok(RoadmapAction {
                    action: named(k, "action", v[0], "Décrivez l'action, ou videz aussi son échéance.")?,
                    due: v[1].to_owned(),
                    due_on: form_date("échéance", v[2]).map_err(|e| e.on(format!("due_on_{k}")))?,
                })
            })?;
            Ok(annex)
        }),
        Part::Targets => {
            c.targets = rows(p, "target", &["period", "value", "unit"], |k, v| {
                let value = v[2].trim().replace([' ', '\u{a0}'], "").parse().map_err(|_| {
                    ApiError::from(passerelle_domain::invalid::Invalid::new(
                        "target_value_invalid",
                        format!(
                            "La valeur cible « {} » doit être un nombre entier (par exemple 12).",
                            v[2].trim()
                        ),
                    ))
                    .on(format!("value_{k}"))
                })?;
                Ok(Objective {
                    indicator: named(k, "target", v[0], "Nommez l'indicateur de cet objectif.")?,
                    period: v[1].to_owned(),
                    value,
                    unit: v[3].to_owned(),
                })
            })?;
            Ok(())
        }
        Part::NotApplicable => {
            c.not_applicable =
                p.0.iter()
                    .filter_map(|(k, v)| k.strip_prefix("reason_").map(|item| (item, v)))
                    .filter(|(_, reason)| !reason.trim().is_empty())
                    .map(|(item, reason)| NotApplicable {
                        item: item.to_owned(),
                        reason: reason.clone(),
                    })
                    .collect();
            Ok(())
        }
        Part::Presets => {
            for preset in kind.legal_reference_presets() {
                if !c.legal_references.iter().any(|l| l.trim() == *preset) {
                    c.legal_references.push((*preset).to_owned());
                }
            }
            Ok(())
        }
    }
}

/// Which input a validation message of the domain or the store concerns (they name fields in French or
/// by their place in the structure).
fn input_for(field: &str) -> &str {
    match field {
        "titre" | "titre de l'axe" | "titre de la fiche action" | "titre de l'annexe" => "title",
        "visas" => "legal_references",
        "préambule" => "preamble",
        "objet" => "object",
        "approche territoriale" => "territorial_approach",
        "public visé" => "target_public",
        "modalités d'entrée" => "entry_modalities",
        "offres de service" => "service_offers",
        "outils de suivi" => "tracking_tools",
        "anticipation des sorties" => "exit_anticipation",
        "déploiement" => "deployment",
        "modification" => "amendment",
        "comité de pilotage" => "steering_committee",
        "fréquence du pilotage" => "steering_frequency",
        "composition du pilotage" => "steering_composition",
        "organisation du pilotage" => "steering_organisation",
        "reconduction" => "renewal",
        "examen annuel" => "review",
        "duration" => "ends_on",
        "conditions de caducité" => "lapse_conditions",
        "nom de la partie" | "nom du correspondant" => "name",
        "représentant" => "representative",
        "qualité" => "capacity",
        "présentation" => "presentation",
        "objectifs" => "objectives",
        "mise en œuvre" => "implementation",
        "fonction" => "function",
        "suppléant" => "substitute_name",
        "correspondents" => "contact_id",
        "texte de l'annexe" => "text",
        other => other,
    }
}

/// Puts `error` on its form, with what was typed: next to its field when the form has it, at the end of
/// the form otherwise. (A new element's blank form has the key the element would have had.)
pub fn place_error(forms: &mut [EditForm], error: &EditError) {
    let Some(form) = forms.iter_mut().find(|f| f.key == error.key) else {
        return;
    };
    let typed = |name: &str| {
        error
            .typed
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    for f in &mut form.fields {
        let values = typed(&f.name);
        match &mut f.kind {
            Kind::Select(groups) => {
                if let Some(v) = values.first() {
                    for o in groups.iter_mut().flat_map(|g| g.options.iter_mut()) {
                        o.chosen = o.value == *v;
                    }
                }
            }
            Kind::Checks(choices) => {
                for o in choices.iter_mut() {
                    o.chosen = values.contains(&o.value);
                }
            }
            Kind::Text | Kind::Area(_) => {
                if let Some(v) = values.into_iter().next() {
                    f.value = v;
                }
            }
        }
    }
    let input = error.field.as_deref().map(input_for);
    match form.fields.iter_mut().find(|f| Some(f.name.as_str()) == input) {
        Some(f) => f.error = Some(error.message.clone()),
        None => form.error = Some(error.message.clone()),
    }
}

fn form(target: Part, action: &str, legend: String, fields: Vec<Field>, new: bool) -> EditForm {
    EditForm {
        key: target.key(),
        legend,
        action: action.to_owned(),
        hidden: target.hidden(),
        fields,
        save: if new { "Ajouter" } else { "Enregistrer" },
        remove: (!new).then_some("Supprimer"),
        error: None,
    }
}

/// What the page needs from the directory to build the forms.
pub struct Choices<'a> {
    /// Organisations that may be added as parties.
    pub organisations: &'a [Organisation],
    /// Each party's contacts, in the order of the parties.
    pub contacts: &'a [Vec<Contact>],
    pub checklist: &'a [ChecklistItem],
}

fn party_forms(c: &AgreementContent, action: &str, choices: &Choices) -> Vec<EditForm> {
    let mut out: Vec<EditForm> = c
        .parties
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let key = Part::Party(i).key();
            let mut f = form(
                Part::Party(i),
                action,
                p.name.clone(),
                vec![
                    text(&key, "name", "Nom imprimé", &p.name),
                    hint(
                        text(&key, "representative", "Représentant", &p.representative),
                        "la personne qui signe",
                    ),
                    hint(
                        text(&key, "capacity", "Qualité", &p.capacity),
                        "par exemple : directrice, directeur d'agence",
                    ),
                    area(&key, "presentation", "Présentation de la structure", &p.presentation),
                ],
                false,
            );
            f.remove = Some("Retirer cette partie (ses engagements et correspondants avec elle)");
            f
        })
        .collect();
    let i = c.parties.len();
    let key = Part::Party(i).key();
    let options = choices
        .organisations
        .iter()
        .filter(|o| c.party(o.id).is_none())
        .map(|o| Choice {
            value: o.id.to_string(),
            label: o.name.clone(),
            chosen: false,
        });
    let select = Kind::Select(vec![Group {
        label: String::new(),
        options: std::iter::once(Choice {
            value: String::new(),
            label: "Choisir une structure".into(),
            chosen: true,
        })
        .chain(options)
        .collect(),
    }]);
    out.push(form(
        Part::Party(i),
        action,
        "Ajouter une partie".into(),
        vec![
            field(&key, "organisation_id", "Structure de l'annuaire", "", select),
            text(&key, "representative", "Représentant", ""),
            text(&key, "capacity", "Qualité", ""),
        ],
        true,
    ));
    out
}

fn theme_select(theme: Option<AxisTheme>) -> Kind {
    let none = Choice {
        value: String::new(),
        label: "Aucun".into(),
        chosen: theme.is_none(),
    };
    Kind::Select(vec![Group {
        label: String::new(),
        options: std::iter::once(none)
            .chain(AxisTheme::ALL.iter().map(|t| Choice {
                value: code_of(*t),
                label: t.label().to_owned(),
                chosen: theme == Some(*t),
            }))
            .collect(),
    }])
}

fn axis_form(target: Part, action: &str, legend: String, axis: &Axis, new: bool) -> EditForm {
    let key = target.key();
    form(
        target,
        action,
        legend,
        vec![
            text(&key, "title", "Titre de l'axe", &axis.title),
            hint(
                field(&key, "theme", "Axe thématique", "", theme_select(axis.theme)),
                "conventions ESAT – service public de l'emploi (Questions incontournables ESAT – SPE question 9)",
            ),
        ],
        new,
    )
}

fn sheet_form(
    c: &AgreementContent,
    kind: AgreementKind,
    target: Part,
    action: &str,
    legend: String,
    s: &ActionSheet,
    new: bool,
) -> EditForm {
    let key = target.key();
    let mut fields = vec![
        text(&key, "title", "Titre de la fiche action", &s.title),
        lines(&key, "objectives", "Objectifs", &s.objectives),
        area(&key, "implementation", "Mise en œuvre", &s.implementation),
    ];
    for (n, party) in c.parties.iter().enumerate() {
        let items = s
            .commitments
            .iter()
            .filter(|k| k.party == party.organisation_id)
            .flat_map(|k| k.items.iter().cloned())
            .collect::<Vec<_>>();
        fields.push(lines(
            &key,
            &format!("commitments_{n}"),
            &format!("Engagements de {}", party.name),
            &items,
        ));
    }
    let empty = Indicator::default();
    for (k, i) in s.indicators.iter().chain([&empty]).enumerate() {
        let last = k == s.indicators.len();
        let label = if last {
            "Nouvel indicateur".to_owned()
        } else {
            format!("Indicateur {}", k + 1)
        };
        let name = text(&key, &format!("indicator_{k}"), &label, &i.name);
        fields.push(if last {
            hint(name, "à remplir pour en ajouter un ; vider un indicateur le retire")
        } else {
            name
        });
        fields.push(hint(
            text(
                &key,
                &format!("provider_{k}"),
                &format!("Fournisseur des données ({label})"),
                &i.provider,
            ),
            "qui produit les chiffres (Accord régional BFC 2016 annexe 1)",
        ));
    }
    let situations = kind == AgreementKind::EsatSpe || !s.situations.is_empty();
    if situations {
        fields.push(field(
            &key,
            "situations",
            "Situations de travailleurs d'ESAT concernées (Questions incontournables ESAT – SPE question 10)",
            "",
            Kind::Checks(
                WorkerSituation::ALL
                    .iter()
                    .map(|w| Choice {
                        value: code_of(*w),
                        label: w.label().to_owned(),
                        chosen: s.situations.contains(w),
                    })
                    .collect(),
            ),
        ));
    }
    let mut f = form(target, action, legend, fields, new);
    if situations {
        // Tells the save that the boxes were shown: none ticked means none, not "unchanged".
        f.hidden.push(("situations_shown", "1".into()));
    }
    f
}

fn contact_select(c: &AgreementContent, contacts: &[Vec<Contact>], chosen: Option<Uuid>) -> Kind {
    let mut groups = vec![Group {
        label: String::new(),
        options: vec![Choice {
            value: String::new(),
            label: "Personne hors annuaire (nom saisi ci-dessous)".into(),
            chosen: chosen.is_none(),
        }],
    }];
    for (party, list) in c.parties.iter().zip(contacts) {
        groups.push(Group {
            label: party.name.clone(),
            options: list
                .iter()
                .map(|k| Choice {
                    value: k.id.to_string(),
                    label: match &k.function {
                        Some(f) => format!("{} ({f})", k.full_name()),
                        None => k.full_name(),
                    },
                    chosen: chosen == Some(k.id),
                })
                .collect(),
        });
    }
    Kind::Select(groups)
}

fn correspondent_form(
    c: &AgreementContent,
    contacts: &[Vec<Contact>],
    target: Part,
    action: &str,
    k: &Correspondent,
    new: bool,
) -> EditForm {
    let key = target.key();
    let parties = Kind::Select(vec![Group {
        label: String::new(),
        options: c
            .parties
            .iter()
            .map(|p| Choice {
                value: p.organisation_id.to_string(),
                label: p.name.clone(),
                chosen: p.organisation_id == k.party,
            })
            .collect(),
    }]);
    let legend = if new {
        "Désigner un correspondant".to_owned()
    } else {
        format!(
            "{} ({})",
            k.name,
            c.party(k.party).map(|p| p.name.as_str()).unwrap_or("")
        )
    };
    form(
        target,
        action,
        legend,
        vec![
            field(&key, "party", "Pour la partie", "", parties),
            hint(
                field(
                    &key,
                    "contact_id",
                    "Correspondant",
                    "",
                    contact_select(c, contacts, k.contact_id),
                ),
                "un contact de l'annuaire, de la structure de la partie",
            ),
            hint(
                text(&key, "name", "Nom du correspondant", &k.name),
                "si la personne n'est pas dans l'annuaire",
            ),
            text(&key, "function", "Fonction", &k.function),
            hint(
                field(
                    &key,
                    "substitute_contact_id",
                    "Suppléant",
                    "",
                    contact_select(c, contacts, k.substitute_contact_id),
                ),
                "qui agit en l'absence du correspondant (mode dégradé, Guide de la CCL Pôle emploi – SIAE I.1.b)",
            ),
            hint(
                text(&key, "substitute_name", "Nom du suppléant", &k.substitute_name),
                "si la personne n'est pas dans l'annuaire",
            ),
            area(&key, "mission", "Mission", &k.mission),
        ],
        new,
    )
}

fn annex_form(target: Part, action: &str, legend: String, a: &Annex, new: bool) -> EditForm {
    let key = target.key();
    let mut fields = vec![
        text(&key, "title", "Titre de l'annexe", &a.title),
        hint(
            field(&key, "text", "Texte", a.text.clone(), Kind::Area(6)),
            "par exemple la grille d'éligibilité ou la procédure",
        ),
    ];
    let empty = RoadmapAction::default();
    for (k, r) in a.roadmap.iter().chain([&empty]).enumerate() {
        let label = if k == a.roadmap.len() {
            "Nouvelle action de la feuille de route".to_owned()
        } else {
            format!("Action {}", k + 1)
        };
        fields.push(text(&key, &format!("action_{k}"), &label, &r.action));
        fields.push(hint(
            text(
                &key,
                &format!("due_{k}"),
                &format!("Échéance en clair ({label})"),
                &r.due,
            ),
            "par exemple : premier trimestre 2027",
        ));
        fields.push(date_field(
            &key,
            &format!("due_on_{k}"),
            &format!("Date d'échéance ({label})"),
            r.due_on,
        ));
    }
    form(target, action, legend, fields, new)
}

fn targets_form(c: &AgreementContent, action: &str) -> EditForm {
    let key = Part::Targets.key();
    let mut fields = Vec::new();
    let empty = Objective::default();
    for (k, t) in c.targets.iter().chain([&empty]).enumerate() {
        let label = if k == c.targets.len() {
            "Nouvel objectif".to_owned()
        } else {
            format!("Objectif {}", k + 1)
        };
        let value = if k == c.targets.len() {
            String::new()
        } else {
            t.value.to_string()
        };
        // The indicators Passerelle computes are suggested: a target naming one (by label or code) is followed
        // on the agreement's page; any other wording stays a target written by hand.
        let mut indicator = hint(
            text(
                &key,
                &format!("target_{k}"),
                &format!("Indicateur ({label})"),
                &t.indicator,
            ),
            "un indicateur de la liste est suivi automatiquement ; vider l'indicateur et la valeur retire l'objectif",
        );
        indicator.suggestions = DEFINITIONS.iter().map(|d| d.code.label().to_owned()).collect();
        fields.push(indicator);
        fields.push(hint(
            text(&key, &format!("period_{k}"), &format!("Période ({label})"), &t.period),
            "par exemple : 2027",
        ));
        fields.push(text(
            &key,
            &format!("value_{k}"),
            &format!("Valeur cible ({label})"),
            &value,
        ));
        fields.push(hint(
            text(&key, &format!("unit_{k}"), &format!("Unité ({label})"), &t.unit),
            "par exemple : sorties en emploi",
        ));
    }
    let mut f = form(Part::Targets, action, "Objectifs chiffrés".into(), fields, false);
    f.remove = None;
    f
}

fn not_applicable_form(
    c: &AgreementContent,
    kind: AgreementKind,
    action: &str,
    checklist: &[ChecklistItem],
) -> EditForm {
    let key = Part::NotApplicable.key();
    let fields = checklist
        .iter()
        .filter(|i| passerelle_domain::agreements::checklist::waivable(kind, i.code))
        .map(|i| {
            let reason = c
                .not_applicable
                .iter()
                .find(|n| n.item == i.code)
                .map(|n| n.reason.as_str())
                .unwrap_or("");
            hint(
                text(&key, &format!("reason_{}", i.code), i.label, reason),
                &format!(
                    "motif si l'élément est sans objet ; vide s'il s'applique ({})",
                    i.source
                ),
            )
        })
        .collect();
    let mut f = form(
        Part::NotApplicable,
        action,
        "Éléments déclarés sans objet".into(),
        fields,
        false,
    );
    f.remove = None;
    f
}

/// The drafting forms of the agreement, by section, the failed one showing its error.
pub fn sections(
    c: &AgreementContent,
    kind: AgreementKind,
    action: &str,
    choices: &Choices,
    error: Option<&EditError>,
) -> Vec<Section> {
    let mut axes = Vec::new();
    for (a, axis) in c.axes.iter().enumerate() {
        axes.push(axis_form(Part::Axis(a), action, axis.title.clone(), axis, false));
        for (s, sheet) in axis.sheets.iter().enumerate() {
            axes.push(sheet_form(
                c,
                kind,
                Part::Sheet(a, s),
                action,
                sheet.title.clone(),
                sheet,
                false,
            ));
        }
        axes.push(sheet_form(
            c,
            kind,
            Part::Sheet(a, axis.sheets.len()),
            action,
            format!("Ajouter une fiche action à « {} »", axis.title),
            &ActionSheet::default(),
            true,
        ));
    }
    axes.push(axis_form(
        Part::Axis(c.axes.len()),
        action,
        "Ajouter un axe".into(),
        &Axis::default(),
        true,
    ));
    let mut correspondents: Vec<EditForm> = c
        .correspondents
        .iter()
        .enumerate()
        .map(|(i, k)| correspondent_form(c, choices.contacts, Part::Correspondent(i), action, k, false))
        .collect();
    let new = Correspondent {
        party: c.parties.first().map(|p| p.organisation_id).unwrap_or_default(),
        ..Default::default()
    };
    correspondents.push(correspondent_form(
        c,
        choices.contacts,
        Part::Correspondent(c.correspondents.len()),
        action,
        &new,
        true,
    ));
    let mut annexes: Vec<EditForm> = c
        .annexes
        .iter()
        .enumerate()
        .map(|(i, a)| annex_form(Part::Annex(i), action, a.title.clone(), a, false))
        .collect();
    annexes.push(annex_form(
        Part::Annex(c.annexes.len()),
        action,
        "Ajouter une annexe".into(),
        &Annex::default(),
        true,
    ));
    let presets = kind.legal_reference_presets();
    let mut preset_form = form(
        Part::Presets,
        action,
        "Visas proposés pour ce type de convention".into(),
        Vec::new(),
        false,
    );
    preset_form.save = "Ajouter les visas proposés qui manquent";
    preset_form.remove = None;
    let mut out = vec![
        Section {
            anchor: "redaction-parties",
            title: "Parties et représentants",
            intro: "Chaque partie est nommée avec la personne qui signe pour elle et sa qualité.".into(),
            forms: party_forms(c, action, choices),
        },
        Section {
            anchor: "redaction-visas",
            title: "Visas proposés",
            intro: if presets.is_empty() {
                "Aucun visa n'est proposé pour ce type de convention ; écrivez-les dans le champ « Visas » ci-dessus."
                    .into()
            } else {
                format!("Proposés : {}.", presets.join(" ; "))
            },
            forms: if presets.is_empty() {
                Vec::new()
            } else {
                vec![preset_form]
            },
        },
        Section {
            anchor: "redaction-axes",
            title: "Axes et fiches action",
            intro:
                "Chaque fiche action porte ses objectifs, sa mise en œuvre, les engagements de chaque partie et ses \
                    indicateurs avec le fournisseur de leurs données."
                    .into(),
            forms: axes,
        },
        Section {
            anchor: "redaction-correspondants",
            title: "Correspondants et suppléants",
            intro: "Choisissez les personnes parmi les contacts de l'annuaire de chaque partie.".into(),
            forms: correspondents,
        },
        Section {
            anchor: "redaction-annexes",
            title: "Annexes",
            intro: "Feuille de route datée, grille d'éligibilité, procédures ; le tableau des indicateurs est annexé \
                    d'office à partir des fiches action."
                .into(),
            forms: annexes,
        },
        Section {
            anchor: "redaction-objectifs",
            title: "Objectifs chiffrés",
            intro: "Indicateur, période et valeur cible (Questions incontournables ESAT – SPE question 12).".into(),
            forms: vec![targets_form(c, action)],
        },
        Section {
            anchor: "redaction-sans-objet",
            title: "Éléments sans objet",
            intro:
                "Un élément de la liste de contrôle qui ne s'applique pas à cette convention est déclaré sans objet, \
                    avec son motif."
                    .into(),
            forms: vec![not_applicable_form(c, kind, action, choices.checklist)],
        },
    ];
    if let Some(e) = error {
        for s in &mut out {
            place_error(&mut s.forms, e);
        }
    }
    out
}

/// The form's anchor that fills a checklist item.
pub fn anchor_of(item: &str) -> String {
    match item {
        "parties_represented" => "redaction-parties".into(),
        "axes"
        | "sheets_complete"
        | "reciprocity"
        | "indicators"
        | "indicator_providers"
        | "mutual_knowledge"
        | "thematic_axes"
        | "worker_situations" => "redaction-axes".into(),
        "correspondents" | "substitutes" => "redaction-correspondants".into(),
        "roadmap" => "redaction-annexes".into(),
        "targets" => "redaction-objectifs".into(),
        "parent" => "redaction-sans-objet".into(),
        "steering" => "texts-steering-committee".into(),
        "duration" => "texts-starts-on".into(),
        "annual_review" => "texts-review".into(),
        "notice" => "texts-notice-months".into(),
        "lapse" => "texts-lapse-conditions".into(),
        "target_public" => "texts-target-public".into(),
        other => format!("texts-{}", other.replace('_', "-")),
    }
}

/// The texts of a convention (a draft, or the next version for an avenant), as one form.
pub fn texts_form(key: &str, action: &str, c: &AgreementContent, avenant: bool) -> EditForm {
    let k = key;
    let mut fields = Vec::new();
    if avenant {
        fields.push(text(k, "reason", "Objet de l'avenant", ""));
        fields.push(hint(
            text(k, "on", "Date de signature", ""),
            "AAAA-MM-JJ ; aujourd'hui si vide",
        ));
    }
    fields.extend([
        text(k, "title", "Titre", &c.title),
        lines(k, "legal_references", "Visas « Vu … »", &c.legal_references),
        area(k, "preamble", "Préambule", &c.preamble),
        area(k, "object", "Objet", &c.object),
        hint(
            area(
                k,
                "territorial_approach",
                "Approche territoriale",
                &c.territorial_approach,
            ),
            "tête de réseau consultée, échelle départementale, autres structures contactées (Questions incontournables ESAT – SPE)",
        ),
        area(k, "target_public", "Public visé", &c.target_public),
        area(
            k,
            "entry_modalities",
            "Modalités d'entrée en parcours",
            &c.entry_modalities,
        ),
        area(k, "service_offers", "Offres de service mobilisées", &c.service_offers),
        area(k, "tracking_tools", "Outils de suivi individuel", &c.tracking_tools),
        area(k, "exit_anticipation", "Anticipation des sorties", &c.exit_anticipation),
        area(k, "deployment", "Modalités de déploiement", &c.deployment),
        text(k, "steering_committee", "Instance de pilotage", &c.steering.committee),
        hint(
            text(k, "steering_frequency", "Fréquence du pilotage", &c.steering.frequency),
            "par exemple : au moins deux fois par an",
        ),
        area(
            k,
            "steering_composition",
            "Composition du pilotage",
            &c.steering.composition,
        ),
        area(
            k,
            "steering_organisation",
            "Organisation du pilotage",
            &c.steering.organisation,
        ),
        area(k, "communication", "Communication", &c.communication),
        date_field(k, "starts_on", "Début", c.duration.starts_on),
        date_field(k, "ends_on", "Fin", c.duration.ends_on),
        area(k, "review", "Examen annuel", &c.duration.review),
        area(k, "renewal", "Reconduction", &c.duration.renewal),
        area(k, "amendment", "Modification par avenant", &c.amendment),
        hint(
            text(
                k,
                "notice_months",
                "Préavis de dénonciation (mois)",
                &c.notice_months.to_string(),
            ),
            "de 0 à 24",
        ),
        lines(k, "lapse_conditions", "Conditions de caducité", &c.lapse_conditions),
    ]);
    EditForm {
        key: key.to_owned(),
        legend: if avenant {
            "Contenu de la nouvelle version".into()
        } else {
            "Textes de la convention".into()
        },
        action: action.to_owned(),
        hidden: Vec::new(),
        fields,
        save: if avenant {
            "Signer l'avenant"
        } else {
            "Enregistrer le brouillon"
        },
        remove: None,
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use passerelle_domain::agreements::examples::local_cooperation;

    /// A CCL of seed 001 between an agency and an ACI, each with a correspondent.
    fn ccl() -> AgreementContent {
        let party = |n: u128, name: &str| Party {
            organisation_id: Uuid::from_u128(n),
            name: name.into(),
            representative: "Représentant".into(),
            capacity: "Directeur".into(),
            ..Default::default()
        };
        let correspondent = |n: u128, name: &str| Correspondent {
            party: Uuid::from_u128(n),
            name: name.into(),
            ..Default::default()
        };
        local_cooperation(
            vec![party(1, "Agence"), party(2, "ACI")],
            vec![correspondent(1, "Sophie Bernard"), correspondent(2, "Thomas Girard")],
        )
    }

    fn posted(pairs: &[(&str, &str)]) -> Posted {
        Posted(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn a_sheet_is_added_with_commitments_and_indicators() {
        let mut c = ccl();
        let before = c.axes[0].sheets.len();
        let p = posted(&[
            ("title", "Fiche nouvelle"),
            ("objectives", "Un\n\nDeux"),
            ("commitments_1", "S'engager"),
            ("indicator_0", "Sorties"),
            ("provider_0", "France Travail"),
            ("indicator_1", ""),
            ("provider_1", ""),
        ]);
        apply(
            &mut c,
            AgreementKind::LocalCooperation,
            Part::Sheet(0, before),
            &p,
            None,
        )
        .unwrap();
        let sheet = &c.axes[0].sheets[before];
        assert_eq!(sheet.commitments.len(), 1);
        assert_eq!(sheet.commitments[0].party, c.parties[1].organisation_id);
        assert_eq!(sheet.indicators.len(), 1);
        // Past the end plus one: the page was stale.
        let err = apply(
            &mut c,
            AgreementKind::LocalCooperation,
            Part::Sheet(0, before + 5),
            &p,
            None,
        )
        .unwrap_err();
        assert_eq!(err.code, "form_stale");
    }

    #[test]
    fn bad_rows_name_their_field() {
        let mut c = ccl();
        let cases = [
            (
                Part::Targets,
                vec![("target_0", "Sorties"), ("value_0", "douze")],
                "value_0",
            ),
            (Part::Targets, vec![("target_0", ""), ("value_0", "12")], "target_0"),
            (
                Part::Annex(0),
                vec![
                    ("title", "Feuille de route"),
                    ("action_0", "Réunion"),
                    ("due_on_0", "31/03/2027"),
                ],
                "due_on_0",
            ),
            (Part::Correspondent(0), vec![("party", "pas-un-id")], "party"),
            (Part::Party(c.parties.len()), vec![], "organisation_id"),
        ];
        for (target, pairs, field) in cases {
            let err = apply(&mut c, AgreementKind::LocalCooperation, target, &posted(&pairs), None).unwrap_err();
            assert_eq!(err.field.as_deref(), Some(field), "{target:?}");
        }
    }

    #[test]
    fn removing_a_party_takes_its_commitments_and_correspondents() {
        let mut c = ccl();
        let gone = c.parties[1].organisation_id;
        apply(
            &mut c,
            AgreementKind::LocalCooperation,
            Part::Party(1),
            &posted(&[("op", "remove")]),
            None,
        )
        .unwrap();
        assert!(c.correspondents.iter().all(|k| k.party != gone));
        assert!(c.sheets().all(|(_, s)| s.commitments.iter().all(|k| k.party != gone)));
        assert!(c.clone().validate().is_ok());
    }

    #[test]
    fn errors_land_next_to_their_field() {
        let c = ccl();
        let choices = Choices {
            organisations: &[],
            contacts: &[],
            checklist: &[],
        };
        let error = EditError {
            key: Part::Axis(0).key(),
            field: Some("titre de l'axe".into()),
            message: "Le titre est obligatoire.".into(),
            typed: vec![("title".into(), " ".into())],
        };
        let sections = sections(&c, AgreementKind::LocalCooperation, "/x", &choices, Some(&error));
        let axis = sections
            .iter()
            .flat_map(|s| &s.forms)
            .find(|f| f.key == "axe-0")
            .unwrap();
        assert_eq!(
            axis.fields.iter().find(|f| f.name == "title").unwrap().error.as_deref(),
            Some("Le titre est obligatoire.")
        );
        assert_eq!(anchor_of("substitutes"), "redaction-correspondants");
        assert_eq!(anchor_of("object"), "texts-object");
    }
}
