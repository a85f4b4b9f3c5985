//! A posted drafting form read into the agreement's structure: which part it edits, its rows, and the
//! refusals naming the field they concern.

use super::code_of;
use crate::error::ApiError;
use crate::pages::kit::form_date;
use axum::http::StatusCode;
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::agreements::content::{
    ActionSheet, AgreementContent, Annex, Axis, AxisTheme, Commitment, Correspondent, Indicator, NotApplicable, Party,
    RoadmapAction, Target as Objective, WorkerSituation,
};
use passerelle_store::directory::Organisation;
use uuid::Uuid;
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

    pub(super) fn hidden(self) -> Vec<(&'static str, String)> {
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
pub(super) fn save_or_remove<T: Default + Clone>(
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
pub(super) fn rows<T>(
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

pub(super) fn named(k: usize, column: &str, value: &str, message: &str) -> Result<String, ApiError> {
    if value.trim().is_empty() {
        return Err(
            ApiError::from(passerelle_domain::invalid::Invalid::new("field_required", message))
                .on(format!("{column}_{k}")),
        );
    }
    Ok(value.to_owned())
}

pub(super) fn parse_party(c: &AgreementContent, value: &str) -> Result<Uuid, ApiError> {
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

pub(super) fn optional_id(value: &str) -> Option<Uuid> {
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
