//! A figure the law changes over time: a table keyed by the date each value applies from, with its source.

use crate::invalid::Invalid;
use time::Date;

/// A value that changes on known dates.
#[derive(Debug)]
pub struct Dated<T: 'static> {
    /// Where the figures come from (the text, and the OpenFisca parameter for benefits).
    pub source: &'static str,
    entries: &'static [(Date, T)],
}

/// Asked for a date before the first known value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoRuleBefore {
    pub source: &'static str,
    pub first: Date,
}

impl NoRuleBefore {
    /// The error of a month whose rules are not known.
    pub fn invalid(&self) -> Invalid {
        Invalid::new(
            "month_before_rules",
            format!(
                "Les règles ne sont connues qu'à partir du {} ({}) : simulez des mois plus récents.",
                self.first, self.source
            ),
        )
    }
}

impl<T: Copy> Dated<T> {
    /// `entries` must be in date order (checked by the tests of this module).
    pub const fn new(source: &'static str, entries: &'static [(Date, T)]) -> Self {
        Dated { source, entries }
    }

    pub fn at(&self, day: Date) -> Result<T, NoRuleBefore> {
        self.entries
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map(|(_, value)| *value)
            .ok_or(NoRuleBefore {
                source: self.source,
                first: self.entries[0].0,
            })
    }

    pub fn first_date(&self) -> Date {
        self.entries[0].0
    }

    /// The value on `day`, or the first one for a day before it: for rules that replay records older than
    /// the first text they know (an IAE pathway of 1990 is read under the agrément's rules of 1999).
    pub fn at_or_first(&self, day: Date) -> T {
        self.at(day).unwrap_or(self.entries[0].1)
    }

    /// Whether the entries are in date order (each table's tests check it).
    pub fn is_in_date_order(&self) -> bool {
        self.entries.windows(2).all(|w| w[0].0 < w[1].0)
    }
}
