//! The life of an avenant as a transition table. A party's administrator proposes it (new content and its
//! object); it binds only once every party has signed it, as the convention itself did, and until then the
//! version in force stays the one everybody works with. A party may refuse it and the proposer may withdraw
//! it: either ends the proposal. One proposal at a time, so that each party signs a text it has read against
//! the version in force.
//!
//! Sources: Guide de la CCL Pôle emploi – SIAE II.b (révision d'un commun accord des parties, par avenant),
//! Accord régional BFC 2016 article 5 (avenant sur proposition du comité de pilotage, signé par les parties).

use crate::calendar::french_date;
use crate::explanation::Explanation;
use serde::{Deserialize, Serialize};
use time::Date;

/// Where a proposed avenant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AmendmentStatus))]
pub enum AmendmentStatus {
    /// Waiting for the signatures of the parties.
    Pending,
    /// Signed by every party: it is the version in force.
    Adopted,
    /// A party refused it.
    Declined,
    /// The party that proposed it took it back.
    Withdrawn,
}

impl AmendmentStatus {
    pub const ALL: &'static [AmendmentStatus] = &[Self::Pending, Self::Adopted, Self::Declined, Self::Withdrawn];

    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Adopted => "adopted",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "en attente des signatures",
            Self::Adopted => "signé par toutes les parties",
            Self::Declined => "refusé par une partie",
            Self::Withdrawn => "retiré",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

/// What a party does to an avenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentAction {
    Propose,
    Sign,
    Decline,
    Withdraw,
}

impl AmendmentAction {
    pub const ALL: &'static [AmendmentAction] = &[Self::Propose, Self::Sign, Self::Decline, Self::Withdraw];

    pub fn code(self) -> &'static str {
        match self {
            Self::Propose => "propose",
            Self::Sign => "sign",
            Self::Decline => "decline",
            Self::Withdraw => "withdraw",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Propose => "Proposer un avenant",
            Self::Sign => "Signer l'avenant",
            Self::Decline => "Refuser l'avenant",
            Self::Withdraw => "Retirer l'avenant",
        }
    }
}

/// Who may take an action on an avenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentWho {
    /// An administrator of one of the parties.
    PartyAdministrator,
    /// An administrator of a party that has not signed the avenant yet.
    UnsignedParty,
    /// An administrator of the party that proposed it.
    Proposer,
}

/// One line of the table: `action` from `from` (`None`: no avenant pending) leads to `to`; a signature
/// stays `Pending` until the last party signs (see [`apply`]).
pub struct AmendmentTransition {
    pub action: AmendmentAction,
    pub from: Option<AmendmentStatus>,
    pub to: AmendmentStatus,
    pub who: AmendmentWho,
}

use AmendmentStatus::*;

pub const AMENDMENT_TRANSITIONS: &[AmendmentTransition] = &[
    AmendmentTransition {
        action: AmendmentAction::Propose,
        from: None,
        to: Pending,
        who: AmendmentWho::PartyAdministrator,
    },
    AmendmentTransition {
        action: AmendmentAction::Sign,
        from: Some(Pending),
        to: Adopted,
        who: AmendmentWho::UnsignedParty,
    },
    AmendmentTransition {
        action: AmendmentAction::Decline,
        from: Some(Pending),
        to: Declined,
        who: AmendmentWho::UnsignedParty,
    },
    AmendmentTransition {
        action: AmendmentAction::Withdraw,
        from: Some(Pending),
        to: Withdrawn,
        who: AmendmentWho::Proposer,
    },
];

/// The table line allowing `action` when the pending avenant (if any) is `current`.
pub fn allowed(current: Option<AmendmentStatus>, action: AmendmentAction) -> Option<&'static AmendmentTransition> {
    AMENDMENT_TRANSITIONS
        .iter()
        .find(|t| t.action == action && t.from == current)
}

/// Applies `action`, taken on `on`, to the pending avenant (`current`); `last_signature` says whether every
/// other party has already signed it. Answers the status reached and why.
pub fn apply(
    current: Option<AmendmentStatus>,
    action: AmendmentAction,
    on: Date,
    last_signature: bool,
) -> Result<(AmendmentStatus, Explanation), Explanation> {
    let source = "Guide de la CCL Pôle emploi – SIAE II.b ; Accord régional BFC 2016 article 5";
    let Some(t) = allowed(current, action) else {
        let (code, message) = match current {
            Some(Pending) => (
                "amendment_pending",
                "Un avenant attend déjà les signatures des parties : signez-le, refusez-le ou retirez-le avant d'en \
                 proposer un autre.",
            ),
            _ => (
                "no_pending_amendment",
                "Aucun avenant n'attend de signature sur cette convention ; rechargez la page pour voir la version \
                 en vigueur.",
            ),
        };
        return Err(Explanation::new(code, message, source));
    };
    let day = french_date(on);
    let (to, sentence) = match action {
        AmendmentAction::Propose => (
            t.to,
            format!("Avenant proposé le {day} : il entrera en vigueur quand toutes les parties l'auront signé"),
        ),
        AmendmentAction::Sign if !last_signature => (
            Pending,
            format!(
                "Signature de l'avenant enregistrée le {day} ; la version en vigueur reste la précédente jusqu'à la \
                 dernière signature"
            ),
        ),
        AmendmentAction::Sign => (
            t.to,
            format!("Dernière signature de l'avenant le {day} : la nouvelle version est en vigueur"),
        ),
        AmendmentAction::Decline => (
            t.to,
            format!("Avenant refusé le {day} : la version en vigueur reste inchangée"),
        ),
        AmendmentAction::Withdraw => (
            t.to,
            format!("Avenant retiré le {day} : la version en vigueur reste inchangée"),
        ),
    };
    Ok((to, Explanation::new(action.code(), sentence, source)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const ON: Date = date!(2026 - 03 - 15);

    // Every pair (pending avenant or none, action): allowed exactly where the table says, to what it says.
    #[test]
    fn the_whole_table() {
        let expected: &[(Option<AmendmentStatus>, AmendmentAction, AmendmentStatus)] = &[
            (None, AmendmentAction::Propose, Pending),
            (Some(Pending), AmendmentAction::Sign, Adopted),
            (Some(Pending), AmendmentAction::Decline, Declined),
            (Some(Pending), AmendmentAction::Withdraw, Withdrawn),
        ];
        let states = [None, Some(Pending), Some(Adopted), Some(Declined), Some(Withdrawn)];
        for current in states {
            for action in AmendmentAction::ALL {
                let result = apply(current, *action, ON, true);
                match expected.iter().find(|(s, a, _)| *s == current && a == action) {
                    Some((_, _, to)) => assert_eq!(result.unwrap().0, *to, "{current:?} {action:?}"),
                    None => assert!(result.is_err(), "{current:?} {action:?}"),
                }
            }
        }
    }

    #[test]
    fn one_proposal_at_a_time() {
        let e = apply(Some(Pending), AmendmentAction::Propose, ON, true).unwrap_err();
        assert_eq!(e.code, "amendment_pending");
        let e = apply(None, AmendmentAction::Sign, ON, true).unwrap_err();
        assert_eq!(e.code, "no_pending_amendment");
    }

    #[test]
    fn the_avenant_waits_for_every_party() {
        let (to, why) = apply(Some(Pending), AmendmentAction::Sign, ON, false).unwrap();
        assert_eq!(to, Pending);
        assert!(why.message.contains("15 mars 2026"), "{}", why.message);
        let (to, _) = apply(Some(Pending), AmendmentAction::Sign, ON, true).unwrap();
        assert_eq!(to, Adopted);
    }

    #[test]
    fn codes_read_back() {
        for s in AmendmentStatus::ALL {
            assert_eq!(AmendmentStatus::parse(s.code()), Some(*s));
        }
        for a in AmendmentAction::ALL {
            assert_eq!(AmendmentAction::parse(a.code()), Some(*a));
        }
    }
}
