//! Periods: a date range cut into months, quarters or years (or kept whole), each period with a stable
//! label (`2026-03`, `2026-T1`, `2026`, `2026-01-01/2026-06-30`).

use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

labelled_codes! {
    /// How a range is cut.
    Granularity {
        Month => "month", "mois";
        Quarter => "quarter", "trimestre";
        Year => "year", "année";
        Whole => "range", "période entière";
    }
}

/// A checked date range, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodRange {
    pub from: Date,
    pub to: Date,
}

/// The longest range computed at once: ten years.
const MAX_DAYS: i64 = 3_660;

impl PeriodRange {
    pub fn new(from: Date, to: Date) -> Result<Self, Invalid> {
        if to < from {
            return Err(Invalid::new(
                "period_reversed",
                format!("la fin de la période ({to}) précède son début ({from})"),
            )
            .on("to"));
        }
        if (to - from).whole_days() > MAX_DAYS {
            return Err(Invalid::new("period_too_long", "la période ne peut dépasser dix ans").on("to"));
        }
        Ok(Self { from, to })
    }

    /// The periods of the range, in order, each clipped to the range.
    pub fn periods(self, granularity: Granularity) -> Vec<Period> {
        let mut out = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let bucket = Period::containing(start, granularity, self);
            start = bucket.to.next_day().unwrap_or(Date::MAX);
            out.push(bucket);
            if bucket.to == Date::MAX {
                break;
            }
        }
        out
    }
}

/// One period: its label and its days, clipped to the requested range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub granularity: Granularity,
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// The period of `granularity` that holds `day`, clipped to `range`.
    pub fn containing(day: Date, granularity: Granularity, range: PeriodRange) -> Self {
        let (from, to) = match granularity {
            Granularity::Month => (first_of(day.year(), day.month()), last_of(day.year(), day.month())),
            Granularity::Quarter => {
                let first = Month::try_from(((day.month() as u8 - 1) / 3) * 3 + 1).unwrap_or(Month::January);
                let last = Month::try_from(first as u8 + 2).unwrap_or(Month::December);
                (first_of(day.year(), first), last_of(day.year(), last))
            }
            Granularity::Year => (
                first_of(day.year(), Month::January),
                last_of(day.year(), Month::December),
            ),
            Granularity::Whole => (range.from, range.to),
        };
        Self {
            granularity,
            from: from.max(range.from),
            to: to.min(range.to),
        }
    }

    /// The stable label of the period.
    pub fn label(&self) -> String {
        let y = self.from.year();
        match self.granularity {
            Granularity::Month => format!("{y}-{:02}", self.from.month() as u8),
            Granularity::Quarter => format!("{y}-T{}", (self.from.month() as u8 - 1) / 3 + 1),
            Granularity::Year => format!("{y}"),
            Granularity::Whole => format!("{}/{}", self.from, self.to),
        }
    }
}

fn first_of(year: i32, month: Month) -> Date {
    Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN)
}

fn last_of(year: i32, month: Month) -> Date {
    Date::from_calendar_date(year, month, time::util::days_in_month(month, year)).unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    #[rstest]
    #[case(Granularity::Month, &["2026-01", "2026-02", "2026-03"])]
    #[case(Granularity::Quarter, &["2026-T1"])]
    #[case(Granularity::Year, &["2026"])]
    #[case(Granularity::Whole, &["2026-01-15/2026-03-10"])]
    fn labels(#[case] g: Granularity, #[case] expected: &[&str]) {
        let range = PeriodRange::new(date!(2026 - 01 - 15), date!(2026 - 03 - 10)).unwrap();
        let labels: Vec<String> = range.periods(g).iter().map(Period::label).collect();
        assert_eq!(labels, expected);
    }

    #[test]
    fn quarters_of_a_year_are_clipped_to_the_range() {
        let range = PeriodRange::new(date!(2025 - 11 - 20), date!(2026 - 12 - 31)).unwrap();
        let periods = range.periods(Granularity::Quarter);
        let labels: Vec<String> = periods.iter().map(Period::label).collect();
        assert_eq!(labels, ["2025-T4", "2026-T1", "2026-T2", "2026-T3", "2026-T4"]);
        assert_eq!(periods[0].from, date!(2025 - 11 - 20));
        assert_eq!(periods[2].from, date!(2026 - 04 - 01));
        assert_eq!(periods[2].to, date!(2026 - 06 - 30));
    }

    #[rstest]
    #[case(date!(2026 - 02 - 01), date!(2026 - 01 - 31), "period_reversed")]
    #[case(date!(2010 - 01 - 01), date!(2026 - 01 - 01), "period_too_long")]
    fn bad_ranges(#[case] from: Date, #[case] to: Date, #[case] code: &str) {
        assert_eq!(PeriodRange::new(from, to).unwrap_err().code, code);
    }
}
