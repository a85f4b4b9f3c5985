//! Legal time in metropolitan France (Europe/Paris), without a time-zone database: UTC+1, and UTC+2 from the
//! last Sunday of March to the last Sunday of October, both at 01:00 UTC (EU directive 2000/84/EC, in force
//! since 1996 for these dates). Days that users see (« valable jusqu'au 7 décembre ») end at midnight there.

use time::{Date, Duration, Month, OffsetDateTime, UtcOffset};

/// The offset of Paris time at `instant`.
pub fn offset(instant: OffsetDateTime) -> UtcOffset {
    let utc = instant.to_offset(UtcOffset::UTC);
    let change = |month| {
        last_sunday(utc.year(), month)
            .with_hms(1, 0, 0)
            .map_or(OffsetDateTime::UNIX_EPOCH, |t| t.assume_utc())
    };
    let summer = utc >= change(Month::March) && utc < change(Month::October);
    UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The day it is in Paris at `instant`.
pub fn date(instant: OffsetDateTime) -> Date {
    instant.to_offset(offset(instant)).date()
}

/// The instant a day starts in Paris (midnight there; the changes of time happen at 01:00 UTC, never at it).
pub fn start_of(day: Date) -> OffsetDateTime {
    let utc = day.midnight().assume_utc();
    utc - Duration::seconds(i64::from(offset(utc).whole_seconds()))
}

/// The last Sunday of `month` (March or October: 31 days) of `year`.
fn last_sunday(year: i32, month: Month) -> Date {
    let last = Date::from_calendar_date(year, month, month.length(year)).unwrap_or(Date::MIN);
    let back = last.weekday().number_days_from_sunday();
    last - Duration::days(i64::from(back))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    /// The day in Paris around its midnight, in winter and in summer, and around both changes of 2026
    /// (29 March and 25 October) and 2024 (31 March and 27 October).
    #[test]
    fn days_start_at_midnight_in_paris() {
        assert_eq!(start_of(date!(2026 - 12 - 07)), datetime!(2026-12-06 23:00:00 UTC));
        assert_eq!(start_of(date!(2026 - 07 - 02)), datetime!(2026-07-01 22:00:00 UTC));
        assert_eq!(start_of(date!(2026 - 03 - 29)), datetime!(2026-03-28 23:00:00 UTC));
        assert_eq!(start_of(date!(2026 - 03 - 30)), datetime!(2026-03-29 22:00:00 UTC));
        for d in [date!(2026 - 10 - 25), date!(2026 - 10 - 26), date!(2026 - 03 - 29)] {
            assert_eq!(date(start_of(d)), d);
            assert_eq!(date(start_of(d) - Duration::seconds(1)), d.previous_day().unwrap());
        }
    }

    #[test]
    fn the_day_in_paris() {
        for (instant, day) in [
            (datetime!(2026-12-06 22:59:59 UTC), date!(2026 - 12 - 06)),
            (datetime!(2026-12-06 23:00:00 UTC), date!(2026 - 12 - 07)),
            (datetime!(2026-07-01 21:59:59 UTC), date!(2026 - 07 - 01)),
            (datetime!(2026-07-01 22:00:00 UTC), date!(2026 - 07 - 02)),
            (datetime!(2026-12-31 23:30:00 UTC), date!(2027 - 01 - 01)),
        ] {
            assert_eq!(date(instant), day, "{instant}");
        }
        for (instant, hours) in [
            (datetime!(2026-03-29 00:59:59 UTC), 1),
            (datetime!(2026-03-29 01:00:00 UTC), 2),
            (datetime!(2026-10-25 00:59:59 UTC), 2),
            (datetime!(2026-10-25 01:00:00 UTC), 1),
            (datetime!(2024-03-31 01:00:00 UTC), 2),
            (datetime!(2024-10-27 00:30:00 UTC), 2),
            (datetime!(2024-10-27 01:30:00 UTC), 1),
        ] {
            assert_eq!(offset(instant).whole_hours(), hours, "{instant}");
        }
    }
}
