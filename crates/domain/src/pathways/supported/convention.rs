//! The individual support convention binds the person, the managing body (the scheme) and, once the person is
//! hired, the employer (D5213-88 ff.; RULES.md section 4). A convention signed before the person worked takes
//! its employer later: the employer joins it on the day it is named, never before the signature.

use super::D5213_88;
use crate::calendar::french_date;
use crate::dates::{Span, plausible};
use crate::invalid::Invalid;
use crate::text::{fold, required};
use serde::Deserialize;
use time::Date;

/// The employer joining a convention, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EmployerInput {
    pub employer: String,
    pub joined_on: Option<Date>,
}

/// The convention as the employer finds it.
#[derive(Debug, Clone, Copy)]
pub struct ConventionState<'a> {
    pub signed_on: Date,
    /// The employer already party to it, if any.
    pub employer: Option<&'a str>,
    pub exited_on: Option<Date>,
    pub today: Date,
}

/// A checked joining: the employer's name and the day it joins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joining {
    pub employer: String,
    pub joined_on: Date,
}

impl EmployerInput {
    pub fn validate(&self, convention: ConventionState) -> Result<Joining, Invalid> {
        let employer = required("employer", &self.employer, 200)?;
        let joined_on = self.joined_on.ok_or_else(|| {
            Invalid::new(
                "field_required",
                "Indiquez la date à laquelle l'employeur rejoint la convention.",
            )
            .on("joined_on")
        })?;
        let joined_on = plausible("joined_on", joined_on, Span::Pathway)?;
        if joined_on < convention.signed_on {
            return Err(Invalid::new(
                "employer_before_convention",
                format!(
                    "La convention individuelle est signée le {} : l'employeur la rejoint ce jour-là ou après ({D5213_88}).",
                    french_date(convention.signed_on)
                ),
            )
            .on("joined_on"));
        }
        if joined_on > convention.today || convention.exited_on.is_some_and(|out| joined_on > out) {
            return Err(Invalid::new(
                "employer_joined_out_of_support",
                "L'employeur rejoint la convention pendant l'accompagnement : au plus tard aujourd'hui ou à la sortie du dispositif.",
            )
            .on("joined_on"));
        }
        // One employer is named once: naming it again would only move its date.
        if convention
            .employer
            .is_some_and(|before| fold(before).split_whitespace().eq(fold(&employer).split_whitespace()))
        {
            return Err(Invalid::new(
                "employer_already_named",
                format!("{employer} est déjà l'employeur partie à la convention."),
            )
            .on("employer"));
        }
        Ok(Joining { employer, joined_on })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    fn join(employer: &str, on: Date, before: Option<&str>, exited_on: Option<Date>) -> Option<&'static str> {
        EmployerInput {
            employer: employer.into(),
            joined_on: Some(on),
        }
        .validate(ConventionState {
            signed_on: date!(2025 - 03 - 10),
            employer: before,
            exited_on,
            today: date!(2026 - 01 - 15),
        })
        .err()
        .map(|e| e.code)
    }

    #[rstest]
    // D5213-88 ff.: the employer becomes a party once the person is hired, after the signature.
    #[case::hired_later(join("Boulangerie Lenoir", date!(2025-09-01), None, None), None)]
    #[case::on_the_signature_day(join("Boulangerie Lenoir", date!(2025-03-10), None, None), None)]
    #[case::before_the_convention(join("Boulangerie Lenoir", date!(2025-03-09), None, None), Some("employer_before_convention"))]
    #[case::in_future(join("Boulangerie Lenoir", date!(2026-01-16), None, None), Some("employer_joined_out_of_support"))]
    #[case::after_the_exit(join("Boulangerie Lenoir", date!(2025-12-02), None, Some(date!(2025-12-01))), Some("employer_joined_out_of_support"))]
    // A new employer replaces the one who left; the same one is named once.
    #[case::new_employer(join("Garage Martin", date!(2025-12-01), Some("Boulangerie Lenoir"), None), None)]
    #[case::named_twice(join("boulangerie  LENOIR", date!(2025-12-01), Some("Boulangerie Lenoir"), None), Some("employer_already_named"))]
    #[case::no_name(join("  ", date!(2025-12-01), None, None), Some("field_required"))]
    #[case::year_9999(join("Boulangerie Lenoir", date!(9999-01-01), None, None), Some("date_out_of_range"))]
    fn employer_joins(#[case] refused: Option<&'static str>, #[case] expected: Option<&str>) {
        assert_eq!(refused, expected);
    }
}
