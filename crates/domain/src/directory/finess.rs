//! FINESS numbers: the identifier of a social or medico-social establishment in the Fichier national des
//! établissements sanitaires et sociaux. ESAT (CASF L312-1, I, 5° a)), SAVS and SAMSAH (I, 7°) and the services
//! that run supported employment (CASF L312-1, I, 7° or 12°, and L5213-2-1 of the Code du travail) are
//! establishments of that file; data·inclusion takes ESAT in from it.
//!
//! The number has nine characters: the two characters of the department (`2A`, `2B` for Corsica, `97` overseas),
//! then seven digits, the last of which is a check key. No official text that we found gives the key's rule, so
//! only the format is checked (`docs/data-inclusion.md`).

use super::OrganisationKind;
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A FINESS number whose format is valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Finess(String);

impl Finess {
    /// Parses a FINESS number, ignoring spaces (the FINESS site prints `21 000 123 4`) and the case of `2a`/`2b`.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.len() == 9 && department_part(&compact[..2]) && compact[2..].bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(compact))
        } else {
            Err(Invalid::new(
                "finess_invalid",
                format!(
                    "Le numéro FINESS « {} » doit comporter 9 caractères : le département (2 chiffres, 2A ou 2B) puis \
                     7 chiffres, par exemple 21 000 123 4.",
                    raw.trim()
                ),
            )
            .on("finess"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks that an organisation of `kind` can have a FINESS number: only establishments of the file can.
    pub fn check_kind(&self, kind: OrganisationKind) -> Result<(), Invalid> {
        if holds_finess(kind) {
            Ok(())
        } else {
            Err(Invalid::new(
                "finess_invalid",
                format!(
                    "Un numéro FINESS identifie un établissement médico-social (ESAT, service d'emploi accompagné, SAVS, \
                     SAMSAH) ; une structure de type « {} » n'en a pas. Laissez le champ vide.",
                    kind.label()
                ),
            )
            .on("finess"))
        }
    }
}

/// Kinds that are establishments of the FINESS file (CASF L312-1, I, 5° a) and 7°).
pub fn holds_finess(kind: OrganisationKind) -> bool {
    use OrganisationKind as K;
    matches!(kind, K::Esat | K::SupportedEmployment | K::Savs | K::Samsah)
}

/// A department's two characters: 01 to 95 (20 has been 2A and 2B since 1976), 2A, 2B, or 97 overseas.
fn department_part(two: &str) -> bool {
    match two {
        "2A" | "2B" | "97" => true,
        _ => {
            two.bytes().all(|b| b.is_ascii_digit()) && two.parse::<u8>().is_ok_and(|n| (1..=95).contains(&n) && n != 20)
        }
    }
}

impl TryFrom<String> for Finess {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Finess> for String {
    fn from(f: Finess) -> Self {
        f.0
    }
}

impl fmt::Display for Finess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::dijon("210012345", Some("210012345"))]
    #[case::as_printed_by_finess("21 001 234 5", Some("210012345"))]
    #[case::corse_du_sud_lower_case("2a0001234", Some("2A0001234"))]
    #[case::haute_corse("2B0001234", Some("2B0001234"))]
    #[case::reunion("970421038", Some("970421038"))]
    #[case::eight_characters("21001234", None)]
    #[case::ten_characters("2100123456", None)]
    #[case::department_00("000012345", None)]
    #[case::department_20_since_1976("200012345", None)]
    #[case::department_99("990012345", None)]
    #[case::corsica_2c("2C0001234", None)]
    #[case::letter_in_the_number("21001234X", None)]
    #[case::siren_like_sign("+21001234", None)]
    fn format(#[case] raw: &str, #[case] parsed: Option<&str>) {
        let result = Finess::parse(raw);
        assert_eq!(result.as_ref().ok().map(Finess::as_str), parsed, "{raw}");
        if let Err(e) = result {
            assert_eq!((e.code, e.field.as_deref()), ("finess_invalid", Some("finess")));
            assert!(e.message.contains("9 caractères"), "{}", e.message);
        }
    }

    #[rstest]
    #[case::esat(OrganisationKind::Esat, true)]
    #[case::supported_employment(OrganisationKind::SupportedEmployment, true)]
    #[case::savs(OrganisationKind::Savs, true)]
    #[case::samsah(OrganisationKind::Samsah, true)]
    #[case::adapted_company_is_no_establishment(OrganisationKind::AdaptedCompany, false)]
    #[case::aci(OrganisationKind::Aci, false)]
    fn kinds(#[case] kind: OrganisationKind, #[case] holds: bool) {
        let finess = Finess::parse("210012345").unwrap();
        assert_eq!(finess.check_kind(kind).is_ok(), holds);
    }
}
