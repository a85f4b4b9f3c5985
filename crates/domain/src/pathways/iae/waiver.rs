//! The préfet's waiver of an AI's 480-hour cap (L5132-9; RULES.md 1.7: « the préfet may waive it for up to 3
//! years »): the AI asks for it, the State (the DDETS of the AI's department, acting for the préfet) decides,
//! granting it for a period of 3 years at most or refusing it with its reasons. Only a granted waiver lifts the
//! cap ([`super::contract::check_assignment`] is given the granted periods alone).

use super::approval::Period;
use super::contract::check_waiver;
use crate::calendar::french_date;
use crate::explanation::Explanation;
use serde::{Deserialize, Serialize};

const AI_CAP: &str = "Code du travail, art. L5132-9";

labelled_codes! {
    /// Where a waiver stands.
    WaiverStatus {
        Requested => "requested", "demandée, en attente de la décision de la DDETS";
        Granted => "granted", "accordée";
        Refused => "refused", "refusée";
    }
}

/// The State's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Granted over `period` (3 years at most), under the decision's reference.
    Grant { period: Period, reference: String },
    /// Refused, with reasons the AI can read.
    Refuse { reason: String },
}

/// Checks a request: its period as asked, 3 years at most like the waiver it asks for.
pub fn request(period: Period) -> Result<Explanation, Explanation> {
    check_waiver(period)?;
    Ok(Explanation::new(
        "waiver_requested",
        format!(
            "Dérogation demandée du {} au {} ; elle lèvera le plafond des 480 heures une fois accordée par la DDETS",
            french_date(period.from),
            french_date(period.to)
        ),
        AI_CAP,
    ))
}

/// Checks a decision on a waiver whose status is `current`: only a request waiting for one is decided.
pub fn decide(current: WaiverStatus, decision: &Decision) -> Result<Explanation, Explanation> {
    if current != WaiverStatus::Requested {
        return Err(Explanation::new(
            "waiver_already_decided",
            format!(
                "Cette demande de dérogation est déjà {} ; l'AI peut en déposer une nouvelle",
                current.label()
            ),
            AI_CAP,
        ));
    }
    match decision {
        Decision::Grant { period, reference } => {
            check_waiver(*period)?;
            Ok(Explanation::new(
                "waiver_granted",
                format!(
                    "Dérogation au plafond des 480 heures accordée du {} au {} (décision {reference})",
                    french_date(period.from),
                    french_date(period.to)
                ),
                AI_CAP,
            ))
        }
        Decision::Refuse { reason } => Ok(Explanation::new(
            "waiver_refused",
            format!("Dérogation au plafond des 480 heures refusée : {reason}"),
            AI_CAP,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn period(to: time::Date) -> Period {
        Period {
            from: date!(2026 - 02 - 01),
            to,
        }
    }

    // L5132-9 (RULES.md 1.7): the préfet waives the cap for 3 years at most; a waiver is decided once.
    #[test]
    fn a_request_is_granted_for_three_years_at_most_or_refused_once() {
        let grant = |to| Decision::Grant {
            period: period(to),
            reference: "Arrêté 2026-14".into(),
        };
        let cases = [
            (
                WaiverStatus::Requested,
                grant(date!(2029 - 01 - 31)),
                Ok("waiver_granted"),
            ),
            (
                WaiverStatus::Requested,
                grant(date!(2029 - 02 - 01)),
                Err("waiver_too_long"),
            ),
            (
                WaiverStatus::Requested,
                Decision::Refuse {
                    reason: "Difficultés non établies".into(),
                },
                Ok("waiver_refused"),
            ),
            (
                WaiverStatus::Granted,
                grant(date!(2027 - 01 - 31)),
                Err("waiver_already_decided"),
            ),
            (
                WaiverStatus::Refused,
                Decision::Refuse { reason: "Non".into() },
                Err("waiver_already_decided"),
            ),
        ];
        for (status, decision, expected) in cases {
            let got = decide(status, &decision).map(|e| e.code).map_err(|e| e.code);
            assert_eq!(got, expected, "{status:?} {decision:?}");
        }
    }

    #[test]
    fn a_request_asks_for_three_years_at_most() {
        assert_eq!(request(period(date!(2029 - 01 - 31))).unwrap().code, "waiver_requested");
        assert_eq!(
            request(period(date!(2030 - 01 - 31))).unwrap_err().code,
            "waiver_too_long"
        );
    }
}
