//! Delays of dated obligations: a rule says "N calendar days" or "N working days" (RULES.md section 7), before
//! or after a date. The deadlines engine stores the dates these give; sources name the rule they apply.

use crate::calendar::{Territory, add_days, is_working_day, nth_working_day_after};
use serde::{Deserialize, Serialize};
use time::Date;

labelled_codes! {
    /// Where a dated obligation comes from. Every source writes its obligations when the date is set or
    /// moves; adding one is a variant here and one call of the store's `obligations::upsert` in the
    /// transaction of its change.
    Source {
        ApprovalEnd => "approval_end", "Fin du PASS IAE";
        TripartiteInterview => "tripartite_interview", "Entretien tripartite de sortie";
        ProlongationDecision => "prolongation_decision", "Décision sur une demande de prolongation";
        AgreementDeadline => "agreement", "Échéance de convention";
        AgendaSending => "agenda_sending", "Envoi de l'ordre du jour";
        ActionItem => "action_item", "Action à mener";
        ImmersionSignature => "immersion_signature", "Signatures d'une convention d'immersion";
    }
}

/// A delay as a rule states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Calendar days (PASS IAE durations, the 10 days of an agenda notice).
    CalendarDays(u32),
    /// Jours ouvrés: Monday to Friday that are not public holidays of the territory.
    WorkingDays(u32),
}

impl Delay {
    /// The last day of a delay running from `from` (the day after counts as the first).
    pub fn after(self, from: Date, territory: Territory) -> Date {
        match self {
            Self::CalendarDays(n) => add_days(from, i64::from(n)),
            Self::WorkingDays(n) => nth_working_day_after(from, n, territory).unwrap_or(Date::MAX),
        }
    }

    /// The last day on which something due `self` before `event` can still be done on time.
    pub fn before(self, event: Date, territory: Territory) -> Date {
        match self {
            Self::CalendarDays(n) => add_days(event, -i64::from(n)),
            Self::WorkingDays(n) => {
                let mut day = event;
                for _ in 0..n {
                    day = day.previous_day().unwrap_or(Date::MIN);
                    while !is_working_day(day, territory) && day > Date::MIN {
                        day = day.previous_day().unwrap_or(Date::MIN);
                    }
                }
                day
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Month;
    use time::macros::date;

    const MAINLAND: Territory = Territory::Mainland;

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        // (delay, from, territory, expected, source)
        let reunion = Territory::Overseas {
            abolition_of_slavery: (Month::December, 20),
        };
        let cases = [
            // Seed 004 annexe 4: agrément decision within 5 working days. Received Thursday 30 April 2026:
            // 1 May (Friday) is a holiday, then the weekend; 8 May (Friday) too: the fifth is Monday 11 May.
            (
                Delay::WorkingDays(4),
                date!(2026 - 04 - 30),
                MAINLAND,
                date!(2026 - 05 - 07),
            ),
            (
                Delay::WorkingDays(5),
                date!(2026 - 04 - 30),
                MAINLAND,
                date!(2026 - 05 - 11),
            ),
            // Seed 004 annexe 4: 2 working days for an ETTI; Easter Monday 6 April 2026 is a holiday.
            (
                Delay::WorkingDays(2),
                date!(2026 - 04 - 03),
                MAINLAND,
                date!(2026 - 04 - 08),
            ),
            // RULES.md 7: Good Friday (3 April 2026) is a holiday in Alsace-Moselle only.
            (
                Delay::WorkingDays(1),
                date!(2026 - 04 - 02),
                MAINLAND,
                date!(2026 - 04 - 03),
            ),
            (
                Delay::WorkingDays(1),
                date!(2026 - 04 - 02),
                Territory::AlsaceMoselle,
                date!(2026 - 04 - 07),
            ),
            // Christmas: 25 December everywhere, 26 December in Alsace-Moselle (2026: Friday and Saturday).
            (
                Delay::WorkingDays(1),
                date!(2026 - 12 - 24),
                MAINLAND,
                date!(2026 - 12 - 28),
            ),
            // La Réunion: 20 December (Sunday in 2026 does not move anything; 2027 it is a Monday).
            (
                Delay::WorkingDays(1),
                date!(2027 - 12 - 17),
                reunion,
                date!(2027 - 12 - 21),
            ),
            (
                Delay::WorkingDays(1),
                date!(2027 - 12 - 17),
                MAINLAND,
                date!(2027 - 12 - 20),
            ),
            // Calendar days ignore holidays (RULES.md 7: PASS durations are in calendar days).
            (
                Delay::CalendarDays(10),
                date!(2026 - 04 - 30),
                MAINLAND,
                date!(2026 - 05 - 10),
            ),
            (
                Delay::WorkingDays(0),
                date!(2026 - 05 - 01),
                MAINLAND,
                date!(2026 - 05 - 01),
            ),
        ];
        for (delay, from, territory, expected) in cases {
            assert_eq!(
                delay.after(from, territory),
                expected,
                "{delay:?} after {from} in {territory:?}"
            );
        }
    }

    #[test]
    fn before_a_meeting() {
        // Seed 004 article 3: documents sent at the latest 10 (calendar) days before the meeting.
        let cases = [
            (
                Delay::CalendarDays(10),
                date!(2026 - 06 - 15),
                MAINLAND,
                date!(2026 - 06 - 05),
            ),
            // 3 working days before Tuesday 26 May 2026: Whit Monday 25 May is a holiday.
            (
                Delay::WorkingDays(3),
                date!(2026 - 05 - 26),
                MAINLAND,
                date!(2026 - 05 - 20),
            ),
            // 1 working day before Monday 4 January 2027: 1 January (Friday) is a holiday.
            (
                Delay::WorkingDays(1),
                date!(2027 - 01 - 04),
                MAINLAND,
                date!(2026 - 12 - 31),
            ),
        ];
        for (delay, event, territory, expected) in cases {
            assert_eq!(delay.before(event, territory), expected, "{delay:?} before {event}");
        }
    }
}
