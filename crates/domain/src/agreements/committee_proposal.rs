//! Whose proposal an avenant needs. A regional agreement is not amended at one party's initiative: its steering
//! committee proposes the avenant, which the parties then sign.
//!
//! Source: Accord régional de coopération Bourgogne-Franche-Comté (2016), article 5 « Modification de
//! l'accord » : « Le présent accord peut être modifié par voie d'avenant sur proposition du comité de
//! pilotage. » The committee is the regional steering committee of its article 3 (« Pilotage de l'accord
//! régional »), made of the signatories' representatives. The platform applies the article to every regional
//! agreement from its signature; the other kinds are amended on the proposal of any party (Guide de la CCL
//! Pôle emploi – SIAE, II.b: « sur proposition de l'une ou l'autre des parties par voie d'avenant »).

use super::AgreementKind;
use crate::calendar::french_date;
use crate::governance::CommitteeKind;
use crate::governance::meeting::MeetingStatus;
use crate::invalid::Invalid;
use time::Date;

const FIELD: &str = "committee_meeting_id";

/// The committee whose held meeting must have proposed an avenant to an agreement of `kind`, if any.
pub fn proposing_committee(kind: AgreementKind) -> Option<CommitteeKind> {
    match kind {
        AgreementKind::Regional => Some(CommitteeKind::RegionalSteering),
        _ => None,
    }
}

/// The meeting named as the avenant's origin, as the store found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposingMeeting {
    pub committee_kind: CommitteeKind,
    /// Its committee steers the agreement being amended.
    pub steers_agreement: bool,
    pub status: MeetingStatus,
    pub held_on: Date,
}

/// What the proposal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// No meeting.
    Nothing,
    /// An identifier that is no meeting.
    Unknown,
    Meeting(ProposingMeeting),
}

/// Checks the meeting named by an avenant to an agreement of `kind` proposed on `on`.
pub fn check(kind: AgreementKind, named: Named, on: Date) -> Result<(), Invalid> {
    let Some(committee) = proposing_committee(kind) else {
        return match named {
            Named::Nothing => Ok(()),
            _ => Err(Invalid::new(
                "committee_proposal_not_applicable",
                format!(
                    "Un(e) {} est modifié(e) sur proposition d'une partie, pas d'un comité : ne choisissez pas de \
                     réunion.",
                    kind.label()
                ),
            )
            .on(FIELD)),
        };
    };
    let refused = |code, message: String| Err(Invalid::new(code, message).on(FIELD));
    match named {
        Named::Nothing => refused(
            "committee_proposal_missing",
            "Un accord régional est modifié par avenant sur proposition de son comité de pilotage (Accord régional \
             de coopération Bourgogne-Franche-Comté (2016), article 5) : choisissez la réunion tenue du comité de \
             pilotage qui a proposé cet avenant."
                .into(),
        ),
        Named::Meeting(m) if m.steers_agreement && m.committee_kind == committee => {
            if m.status != MeetingStatus::Held {
                refused(
                    "committee_meeting_not_held",
                    format!(
                        "La réunion du comité de pilotage du {} est {} : seule une réunion tenue peut proposer un \
                         avenant. Enregistrez d'abord les présences de la réunion, ou choisissez-en une autre.",
                        french_date(m.held_on),
                        m.status.label()
                    ),
                )
            } else if m.held_on > on {
                refused(
                    "committee_meeting_after_proposal",
                    format!(
                        "La réunion choisie s'est tenue le {}, après la date de l'avenant ({}) : choisissez la \
                         réunion qui l'a proposé, ou datez l'avenant de ce jour ou après.",
                        french_date(m.held_on),
                        french_date(on)
                    ),
                )
            } else {
                Ok(())
            }
        }
        Named::Meeting(_) | Named::Unknown => refused(
            "committee_meeting_not_steering",
            "Cette réunion n'est pas une réunion du comité de pilotage de cet accord : choisissez une réunion tenue \
             du comité de pilotage qui le suit."
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AgreementKind::*;
    use MeetingStatus::*;
    use rstest::rstest;
    use time::macros::date;

    const ON: Date = date!(2018 - 12 - 10);

    fn meeting(kind: CommitteeKind, steers: bool, status: MeetingStatus, held_on: Date) -> Named {
        Named::Meeting(ProposingMeeting {
            committee_kind: kind,
            steers_agreement: steers,
            status,
            held_on,
        })
    }

    const STEERING: CommitteeKind = CommitteeKind::RegionalSteering;

    // Article 5: « modifié par voie d'avenant sur proposition du comité de pilotage ».
    #[rstest]
    #[case::held_steering_meeting(Regional, meeting(STEERING, true, Held, date!(2018-11-20)), None)]
    #[case::same_day(Regional, meeting(STEERING, true, Held, ON), None)]
    #[case::no_meeting(Regional, Named::Nothing, Some("committee_proposal_missing"))]
    #[case::unknown_meeting(Regional, Named::Unknown, Some("committee_meeting_not_steering"))]
    #[case::another_agreements_committee(Regional, meeting(STEERING, false, Held, date!(2018-11-20)), Some("committee_meeting_not_steering"))]
    // Article 3: the steering committee, not the CTA that also follows the agreement.
    #[case::a_cta(Regional, meeting(CommitteeKind::Cta, true, Held, date!(2018-11-20)), Some("committee_meeting_not_steering"))]
    #[case::planned(Regional, meeting(STEERING, true, Planned, date!(2018-11-20)), Some("committee_meeting_not_held"))]
    #[case::cancelled(Regional, meeting(STEERING, true, Cancelled, date!(2018-11-20)), Some("committee_meeting_not_held"))]
    #[case::held_after_the_avenant(Regional, meeting(STEERING, true, Held, date!(2018-12-11)), Some("committee_meeting_after_proposal"))]
    // Guide de la CCL, II.b: « sur proposition de l'une ou l'autre des parties ».
    #[case::ccl_by_a_party(LocalCooperation, Named::Nothing, None)]
    #[case::ccl_names_no_meeting(LocalCooperation, meeting(STEERING, true, Held, date!(2018-11-20)), Some("committee_proposal_not_applicable"))]
    #[case::esat_spe_by_a_party(EsatSpe, Named::Nothing, None)]
    fn an_avenant_comes_from(#[case] kind: AgreementKind, #[case] named: Named, #[case] refused: Option<&str>) {
        let result = check(kind, named, ON);
        assert_eq!(result.as_ref().err().map(|e| e.code), refused, "{result:?}");
        if let Err(e) = result {
            assert_eq!(e.field.as_deref(), Some(FIELD));
        }
    }

    #[test]
    fn the_refusal_says_what_to_do() {
        let e = check(Regional, Named::Nothing, ON).unwrap_err();
        assert!(e.message.contains("choisissez la réunion tenue"), "{}", e.message);
        let e = check(Regional, meeting(STEERING, true, Held, date!(2018 - 12 - 11)), ON).unwrap_err();
        assert!(e.message.contains("11 décembre 2018"), "{}", e.message);
    }
}
