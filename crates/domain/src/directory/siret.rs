//! SIRET numbers: 14 digits, Luhn checksum, with La Poste's exception.

use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated SIRET.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

/// La Poste's SIREN: its establishments are too many for the Luhn key, so INSEE checks that the sum of
/// the SIRET's digits is a multiple of 5 instead (except the head office, 356 000 000 00048, which passes Luhn).
const LA_POSTE_SIREN: &str = "356000000";

impl Siret {
    /// Parses a SIRET, ignoring spaces.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::new(
                "siret_invalid",
                format!("Le SIRET « {} » doit comporter 14 chiffres.", raw.trim()),
            )
            .on("siret"));
        }
        let valid = if digits.starts_with(LA_POSTE_SIREN) {
            luhn(&digits) || digit_sum(&digits).is_multiple_of(5)
        } else {
            luhn(&digits)
        };
        if !valid {
            return Err(Invalid::new(
                "siret_invalid",
                format!("Le SIRET « {digits} » n'est pas valide : sa clé de contrôle est fausse."),
            )
            .on("siret"));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first nine digits: the company (SIREN).
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|b| u32::from(b - b'0')).sum()
}

/// Luhn: double every second digit from the right, subtract 9 when over 9; the total is a multiple of 10.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Completes 13 digits with the Luhn key digit; used to build demo data.
pub fn with_luhn_key(first13: &str) -> Option<Siret> {
    (0..10)
        .map(|k| format!("{first13}{k}"))
        .find_map(|s| Siret::parse(&s).ok())
}

impl TryFrom<String> for Siret {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Siret> for String {
    fn from(s: Siret) -> Self {
        s.0
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Public SIRETs from the SIRENE register.
    #[test]
    fn real_sirets() {
        // France Travail, head office (SIREN 130 005 481)
        assert!(Siret::parse("13000548100010").is_ok());
        // La Poste head office passes Luhn.
        assert!(Siret::parse("35600000000048").is_ok());
        // A La Poste establishment: fails Luhn, digit sum multiple of 5 (INSEE rule).
        assert!(!luhn("35600000049837"));
        assert!(Siret::parse("35600000049837").is_ok());
        assert!(Siret::parse("356 000 000 49837").is_ok(), "spaces are ignored");
    }

    #[test]
    fn bad_sirets() {
        for bad in ["", "1234", "1300054810001X", "13000548100011", "130005481000100"] {
            assert_eq!(Siret::parse(bad).unwrap_err().code, "siret_invalid", "{bad}");
        }
        // Not La Poste: a digit sum multiple of 5 does not save a wrong Luhn key.
        assert!(!luhn("35700000049836") && digit_sum("35700000049836").is_multiple_of(5));
        assert!(Siret::parse("35700000049836").is_err());
    }

    #[test]
    fn key_completion() {
        let s = with_luhn_key("1234567890001").unwrap();
        assert!(luhn(s.as_str()));
        assert_eq!(s.siren(), "123456789");
    }
}
