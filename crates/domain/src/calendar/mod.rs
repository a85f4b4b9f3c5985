//! The French calendar: public holidays by territory, working days, calendar-month arithmetic
//! (RULES.md section 7).

pub mod holidays;
pub mod paris;
pub mod working_days;

pub use holidays::{Holiday, Territory, check_year, holidays};
pub use working_days::{is_working_day, nth_working_day_after};

use time::{Date, Duration, Month};

/// `date` plus `months` calendar months, clamped to the last day of the target month
/// (2024-01-31 + 1 month = 2024-02-29). Saturates at the bounds `time` represents.
pub fn add_months(date: Date, months: i32) -> Date {
    let index = (date.year() * 12 + i32::from(u8::from(date.month())) - 1).saturating_add(months);
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let month = u8::try_from(month0 + 1)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(Month::December);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(if months < 0 { Date::MIN } else { Date::MAX })
}

/// `date` plus `years` calendar years, clamped like [`add_months`] (2024-02-29 + 2 years = 2026-02-28).
pub fn add_years(date: Date, years: i32) -> Date {
    add_months(date, years.saturating_mul(12))
}

/// `date` plus `days` calendar days, saturating at the bounds `time` represents: user input never panics.
pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(Duration::days(days))
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// Dates are written by the one French formatter.
pub use crate::french::{MONTH_NAMES, date as french_date};

/// Number of days from `from` to `to`, both included (0 when `to` is before `from`).
pub fn days_inclusive(from: Date, to: Date) -> i64 {
    ((to - from).whole_days() + 1).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    // The calendar's rule: "adding calendar months or years clamps to the month's last day".
    #[rstest]
    #[case::plain(date!(2025-03-10), 6, date!(2025-09-10))]
    #[case::clamped_to_february(date!(2025-08-31), 6, date!(2026-02-28))]
    #[case::leap_february(date!(2023-08-31), 6, date!(2024-02-29))]
    #[case::across_years(date!(2025-11-15), 3, date!(2026-02-15))]
    #[case::backwards(date!(2025-01-31), -2, date!(2024-11-30))]
    #[case::twenty_four(date!(2020-01-15), 24, date!(2022-01-15))]
    fn months(#[case] from: Date, #[case] n: i32, #[case] expected: Date) {
        assert_eq!(add_months(from, n), expected);
    }

    #[test]
    fn years_clamp_on_leap_days() {
        assert_eq!(add_years(date!(2024 - 02 - 29), 2), date!(2026 - 02 - 28));
        assert_eq!(add_years(date!(2024 - 02 - 29), 4), date!(2028 - 02 - 29));
    }

    #[test]
    fn dates_in_french() {
        assert_eq!(french_date(date!(2025 - 03 - 01)), "1er mars 2025");
        assert_eq!(french_date(date!(2025 - 12 - 25)), "25 décembre 2025");
    }

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        assert_eq!(add_days(Date::MAX, 10), Date::MAX);
        assert_eq!(add_days(Date::MIN, -10), Date::MIN);
        assert_eq!(add_months(Date::MAX, 12), Date::MAX);
        assert_eq!(days_inclusive(date!(2025 - 01 - 10), date!(2025 - 01 - 01)), 0);
        assert_eq!(days_inclusive(date!(2025 - 01 - 01), date!(2025 - 01 - 01)), 1);
    }
}
