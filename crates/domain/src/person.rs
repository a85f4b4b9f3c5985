//! A person followed by organisations: identity, contact and consent to data sharing.

pub mod changes;

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
                format!(
                    "La date de naissance du {} n'est pas plausible : indiquez une date passée, après 1900.",
                    crate::french::date(birth)
                ),
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
                    format!(
                        "La date de consentement du {} est dans le futur : indiquez le jour où la personne a donné son accord.",
                        crate::french::date(d)
                    ),
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

/// The name and birth date by which two records may be the same person.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub birth_date: Option<Date>,
}

impl Identity<'_> {
    /// Whether `other` may be the same person, so that creating `self` should first ask whether it is not
    /// `other`: the same birth date and the same names once accents, case, hyphens, apostrophes and spaces are
    /// folded, first and last names possibly swapped (a frequent entry mistake). Without a birth date on both
    /// sides nothing is said: a name alone matches too many people to warn about.
    pub fn may_be(&self, other: &Identity) -> bool {
        let (Some(mine), Some(theirs)) = (self.birth_date, other.birth_date) else {
            return false;
        };
        let (first, last) = (words(self.first_name), words(self.last_name));
        let (other_first, other_last) = (words(other.first_name), words(other.last_name));
        mine == theirs && ((first == other_first && last == other_last) || (first == other_last && last == other_first))
    }
}

/// Why a creation waits for a confirmation: `count` persons the caller follows, born on `birth_date`, may be the
/// one being created.
pub fn possible_duplicate(birth_date: Date, count: usize) -> Invalid {
    let message = if count == 1 {
        format!(
            "Une personne du même nom, née le {}, est déjà suivie par votre structure : ouvrez sa fiche, ou confirmez qu'il s'agit d'une autre personne.",
            crate::french::date(birth_date)
        )
    } else {
        format!(
            "{count} personnes du même nom, nées le {}, sont déjà suivies par votre structure : ouvrez leur fiche, ou confirmez qu'il s'agit d'une autre personne.",
            crate::french::date(birth_date)
        )
    };
    Invalid::new("person_possible_duplicate", message)
}

/// A name's folded words, joined by one space: « Jean-Marie » and « jean marie » read the same.
fn words(name: &str) -> String {
    text::fold(name).split_whitespace().collect::<Vec<_>>().join(" ")
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

    #[test]
    fn identities_that_may_be_the_same_person() {
        let camille = |first, last, birth| Identity {
            first_name: first,
            last_name: last,
            birth_date: birth,
        };
        let born = Some(date!(1990 - 05 - 04));
        let me = camille("Camille", "Martin", born);
        let cases: &[(&str, &str, Option<Date>, bool)] = &[
            ("Camille", "Martin", born, true),
            ("CAMILLE", "martin", born, true),
            ("Camillé", " Martin ", born, true),
            ("Martin", "Camille", born, true),
            ("Camille", "Martin", Some(date!(1990 - 05 - 05)), false),
            ("Camille", "Martine", born, false),
            ("Camille", "Martin", None, false),
        ];
        for (first, last, birth, same) in cases {
            assert_eq!(
                me.may_be(&camille(first, last, *birth)),
                *same,
                "{first} {last} {birth:?}"
            );
        }
        let hyphen = camille("Jean-Marie", "N'Diaye", born);
        assert!(hyphen.may_be(&camille("jean marie", "n diaye", born)));
        assert!(!camille("Camille", "Martin", None).may_be(&camille("Camille", "Martin", None)));
    }
}
