//! A prolongation the SIAE asks and an authorised prescriber decides (R5132-1-8: every reason but a senior CDI
//! and a training): the request's states and what each decision does, as a transition table, with the
//! French reason of each refusal.

use super::prolongation::DenyReason;
use crate::explanation::Explanation;
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};

const LAW: &str = "Code du travail, art. R5132-1-8";

labelled_codes! {
    /// Where a request stands.
    RequestStatus {
        Pending => "pending", "en attente de décision";
        Accepted => "accepted", "accordée";
        Refused => "refused", "refusée";
    }
}

/// What is done with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestAction {
    /// The SIAE asks a new prolongation (the state is that of the person's pending request, if any).
    Ask,
    Accept,
    Refuse,
}

/// Why an action is refused: a stable code and the French reason (a conflict with the request's state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: &'static str,
}

const ALREADY_PENDING: Refusal = Refusal {
    code: "prolongation_request_pending",
    message: "Une demande de prolongation attend déjà la décision d'un prescripteur habilité.",
};

const ALREADY_DECIDED: Refusal = Refusal {
    code: "prolongation_already_decided",
    message: "Cette demande a déjà été décidée.",
};

use RequestAction::{Accept, Ask, Refuse};
use RequestStatus::{Accepted, Pending, Refused};

/// The transition table: from a state (`None`: no request waits), each action's new state or refusal. One
/// request waits at a time and a decided request does not block a new one; a request is decided once.
const TRANSITIONS: [(Option<RequestStatus>, RequestAction, Result<RequestStatus, Refusal>); 12] = [
    (None, Ask, Ok(Pending)),
    (None, Accept, Err(ALREADY_DECIDED)),
    (None, Refuse, Err(ALREADY_DECIDED)),
    (Some(Pending), Ask, Err(ALREADY_PENDING)),
    (Some(Pending), Accept, Ok(Accepted)),
    (Some(Pending), Refuse, Ok(Refused)),
    (Some(Accepted), Ask, Ok(Pending)),
    (Some(Accepted), Accept, Err(ALREADY_DECIDED)),
    (Some(Accepted), Refuse, Err(ALREADY_DECIDED)),
    (Some(Refused), Ask, Ok(Pending)),
    (Some(Refused), Accept, Err(ALREADY_DECIDED)),
    (Some(Refused), Refuse, Err(ALREADY_DECIDED)),
];

/// The state after `action` on a request in `from`.
pub fn transition(from: Option<RequestStatus>, action: RequestAction) -> Result<RequestStatus, Refusal> {
    TRANSITIONS
        .iter()
        .find(|(state, a, _)| *state == from && *a == action)
        .map_or(Err(ALREADY_DECIDED), |(_, _, to)| *to)
}

/// The motive of a refusal, one of the four reasons of the platform: required and written (R5132-1-8).
pub fn refusal_motive(code: &str) -> Result<DenyReason, Invalid> {
    DenyReason::parse(code.trim()).ok_or_else(|| {
        Invalid::from(Explanation::new(
            "prolongation_refusal_motive_required",
            format!(
                "Un refus de prolongation est motivé par écrit : motifs possibles {}",
                DenyReason::ALL.map(DenyReason::code).join(", ")
            ),
            LAW,
        ))
        .on("motive")
    })
}

/// Only an authorised prescriber following the person decides a request (R5132-1-8).
pub fn decider_required() -> Explanation {
    Explanation::new(
        "not_an_authorised_prescriber",
        "Seul un prescripteur habilité qui suit la personne peut décider de cette prolongation",
        LAW,
    )
}

/// The sentence of a request waiting for the reader's decision, in their to-do list (R5132-1-8).
pub fn awaiting_decision() -> String {
    Explanation::new(
        "prolongation_decision",
        "Une demande de prolongation attend votre décision",
        LAW,
    )
    .message
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::first_request(None, Ask, Ok(Pending))]
    #[case::one_waits_at_a_time(Some(Pending), Ask, Err("prolongation_request_pending"))]
    #[case::after_an_acceptance(Some(Accepted), Ask, Ok(Pending))]
    #[case::after_a_refusal(Some(Refused), Ask, Ok(Pending))]
    #[case::accepted(Some(Pending), Accept, Ok(Accepted))]
    #[case::refused(Some(Pending), Refuse, Ok(Refused))]
    #[case::accepted_twice(Some(Accepted), Accept, Err("prolongation_already_decided"))]
    #[case::refused_after_acceptance(Some(Accepted), Refuse, Err("prolongation_already_decided"))]
    #[case::accepted_after_refusal(Some(Refused), Accept, Err("prolongation_already_decided"))]
    #[case::refused_twice(Some(Refused), Refuse, Err("prolongation_already_decided"))]
    #[case::nothing_to_decide(None, Accept, Err("prolongation_already_decided"))]
    fn transitions(
        #[case] from: Option<RequestStatus>,
        #[case] action: RequestAction,
        #[case] expected: Result<RequestStatus, &str>,
    ) {
        assert_eq!(transition(from, action).map_err(|r| r.code), expected);
    }

    #[test]
    fn the_table_has_every_state_and_action() {
        for from in [None, Some(Pending), Some(Accepted), Some(Refused)] {
            for action in [Ask, Accept, Refuse] {
                assert_eq!(
                    TRANSITIONS
                        .iter()
                        .filter(|(s, a, _)| *s == from && *a == action)
                        .count(),
                    1
                );
            }
        }
    }

    #[test]
    fn a_refusal_is_motivated_by_one_of_four_reasons() {
        assert_eq!(refusal_motive(" duration "), Ok(DenyReason::Duration));
        let e = refusal_motive("").unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            ("prolongation_refusal_motive_required", Some("motive"))
        );
        assert_eq!(
            e.message,
            "Un refus de prolongation est motivé par écrit : motifs possibles iae_unsuited, siae_unsuited, \
             duration, reason (Code du travail, art. R5132-1-8)."
        );
        assert_eq!(
            decider_required().message,
            "Seul un prescripteur habilité qui suit la personne peut décider de cette prolongation (Code du \
             travail, art. R5132-1-8)."
        );
        assert_eq!(
            awaiting_decision(),
            "Une demande de prolongation attend votre décision (Code du travail, art. R5132-1-8)."
        );
    }
}
