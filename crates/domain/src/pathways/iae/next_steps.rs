//! What may be done next on an approval, and why: each step is tried by the engine on a copy of the
//! pathway, and reserved to whom the rules give it (the SIAE of the last hiring suspends and asks; an
//! authorised prescriber following the person decides the prolongations that are not the SIAE's, R5132-1-8).

use super::pathway::{Pathway, PathwayEvent};
use super::prolongation::{self, Decider, ProlongationReason};
use super::suspension::SuspensionReason;
use crate::calendar::add_days;
use time::Date;

/// The longest prolongation tried: a year (a senior CDI may be granted more, in one decision).
const TRIED_PROLONGATION_DAYS: i64 = 365;

/// One next step as tried on the pathway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStep {
    /// `suspension`, `prolongation:<reason>`, `hiring`.
    pub action: String,
    pub label: String,
    /// The engine accepts it and the caller may do it.
    pub possible: bool,
    pub decided_by: Decider,
    pub code: &'static str,
    pub explanation: String,
}

/// Who the caller is for this pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// A member of the SIAE of the last hiring.
    pub is_employer: bool,
    /// A member of an authorised prescriber following the person.
    pub is_decider: bool,
}

/// Each next step tried on a copy of the pathway as of `as_of`: a month of suspension from `as_of`, each
/// prolongation reason for its longest decision (a year at most) if it may be asked on `as_of`, a hiring in
/// another SIAE on `as_of`. Empty before any hiring.
pub fn next_steps(pathway: &Pathway, as_of: Date, caller: Caller) -> Vec<NextStep> {
    let Some(approval) = pathway.approval() else {
        return Vec::new();
    };
    let try_event = |event: PathwayEvent| match pathway.clone().apply(&event) {
        Ok(o) => (o.accepted, o.explanation.code, o.explanation.message.clone()),
        Err(e) => (false, e.code, e.message),
    };
    let mut out = Vec::new();
    let (ok, code, why) = try_event(PathwayEvent::Suspension {
        from: as_of,
        to: add_days(as_of, 29),
        reason: SuspensionReason::ContractSuspended,
    });
    out.push(NextStep {
        action: "suspension".into(),
        label: "Suspendre le PASS IAE (essai : 30 jours à partir d'aujourd'hui)".into(),
        possible: ok && caller.is_employer,
        decided_by: Decider::Siae,
        code,
        explanation: if caller.is_employer {
            why
        } else {
            format!("Réservé à la SIAE de la dernière embauche. {why}")
        },
    });
    let from = add_days(approval.end, 1);
    let window = prolongation::check_asked_on(approval, as_of);
    for reason in ProlongationReason::ALL {
        let (ok, code, why) = match &window {
            Err(refusal) => (false, refusal.code, refusal.message.clone()),
            Ok(()) => try_event(PathwayEvent::Prolongation {
                from,
                to: add_days(
                    from,
                    reason
                        .rule(from)
                        .and_then(|r| r.max_days)
                        .map_or(TRIED_PROLONGATION_DAYS, |max| max.min(TRIED_PROLONGATION_DAYS))
                        - 1,
                ),
                reason,
            }),
        };
        let decider = reason.decider(from);
        let who = match decider {
            Decider::Siae => "décidée par la SIAE seule",
            Decider::AuthorisedPrescriber => "demandée par la SIAE, décidée par un prescripteur habilité",
            Decider::PoleEmploi => "demandée par la SIAE, décidée par Pôle emploi",
        };
        out.push(NextStep {
            action: format!("prolongation:{}", reason.code()),
            label: format!("Prolonger : {} ({who})", reason.label()),
            possible: ok && (caller.is_employer || (caller.is_decider && decider == Decider::AuthorisedPrescriber)),
            decided_by: decider,
            code,
            explanation: why,
        });
    }
    let (ok, code, why) = try_event(PathwayEvent::Hiring {
        date: as_of,
        waiver: false,
    });
    out.push(NextStep {
        action: "hiring".into(),
        label: "Embauche dans une autre SIAE (extension), par sa fiche navette".into(),
        possible: ok,
        decided_by: Decider::Siae,
        code,
        explanation: why,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pathways::iae::{PersonFacts, SiaeKind};
    use rstest::rstest;
    use time::macros::date;

    /// A PASS IAE opened on 2026-01-05 in an ACI, for a person of 30 with RQTH.
    fn pathway() -> Pathway {
        let person = PersonFacts {
            birth_date: date!(1996 - 03 - 01),
            rqth: true,
        };
        let mut p = Pathway::new(SiaeKind::Aci, person).unwrap();
        p.apply(&PathwayEvent::Hiring {
            date: date!(2026 - 01 - 05),
            waiver: false,
        })
        .unwrap();
        p
    }

    fn step<'a>(steps: &'a [NextStep], action: &str) -> &'a NextStep {
        steps.iter().find(|s| s.action == action).unwrap()
    }

    #[test]
    fn nothing_before_a_hiring() {
        let person = PersonFacts {
            birth_date: date!(1996 - 03 - 01),
            rqth: false,
        };
        let p = Pathway::new(SiaeKind::Aci, person).unwrap();
        let caller = Caller {
            is_employer: true,
            is_decider: false,
        };
        assert!(next_steps(&p, date!(2026 - 02 - 01), caller).is_empty());
    }

    // R5132-1-8: the SIAE suspends and asks; the authorised prescriber decides RQTH, 50+ and difficulties;
    // the SIAE alone decides training and senior CDI. The person is 30: no senior reason applies. Tried on
    // 2027-02-01, within the window for asking (the PASS ends on 2028-01-04).
    #[rstest]
    #[case::employer_suspends("suspension", true, false, true, Decider::Siae)]
    #[case::prescriber_cannot_suspend("suspension", false, true, false, Decider::Siae)]
    #[case::employer_asks_rqth("prolongation:rqth", true, false, true, Decider::AuthorisedPrescriber)]
    #[case::prescriber_decides_rqth("prolongation:rqth", false, true, true, Decider::AuthorisedPrescriber)]
    #[case::prescriber_not_training("prolongation:training", false, true, false, Decider::Siae)]
    #[case::employer_training("prolongation:training", true, false, true, Decider::Siae)]
    #[case::too_young_for_50("prolongation:senior_50", true, false, false, Decider::AuthorisedPrescriber)]
    #[case::too_young_for_cdi("prolongation:senior_cdi", true, false, false, Decider::Siae)]
    #[case::stranger_no_suspension("suspension", false, false, false, Decider::Siae)]
    fn who_may_do_what(
        #[case] action: &str,
        #[case] is_employer: bool,
        #[case] is_decider: bool,
        #[case] possible: bool,
        #[case] decided_by: Decider,
    ) {
        let caller = Caller {
            is_employer,
            is_decider,
        };
        let steps = next_steps(&pathway(), date!(2027 - 02 - 01), caller);
        let s = step(&steps, action);
        assert_eq!((s.possible, s.decided_by), (possible, decided_by), "{s:?}");
    }

    // Platform (RULES.md 1.4): no prolongation may be asked before the window opens, 12 months before the end
    // (2028-01-04); the page says when.
    #[rstest]
    #[case::before_the_window(date!(2027-01-03), false, "prolongation_window_not_open")]
    #[case::window_open(date!(2027-01-04), true, "prolongation_accepted")]
    fn prolongations_wait_for_their_window(#[case] as_of: Date, #[case] possible: bool, #[case] code: &str) {
        let caller = Caller {
            is_employer: true,
            is_decider: false,
        };
        let steps = next_steps(&pathway(), as_of, caller);
        let s = step(&steps, "prolongation:training");
        assert_eq!((s.possible, s.code), (possible, code), "{s:?}");
        if !possible {
            assert!(s.explanation.contains("à partir du 4 janvier 2027"), "{s:?}");
        }
    }

    #[test]
    fn a_stranger_reads_why() {
        let caller = Caller {
            is_employer: false,
            is_decider: false,
        };
        let steps = next_steps(&pathway(), date!(2026 - 02 - 02), caller);
        assert!(
            step(&steps, "suspension")
                .explanation
                .starts_with("Réservé à la SIAE de la dernière embauche.")
        );
        assert_eq!(steps.len(), 2 + ProlongationReason::ALL.len());
    }
}
