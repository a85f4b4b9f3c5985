//! The form of each part of the structure, filled from the content.

use super::{Choice, EditForm, Field, Group, Kind, Part, area, code_of, date_field, field, hint, lines, text};
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::agreements::checklist::ChecklistItem;
use passerelle_domain::agreements::content::{
    ActionSheet, AgreementContent, Annex, Axis, AxisTheme, Correspondent, Indicator, RoadmapAction,
    Target as Objective, WorkerSituation,
};
use passerelle_domain::indicators::DEFINITIONS;
use passerelle_store::directory::{Contact, Organisation};
use uuid::Uuid;
pub(super) fn form(target: Part, action: &str, legend: String, fields: Vec<Field>, new: bool) -> EditForm {
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

pub(super) fn party_forms(c: &AgreementContent, action: &str, choices: &Choices) -> Vec<EditForm> {
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

pub(super) fn theme_select(theme: Option<AxisTheme>) -> Kind {
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

pub(super) fn axis_form(target: Part, action: &str, legend: String, axis: &Axis, new: bool) -> EditForm {
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

pub(super) fn sheet_form(
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

pub(super) fn contact_select(c: &AgreementContent, contacts: &[Vec<Contact>], chosen: Option<Uuid>) -> Kind {
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

pub(super) fn correspondent_form(
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

pub(super) fn annex_form(target: Part, action: &str, legend: String, a: &Annex, new: bool) -> EditForm {
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

pub(super) fn targets_form(c: &AgreementContent, action: &str) -> EditForm {
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

pub(super) fn not_applicable_form(
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
