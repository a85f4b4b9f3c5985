//! The directory: organisations, their contacts and roles, prescriber authorisations.

pub mod data_inclusion;
pub mod department;
pub mod finess;
pub mod kind;
pub mod siret;

pub use department::{DEPARTMENTS, Department, REGIONS, Region, department, department_of_postal_code};
pub use finess::Finess;
pub use kind::{NoNames, OrganisationKind};
pub use siret::Siret;

use crate::invalid::Invalid;
use crate::text;
use serde::{Deserialize, Serialize};
use time::Date;

/// Longest name, commune or label accepted anywhere in the directory.
pub const MAX_NAME: usize = 200;
const MAX_ADDRESS: usize = 300;
const MAX_DESCRIPTION: usize = 5000;

/// An organisation's fields, validated. Links to other records (parent) are checked by the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrganisationFields {
    pub name: String,
    pub kind: OrganisationKind,
    pub siret: Option<Siret>,
    /// FINESS number, for the kinds that are establishments of that file ([`finess::holds_finess`]).
    pub finess: Option<Finess>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune: String,
    /// INSEE code of the commune (5 characters, 2A/2B for Corsica).
    pub commune_code: Option<String>,
    pub department: &'static str,
    /// Departments covered beyond the organisation's own (a regional direction covers several).
    pub territories: Vec<&'static str>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

/// What a user or an import gives for an organisation, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrganisationInput {
    pub name: String,
    pub kind: String,
    pub siret: Option<String>,
    pub finess: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune: String,
    pub commune_code: Option<String>,
    pub department: String,
    pub territories: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

impl OrganisationInput {
    pub fn validate(&self) -> Result<OrganisationFields, Invalid> {
        let postal_code = match self.postal_code.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(pc) => {
                department_of_postal_code(pc)?;
                Some(pc.to_owned())
            }
            None => None,
        };
        let mut territories = Vec::new();
        for code in &self.territories {
            let d = department(code).map_err(|e| e.on("territories"))?.code;
            if !territories.contains(&d) {
                territories.push(d);
            }
        }
        let kind = OrganisationKind::parse(&self.kind)?;
        let finess = match self.finess.as_deref().filter(|f| !f.trim().is_empty()) {
            Some(raw) => {
                let finess = Finess::parse(raw)?;
                finess.check_kind(kind)?;
                Some(finess)
            }
            None => None,
        };
        Ok(OrganisationFields {
            name: text::required("nom", &self.name, MAX_NAME).map_err(|e| e.on("name"))?,
            kind,
            siret: self
                .siret
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(Siret::parse)
                .transpose()?,
            finess,
            address_line: text::optional("adresse", self.address_line.as_deref(), MAX_ADDRESS)
                .map_err(|e| e.on("address_line"))?,
            postal_code,
            commune: text::required("commune", &self.commune, MAX_NAME).map_err(|e| e.on("commune"))?,
            commune_code: self
                .commune_code
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(commune_code)
                .transpose()?,
            department: department(&self.department)?.code,
            territories,
            email: text::optional_email("email", self.email.as_deref())?,
            phone: text::optional_phone("phone", self.phone.as_deref())?,
            website: self
                .website
                .as_deref()
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(website)
                .transpose()?,
            description: text::optional("description", self.description.as_deref(), MAX_DESCRIPTION)
                .map_err(|e| e.on("description"))?,
        })
    }
}

fn commune_code(code: &str) -> Result<String, Invalid> {
    let upper = code.to_uppercase();
    let ok = upper.len() == 5
        && (upper[..2].chars().all(|c| c.is_ascii_digit()) || matches!(&upper[..2], "2A" | "2B"))
        && upper[2..].chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(upper)
    } else {
        Err(Invalid::new(
            "commune_code_invalid",
            format!("Le code commune INSEE « {code} » doit comporter 5 caractères (ex. 21231)."),
        )
        .on("commune_code"))
    }
}

fn website(url: &str) -> Result<String, Invalid> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 500
        && !url.contains(char::is_whitespace);
    if ok {
        Ok(url.to_owned())
    } else {
        Err(Invalid::new(
            "website_invalid",
            format!("L'adresse de site « {url} » doit commencer par https://."),
        )
        .on("website"))
    }
}

/// The role a contact holds for an organisation (Guide de la CCL Pôle emploi – SIAE: named correspondents with a degraded mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ContactRole {
    Director,
    SpeReferent,
    SiaeCorrespondent,
    InsertionOfficer,
    SupportedEmploymentCounsellor,
    ConventionCorrespondent,
    CommitteeSecretary,
    Other,
}

impl ContactRole {
    pub const ALL: &'static [ContactRole] = &[
        Self::Director,
        Self::SpeReferent,
        Self::SiaeCorrespondent,
        Self::InsertionOfficer,
        Self::SupportedEmploymentCounsellor,
        Self::ConventionCorrespondent,
        Self::CommitteeSecretary,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Director => "director",
            Self::SpeReferent => "spe_referent",
            Self::SiaeCorrespondent => "siae_correspondent",
            Self::InsertionOfficer => "insertion_officer",
            Self::SupportedEmploymentCounsellor => "supported_employment_counsellor",
            Self::ConventionCorrespondent => "convention_correspondent",
            Self::CommitteeSecretary => "committee_secretary",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Director => "Direction",
            Self::SpeReferent => "Référent du service public de l'emploi",
            Self::SiaeCorrespondent => "Correspondant de la SIAE",
            Self::InsertionOfficer => "Chargé d'insertion professionnelle",
            Self::SupportedEmploymentCounsellor => "Conseiller en emploi accompagné",
            Self::ConventionCorrespondent => "Correspondant de la convention",
            Self::CommitteeSecretary => "Secrétariat du comité",
            Self::Other => "Autre",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.code() == code.trim())
            .ok_or_else(|| {
                Invalid::new(
                    "contact_role_unknown",
                    format!("« {} » n'est pas un rôle connu.", code.trim()),
                )
                .on("role")
            })
    }
}

/// Who answers for a role today: the holder, or the substitute while the holder is absent
/// (Guide de la CCL Pôle emploi – SIAE, "mode dégradé").
pub fn acting_contact<T>(holder: T, substitute: Option<T>, holder_absent: bool) -> T {
    match (holder_absent, substitute) {
        (true, Some(s)) => s,
        (_, _) => holder,
    }
}

/// A contact's fields, validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactFields {
    pub first_name: String,
    pub last_name: String,
    pub function: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContactInput {
    pub first_name: String,
    pub last_name: String,
    pub function: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl ContactInput {
    pub fn validate(&self) -> Result<ContactFields, Invalid> {
        Ok(ContactFields {
            first_name: text::required("prénom", &self.first_name, MAX_NAME).map_err(|e| e.on("first_name"))?,
            last_name: text::required("nom", &self.last_name, MAX_NAME).map_err(|e| e.on("last_name"))?,
            function: text::optional("fonction", self.function.as_deref(), MAX_NAME).map_err(|e| e.on("function"))?,
            email: text::optional_email("email", self.email.as_deref())?,
            phone: text::optional_phone("phone", self.phone.as_deref())?,
        })
    }
}

/// Checks the dates of a prescriber authorisation: an end, when there is one, comes after the start.
pub fn authorisation_period(starts_on: Date, ends_on: Option<Date>) -> Result<(), Invalid> {
    match ends_on {
        Some(end) if end < starts_on => Err(Invalid::new(
            "period_invalid",
            format!("La fin de l'habilitation ({end}) précède son début ({starts_on})."),
        )
        .on("ends_on")),
        _ => Ok(()),
    }
}

/// Whether an authorisation is in force on a day (both bounds inclusive).
pub fn authorisation_in_force(starts_on: Date, ends_on: Option<Date>, day: Date) -> bool {
    starts_on <= day && ends_on.is_none_or(|end| day <= end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> OrganisationInput {
        OrganisationInput {
            name: "ACI Les Jardins".into(),
            kind: "aci".into(),
            siret: Some("130 005 481 00010".into()),
            postal_code: Some("21000".into()),
            commune: "Dijon".into(),
            department: "21".into(),
            territories: vec!["21".into(), "71".into(), "21".into()],
            ..Default::default()
        }
    }

    #[test]
    fn organisation_validation() {
        let org = input().validate().unwrap();
        assert_eq!(org.siret.unwrap().as_str(), "13000548100010");
        assert_eq!(org.territories, vec!["21", "71"]);
        type Case = (fn(&mut OrganisationInput), &'static str);
        let cases: &[Case] = &[
            (|i| i.name = " ".into(), "field_required"),
            (|i| i.name = "x".repeat(201), "field_too_long"),
            (|i| i.kind = "siae".into(), "organisation_kind_unknown"),
            (|i| i.siret = Some("13000548100011".into()), "siret_invalid"),
            (|i| i.department = "99".into(), "department_unknown"),
            (|i| i.territories = vec!["100".into()], "department_unknown"),
            (|i| i.postal_code = Some("2100".into()), "postal_code_invalid"),
            (|i| i.email = Some("nope".into()), "email_invalid"),
            (|i| i.website = Some("javascript:alert(1)".into()), "website_invalid"),
            (|i| i.commune_code = Some("2C001".into()), "commune_code_invalid"),
            (|i| i.finess = Some("21001234".into()), "finess_invalid"),
            // An ACI is not an establishment of the FINESS file, whatever the number.
            (|i| i.finess = Some("210012345".into()), "finess_invalid"),
        ];
        for (change, code) in cases {
            let mut i = input();
            change(&mut i);
            assert_eq!(i.validate().unwrap_err().code, *code);
        }
    }

    #[test]
    fn degraded_mode() {
        assert_eq!(acting_contact("titulaire", Some("suppléant"), true), "suppléant");
        assert_eq!(acting_contact("titulaire", Some("suppléant"), false), "titulaire");
        assert_eq!(acting_contact("titulaire", None, true), "titulaire");
    }

    #[test]
    fn authorisations() {
        assert!(authorisation_period(date!(2024 - 01 - 01), Some(date!(2023 - 12 - 31))).is_err());
        assert!(authorisation_in_force(
            date!(2024 - 01 - 01),
            Some(date!(2024 - 12 - 31)),
            date!(2024 - 12 - 31)
        ));
        assert!(!authorisation_in_force(
            date!(2024 - 01 - 01),
            Some(date!(2024 - 12 - 31)),
            date!(2025 - 01 - 01)
        ));
        assert!(authorisation_in_force(
            date!(2024 - 01 - 01),
            None,
            date!(2030 - 01 - 01)
        ));
    }
}
