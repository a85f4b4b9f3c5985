//! The approval of an IAE pathway: which regime applies, its dates and its status (RULES.md 1.1, 1.2).

use super::agrement::Request;
use super::parameters::{self, Length};
use crate::calendar::{add_days, add_months, add_years, days_inclusive};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

/// First day of the PASS IAE (loi 2020-1577; décrets 2021-1128 and 2021-1129): the Pôle emploi agrément
/// covers hirings until 2021-11-30.
pub const PASS_IAE_FROM: Date = date!(2021 - 12 - 01);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ApprovalRegime))]
pub enum Regime {
    PassIae,
    Agrement,
}

impl Regime {
    /// The regime of an approval that starts with a hiring on `date`.
    pub fn at(date: Date) -> Self {
        if date < PASS_IAE_FROM {
            Self::Agrement
        } else {
            Self::PassIae
        }
    }

    /// French name.
    pub fn label(self) -> &'static str {
        match self {
            Self::PassIae => "PASS IAE",
            Self::Agrement => "agrément Pôle emploi",
        }
    }

    /// French name after « de », elided or contracted: « du PASS IAE », « de l'agrément Pôle emploi ».
    pub fn of(self) -> &'static str {
        match self {
            Self::PassIae => "du PASS IAE",
            Self::Agrement => "de l'agrément Pôle emploi",
        }
    }
}

/// Last day (inclusive) of an approval starting on `start`, before any suspension or prolongation: the
/// length in force on `start` (each set of [`parameters`] opens with its regime).
fn initial_end(start: Date) -> Date {
    match parameters::on(start).approval_length {
        Length::Days(days) => add_days(start, days - 1),
        Length::Months(months) => add_days(add_months(start, months), -1),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ApprovalStatus))]
pub enum Status {
    Future,
    Valid,
    Suspended,
    Expired,
}

/// A span of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn days(self) -> i64 {
        days_inclusive(self.from, self.to)
    }

    pub fn contains(self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    pub fn overlaps(self, other: Period) -> bool {
        self.from <= other.to && other.from <= self.to
    }
}

/// One approval (agrément or PASS IAE) and what was accepted on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub regime: Regime,
    /// The first hiring.
    pub start: Date,
    /// Last valid day, suspensions and prolongations included.
    pub end: Date,
    pub suspensions: Vec<Period>,
    pub prolongations: Vec<Period>,
    /// Agrément requests, in the order received.
    pub requests: Vec<Request>,
}

impl Approval {
    /// The approval a first hiring on `start` opens.
    pub fn begin(start: Date) -> Self {
        let regime = Regime::at(start);
        Self {
            regime,
            start,
            end: initial_end(start),
            suspensions: Vec::new(),
            prolongations: Vec::new(),
            requests: Vec::new(),
        }
    }

    /// No new pathway until this day included, unless an authorised prescriber waives it (R5132-1-4).
    pub fn waiting_period_until(&self) -> Date {
        add_years(self.end, parameters::on(self.end).waiting_period_years)
    }

    pub fn status(&self, as_of: Date) -> Status {
        if as_of < self.start {
            Status::Future
        } else if as_of > self.end {
            Status::Expired
        } else if self.suspensions.iter().any(|s| s.contains(as_of)) {
            Status::Suspended
        } else {
            Status::Valid
        }
    }

    /// Days of prolongation accepted so far, whatever their reason.
    pub fn prolonged_days(&self) -> i64 {
        self.prolongations.iter().map(|p| p.days()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    // Regime by first hiring (loi 2020-1577, in force 2021-12-01); PASS IAE = start + 729 days (platform);
    // agrément = 24 calendar months (décret 99-106).
    #[rstest]
    #[case::last_agrement(date!(2021-11-30), Regime::Agrement, date!(2023-11-29))]
    #[case::first_pass(date!(2021-12-01), Regime::PassIae, date!(2023-11-30))]
    #[case::pass_over_leap_day(date!(2024-01-15), Regime::PassIae, date!(2026-01-13))]
    #[case::agrement_clamped(date!(2019-02-28), Regime::Agrement, date!(2021-02-27))]
    #[case::agrement_month_end(date!(2019-12-31), Regime::Agrement, date!(2021-12-30))]
    fn regime_and_end(#[case] hiring: Date, #[case] regime: Regime, #[case] end: Date) {
        let approval = Approval::begin(hiring);
        assert_eq!((approval.regime, approval.end), (regime, end));
    }

    #[rstest]
    #[case::before(date!(2025-01-01), Status::Future)]
    #[case::first_day(date!(2025-02-01), Status::Valid)]
    #[case::in_suspension(date!(2025-06-10), Status::Suspended)]
    #[case::last_day(date!(2027-03-02), Status::Valid)]
    #[case::after(date!(2027-03-03), Status::Expired)]
    fn status(#[case] as_of: Date, #[case] expected: Status) {
        let mut approval = Approval::begin(date!(2025 - 02 - 01));
        approval.suspensions.push(Period {
            from: date!(2025 - 06 - 01),
            to: date!(2025 - 06 - 30),
        });
        approval.end = add_days(approval.end, 30);
        assert_eq!(approval.status(as_of), expected);
    }

    #[test]
    fn waiting_period_is_two_calendar_years() {
        let mut approval = Approval::begin(date!(2022 - 03 - 01));
        approval.end = date!(2024 - 02 - 29);
        assert_eq!(approval.waiting_period_until(), date!(2026 - 02 - 28));
    }
}
