//! An ESAT worker's record: the MDPH orientation, the contract of support through work and the
//! professional project; the right to return while the orientation is valid (RULES.md 3).

use crate::calendar::french_date;
use crate::dates::{Span, plausible};
use crate::explanation::Explanation;
use crate::invalid::Invalid;
use crate::text::optional;
use serde::Serialize;
use time::Date;

const RETURN: &str = "CASF, art. L344-2-5 ; décrets n° 2025-844 et 2025-845";

/// The CDAPH decision orienting the person to an ESAT, and the last day it is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Orientation {
    pub decided_on: Date,
    pub valid_until: Date,
}

impl Orientation {
    pub fn is_valid_on(self, day: Date) -> bool {
        self.decided_on <= day && day <= self.valid_until
    }

    /// Days left until the orientation ends (negative once it has ended).
    pub fn days_left(self, day: Date) -> i64 {
        (self.valid_until - day).whole_days()
    }

    /// What the ESAT should know on `day`: the orientation has ended, or ends within [`RENEWAL_NOTICE_DAYS`]
    /// (a renewal asked to the MDPH takes months).
    pub fn warning(self, day: Date) -> Option<String> {
        let end = french_date(self.valid_until);
        match self.days_left(day) {
            n if n < 0 => Some(format!(
                "Orientation expirée depuis le {end} : le droit au retour n'est plus ouvert ; une nouvelle décision de \
                 la CDAPH est nécessaire."
            )),
            n if n <= RENEWAL_NOTICE_DAYS => Some(format!(
                "L'orientation prend fin le {end} (dans {n} jour(s)) : préparez la demande de renouvellement auprès \
                 de la MDPH."
            )),
            _ => None,
        }
    }
}

/// How long before its end an orientation is flagged (a choice: docs/esat.md).
pub const RENEWAL_NOTICE_DAYS: i64 = 180;

/// The day the decrees 2025-844 and 2025-845 of 25 August 2025 took effect, the day after their publication in
/// the Journal officiel of 27 August 2025 (Code civil, article 1): the « établissement ou service d'aide par le
/// travail » became « d'accompagnement par le travail », and its « contrat de soutien et d'aide par le travail »
/// the « contrat d'accompagnement par le travail » (CASF R243-4 as amended by the decree 2025-845).
pub const ACCOMPANIMENT_DECREES: Date = time::macros::date!(2025 - 08 - 28);

/// The name of the contract between the ESAT and its worker for a stay ending on `ends_on`: a stay that ended before
/// the decrees of 2025 keeps the name it had; a stay running on, or ending after them, takes the new name.
pub fn contract_name(ends_on: Option<Date>) -> &'static str {
    match ends_on {
        Some(end) if end < ACCOMPANIMENT_DECREES => "contrat de soutien et d'aide par le travail",
        _ => "contrat d'accompagnement par le travail",
    }
}

/// A worker's record as typed.
#[derive(Debug, Clone, Default)]
pub struct WorkerInput {
    pub orientation_decided_on: Option<Date>,
    pub orientation_valid_until: Option<Date>,
    /// Start of the contrat d'accompagnement par le travail (contrat de soutien et d'aide par le travail
    /// before the decrees of 2025).
    pub contract_started_on: Option<Date>,
    pub professional_project: Option<String>,
}

/// A worker's record once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerFields {
    pub orientation: Orientation,
    pub contract_started_on: Date,
    pub professional_project: Option<String>,
}

fn required_date(field: &str, label: &str, value: Option<Date>) -> Result<Date, Invalid> {
    let date = value
        .ok_or_else(|| Invalid::new("field_required", format!("Le champ « {label} » est obligatoire.")).on(field))?;
    plausible(field, date, Span::Pathway)
}

impl WorkerInput {
    pub fn validate(&self) -> Result<WorkerFields, Invalid> {
        let decided_on = required_date(
            "orientation_decided_on",
            "date de la décision d'orientation",
            self.orientation_decided_on,
        )?;
        let valid_until = required_date(
            "orientation_valid_until",
            "fin de validité de l'orientation",
            self.orientation_valid_until,
        )?;
        let contract_started_on = required_date(
            "contract_started_on",
            "début du contrat d'accompagnement par le travail",
            self.contract_started_on,
        )?;
        if valid_until < decided_on {
            return Err(Invalid::new(
                "orientation_dates_inverted",
                format!(
                    "L'orientation ne peut pas finir le {}, avant la décision du {}.",
                    french_date(valid_until),
                    french_date(decided_on)
                ),
            )
            .on("orientation_valid_until"));
        }
        if contract_started_on < decided_on {
            return Err(Invalid::new(
                "contract_before_orientation",
                format!(
                    "Le contrat d'accompagnement par le travail ne peut pas commencer le {}, avant la décision \
                     d'orientation du {}.",
                    french_date(contract_started_on),
                    french_date(decided_on)
                ),
            )
            .on("contract_started_on"));
        }
        Ok(WorkerFields {
            orientation: Orientation {
                decided_on,
                valid_until,
            },
            contract_started_on,
            professional_project: optional("professional_project", self.professional_project.as_deref(), 4000)?,
        })
    }
}

/// Checks the right to return to the ESAT on `day`: open while the MDPH orientation is valid.
pub fn check_return(orientation: Orientation, day: Date) -> Result<Explanation, Explanation> {
    if orientation.is_valid_on(day) {
        Ok(Explanation::new(
            "esat_return_accepted",
            format!(
                "Retour à l'ESAT accepté le {} : l'orientation en ESAT est valable jusqu'au {}",
                french_date(day),
                french_date(orientation.valid_until)
            ),
            RETURN,
        ))
    } else if day < orientation.decided_on {
        Err(Explanation::new(
            "esat_return_before_orientation",
            format!(
                "Retour à l'ESAT refusé le {} : la décision d'orientation date du {}",
                french_date(day),
                french_date(orientation.decided_on)
            ),
            RETURN,
        ))
    } else {
        Err(Explanation::new(
            "esat_return_orientation_expired",
            format!(
                "Retour à l'ESAT refusé le {} : l'orientation en ESAT a pris fin le {} ; une nouvelle décision de la \
                 CDAPH est nécessaire",
                french_date(day),
                french_date(orientation.valid_until)
            ),
            RETURN,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    const ORIENTATION: Orientation = Orientation {
        decided_on: date!(2024 - 03 - 15),
        valid_until: date!(2029 - 03 - 14),
    };

    // RULES.md 3: since the decrees of 2025, the right to return lasts as long as the MDPH orientation is valid.
    #[rstest]
    #[case::during_validity(date!(2027 - 06 - 01), Ok("esat_return_accepted"))]
    #[case::last_valid_day(date!(2029 - 03 - 14), Ok("esat_return_accepted"))]
    #[case::day_after_the_end(date!(2029 - 03 - 15), Err("esat_return_orientation_expired"))]
    #[case::before_the_decision(date!(2024 - 03 - 14), Err("esat_return_before_orientation"))]
    fn right_to_return(#[case] day: Date, #[case] expected: Result<&str, &str>) {
        let verdict = check_return(ORIENTATION, day);
        assert_eq!(verdict.as_ref().map(|e| e.code).map_err(|e| e.code), expected);
        assert!(verdict.unwrap_or_else(|e| e).message.ends_with("2025-845)."));
    }

    fn input() -> WorkerInput {
        WorkerInput {
            orientation_decided_on: Some(date!(2024 - 03 - 15)),
            orientation_valid_until: Some(date!(2029 - 03 - 14)),
            contract_started_on: Some(date!(2024 - 04 - 01)),
            professional_project: Some("  Agent d'entretien des espaces verts  ".into()),
        }
    }

    #[rstest]
    #[case::missing_decision(WorkerInput { orientation_decided_on: None, ..input() }, "field_required")]
    #[case::inverted(WorkerInput { orientation_valid_until: Some(date!(2024 - 01 - 01)), ..input() }, "orientation_dates_inverted")]
    #[case::contract_first(WorkerInput { contract_started_on: Some(date!(2024 - 03 - 01)), ..input() }, "contract_before_orientation")]
    #[case::year_9999(WorkerInput { orientation_valid_until: Some(date!(9999 - 12 - 31)), ..input() }, "date_out_of_range")]
    #[case::year_zero(WorkerInput { orientation_decided_on: Some(date!(0000 - 01 - 01)), ..input() }, "date_out_of_range")]
    #[case::project_too_long(WorkerInput { professional_project: Some("x".repeat(4001)), ..input() }, "field_too_long")]
    fn bad_records_are_refused(#[case] input: WorkerInput, #[case] code: &str) {
        assert_eq!(input.validate().unwrap_err().code, code);
    }

    #[test]
    fn a_good_record_is_trimmed() {
        let f = input().validate().unwrap();
        assert_eq!(
            f.professional_project.as_deref(),
            Some("Agent d'entretien des espaces verts")
        );
        assert_eq!(f.orientation.days_left(date!(2029 - 03 - 04)), 10);
    }

    #[rstest]
    #[case::far_from_the_end(date!(2027 - 01 - 01), None)]
    #[case::within_notice(date!(2029 - 03 - 04), Some("dans 10 jour(s)"))]
    #[case::last_day(date!(2029 - 03 - 14), Some("dans 0 jour(s)"))]
    #[case::expired(date!(2029 - 03 - 15), Some("Orientation expirée depuis le 14 mars 2029"))]
    fn orientation_warnings(#[case] day: Date, #[case] expected: Option<&str>) {
        let warning = ORIENTATION.warning(day);
        match expected {
            None => assert_eq!(warning, None),
            Some(part) => assert!(warning.as_deref().unwrap_or_default().contains(part), "{warning:?}"),
        }
    }

    /// Decrees 2025-844 and 2025-845 of 25 August 2025 (JORF of 27 August 2025), in force on 28 August 2025.
    #[test]
    fn the_contract_takes_the_name_of_the_decrees_of_2025() {
        let old = "contrat de soutien et d'aide par le travail";
        let new = "contrat d'accompagnement par le travail";
        let cases = [
            (Some(time::macros::date!(2019 - 06 - 30)), old),
            (Some(time::macros::date!(2025 - 08 - 27)), old),
            (Some(time::macros::date!(2025 - 08 - 28)), new),
            (Some(time::macros::date!(2026 - 03 - 01)), new),
            (None, new),
        ];
        for (ends_on, name) in cases {
            assert_eq!(contract_name(ends_on), name, "{ends_on:?}");
        }
    }
}
