//! French public holidays (Code du travail, L3133-1; Alsace-Moselle: code local, art. L3134-13;
//! overseas: loi 83-550 and décret 83-1003 for the abolition of slavery day).
//!
//! The calendar is the current list applied to every year 1900-2200, not the history of each day
//! (8 May was not a holiday from 1960 to 1981, for instance): deadlines computed for past dates use
//! today's calendar. Other local days (Victor Schoelcher, Mi-Carême) are out of scope.

use crate::directory::department;
use crate::invalid::Invalid;
use serde::Serialize;
use time::{Date, Month};

/// Years the calendar answers for.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Where a date is worked: the public holidays differ by department.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Territory {
    Mainland,
    /// Moselle, Bas-Rhin, Haut-Rhin: Good Friday and 26 December too.
    AlsaceMoselle,
    /// An overseas department with its abolition of slavery day.
    Overseas {
        abolition_of_slavery: (Month, u8),
    },
}

impl Territory {
    /// The territory of a department code (`75`, `57`, `2A`, `974`); `None` means mainland.
    pub fn of(department_code: Option<&str>) -> Result<Self, Invalid> {
        let Some(code) = department_code else {
            return Ok(Self::Mainland);
        };
        Ok(match department(code)?.code {
            "57" | "67" | "68" => Self::AlsaceMoselle,
            "971" => Self::overseas(Month::May, 27),
            "972" => Self::overseas(Month::May, 22),
            "973" => Self::overseas(Month::June, 10),
            "974" => Self::overseas(Month::December, 20),
            "976" => Self::overseas(Month::April, 27),
            _ => Self::Mainland,
        })
    }

    const fn overseas(month: Month, day: u8) -> Self {
        Self::Overseas {
            abolition_of_slavery: (month, day),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: Date,
    /// French name, as users read it.
    pub name: &'static str,
}

/// Easter Sunday of a Gregorian year (anonymous computus, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Date {
    let a = year.rem_euclid(19);
    let (b, c) = (year.div_euclid(100), year.rem_euclid(100));
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // March or April 22..25 by construction.
    let month = if month == 3 { Month::March } else { Month::April };
    Date::from_calendar_date(year, month, day as u8).unwrap_or(Date::MIN)
}

/// The public holidays of `year` in `territory`, sorted by date.
pub fn holidays(year: i32, territory: Territory) -> Result<Vec<Holiday>, Invalid> {
    if !YEARS.contains(&year) {
        return Err(Invalid::new(
            "year_out_of_range",
            format!(
                "L'année {year} est hors du calendrier connu ({} à {}).",
                YEARS.start(),
                YEARS.end()
            ),
        )
        .on("year"));
    }
    let fixed = |month, day, name| Holiday {
        // Every (month, day) below exists in every year.
        date: Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN),
        name,
    };
    let easter = easter_sunday(year);
    let from_easter = |days, name| Holiday {
        date: easter + time::Duration::days(days),
        name,
    };
    let mut list = vec![
        fixed(Month::January, 1, "Jour de l'an"),
        from_easter(1, "Lundi de Pâques"),
        fixed(Month::May, 1, "Fête du Travail"),
        fixed(Month::May, 8, "Victoire 1945"),
        from_easter(39, "Ascension"),
        from_easter(50, "Lundi de Pentecôte"),
        fixed(Month::July, 14, "Fête nationale"),
        fixed(Month::August, 15, "Assomption"),
        fixed(Month::November, 1, "Toussaint"),
        fixed(Month::November, 11, "Armistice 1918"),
        fixed(Month::December, 25, "Noël"),
    ];
    match territory {
        Territory::Mainland => {}
        Territory::AlsaceMoselle => {
            list.push(from_easter(-2, "Vendredi saint"));
            list.push(fixed(Month::December, 26, "Saint-Étienne"));
        }
        Territory::Overseas {
            abolition_of_slavery: (month, day),
        } => list.push(fixed(month, day, "Abolition de l'esclavage")),
    }
    list.sort_by_key(|h| h.date);
    Ok(list)
}

/// `date` itself when its year is one the calendar knows: rules that count days require it, which also keeps
/// their date arithmetic far from the limits of `time`.
pub fn check_year(date: Date) -> Result<Date, Invalid> {
    if YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(Invalid::new(
            "date_out_of_range",
            format!(
                "La date {date} est hors des années traitées ({} à {}).",
                YEARS.start(),
                YEARS.end()
            ),
        ))
    }
}

/// Whether `date` is a public holiday in `territory`; dates outside [`YEARS`] have none.
pub fn is_holiday(date: Date, territory: Territory) -> bool {
    holidays(date.year(), territory).is_ok_and(|list| list.iter().any(|h| h.date == date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::collections::BTreeSet;
    use time::macros::date;

    // Easter dates published by the Paris observatory (IMCCE).
    #[rstest]
    #[case(1900, date!(1900-04-15))]
    #[case(1943, date!(1943-04-25))] // latest possible
    #[case(2008, date!(2008-03-23))]
    #[case(2024, date!(2024-03-31))]
    #[case(2025, date!(2025-04-20))]
    #[case(2285, date!(2285-03-22))] // earliest possible
    fn easter(#[case] year: i32, #[case] expected: Date) {
        assert_eq!(easter_sunday(year), expected);
    }

    #[rstest]
    #[case::mainland(None, 11)] // L3133-1
    #[case::paris(Some("75"), 11)]
    #[case::moselle(Some("57"), 13)] // L3134-13
    #[case::bas_rhin(Some("67"), 13)]
    #[case::reunion(Some("974"), 12)] // décret 83-1003
    fn count_by_territory(#[case] department: Option<&str>, #[case] count: usize) {
        let territory = Territory::of(department).unwrap();
        assert_eq!(holidays(2025, territory).unwrap().len(), count);
    }

    #[test]
    fn unknown_department_and_year_are_refused() {
        assert_eq!(Territory::of(Some("99")).unwrap_err().code, "department_unknown");
        assert_eq!(
            holidays(1899, Territory::Mainland).unwrap_err().code,
            "year_out_of_range"
        );
        assert!(!is_holiday(date!(2201 - 01 - 01), Territory::Mainland));
    }

    /// The golden file is written by `scripts/golden/public_holidays.py` from the PyPI package `holidays`, an
    /// independent implementation: one line `date,zone` per day, the zone being `mainland`,
    /// `alsace_moselle` (days added to mainland's) or an overseas department (its added day).
    #[test]
    fn matches_the_independent_implementation_1950_2100() {
        let golden = include_str!("../../tests/golden/holidays.csv");
        let zones: [(&str, Option<&str>); 7] = [
            ("mainland", None),
            ("alsace_moselle", Some("57")),
            ("971", Some("971")),
            ("972", Some("972")),
            ("973", Some("973")),
            ("974", Some("974")),
            ("976", Some("976")),
        ];
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let mut expected: Vec<BTreeSet<Date>> = vec![BTreeSet::new(); zones.len()];
        for line in golden.lines().skip(1) {
            let (day, zone) = line.split_once(',').unwrap();
            let index = zones.iter().position(|(z, _)| *z == zone).unwrap();
            expected[index].insert(Date::parse(day, format).unwrap());
        }
        let mainland = expected[0].clone();
        for (index, (zone, department)) in zones.iter().enumerate() {
            let territory = Territory::of(*department).unwrap();
            let ours: BTreeSet<Date> = (1950..=2100)
                .flat_map(|year| holidays(year, territory).unwrap())
                .map(|h| h.date)
                .collect();
            let theirs: BTreeSet<Date> = mainland.union(&expected[index]).copied().collect();
            assert_eq!(ours, theirs, "zone {zone}");
        }
    }
}
