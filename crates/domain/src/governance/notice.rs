//! The rule "agenda and documents sent at least N days before the meeting" (Accord régional BFC 2016 article 3: "au plus
//! tard 10 jours avant les dates fixées"), in calendar days.

use crate::calendar::{add_days, french_date};
use crate::explanation::Explanation;
use serde::Serialize;
use time::Date;

const SOURCE: &str = "Accord régional BFC 2016, article 3";

/// Where a meeting's agenda stands against its notice rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AgendaNotice {
    /// Sent on time.
    OnTime { sent_on: Date },
    /// Not sent yet; still on time until `due_on`.
    Due { due_on: Date },
    /// Sent after its last day, or not sent and the last day passed: a warning, not a refusal (the meeting
    /// may still be held).
    Late {
        due_on: Date,
        #[serde(flatten)]
        warning: Explanation,
    },
}

/// The notice of a meeting held on `meeting_on` whose agenda must leave `days` days before, as seen `today`.
pub fn agenda_notice(meeting_on: Date, days: u32, sent_on: Option<Date>, today: Date) -> AgendaNotice {
    let due_on = add_days(meeting_on, -i64::from(days));
    match sent_on {
        Some(sent) if sent <= due_on => AgendaNotice::OnTime { sent_on: sent },
        Some(sent) => AgendaNotice::Late {
            due_on,
            warning: Explanation::new(
                "agenda_sent_late",
                format!(
                    "L'ordre du jour et les documents ont été envoyés le {}, moins de {days} jours avant la réunion \
                     du {} : ils devaient partir au plus tard le {}",
                    french_date(sent),
                    french_date(meeting_on),
                    french_date(due_on)
                ),
                SOURCE,
            ),
        },
        None if today <= due_on => AgendaNotice::Due { due_on },
        None => AgendaNotice::Late {
            due_on,
            warning: Explanation::new(
                "agenda_not_sent",
                format!(
                    "L'ordre du jour de la réunion du {} n'est pas envoyé alors qu'il devait partir au plus tard \
                     le {}, {days} jours avant",
                    french_date(meeting_on),
                    french_date(due_on)
                ),
                SOURCE,
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn ten_days_before_the_regional_committee() {
        // Accord régional BFC 2016 article 3: documents "transmis au plus tard 10 jours avant les dates fixées".
        let meeting = date!(2026 - 06 - 15);
        let cases = [
            (Some(date!(2026 - 06 - 05)), date!(2026 - 06 - 01), "on_time"),
            (Some(date!(2026 - 06 - 01)), date!(2026 - 06 - 01), "on_time"),
            (Some(date!(2026 - 06 - 06)), date!(2026 - 06 - 06), "agenda_sent_late"),
            (None, date!(2026 - 06 - 05), "due"),
            (None, date!(2026 - 06 - 06), "agenda_not_sent"),
        ];
        for (sent, today, expected) in cases {
            let got = match agenda_notice(meeting, 10, sent, today) {
                AgendaNotice::OnTime { .. } => "on_time",
                AgendaNotice::Due { due_on } => {
                    assert_eq!(due_on, date!(2026 - 06 - 05));
                    "due"
                }
                AgendaNotice::Late { warning, due_on } => {
                    assert_eq!(due_on, date!(2026 - 06 - 05));
                    warning.code
                }
            };
            assert_eq!(got, expected, "sent {sent:?}, seen {today}");
        }
    }

    #[test]
    fn a_late_agenda_says_its_last_day() {
        let AgendaNotice::Late { warning, .. } = agenda_notice(
            date!(2026 - 06 - 15),
            10,
            Some(date!(2026 - 06 - 10)),
            date!(2026 - 06 - 10),
        ) else {
            panic!("late expected");
        };
        assert!(
            warning.message.contains("au plus tard le 5 juin 2026"),
            "{}",
            warning.message
        );
    }
}
