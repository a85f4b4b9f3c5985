//! The life cycle of an agreement as a transition table: which action leads from which status to which,
//! and who may take it. Some changes happen by themselves with time (a signed agreement enters into force on
//! its start date, expires after its end date, a termination takes effect when the notice ends): they are
//! derived by [`status_on`] from the stored status and the dates.
//!
//! Sources: Guide de la CCL Pôle emploi – SIAE II.b (yearly review, avenant, 3-month notice by registered letter, lapse when the SIAE
//! loses its State convention), Accord régional BFC 2016 articles 4-6 (duration, amendment, termination with a 3-month notice
//! from receipt by the other signatories; terminating the regional agreement does not cancel the local
//! conventions signed under it).

use crate::calendar::{add_months, french_date};
use crate::explanation::Explanation;
use serde::{Deserialize, Serialize};
use time::Date;

macro_rules! statuses {
    ($($variant:ident => $code:literal, $label:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AgreementStatus))]
        pub enum Status { $($variant),* }

        impl Status {
            pub const ALL: &'static [Status] = &[$(Status::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $(Status::$variant => $code),* }
            }

            pub fn label(self) -> &'static str {
                match self { $(Status::$variant => $label),* }
            }

            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|s| s.code() == code)
            }
        }
    };
}

statuses! {
    Draft => "draft", "en rédaction";
    InSignature => "in_signature", "en signature";
    Signed => "signed", "signée, pas encore en vigueur";
    InForce => "in_force", "en vigueur";
    UnderReview => "under_review", "en examen annuel";
    Terminating => "terminating", "dénoncée, préavis en cours";
    Terminated => "terminated", "résiliée";
    Lapsed => "lapsed", "caduque";
    Expired => "expired", "expirée";
}

impl Status {
    /// Whether an agreement with this status (on a given day) binds its parties: in force, also during the
    /// yearly review and the notice. Only then may anything be derived from it (access, lists, actions).
    pub fn binds(self) -> bool {
        matches!(self, InForce | UnderReview | Terminating)
    }
}

/// What a user may do to an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Submit the complete draft to the parties' signature.
    Submit,
    /// Take the draft back for changes; signatures already given are withdrawn.
    Reopen,
    /// Sign on behalf of one party.
    Sign,
    /// Open the yearly review.
    OpenReview,
    /// Close the yearly review, the agreement staying as it is.
    CloseReview,
    /// Propose an avenant: a new version of the content, in force once every party has signed it (see
    /// [`super::amendment`]). This line says when an agreement may be amended.
    Amend,
    /// Terminate with notice, from the date the other parties receive it.
    GiveNotice,
    /// Record that the agreement has lapsed (its lapse condition occurred).
    Lapse,
    /// Decline to be a party: an organisation named in a draft, or asked to sign, leaves its parties.
    Decline,
    /// Withdraw a termination before the notice ends: the agreement goes on as if no notice had been given.
    WithdrawNotice,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Self::Submit,
        Self::Reopen,
        Self::Sign,
        Self::OpenReview,
        Self::CloseReview,
        Self::Amend,
        Self::GiveNotice,
        Self::Lapse,
        Self::Decline,
        Self::WithdrawNotice,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Reopen => "reopen",
            Self::Sign => "sign",
            Self::OpenReview => "open_review",
            Self::CloseReview => "close_review",
            Self::Amend => "amend",
            Self::GiveNotice => "give_notice",
            Self::Lapse => "lapse",
            Self::Decline => "decline",
            Self::WithdrawNotice => "withdraw_notice",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Submit => "Soumettre à la signature",
            Self::Reopen => "Reprendre la rédaction",
            Self::Sign => "Signer",
            Self::OpenReview => "Ouvrir l'examen annuel",
            Self::CloseReview => "Clore l'examen annuel",
            Self::Amend => "Proposer un avenant",
            Self::GiveNotice => "Dénoncer la convention",
            Self::Lapse => "Constater la caducité",
            Self::Decline => "Décliner la participation",
            Self::WithdrawNotice => "Retirer la dénonciation",
        }
    }
}

/// Who may take an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    /// An administrator of one of the parties.
    PartyAdministrator,
    /// The representative of the party signing: an administrator of that party.
    SigningParty,
    /// The representative of a party that did not start the agreement and has not signed it.
    DecliningParty,
}

impl Who {
    pub fn label(self) -> &'static str {
        match self {
            Self::PartyAdministrator => "un administrateur d'une des parties",
            Self::SigningParty => "le représentant de la partie qui signe",
            Self::DecliningParty => "le représentant de la partie qui décline",
        }
    }
}

/// One line of the table: `action` is allowed from each of `from` and leads to `to`. Signing leads to
/// `InSignature` until the last party signs (see [`apply`]).
pub struct Transition {
    pub action: Action,
    pub from: &'static [Status],
    pub to: Status,
    pub who: Who,
    pub source: &'static str,
}

use Status::*;

pub const TRANSITIONS: &[Transition] = &[
    Transition {
        action: Action::Submit,
        from: &[Draft],
        to: InSignature,
        who: Who::PartyAdministrator,
        source: "rédaction guidée",
    },
    Transition {
        action: Action::Reopen,
        from: &[InSignature],
        to: Draft,
        who: Who::PartyAdministrator,
        source: "rédaction guidée",
    },
    Transition {
        action: Action::Sign,
        from: &[InSignature],
        to: Signed,
        who: Who::SigningParty,
        source: "Accord régional BFC 2016, signatures des parties",
    },
    Transition {
        action: Action::OpenReview,
        from: &[InForce],
        to: UnderReview,
        who: Who::PartyAdministrator,
        source: "Guide de la CCL Pôle emploi – SIAE II.b, examen annuel",
    },
    Transition {
        action: Action::CloseReview,
        from: &[UnderReview],
        to: InForce,
        who: Who::PartyAdministrator,
        source: "Guide de la CCL Pôle emploi – SIAE II.b",
    },
    Transition {
        action: Action::Amend,
        from: &[InForce, UnderReview],
        to: InForce,
        who: Who::PartyAdministrator,
        source: "Guide de la CCL Pôle emploi – SIAE II.b ; Accord régional BFC 2016 article 5",
    },
    Transition {
        action: Action::GiveNotice,
        from: &[Signed, InForce, UnderReview],
        to: Terminating,
        who: Who::PartyAdministrator,
        source: "Guide de la CCL Pôle emploi – SIAE II.b ; Accord régional BFC 2016 article 6",
    },
    Transition {
        action: Action::Lapse,
        from: &[Signed, InForce, UnderReview, Terminating],
        to: Lapsed,
        who: Who::PartyAdministrator,
        source: "Guide de la CCL Pôle emploi – SIAE II.b",
    },
    // An organisation is bound only by its own consent: named in a draft, it may leave it; asked to sign, it
    // may refuse, and the text the others signed no longer holds (the agreement goes back to drafting).
    Transition {
        action: Action::Decline,
        from: &[Draft, InSignature],
        to: Draft,
        who: Who::DecliningParty,
        source: "code civil, articles 1113 et 1118",
    },
    // A termination is a request that takes effect only at the end of its notice (Accord régional BFC 2016
    // article 6): until then it may be withdrawn. Once it took effect the status is `Terminated`, not in `from`.
    Transition {
        action: Action::WithdrawNotice,
        from: &[Terminating],
        to: Signed,
        who: Who::PartyAdministrator,
        source: "Accord régional BFC 2016 article 6",
    },
];

/// The stored facts from which the status on a date is derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dates {
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// The day a termination takes effect (end of the notice).
    pub terminates_on: Option<Date>,
    /// The day the agreement lapses by itself: for a CCL, the day after its SIAE's State convention ends
    /// ([`super::state_convention`]).
    #[serde(default)]
    pub lapses_on: Option<Date>,
}

/// The status on `day`: a signed agreement is in force from its start date; an agreement in force or under
/// review expires the day after its end date; a termination takes effect at the end of the notice; an agreement
/// not yet ended lapses on its lapse date (Guide de la CCL Pôle emploi – SIAE II.b), unless it had already
/// expired or been terminated by then.
pub fn status_on(stored: Status, dates: Dates, day: Date) -> Status {
    let status = status_by_dates(stored, dates, day);
    let Some(lapse) = dates.lapses_on.filter(|l| day >= *l) else {
        return status;
    };
    let ended_before = |end: Option<Date>| end.is_some_and(|e| e < lapse);
    let lapses = match status {
        Signed | InForce | UnderReview | Terminating => true,
        Expired => !ended_before(dates.ends_on.map(|e| e.next_day().unwrap_or(e))),
        Terminated => !ended_before(dates.terminates_on),
        _ => false,
    };
    if lapses { Lapsed } else { status }
}

fn status_by_dates(stored: Status, dates: Dates, day: Date) -> Status {
    let expired = dates.ends_on.is_some_and(|end| day > end);
    match stored {
        Signed if expired => Expired,
        Signed if dates.starts_on.is_some_and(|s| day >= s) => InForce,
        InForce | UnderReview if expired => Expired,
        Terminating if dates.terminates_on.is_some_and(|t| day >= t) => Terminated,
        Terminating if expired => Expired,
        other => other,
    }
}

/// What an allowed action does: the status to store, the date it takes effect, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub to: Status,
    pub effective_on: Date,
    pub explanation: Explanation,
}

/// What the rule needs to decide, besides the current status.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub action: Action,
    /// The date of the act (signature, receipt of the notice, lapse event).
    pub on: Date,
    /// For a signature: whether every other party has already signed.
    pub last_signature: bool,
    /// For a submission: whether the checklist has nothing missing.
    pub checklist_complete: bool,
    pub notice_months: u8,
    pub dates: Dates,
}

/// The table line allowing `action` from `status`, if any.
pub fn allowed(status: Status, action: Action) -> Option<&'static Transition> {
    TRANSITIONS
        .iter()
        .find(|t| t.action == action && t.from.contains(&status))
}

/// Applies a request to an agreement whose status on `request.on` is `current`.
pub fn apply(current: Status, request: Request) -> Result<Change, Explanation> {
    let Some(t) = allowed(current, request.action) else {
        let from: Vec<&str> = TRANSITIONS
            .iter()
            .filter(|t| t.action == request.action)
            .flat_map(|t| t.from.iter().map(|s| s.label()))
            .collect();
        return Err(Explanation::new(
            "transition_not_allowed",
            format!(
                "« {} » est impossible pour une convention {} ; possible seulement si elle est : {}",
                request.action.label(),
                current.label(),
                from.join(", ")
            ),
            "cycle de vie",
        ));
    };
    let on = request.on;
    let change = |to: Status, effective_on: Date, sentence: String| Change {
        to,
        effective_on,
        explanation: Explanation::new(request.action.code(), sentence, t.source),
    };
    Ok(match request.action {
        Action::Submit if !request.checklist_complete => {
            return Err(Explanation::new(
                "checklist_incomplete",
                "La convention ne peut pas être soumise à la signature : des éléments de la liste de contrôle manquent",
                "rédaction guidée",
            ));
        }
        Action::Sign if !request.last_signature => change(
            InSignature,
            on,
            format!(
                "Signature enregistrée le {} ; d'autres parties doivent encore signer",
                french_date(on)
            ),
        ),
        Action::Sign => {
            let signed = status_on(Signed, request.dates, on);
            change(
                signed,
                on,
                format!(
                    "Dernière signature le {} : la convention est {}",
                    french_date(on),
                    signed.label()
                ),
            )
        }
        Action::GiveNotice => {
            let months = if request.notice_months == 0 {
                3
            } else {
                request.notice_months
            };
            let effect = add_months(on, months.into());
            change(
                Terminating,
                effect,
                format!(
                    "Dénonciation reçue le {} ; avec un préavis de {months} mois, la résiliation prend effet le {}. \
                     Les conventions qui déclinent celle-ci restent en vigueur",
                    french_date(on),
                    french_date(effect)
                ),
            )
        }
        Action::Lapse => change(
            Lapsed,
            on,
            format!("La convention est caduque depuis le {}", french_date(on)),
        ),
        // Back to signed: the dates then say whether it is in force, not yet, or expired.
        Action::WithdrawNotice => {
            let back = status_on(Signed, request.dates, on);
            change(
                back,
                on,
                format!(
                    "Dénonciation retirée le {}, avant sa prise d'effet : la convention est {}",
                    french_date(on),
                    back.label()
                ),
            )
        }
        Action::Decline => change(
            Draft,
            on,
            format!(
                "Participation déclinée le {} : la structure n'est plus partie, la convention revient en rédaction \
                 et les signatures déjà données sont retirées",
                french_date(on)
            ),
        ),
        action => change(t.to, on, format!("{} le {}", action.label(), french_date(on))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn request(action: Action) -> Request {
        Request {
            action,
            on: date!(2026 - 03 - 15),
            last_signature: true,
            checklist_complete: true,
            notice_months: 3,
            dates: Dates {
                starts_on: Some(date!(2026 - 01 - 01)),
                ends_on: Some(date!(2026 - 12 - 31)),
                terminates_on: None,
                lapses_on: None,
            },
        }
    }

    // Every pair (status, action): allowed exactly where the table says, to the status it says.
    #[test]
    fn the_whole_table() {
        let expected: &[(Status, Action, Status)] = &[
            (Draft, Action::Submit, InSignature),
            (InSignature, Action::Reopen, Draft),
            (InSignature, Action::Sign, InForce), // start date passed
            (InForce, Action::OpenReview, UnderReview),
            (UnderReview, Action::CloseReview, InForce),
            (InForce, Action::Amend, InForce),
            (UnderReview, Action::Amend, InForce),
            (Signed, Action::GiveNotice, Terminating),
            (InForce, Action::GiveNotice, Terminating),
            (UnderReview, Action::GiveNotice, Terminating),
            (Signed, Action::Lapse, Lapsed),
            (InForce, Action::Lapse, Lapsed),
            (UnderReview, Action::Lapse, Lapsed),
            (Terminating, Action::Lapse, Lapsed),
            (Draft, Action::Decline, Draft),
            (InSignature, Action::Decline, Draft),
            (Terminating, Action::WithdrawNotice, InForce),
        ];
        for status in Status::ALL {
            for action in Action::ALL {
                let result = apply(*status, request(*action));
                match expected.iter().find(|(s, a, _)| s == status && a == action) {
                    Some((_, _, to)) => assert_eq!(result.unwrap().to, *to, "{status:?} {action:?}"),
                    None => assert_eq!(
                        result.unwrap_err().code,
                        "transition_not_allowed",
                        "{status:?} {action:?}"
                    ),
                }
            }
        }
    }

    #[test]
    fn only_an_agreement_in_force_binds() {
        let binding: Vec<Status> = Status::ALL.iter().copied().filter(|s| s.binds()).collect();
        assert_eq!(binding, [InForce, UnderReview, Terminating]);
    }

    #[test]
    fn signatures_wait_for_every_party() {
        let r = Request {
            last_signature: false,
            ..request(Action::Sign)
        };
        assert_eq!(apply(InSignature, r).unwrap().to, InSignature);
        let early = Request {
            on: date!(2025 - 12 - 01),
            ..request(Action::Sign)
        };
        assert_eq!(apply(InSignature, early).unwrap().to, Signed);
    }

    #[test]
    fn an_incomplete_draft_is_not_submitted() {
        let r = Request {
            checklist_complete: false,
            ..request(Action::Submit)
        };
        assert_eq!(apply(Draft, r).unwrap_err().code, "checklist_incomplete");
    }

    // Guide de la CCL Pôle emploi – SIAE II.b and Accord régional BFC 2016 art. 6: three months from receipt.
    #[test]
    fn notice_of_three_months() {
        let change = apply(InForce, request(Action::GiveNotice)).unwrap();
        assert_eq!(change.effective_on, date!(2026 - 06 - 15));
        assert!(change.explanation.message.contains("restent en vigueur"));
        let end_of_month = Request {
            on: date!(2026 - 11 - 30),
            notice_months: 3,
            ..request(Action::GiveNotice)
        };
        assert_eq!(
            apply(InForce, end_of_month).unwrap().effective_on,
            date!(2027 - 02 - 28)
        );
    }

    // Accord régional BFC 2016 art. 6: the notice may be withdrawn until it takes effect, not after.
    #[test]
    fn a_notice_is_withdrawn_before_it_takes_effect() {
        let change = apply(Terminating, request(Action::WithdrawNotice)).unwrap();
        assert_eq!(change.to, InForce);
        assert!(
            change.explanation.message.contains("15 mars 2026"),
            "{}",
            change.explanation.message
        );
        let dates = Dates {
            terminates_on: Some(date!(2026 - 06 - 15)),
            ..request(Action::WithdrawNotice).dates
        };
        let after = status_on(Terminating, dates, date!(2026 - 06 - 15));
        assert_eq!(
            apply(after, request(Action::WithdrawNotice)).unwrap_err().code,
            "transition_not_allowed"
        );
    }

    #[test]
    fn time_moves_the_status() {
        let dates = Dates {
            starts_on: Some(date!(2026 - 01 - 01)),
            ends_on: Some(date!(2026 - 12 - 31)),
            terminates_on: Some(date!(2026 - 06 - 15)),
            lapses_on: None,
        };
        let cases = [
            (Signed, date!(2025 - 12 - 31), Signed),
            (Signed, date!(2026 - 01 - 01), InForce),
            (InForce, date!(2026 - 12 - 31), InForce),
            (InForce, date!(2027 - 01 - 01), Expired),
            (UnderReview, date!(2027 - 01 - 01), Expired),
            (Terminating, date!(2026 - 06 - 14), Terminating),
            (Terminating, date!(2026 - 06 - 15), Terminated),
            (Lapsed, date!(2027 - 06 - 15), Lapsed),
            (Draft, date!(2027 - 06 - 15), Draft),
        ];
        for (stored, day, expected) in cases {
            assert_eq!(status_on(stored, dates, day), expected, "{stored:?} on {day}");
        }
    }

    // Guide de la CCL Pôle emploi – SIAE II.b: « Cette convention devient caduque en cas de non conventionnement
    // de la SIAE par l'Etat ». The lapse comes by itself on its date, and only to an agreement still running then.
    #[test]
    fn the_lapse_date_makes_a_running_agreement_lapse() {
        let dates = Dates {
            starts_on: Some(date!(2026 - 01 - 01)),
            ends_on: Some(date!(2026 - 12 - 31)),
            terminates_on: None,
            lapses_on: Some(date!(2026 - 07 - 01)),
        };
        let cases = [
            (Signed, date!(2025 - 12 - 31), Signed),
            (InForce, date!(2026 - 06 - 30), InForce),
            (InForce, date!(2026 - 07 - 01), Lapsed),
            (UnderReview, date!(2026 - 07 - 01), Lapsed),
            (InForce, date!(2027 - 02 - 01), Lapsed),
            (Draft, date!(2026 - 08 - 01), Draft),
        ];
        for (stored, day, expected) in cases {
            assert_eq!(status_on(stored, dates, day), expected, "{stored:?} on {day}");
        }
        assert!(!status_on(InForce, dates, date!(2026 - 07 - 01)).binds());
        // Terminated or expired before the State convention ended: it stays so.
        let terminated = Dates {
            terminates_on: Some(date!(2026 - 05 - 01)),
            ..dates
        };
        assert_eq!(status_on(Terminating, terminated, date!(2026 - 08 - 01)), Terminated);
        let late = Dates {
            lapses_on: Some(date!(2027 - 03 - 01)),
            ..dates
        };
        assert_eq!(status_on(InForce, late, date!(2027 - 04 - 01)), Expired);
    }
}
