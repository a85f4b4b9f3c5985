//! The dated obligations of an agreement, for the parties' to-do list until the reminders engine delivers
//! them: the yearly review, the last day to give notice before the end, the end itself, a termination taking
//! effect, and the roadmap's dated actions.
//!
//! Sources: Guide de la CCL Pôle emploi – SIAE II.b (examined every year; 3-month notice), Accord régional BFC 2016 article 3 (yearly review by the
//! steering committee) and annex 3 (roadmap), issue 5 item 8.

use super::content::AgreementContent;
use super::lifecycle::{Dates, Status};
use crate::calendar::{add_months, add_years, french_date};
use crate::explanation::Explanation;
use serde::Serialize;
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub on: Date,
    #[serde(flatten)]
    pub explanation: Explanation,
}

/// The obligations falling on or after `today`, soonest first. Only a living agreement has any.
pub fn upcoming(status: Status, dates: Dates, content: &AgreementContent, today: Date) -> Vec<Deadline> {
    let mut out = Vec::new();
    let mut push = |on: Date, code, sentence: String, source| {
        if on >= today {
            out.push(Deadline {
                on,
                explanation: Explanation::new(code, sentence, source),
            });
        }
    };
    match status {
        Status::Signed | Status::InForce | Status::UnderReview => {
            if let (Some(start), Some(end)) = (dates.starts_on, dates.ends_on) {
                // The next anniversary of the start, while the agreement runs.
                let next = (1..)
                    .map(|n| add_years(start, n))
                    .find(|d| *d >= today)
                    .filter(|d| *d <= end);
                if let Some(review) = next {
                    push(
                        review,
                        "annual_review",
                        format!("Examen annuel de la convention le {}", french_date(review)),
                        "Guide de la CCL Pôle emploi – SIAE II.b ; Accord régional BFC 2016 article 3",
                    );
                }
                let months = if content.notice_months == 0 {
                    3
                } else {
                    content.notice_months
                };
                let last_notice = add_months(end, -i32::from(months));
                push(
                    last_notice,
                    "last_notice_day",
                    format!(
                        "Dernier jour pour dénoncer la convention avant son terme, avec un préavis de {months} mois : le {}",
                        french_date(last_notice)
                    ),
                    "Guide de la CCL Pôle emploi – SIAE II.b",
                );
                push(
                    end,
                    "expiry",
                    format!(
                        "La convention prend fin le {} ; prévoir son renouvellement",
                        french_date(end)
                    ),
                    "Guide de la CCL Pôle emploi – SIAE II.b ; Accord régional BFC 2016 article 4",
                );
            }
            for annex in &content.annexes {
                for action in &annex.roadmap {
                    if let Some(due) = action.due_on {
                        push(
                            due,
                            "roadmap_action",
                            format!("Feuille de route : {} (échéance {})", action.action, action.due),
                            "Accord régional BFC 2016 annexe 3",
                        );
                    }
                }
            }
        }
        Status::Terminating => {
            if let Some(effect) = dates.terminates_on {
                push(
                    effect,
                    "termination_effect",
                    format!("La résiliation prend effet le {}", french_date(effect)),
                    "Accord régional BFC 2016 article 6",
                );
            }
        }
        _ => {}
    }
    out.sort_by_key(|d| d.on);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreements::examples::samples;
    use time::macros::date;

    fn dates() -> Dates {
        Dates {
            starts_on: Some(date!(2026 - 01 - 01)),
            ends_on: Some(date!(2027 - 12 - 31)),
            terminates_on: None,
        }
    }

    #[test]
    fn a_living_convention_has_its_review_notice_and_end() {
        let ccl = samples::ccl();
        let list = upcoming(Status::InForce, dates(), &ccl, date!(2026 - 11 - 23));
        let found: Vec<(&str, Date)> = list.iter().map(|d| (d.explanation.code, d.on)).collect();
        assert_eq!(
            found,
            [
                ("annual_review", date!(2027 - 01 - 01)),
                ("last_notice_day", date!(2027 - 09 - 30)),
                ("expiry", date!(2027 - 12 - 31))
            ]
        );
    }

    #[test]
    fn ended_conventions_have_none_and_notices_their_effect() {
        let ccl = samples::ccl();
        assert!(upcoming(Status::Lapsed, dates(), &ccl, date!(2026 - 11 - 23)).is_empty());
        let ending = Dates {
            terminates_on: Some(date!(2027 - 02 - 20)),
            ..dates()
        };
        let list = upcoming(Status::Terminating, ending, &ccl, date!(2026 - 11 - 23));
        assert_eq!(list[0].explanation.code, "termination_effect");
        assert!(list[0].explanation.message.contains("20 février 2027"));
    }

    // Accord régional BFC 2016 annex 3: dated roadmap actions are obligations too.
    #[test]
    fn roadmap_actions_fall_due() {
        let r = samples::regional();
        let d = Dates {
            starts_on: Some(date!(2016 - 12 - 08)),
            ends_on: Some(date!(2018 - 12 - 31)),
            terminates_on: None,
        };
        let list = upcoming(Status::InForce, d, &r, date!(2017 - 01 - 01));
        assert!(
            list.iter()
                .any(|x| x.explanation.code == "roadmap_action" && x.on == date!(2017 - 03 - 31))
        );
        assert_eq!(list[0].on, date!(2017 - 03 - 31));
    }
}
