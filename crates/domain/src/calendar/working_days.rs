//! Working days (jours ouvrés): Monday to Friday, public holidays excepted (RULES.md section 7).

use super::holidays::{Territory, is_holiday};
use time::{Date, Weekday};

pub fn is_working_day(date: Date, territory: Territory) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(date, territory)
}

/// The `n`-th working day strictly after `date`: a deadline of `n` working days from a receipt date.
/// `n = 0` gives `date` itself. `None` past the last date `time` represents.
pub fn nth_working_day_after(date: Date, n: u32, territory: Territory) -> Option<Date> {
    let mut day = date;
    for _ in 0..n {
        day = day.next_day()?;
        while !is_working_day(day, territory) {
            day = day.next_day()?;
        }
    }
    Some(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;
    use time::macros::date;

    #[rstest]
    #[case::plain_week(date!(2025-03-10), 5, None, date!(2025-03-17))] // Monday + 5 = next Monday
    #[case::over_a_weekend(date!(2025-03-14), 1, None, date!(2025-03-17))]
    #[case::from_a_saturday(date!(2025-03-15), 1, None, date!(2025-03-17))]
    #[case::easter_monday(date!(2025-04-18), 1, None, date!(2025-04-22))] // L3133-1
    #[case::good_friday_mainland(date!(2025-04-17), 1, None, date!(2025-04-18))]
    #[case::good_friday_moselle(date!(2025-04-17), 1, Some("57"), date!(2025-04-22))] // L3134-13
    #[case::christmas_alsace(date!(2025-12-24), 1, Some("68"), date!(2025-12-29))]
    #[case::christmas_mainland(date!(2025-12-24), 1, None, date!(2025-12-26))]
    #[case::abolition_martinique(date!(2025-05-21), 1, Some("972"), date!(2025-05-23))] // décret 83-1003
    #[case::ascension_bridge(date!(2025-05-28), 2, None, date!(2025-06-02))]
    #[case::zero_is_the_day_itself(date!(2025-03-15), 0, None, date!(2025-03-15))]
    fn nth_after(#[case] from: Date, #[case] n: u32, #[case] department: Option<&str>, #[case] expected: Date) {
        let territory = Territory::of(department).unwrap();
        assert_eq!(nth_working_day_after(from, n, territory), Some(expected));
    }

    fn territories() -> impl Strategy<Value = Territory> {
        prop::sample::select(vec![
            None,
            Some("57"),
            Some("971"),
            Some("972"),
            Some("973"),
            Some("974"),
            Some("976"),
        ])
        .prop_map(|department| Territory::of(department).unwrap())
    }

    proptest! {
        #[test]
        fn never_lands_on_a_weekend_or_a_holiday(
            julian in Date::from_calendar_date(1900, time::Month::January, 1).unwrap().to_julian_day()
                ..Date::from_calendar_date(2199, time::Month::January, 1).unwrap().to_julian_day(),
            n in 1u32..60,
            territory in territories(),
        ) {
            let from = Date::from_julian_day(julian).unwrap();
            let day = nth_working_day_after(from, n, territory).unwrap();
            prop_assert!(day > from);
            prop_assert!(!matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday));
            prop_assert!(!is_holiday(day, territory));
            let working_between = (1..=(day - from).whole_days())
                .filter(|d| is_working_day(from + time::Duration::days(*d), territory))
                .count();
            prop_assert_eq!(working_between, n as usize);
        }
    }
}
