//! A person's record as its history shows it: which fields a change touched, named and written in French.
//!
//! The journal keeps each change as the record's state before and after (JSON); this module reads two such
//! states and says what differs, so that the wording of the history lives here once.

use serde::Serialize;
use serde_json::Value;
use time::Date;
use time::macros::format_description;

/// The record's fields a person reads in its history, in the edit form's order, with their French names and the
/// words for an empty value (agreed with the name).
pub const FIELDS: [(&str, &str, &str); 10] = [
    ("first_name", "Prénom", "non renseigné"),
    ("last_name", "Nom", "non renseigné"),
    ("birth_date", "Date de naissance", "non renseignée"),
    ("email", "Courriel", "non renseigné"),
    ("phone", "Téléphone", "non renseigné"),
    ("address_line", "Adresse", "non renseignée"),
    ("postal_code", "Code postal", "non renseigné"),
    ("commune", "Commune", "non renseignée"),
    ("consent_data_sharing", "Partage des données", "non renseigné"),
    ("consent_date", "Date du consentement", "non renseignée"),
];

/// One field a change touched, its values as a person reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// The field's French name (« Date de naissance »).
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// The fields whose value differs between two states of the record, in the form's order. A state the journal
/// does not hold (`Null`) reads as every field empty.
pub fn changed_fields(before: &Value, after: &Value) -> Vec<FieldChange> {
    FIELDS
        .iter()
        .filter_map(|(key, label, empty)| {
            let (b, a) = (&before[key], &after[key]);
            (b != a).then(|| FieldChange {
                field: label,
                before: shown(key, b, empty),
                after: shown(key, a, empty),
            })
        })
        .collect()
}

/// A value as the history writes it: dates in French (« 12 mars 1994 »), the consent in words, `empty` for
/// nothing.
fn shown(key: &str, value: &Value, empty: &str) -> String {
    match value {
        Value::Null => empty.to_owned(),
        Value::Bool(true) => "consenti".to_owned(),
        Value::Bool(false) => "non consenti".to_owned(),
        Value::String(s) if key.ends_with("date") => {
            Date::parse(s, format_description!("[year]-[month]-[day]")).map_or_else(|_| s.clone(), crate::french::date)
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_what_changed_in_french() {
        let before = json!({"first_name": "Camille", "birth_date": "1994-03-12", "email": null, "commune": "Dijon",
            "consent_data_sharing": false, "followers": []});
        let after = json!({"first_name": "Camille", "birth_date": "1994-03-01", "email": "c@exemple.fr",
            "consent_data_sharing": true, "followers": [{"organisation_name": "ACI"}]});
        assert_eq!(
            changed_fields(&before, &after),
            vec![
                FieldChange {
                    field: "Date de naissance",
                    before: "12 mars 1994".into(),
                    after: "1er mars 1994".into()
                },
                FieldChange {
                    field: "Courriel",
                    before: "non renseigné".into(),
                    after: "c@exemple.fr".into()
                },
                FieldChange {
                    field: "Commune",
                    before: "Dijon".into(),
                    after: "non renseignée".into()
                },
                FieldChange {
                    field: "Partage des données",
                    before: "non consenti".into(),
                    after: "consenti".into()
                },
            ]
        );
    }

    #[test]
    fn a_creation_shows_every_field_given() {
        let after = json!({"first_name": "Rose", "last_name": "Petit", "commune": "Dijon"});
        let fields: Vec<&str> = changed_fields(&Value::Null, &after).iter().map(|c| c.field).collect();
        assert_eq!(fields, ["Prénom", "Nom", "Commune"]);
    }
}
