//! The drafting forms of an agreement: one form per part of the structure (a party, an axis, an action
//! sheet with the commitments of each party and its indicators, a correspondent and their substitute, an
//! annex with its roadmap, the targets, the items declared not applicable), each saved on its own through
//! the same store method as the API (`update_draft`). Lists of rows (indicators, roadmap actions, targets)
//! always end with an empty row to fill: a row emptied is removed; no script is needed.
//!
//! The forms are built here as data ([`EditForm`], [`Field`]) and written by one template, so that an error
//! lands next to the field it concerns, with what was typed.
mod forms;
mod posted;
mod sections;

pub use forms::Choices;
pub use posted::{Part, Posted, apply};
pub use sections::{anchor_of, sections, steering_meeting_field, texts_form};

use serde::Serialize;
use time::Date;

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

pub(super) fn field(key: &str, name: &str, label: &str, value: impl Into<String>, kind: Kind) -> Field {
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

pub(super) fn hint(mut f: Field, hint: &str) -> Field {
    f.hint = hint.to_owned();
    f
}

pub(super) fn text(key: &str, name: &str, label: &str, value: &str) -> Field {
    field(key, name, label, value, Kind::Text)
}

pub(super) fn area(key: &str, name: &str, label: &str, value: &str) -> Field {
    field(key, name, label, value, Kind::Area(4))
}

pub(super) fn lines(key: &str, name: &str, label: &str, values: &[String]) -> Field {
    hint(
        field(key, name, label, values.join("\n"), Kind::Area(4)),
        "une ligne par élément",
    )
}

pub(super) fn date_field(key: &str, name: &str, label: &str, value: Option<Date>) -> Field {
    let typed = value.map(passerelle_domain::french::numeric_date).unwrap_or_default();
    hint(text(key, name, label, &typed), "JJ/MM/AAAA")
}

/// A serde code (`mutual_knowledge`) of a unit enum of the content.
pub(super) fn code_of<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Which input a validation message of the domain or the store concerns (they name fields in French or
/// by their place in the structure).
pub(super) fn input_for(field: &str) -> &str {
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

#[cfg(test)]
mod tests {
    use super::*;
    use passerelle_domain::agreements::AgreementKind;
    use passerelle_domain::agreements::content::{AgreementContent, Correspondent, Party};
    use passerelle_domain::agreements::examples::local_cooperation;
    use uuid::Uuid;

    /// A CCL of Guide de la CCL Pôle emploi – SIAE between an agency and an ACI, each with a correspondent.
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
                    ("due_on_0", "31/04/2027"),
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
