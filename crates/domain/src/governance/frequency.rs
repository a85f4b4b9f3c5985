//! How often a committee must meet, checked against the meetings it held in a calendar year.

use crate::calendar::french_date;
use crate::explanation::Explanation;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

labelled_codes! {
    /// The required frequency of a committee's meetings.
    Frequency {
        Quarterly => "quarterly", "Trimestrielle (une réunion par trimestre)";
        TwiceAYear => "twice_a_year", "Au moins deux fois par an";
        Yearly => "yearly", "Au moins une fois par an";
        AsNeeded => "as_needed", "Selon les besoins";
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrequencyStatus {
    /// The year's requirement is met.
    Met,
    /// Not met yet, and still possible this year.
    Pending,
    /// A period ended without the meetings it required.
    Missed,
    /// No frequency is required.
    NotRequired,
}

/// A committee's year against its frequency: what was required, what was held, and each gap explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrequencyReport {
    pub year: i32,
    pub required: u32,
    pub held: u32,
    pub status: FrequencyStatus,
    pub gaps: Vec<Explanation>,
}

impl Frequency {
    fn source(self) -> &'static str {
        match self {
            Self::Quarterly => "Accord régional BFC 2016, fiche action 8",
            Self::TwiceAYear => "Accord régional BFC 2016, article 3 ; Journées de l'emploi accompagné 2020",
            Self::Yearly | Self::AsNeeded => "fréquence fixée pour le comité",
        }
    }

    /// Checks the meetings `held` (any dates; only those of `year` count) as seen on `today`.
    pub fn check(self, held: &[Date], year: i32, today: Date) -> FrequencyReport {
        let in_year = |from: Date, to: Date| held.iter().filter(|d| (from..=to).contains(*d)).count() as u32;
        let (first, last) = (day(year, Month::January, 1), day(year, Month::December, 31));
        let count = in_year(first, last);
        let mut report = FrequencyReport {
            year,
            required: 0,
            held: count,
            status: FrequencyStatus::NotRequired,
            gaps: Vec::new(),
        };
        match self {
            Self::AsNeeded => {}
            Self::Quarterly => {
                report.required = 4;
                let with_meeting = |q: u8| held.iter().any(|d| d.year() == year && quarter_of(*d) == q);
                for quarter in (0..4u8).filter(|q| !with_meeting(*q)) {
                    let start = day(year, Month::January.nth_next(quarter * 3), 1);
                    let end = match quarter {
                        3 => last,
                        _ => day(year, Month::January.nth_next(quarter * 3 + 3), 1)
                            .previous_day()
                            .unwrap_or(last),
                    };
                    if end < today {
                        report.gaps.push(Explanation::new(
                            "quarter_without_meeting",
                            format!(
                                "Aucune réunion au {} trimestre {year} (du {} au {}), alors que le comité doit se \
                                 réunir chaque trimestre",
                                ["1er", "2e", "3e", "4e"][usize::from(quarter)],
                                french_date(start),
                                french_date(end)
                            ),
                            self.source(),
                        ));
                    }
                }
                report.status = if !report.gaps.is_empty() {
                    FrequencyStatus::Missed
                } else if (0..4u8).all(with_meeting) {
                    FrequencyStatus::Met
                } else {
                    FrequencyStatus::Pending
                };
            }
            Self::TwiceAYear | Self::Yearly => {
                report.required = if self == Self::TwiceAYear { 2 } else { 1 };
                report.status = if count >= report.required {
                    FrequencyStatus::Met
                } else if today > last {
                    report.gaps.push(Explanation::new(
                        "too_few_meetings",
                        format!(
                            "{count} réunion(s) tenue(s) en {year} pour {} requise(s)",
                            report.required
                        ),
                        self.source(),
                    ));
                    FrequencyStatus::Missed
                } else {
                    FrequencyStatus::Pending
                };
            }
        }
        report
    }
}

fn day(year: i32, month: Month, day: u8) -> Date {
    // Valid for every year the calendar handles: the first and last days of months always exist.
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

fn quarter_of(date: Date) -> u8 {
    (u8::from(date.month()) - 1) / 3
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn dates(list: &[&str]) -> Vec<Date> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        list.iter().map(|d| Date::parse(d, format).unwrap()).collect()
    }

    #[test]
    fn a_cta_meets_every_quarter() {
        // Accord régional BFC 2016 fiche action 8: "Réunir le CTA selon une périodicité trimestrielle" (a CTA with
        // only 3 meetings in a year is flagged).
        let end_of_year = date!(2026 - 12 - 31);
        let after_year = date!(2027 - 01 - 15);
        let cases: &[(&[&str], Date, FrequencyStatus, usize)] = &[
            (
                &["2026-02-10", "2026-05-12", "2026-09-15", "2026-12-08"],
                after_year,
                FrequencyStatus::Met,
                0,
            ),
            (
                &["2026-02-10", "2026-05-12", "2026-12-08"],
                after_year,
                FrequencyStatus::Missed,
                1,
            ),
            // Two meetings in one quarter do not make up for an empty one.
            (
                &["2026-01-10", "2026-03-12", "2026-05-12", "2026-12-08"],
                after_year,
                FrequencyStatus::Missed,
                1,
            ),
            // The fourth quarter is not over yet: nothing missed, not met.
            (
                &["2026-02-10", "2026-05-12", "2026-09-15"],
                end_of_year,
                FrequencyStatus::Pending,
                0,
            ),
            // Meetings of another year do not count.
            (
                &["2025-02-10", "2026-05-12", "2026-09-15", "2026-12-08"],
                after_year,
                FrequencyStatus::Missed,
                1,
            ),
            (&[], date!(2026 - 04 - 01), FrequencyStatus::Missed, 1),
            (&[], date!(2026 - 03 - 31), FrequencyStatus::Pending, 0),
        ];
        for (held, today, status, gaps) in cases {
            let report = Frequency::Quarterly.check(&dates(held), 2026, *today);
            assert_eq!(
                (report.status, report.gaps.len()),
                (*status, *gaps),
                "{held:?} on {today}"
            );
            assert_eq!(report.required, 4);
        }
        let report = Frequency::Quarterly.check(&dates(&["2026-02-10", "2026-05-12", "2026-12-08"]), 2026, after_year);
        assert_eq!(report.held, 3);
        assert!(
            report.gaps[0].message.contains("3e trimestre 2026"),
            "{}",
            report.gaps[0].message
        );
    }

    #[test]
    fn twice_a_year_and_yearly() {
        // Accord régional BFC 2016 article 3: the regional steering committee "se réunit au moins 2 fois par an".
        let cases: &[(Frequency, &[&str], Date, FrequencyStatus)] = &[
            (
                Frequency::TwiceAYear,
                &["2026-03-01", "2026-10-01"],
                date!(2026 - 10 - 02),
                FrequencyStatus::Met,
            ),
            (
                Frequency::TwiceAYear,
                &["2026-03-01"],
                date!(2026 - 12 - 31),
                FrequencyStatus::Pending,
            ),
            (
                Frequency::TwiceAYear,
                &["2026-03-01"],
                date!(2027 - 01 - 01),
                FrequencyStatus::Missed,
            ),
            (
                Frequency::Yearly,
                &["2026-06-01"],
                date!(2027 - 01 - 01),
                FrequencyStatus::Met,
            ),
            (Frequency::Yearly, &[], date!(2027 - 01 - 01), FrequencyStatus::Missed),
            (
                Frequency::AsNeeded,
                &[],
                date!(2027 - 01 - 01),
                FrequencyStatus::NotRequired,
            ),
        ];
        for (frequency, held, today, status) in cases {
            assert_eq!(
                frequency.check(&dates(held), 2026, *today).status,
                *status,
                "{frequency:?} {held:?}"
            );
        }
        let missed = Frequency::TwiceAYear.check(&dates(&["2026-03-01"]), 2026, date!(2027 - 01 - 01));
        assert_eq!(missed.gaps[0].code, "too_few_meetings");
        assert!(missed.gaps[0].message.contains("Accord régional BFC 2016, article 3"));
    }
}
