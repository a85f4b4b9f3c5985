//! A person followed by organisations: identity, contact and consent to data sharing.

use crate::invalid::Invalid;
use crate::text;
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonInput {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<Date>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune: Option<String>,
    /// Consent to sharing the record with other organisations of the pathway.
    pub consent_data_sharing: bool,
    pub consent_date: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonFields {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<Date>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune: Option<String>,
    pub consent_data_sharing: bool,
    pub consent_date: Option<Date>,
}

impl PersonInput {
    /// Validates against `today`: a birth date in the past after 1900, a consent dated when given.
    pub fn validate(&self, today: Date) -> Result<PersonFields, Invalid> {
        if let Some(birth) = self.birth_date
            && (birth > today || birth.year() < 1900)
        {
            return Err(Invalid::new(
                "birth_date_invalid",
                format!("La date de naissance {birth} n'est pas plausible."),
            )
            .on("birth_date"));
        }
        let consent_date = match (self.consent_data_sharing, self.consent_date) {
            (true, None) => {
                return Err(Invalid::new(
                    "consent_date_required",
                    "Indiquez la date à laquelle la personne a donné son accord au partage de ses données.",
                )
                .on("consent_date"));
            }
            (true, Some(d)) if d > today => {
                return Err(Invalid::new(
                    "consent_date_invalid",
                    format!("La date de consentement {d} est dans le futur."),
                )
                .on("consent_date"));
            }
            (true, Some(d)) => Some(d),
            (false, _) => None,
        };
        let postal_code = self
            .postal_code
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| crate::directory::department_of_postal_code(p).map(|_| p.to_owned()));
        Ok(PersonFields {
            first_name: text::required("prénom", &self.first_name, 100).map_err(|e| e.on("first_name"))?,
            last_name: text::required("nom", &self.last_name, 100).map_err(|e| e.on("last_name"))?,
            birth_date: self.birth_date,
            email: text::optional_email("email", self.email.as_deref())?,
            phone: text::optional_phone("phone", self.phone.as_deref())?,
            address_line: text::optional("adresse", self.address_line.as_deref(), 300)
                .map_err(|e| e.on("address_line"))?,
            postal_code: postal_code.transpose()?,
            commune: text::optional("commune", self.commune.as_deref(), 200).map_err(|e| e.on("commune"))?,
            consent_data_sharing: self.consent_data_sharing,
            consent_date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn input() -> PersonInput {
        PersonInput {
            first_name: "Camille".into(),
            last_name: "Martin".into(),
            birth_date: Some(date!(1990 - 05 - 04)),
            consent_data_sharing: true,
            consent_date: Some(date!(2026 - 11 - 01)),
            ..Default::default()
        }
    }

    #[test]
    fn valid_person() {
        assert_eq!(
            input().validate(TODAY).unwrap().consent_date,
            Some(date!(2026 - 11 - 01))
        );
    }

    #[test]
    fn invalid_persons() {
        type Case = (fn(&mut PersonInput), &'static str);
        let cases: &[Case] = &[
            (|p| p.birth_date = Some(date!(2027 - 01 - 01)), "birth_date_invalid"),
            (|p| p.birth_date = Some(date!(1899 - 12 - 31)), "birth_date_invalid"),
            (|p| p.consent_date = None, "consent_date_required"),
            (|p| p.consent_date = Some(date!(2026 - 11 - 24)), "consent_date_invalid"),
            (|p| p.last_name = "".into(), "field_required"),
            (|p| p.postal_code = Some("ABCDE".into()), "postal_code_invalid"),
        ];
        for (change, code) in cases {
            let mut p = input();
            change(&mut p);
            assert_eq!(p.validate(TODAY).unwrap_err().code, *code);
        }
    }
}
