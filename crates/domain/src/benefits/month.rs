//! A calendar month, `YYYY-MM` in JSON.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::{Date, Month as CalendarMonth};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Months since year 0: ordering and arithmetic are plain integer operations.
    index: i32,
}

impl Month {
    pub fn new(year: i32, month: u8) -> Option<Month> {
        ((1..=12).contains(&month) && (1900..=2200).contains(&year)).then_some(Month {
            index: year * 12 + i32::from(month) - 1,
        })
    }

    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    pub fn number(self) -> u8 {
        self.index.rem_euclid(12) as u8 + 1
    }

    pub fn offset(self, months: i32) -> Month {
        Month {
            index: self.index + months,
        }
    }

    pub fn months_since(self, earlier: Month) -> i32 {
        self.index - earlier.index
    }

    pub fn first_day(self) -> Date {
        let month = CalendarMonth::try_from(self.number()).unwrap_or(CalendarMonth::January);
        Date::from_calendar_date(self.year(), month, 1).unwrap_or(Date::MIN)
    }

    /// The three months before this one, oldest first: the reference quarter of both benefits.
    pub fn previous_quarter(self) -> [Month; 3] {
        [self.offset(-3), self.offset(-2), self.offset(-1)]
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

impl std::str::FromStr for Month {
    type Err = ();
    fn from_str(s: &str) -> Result<Month, ()> {
        let (y, m) = s.split_once('-').ok_or(())?;
        if y.len() != 4 || m.len() != 2 {
            return Err(());
        }
        Month::new(y.parse().map_err(|_| ())?, m.parse().map_err(|_| ())?).ok_or(())
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom(format!("le mois « {text} » doit s'écrire AAAA-MM")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prints_and_moves() {
        let m: Month = "2025-01".parse().unwrap();
        assert_eq!(m.offset(-1).to_string(), "2024-12");
        assert_eq!(
            m.previous_quarter().map(|m| m.to_string()),
            ["2024-10", "2024-11", "2024-12"]
        );
        assert_eq!(m.first_day(), time::macros::date!(2025 - 01 - 01));
        assert!("2025-13".parse::<Month>().is_err());
        assert!("2025-1".parse::<Month>().is_err());
    }
}
