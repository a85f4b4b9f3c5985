//! The dated obligations of an agreement, for the parties' to-do list until the reminders engine delivers
//! them: the yearly review, the last day to give notice before the end, the end itself, a termination taking
//! effect, and the roadmap's dated actions.
//!
//! Sources: Guide de la CCL Pôle emploi – SIAE II.b (examined every year; 3-month notice), Accord régional BFC 2016 article 3 (yearly review by the
//! steering committee) and annex 3 (roadmap).

use super::AgreementKind;
use super::content::AgreementContent;
use super::lifecycle::{Dates, Status};
use crate::calendar::{add_days, add_months, add_years, french_date};
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
                if let Some(review) = next_review(start, end, today) {
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
    // A CCL whose SIAE's State convention ends before the CCL does: renew the conventionnement, or it lapses.
    let lapse = dates
        .lapses_on
        .filter(|_| status.binds() || status == Status::Signed)
        .filter(|l| dates.ends_on.is_none_or(|end| *l <= end));
    if let Some(lapse) = lapse {
        out.extend(super::state_convention::reminders(lapse, today));
    }
    out.sort_by_key(|d| d.on);
    out
}

/// The extraordinary steering committee a termination request of a regional agreement needs, while none is
/// planned: by the last day of the notice, the day before the termination takes effect. Accord régional BFC 2016
/// article 6 (read 2026-12-07): « Un préavis de 3 mois doit être respecté à compter de la réception par les
/// autres signataires et au cours duquel un comité de pilotage extraordinaire est réuni pour examiner la
/// demande ». A local convention's termination has no committee of its own (Guide de la CCL II.b: notice only).
pub fn extraordinary_committee(
    kind: AgreementKind,
    status: Status,
    dates: Dates,
    planned: bool,
    today: Date,
) -> Option<Deadline> {
    let effect = dates
        .terminates_on
        .filter(|_| kind == AgreementKind::Regional && status == Status::Terminating)?;
    let by = add_days(effect, -1);
    (!planned && by >= today).then(|| Deadline {
        on: by,
        explanation: Explanation::new(
            "extraordinary_committee",
            format!(
                "Réunir le comité de pilotage extraordinaire qui examine la demande de résiliation, au plus tard le {}",
                french_date(by)
            ),
            "Accord régional BFC 2016 article 6",
        ),
    })
}

/// The next yearly review on or after `today` of an agreement running from `start` to `end`: each anniversary
/// of the start while it runs, and the last day for the last year, whose anniversary falls after the end (a
/// one-year convention, the guide's own example, has only that one). Guide de la CCL Pôle emploi – SIAE II.b:
/// « examinée annuellement dans le cadre du comité de suivi » (docs/rules.md, « Examen annuel »).
fn next_review(start: Date, end: Date, today: Date) -> Option<Date> {
    (1..)
        .map(|n| add_years(start, n))
        .scan(false, |past_end, anniversary| {
            // Stop after the first anniversary on or after the end, which the end replaces.
            (!*past_end).then(|| {
                *past_end = anniversary >= end;
                anniversary.min(end)
            })
        })
        .find(|d| *d >= today)
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
            lapses_on: None,
        }
    }

    // Guide de la CCL Pôle emploi – SIAE II.b: the CCL lapses with its SIAE's State convention; its parties are
    // reminded three months before, unless the CCL itself ends first.
    #[test]
    fn the_end_of_the_siae_state_convention_is_reminded() {
        let ccl = samples::ccl();
        let lapsing = Dates {
            lapses_on: Some(date!(2027 - 07 - 01)),
            ..dates()
        };
        let list = upcoming(Status::InForce, lapsing, &ccl, date!(2027 - 02 - 01));
        let found: Vec<(&str, Date)> = list.iter().map(|d| (d.explanation.code, d.on)).collect();
        assert!(
            found.contains(&("state_convention_renewal", date!(2027 - 03 - 30))),
            "{found:?}"
        );
        assert!(
            found.contains(&("state_convention_lapse", date!(2027 - 07 - 01))),
            "{found:?}"
        );
        let after_the_end = Dates {
            lapses_on: Some(date!(2028 - 07 - 01)),
            ..dates()
        };
        let list = upcoming(Status::InForce, after_the_end, &ccl, date!(2027 - 02 - 01));
        assert!(list.iter().all(|d| !d.explanation.code.starts_with("state_convention")));
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

    // Guide de la CCL Pôle emploi – SIAE II.b (read 2026-12-07): « La présente convention est conclue du
    // 01/01/20xx au 31/12/xx. Elle est examinée annuellement dans le cadre du comité de suivi ». A one-year
    // convention has no anniversary before its end: its yearly review falls due by its last day. So does the
    // last year of a longer one, whose anniversary falls the day after its end (docs/rules.md).
    #[test]
    fn every_year_of_a_convention_has_its_review() {
        let ccl = samples::ccl();
        let review = |starts_on, ends_on, today| {
            let d = Dates {
                starts_on: Some(starts_on),
                ends_on: Some(ends_on),
                terminates_on: None,
                lapses_on: None,
            };
            upcoming(Status::InForce, d, &ccl, today)
                .into_iter()
                .find(|x| x.explanation.code == "annual_review")
                .map(|x| x.on)
        };
        // (start, end, today, review due)
        let cases = [
            // One year, the guide's own example.
            (
                date!(2027 - 01 - 01),
                date!(2027 - 12 - 31),
                date!(2027 - 03 - 01),
                Some(date!(2027 - 12 - 31)),
            ),
            (
                date!(2027 - 01 - 01),
                date!(2027 - 12 - 31),
                date!(2027 - 12 - 31),
                Some(date!(2027 - 12 - 31)),
            ),
            (
                date!(2027 - 01 - 01),
                date!(2027 - 12 - 31),
                date!(2028 - 01 - 01),
                None,
            ),
            // Two years: the first anniversary, then the last day.
            (
                date!(2026 - 01 - 01),
                date!(2027 - 12 - 31),
                date!(2026 - 11 - 23),
                Some(date!(2027 - 01 - 01)),
            ),
            (
                date!(2026 - 01 - 01),
                date!(2027 - 12 - 31),
                date!(2027 - 01 - 02),
                Some(date!(2027 - 12 - 31)),
            ),
            // A convention ending on an anniversary has that day only once.
            (
                date!(2026 - 03 - 15),
                date!(2027 - 03 - 15),
                date!(2026 - 04 - 01),
                Some(date!(2027 - 03 - 15)),
            ),
        ];
        for (starts_on, ends_on, today, due) in cases {
            assert_eq!(
                review(starts_on, ends_on, today),
                due,
                "{starts_on} to {ends_on}, on {today}"
            );
        }
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

    // Accord régional BFC 2016 article 6: during the 3-month notice of a termination request, an extraordinary
    // steering committee examines it. Due the day before the effect, until one is planned; not for a CCL.
    #[test]
    fn a_regional_termination_needs_its_extraordinary_committee() {
        let ending = Dates {
            terminates_on: Some(date!(2027 - 03 - 01)),
            ..dates()
        };
        let today = date!(2026 - 12 - 07);
        let due = |kind, status, planned, today| {
            extraordinary_committee(kind, status, ending, planned, today).map(|d| (d.explanation.code, d.on))
        };
        // (kind, status, a committee planned, today, due)
        let cases = [
            (
                AgreementKind::Regional,
                Status::Terminating,
                false,
                today,
                Some(("extraordinary_committee", date!(2027 - 02 - 28))),
            ),
            (AgreementKind::Regional, Status::Terminating, true, today, None),
            (
                AgreementKind::Regional,
                Status::Terminating,
                false,
                date!(2027 - 03 - 01),
                None,
            ),
            (AgreementKind::Regional, Status::InForce, false, today, None),
            (AgreementKind::LocalCooperation, Status::Terminating, false, today, None),
        ];
        for (kind, status, planned, today, expected) in cases {
            assert_eq!(
                due(kind, status, planned, today),
                expected,
                "{kind:?} {status:?} {planned} {today}"
            );
        }
        let d = extraordinary_committee(AgreementKind::Regional, Status::Terminating, ending, false, today).unwrap();
        assert!(
            d.explanation.message.contains("au plus tard le 28 février 2027"),
            "{}",
            d.explanation.message
        );
    }

    // Accord régional BFC 2016 annex 3: dated roadmap actions are obligations too.
    #[test]
    fn roadmap_actions_fall_due() {
        let r = samples::regional();
        let d = Dates {
            starts_on: Some(date!(2016 - 12 - 08)),
            ends_on: Some(date!(2018 - 12 - 31)),
            terminates_on: None,
            lapses_on: None,
        };
        let list = upcoming(Status::InForce, d, &r, date!(2017 - 01 - 01));
        assert!(
            list.iter()
                .any(|x| x.explanation.code == "roadmap_action" && x.on == date!(2017 - 03 - 31))
        );
        assert_eq!(list[0].on, date!(2017 - 03 - 31));
    }
}
