//! The referral sheet (fiche navette): the steps exchanged between the prescriber and the SIAE about one
//! prescribed candidate, each answered, and every refusal motivated on both sides (Accord régional BFC 2016, fiche action 4:
//! "rendre systématique la motivation [...] pour la SIAE le refus de recruter une personne prescrite").

pub mod prescription;

use crate::invalid::Invalid;
use crate::text::optional;
use serde::{Deserialize, Serialize};
use time::Date;

const SOURCE: &str = "accord régional IAE Bourgogne-Franche-Comté 2016, fiche action 4";

/// The side of the sheet an organisation writes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReferralSide))]
pub enum Side {
    Prescriber,
    Siae,
}

labelled_codes! {
    /// Where the sheet stands: its last step.
    Status as ReferralStatus {
        Sent => "sent", "envoyée";
        Received => "received", "reçue par la SIAE";
        InterviewPlanned => "interview_planned", "entretien prévu";
        InterviewHeld => "interview_held", "entretien réalisé";
        Hired => "hired", "embauche";
        Refused => "refused", "refusée par la SIAE";
        Withdrawn => "withdrawn", "retirée par le prescripteur";
    }
}

labelled_codes! {
    /// Why the SIAE does not hire (list of the platform's refusal reasons, adapted) or why the prescriber
    /// withdraws the candidate.
    Motive as ReferralMotive {
        NoPosition => "no_position", "plus de poste disponible";
        PrerequisitesMissing => "prerequisites_missing", "prérequis du poste non remplis";
        Incompatible => "incompatible", "contraintes incompatibles avec le poste (horaires, mobilité, santé)";
        NotEligible => "not_eligible", "candidature non éligible à l'IAE";
        CandidateAbsent => "candidate_absent", "candidat absent à l'entretien ou injoignable";
        CandidateNotInterested => "candidate_not_interested", "candidat non intéressé par le poste";
        HiredElsewhere => "hired_elsewhere", "candidat embauché ailleurs";
        SituationChanged => "situation_changed", "la situation de la personne a changé";
        OtherOrientation => "other_orientation", "une autre orientation est plus adaptée";
        Other => "other", "autre motif (à préciser)";
    }
}

impl Motive {
    /// Which side may give this motive.
    pub fn allowed_for(self, side: Side) -> bool {
        match self {
            Self::NoPosition | Self::PrerequisitesMissing | Self::Incompatible | Self::NotEligible => {
                side == Side::Siae
            }
            Self::SituationChanged | Self::OtherOrientation => side == Side::Prescriber,
            Self::CandidateAbsent | Self::CandidateNotInterested | Self::HiredElsewhere | Self::Other => true,
        }
    }
}

impl Status {
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Hired | Self::Refused | Self::Withdrawn)
    }

    /// The side that writes this step.
    pub fn side(self) -> Side {
        match self {
            Self::Sent | Self::Withdrawn => Side::Prescriber,
            _ => Side::Siae,
        }
    }

    /// The sheet is open and its next step is the SIAE's: it waits for the SIAE's answer.
    pub fn awaits_siae(self) -> bool {
        self.next().iter().any(|s| s.side() == Side::Siae)
    }

    /// The steps that may follow (transition table).
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Sent => &[Received, InterviewPlanned, Hired, Refused, Withdrawn],
            Received => &[InterviewPlanned, Hired, Refused, Withdrawn],
            InterviewPlanned => &[InterviewHeld, InterviewPlanned, Hired, Refused, Withdrawn],
            InterviewHeld => &[Hired, Refused, Withdrawn],
            Hired | Refused | Withdrawn => &[],
        }
    }
}

/// The sentence of a sheet waiting for the SIAE's answer, in its to-do list. No text sets a time limit; the
/// prescriber and the person wait for it.
pub fn awaiting_answer() -> String {
    "Candidature à traiter : dites au prescripteur où elle en est (reçue, entretien, embauche ou refus motivé)."
        .to_owned()
}

/// A step as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepInput {
    pub status: String,
    pub motive: Option<String>,
    pub comment: Option<String>,
    /// Date of the interview (planned) or of the hiring.
    pub date: Option<Date>,
}

/// A valid step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub status: Status,
    pub motive: Option<Motive>,
    pub comment: Option<String>,
    pub date: Option<Date>,
}

/// Checks a step written by `side` on a sheet that stands at `current`.
pub fn step(current: Status, side: Side, input: &StepInput) -> Result<Step, Invalid> {
    let status = Status::parse(input.status.trim()).ok_or_else(|| {
        Invalid::new(
            "referral_status_unknown",
            format!(
                "« {} » n'est pas une étape de la fiche navette ; étapes possibles : {}.",
                input.status.trim(),
                Status::ALL.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ")
            ),
        )
        .on("status")
    })?;
    if status.side() != side {
        let who = match status.side() {
            Side::Prescriber => "le prescripteur",
            Side::Siae => "la SIAE",
        };
        return Err(Invalid::new(
            "referral_wrong_side",
            format!("L'étape « {} » ne peut être inscrite que par {who}.", status.label()),
        )
        .on("status"));
    }
    if !current.next().contains(&status) {
        return Err(Invalid::new(
            "referral_transition_invalid",
            if current.is_closed() {
                format!(
                    "La fiche navette est close ({}) : aucune étape ne peut plus être ajoutée.",
                    current.label()
                )
            } else {
                format!(
                    "Après l'étape « {} », l'étape « {} » n'est pas possible.",
                    current.label(),
                    status.label()
                )
            },
        )
        .on("status"));
    }
    let comment = optional("comment", input.comment.as_deref(), 2_000)?;
    let motive = match input.motive.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(code) => Some(Motive::parse(code).filter(|m| m.allowed_for(side)).ok_or_else(|| {
            Invalid::new(
                "refusal_motive_unknown",
                format!(
                    "« {code} » n'est pas un motif possible pour {} ; motifs : {}.",
                    if side == Side::Siae {
                        "la SIAE"
                    } else {
                        "le prescripteur"
                    },
                    Motive::ALL
                        .iter()
                        .filter(|m| m.allowed_for(side))
                        .map(|m| m.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .on("motive")
        })?),
    };
    let refusal = matches!(status, Status::Refused | Status::Withdrawn);
    match (refusal, motive) {
        (true, None) => {
            return Err(Invalid::new(
                "refusal_motive_required",
                format!("Un refus ou un retrait doit être motivé : choisissez un motif dans la liste ({SOURCE})."),
            )
            .on("motive"));
        }
        (true, Some(Motive::Other)) if comment.is_none() => {
            return Err(Invalid::new(
                "refusal_comment_required",
                "Avec le motif « autre », précisez la raison en quelques mots.",
            )
            .on("comment"));
        }
        (false, Some(_)) => {
            return Err(Invalid::new(
                "motive_not_expected",
                "Un motif ne s'indique que pour un refus ou un retrait.",
            )
            .on("motive"));
        }
        _ => {}
    }
    let date = match status {
        Status::InterviewPlanned | Status::Hired => Some(input.date.ok_or_else(|| {
            Invalid::new(
                "step_date_required",
                format!("Indiquez la date de l'étape « {} ».", status.label()),
            )
            .on("date")
        })?),
        _ => input.date,
    };
    Ok(Step {
        status,
        motive,
        comment,
        date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Side::*;
    use Status::*;
    use rstest::rstest;
    use time::macros::date;

    fn input(status: &str, motive: Option<&str>, comment: Option<&str>) -> StepInput {
        StepInput {
            status: status.into(),
            motive: motive.map(Into::into),
            comment: comment.map(Into::into),
            date: Some(date!(2026 - 11 - 20)),
        }
    }

    // Accord régional BFC 2016, fiche action 4: every refusal is motivated, by the SIAE and by the prescriber.
    #[rstest]
    #[case::siae_receives(Sent, Siae, input("received", None, None), Ok(Received))]
    #[case::siae_refuses_with_motive(Received, Siae, input("refused", Some("no_position"), None), Ok(Refused))]
    #[case::siae_refuses_without_motive(
        Received,
        Siae,
        input("refused", None, Some("non")),
        Err("refusal_motive_required")
    )]
    #[case::other_needs_text(
        InterviewHeld,
        Siae,
        input("refused", Some("other"), None),
        Err("refusal_comment_required")
    )]
    #[case::other_with_text(
        InterviewHeld,
        Siae,
        input("refused", Some("other"), Some("Poste gelé")),
        Ok(Refused)
    )]
    #[case::prescriber_withdraws(
        Received,
        Prescriber,
        input("withdrawn", Some("situation_changed"), None),
        Ok(Withdrawn)
    )]
    #[case::prescriber_withdraws_without_motive(
        Sent,
        Prescriber,
        input("withdrawn", None, None),
        Err("refusal_motive_required")
    )]
    #[case::prescriber_cannot_use_siae_motive(
        Sent,
        Prescriber,
        input("withdrawn", Some("no_position"), None),
        Err("refusal_motive_unknown")
    )]
    #[case::prescriber_cannot_hire(InterviewHeld, Prescriber, input("hired", None, None), Err("referral_wrong_side"))]
    #[case::siae_cannot_withdraw(Sent, Siae, input("withdrawn", Some("other"), Some("x")), Err("referral_wrong_side"))]
    #[case::closed(Refused, Siae, input("received", None, None), Err("referral_transition_invalid"))]
    #[case::backwards(
        InterviewHeld,
        Siae,
        input("received", None, None),
        Err("referral_transition_invalid")
    )]
    #[case::motive_on_hiring(InterviewHeld, Siae, input("hired", Some("other"), None), Err("motive_not_expected"))]
    #[case::unknown(Sent, Siae, input("accepted", None, None), Err("referral_status_unknown"))]
    fn steps(
        #[case] current: Status,
        #[case] side: Side,
        #[case] input: StepInput,
        #[case] expected: Result<Status, &str>,
    ) {
        assert_eq!(
            step(current, side, &input).map(|s| s.status).map_err(|e| e.code),
            expected
        );
    }

    #[test]
    fn hiring_and_interview_need_a_date() {
        let no_date = StepInput {
            date: None,
            ..input("hired", None, None)
        };
        assert_eq!(
            step(InterviewHeld, Siae, &no_date).unwrap_err().code,
            "step_date_required"
        );
    }
}
