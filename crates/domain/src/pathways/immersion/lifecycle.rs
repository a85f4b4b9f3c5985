//! The life cycle of an immersion convention: draft -> awaiting signatures (each party signs) -> signed ->
//! in progress (from its first day) -> assessed; cancelled before it starts.

use super::ContractKind;
use crate::calendar::french_date;
use crate::explanation::Explanation;
use serde::{Deserialize, Serialize};
use time::Date;

const PLATFORM: &str = "convention de PMSMP, cerfa n° 13912";

labelled_codes! {
    /// The parties who sign the convention.
    Party as ImmersionParty {
        Beneficiary => "beneficiary", "Bénéficiaire";
        HostCompany => "host_company", "Entreprise d'accueil";
        Prescriber => "prescriber", "Prescripteur";
        SupportStructure => "support_structure", "Structure d'accompagnement";
    }
}

labelled_codes! {
    /// Where a convention stands. `Signed` turns into `InProgress` on its first day ([`Status::on`]).
    Status as ImmersionStatus {
        Draft => "draft", "Brouillon";
        AwaitingSignatures => "awaiting_signatures", "En attente de signatures";
        Signed => "signed", "Signée";
        InProgress => "in_progress", "En cours";
        Assessed => "assessed", "Bilan fait";
        Cancelled => "cancelled", "Annulée";
    }
}

impl Status {
    /// The status on `day` of a convention stored as `self` that starts on `starts_on`.
    pub fn on(self, starts_on: Date, day: Date) -> Self {
        match self {
            Self::Signed if day >= starts_on => Self::InProgress,
            s => s,
        }
    }

    /// How a convention `self` on a day is stored: the stored statuses, each with whether the convention has
    /// started on that day (`None`: whatever its start). The converse of [`Status::on`], for lists filtered where
    /// the conventions are kept.
    pub fn stored_as(self) -> &'static [(Status, Option<bool>)] {
        match self {
            Self::Signed => &[(Self::Signed, Some(false))],
            Self::InProgress => &[(Self::InProgress, None), (Self::Signed, Some(true))],
            Self::Draft => &[(Self::Draft, None)],
            Self::AwaitingSignatures => &[(Self::AwaitingSignatures, None)],
            Self::Assessed => &[(Self::Assessed, None)],
            Self::Cancelled => &[(Self::Cancelled, None)],
        }
    }
}

/// What can be done to a convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The draft is complete: the parties are asked to sign.
    Submit,
    /// One party signs; the last signature makes the convention signed.
    Sign {
        party: Party,
        already_signed: Vec<Party>,
    },
    /// The assessment at the end (or when it stopped early).
    Assess(Assessment),
    Cancel,
}

/// The assessment of an immersion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub assessed_on: Date,
    /// Whether the immersion went to its end.
    pub completed: bool,
    pub objective_met: bool,
    /// The contract the person was hired on, when hired.
    pub hired_with: Option<ContractKind>,
}

fn refused(code: &'static str, sentence: String) -> Explanation {
    Explanation::new(code, sentence, PLATFORM)
}

/// Applies `step` to a convention whose stored status is `stored`, starting on `starts_on`, on `day`; answers the
/// new stored status.
pub fn apply(stored: Status, starts_on: Date, day: Date, step: &Step) -> Result<Status, Explanation> {
    let now = stored.on(starts_on, day);
    match (now, step) {
        (Status::Draft, Step::Submit) => Ok(Status::AwaitingSignatures),
        (Status::AwaitingSignatures, Step::Sign { party, already_signed }) => {
            if already_signed.contains(party) {
                return Err(refused(
                    "immersion_already_signed",
                    format!("Signature refusée : la partie « {} » a déjà signé", party.label()),
                ));
            }
            let all = Party::ALL.iter().all(|p| p == party || already_signed.contains(p));
            Ok(if all {
                Status::Signed
            } else {
                Status::AwaitingSignatures
            })
        }
        (Status::InProgress, Step::Assess(a)) => {
            if a.assessed_on < starts_on {
                return Err(refused(
                    "immersion_assessment_before_start",
                    format!(
                        "Bilan refusé : il est daté du {}, avant le début de l'immersion le {}",
                        french_date(a.assessed_on),
                        french_date(starts_on)
                    ),
                ));
            }
            Ok(Status::Assessed)
        }
        (Status::Draft | Status::AwaitingSignatures | Status::Signed, Step::Cancel) => Ok(Status::Cancelled),
        (now, step) => Err(refused(
            "immersion_step_not_allowed",
            format!(
                "{} impossible : la convention est au statut « {} »",
                match step {
                    Step::Submit => "Envoi aux signataires",
                    Step::Sign { .. } => "Signature",
                    Step::Assess(_) => "Bilan",
                    Step::Cancel => "Annulation",
                },
                now.label()
            ),
        )),
    }
}

/// What remains to be done on `day` for a convention (the reminders shown to its parties).
pub fn reminders(status: Status, missing: &[Party], starts_on: Date, ends_on: Date, day: Date) -> Vec<String> {
    let start = french_date(starts_on);
    match status.on(starts_on, day) {
        Status::Draft => vec![format!(
            "Brouillon à compléter et à envoyer aux signataires avant le {start}."
        )],
        Status::AwaitingSignatures if day >= starts_on => vec![format!(
            "L'immersion devait commencer le {start} mais la convention n'est pas signée : elle ne peut pas commencer \
             avant les signatures de {}.",
            missing
                .iter()
                .map(|p| p.label().to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        )],
        Status::AwaitingSignatures => missing
            .iter()
            .map(|p| format!("Signature attendue : {}, avant le {start}.", p.label().to_lowercase()))
            .collect(),
        Status::InProgress if day > ends_on => vec![format!(
            "L'immersion a pris fin le {} : faites le bilan.",
            french_date(ends_on)
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every stored status and start, read `on` a day, is found again by the status it reads as.
    #[test]
    fn stored_as_is_the_converse_of_on() {
        let day = time::macros::date!(2026 - 12 - 06);
        for stored in Status::ALL {
            for starts_on in [day.previous_day().unwrap(), day, day.next_day().unwrap()] {
                let started = starts_on <= day;
                for shown in Status::ALL {
                    let found = shown
                        .stored_as()
                        .iter()
                        .any(|(s, st)| s == stored && st.is_none_or(|st| st == started));
                    assert_eq!(
                        found,
                        stored.on(starts_on, day) == *shown,
                        "{stored:?} {starts_on} {shown:?}"
                    );
                }
            }
        }
    }
    use rstest::rstest;
    use time::macros::date;

    const START: Date = date!(2026 - 03 - 02);
    const BEFORE: Date = date!(2026 - 03 - 01);

    fn sign(party: Party, already: &[Party]) -> Step {
        Step::Sign {
            party,
            already_signed: already.to_vec(),
        }
    }

    fn assess() -> Step {
        Step::Assess(Assessment {
            assessed_on: date!(2026 - 03 - 13),
            completed: true,
            objective_met: true,
            hired_with: Some(ContractKind::Cdi),
        })
    }

    // The convention's life cycle (docs/esat.md): every step from every status.
    #[rstest]
    #[case::submit_draft(Status::Draft, BEFORE, Step::Submit, Ok(Status::AwaitingSignatures))]
    #[case::submit_twice(Status::AwaitingSignatures, BEFORE, Step::Submit, Err("immersion_step_not_allowed"))]
    #[case::sign_in_draft(Status::Draft, BEFORE, sign(Party::Beneficiary, &[]), Err("immersion_step_not_allowed"))]
    #[case::first_signature(Status::AwaitingSignatures, BEFORE, sign(Party::Beneficiary, &[]), Ok(Status::AwaitingSignatures))]
    #[case::same_party_twice(Status::AwaitingSignatures, BEFORE, sign(Party::Beneficiary, &[Party::Beneficiary]), Err("immersion_already_signed"))]
    #[case::last_signature(Status::AwaitingSignatures, BEFORE, sign(Party::Prescriber, &[Party::Beneficiary, Party::HostCompany, Party::SupportStructure]), Ok(Status::Signed))]
    #[case::assess_before_start(Status::Signed, BEFORE, assess(), Err("immersion_step_not_allowed"))]
    #[case::assess_in_progress(Status::Signed, START, assess(), Ok(Status::Assessed))]
    #[case::assess_twice(Status::Assessed, START, assess(), Err("immersion_step_not_allowed"))]
    #[case::cancel_signed_before_start(Status::Signed, BEFORE, Step::Cancel, Ok(Status::Cancelled))]
    #[case::cancel_in_progress(Status::Signed, START, Step::Cancel, Err("immersion_step_not_allowed"))]
    #[case::cancel_cancelled(Status::Cancelled, BEFORE, Step::Cancel, Err("immersion_step_not_allowed"))]
    fn life_cycle(
        #[case] stored: Status,
        #[case] day: Date,
        #[case] step: Step,
        #[case] expected: Result<Status, &str>,
    ) {
        assert_eq!(apply(stored, START, day, &step).map_err(|e| e.code), expected);
    }

    #[test]
    fn an_assessment_dated_before_the_start_is_refused() {
        let step = Step::Assess(Assessment {
            assessed_on: BEFORE,
            completed: false,
            objective_met: false,
            hired_with: None,
        });
        let e = apply(Status::Signed, START, START, &step).unwrap_err();
        assert_eq!(e.code, "immersion_assessment_before_start");
    }

    #[test]
    fn reminders_follow_the_status_and_the_dates() {
        let end = date!(2026 - 03 - 13);
        let missing = [Party::HostCompany, Party::Prescriber];
        let before = reminders(Status::AwaitingSignatures, &missing, START, end, BEFORE);
        assert_eq!(
            before,
            [
                "Signature attendue : entreprise d'accueil, avant le 2 mars 2026.",
                "Signature attendue : prescripteur, avant le 2 mars 2026."
            ]
        );
        let late = reminders(Status::AwaitingSignatures, &missing, START, end, START);
        assert!(late[0].contains("n'est pas signée"), "{late:?}");
        assert!(reminders(Status::Signed, &[], START, end, end).is_empty());
        let due = reminders(Status::Signed, &[], START, end, date!(2026 - 03 - 14));
        assert_eq!(due, ["L'immersion a pris fin le 13 mars 2026 : faites le bilan."]);
        assert!(reminders(Status::Assessed, &[], START, end, date!(2026 - 03 - 14)).is_empty());
    }

    #[test]
    fn a_signed_convention_is_in_progress_from_its_first_day() {
        assert_eq!(Status::Signed.on(START, BEFORE), Status::Signed);
        assert_eq!(Status::Signed.on(START, START), Status::InProgress);
        assert_eq!(Status::Draft.on(START, START), Status::Draft);
    }
}
