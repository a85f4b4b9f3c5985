//! Progress against a quantified target of an agreement (kept in the content's `targets`:
//! indicator, period, value, unit). The expected value grows evenly over the target's period, so that a
//! target is judged on track or behind before its end.

use super::IndicatorCode;
use serde::Serialize;
use time::{Date, Month};

/// Where a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    NotStarted,
    OnTrack,
    Behind,
    Achieved,
    Missed,
}

impl TargetStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "pas encore commencé",
            Self::OnTrack => "en bonne voie",
            Self::Behind => "en retard",
            Self::Achieved => "atteint",
            Self::Missed => "non atteint",
        }
    }
}

/// The progress of one target on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    pub status: TargetStatus,
    /// Actual over target, in percent (0 when the target is 0).
    pub percent: f64,
    /// The value expected by `today` if the target were reached evenly over its period.
    pub expected: f64,
}

/// Progress of `actual` against `target` for the period `from..=to`, on `today`.
pub fn progress(actual: f64, target: f64, from: Date, to: Date, today: Date) -> Progress {
    let days = ((to - from).whole_days() + 1).max(1) as f64;
    let elapsed = ((today - from).whole_days() + 1).clamp(0, days as i64) as f64;
    let expected = target * elapsed / days;
    let percent = if target > 0.0 { actual / target * 100.0 } else { 0.0 };
    let status = if actual >= target && target > 0.0 {
        TargetStatus::Achieved
    } else if today < from {
        TargetStatus::NotStarted
    } else if today > to {
        TargetStatus::Missed
    } else if actual >= expected {
        TargetStatus::OnTrack
    } else {
        TargetStatus::Behind
    };
    Progress {
        status,
        percent,
        expected,
    }
}

/// The indicator a target names: its code (`hirings`) or its label, whatever the case; the targets of an
/// agreement name it in free text, so anything else is not recognised.
pub fn indicator_of(text: &str) -> Option<IndicatorCode> {
    let text = text.trim();
    IndicatorCode::parse(text).or_else(|| {
        let lower = text.to_lowercase();
        IndicatorCode::ALL
            .iter()
            .copied()
            .find(|c| c.label().to_lowercase() == lower)
    })
}

/// The days a target's period covers: empty is the agreement's own dates; `2026` a year; `2026-T2` a
/// quarter; `2026-03` a month; `2025-2027` whole years; `2026-01-01/2026-06-30` a range.
pub fn period_of(text: &str, starts_on: Option<Date>, ends_on: Option<Date>) -> Option<(Date, Date)> {
    let text = text.trim();
    let year = |y: &str| y.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y));
    let day = |d: &str| Date::parse(d.trim(), time::macros::format_description!("[year]-[month]-[day]")).ok();
    let first = |y: i32, m: u8| Date::from_calendar_date(y, Month::try_from(m).ok()?, 1).ok();
    let last = |y: i32, m: u8| {
        let month = Month::try_from(m).ok()?;
        Date::from_calendar_date(y, month, month.length(y)).ok()
    };
    let range = if text.is_empty() {
        Some((starts_on?, ends_on?))
    } else if let Some((a, b)) = text.split_once('/') {
        Some((day(a)?, day(b)?))
    } else if let Some(y) = year(text) {
        Some((first(y, 1)?, last(y, 12)?))
    } else if let Some((y, q)) = text.split_once("-T") {
        let (y, q) = (year(y)?, q.parse::<u8>().ok().filter(|q| (1..=4).contains(q))?);
        Some((first(y, q * 3 - 2)?, last(y, q * 3)?))
    } else if let Some((a, b)) = text.split_once('-') {
        match (year(a), year(b)) {
            (Some(a), Some(b)) => Some((first(a, 1)?, last(b, 12)?)),
            _ => {
                let (y, m) = (year(a)?, b.parse::<u8>().ok()?);
                Some((first(y, m)?, last(y, m)?))
            }
        }
    } else {
        None
    };
    range.filter(|(a, b)| a <= b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    /// A clear status against the agreement's target (Accord régional BFC 2016, article « Suivi »).
    #[rstest]
    #[case(0.0, 100.0, date!(2025 - 12 - 01), TargetStatus::NotStarted)]
    #[case(30.0, 100.0, date!(2026 - 03 - 31), TargetStatus::OnTrack)] // 25 % expected
    #[case(20.0, 100.0, date!(2026 - 03 - 31), TargetStatus::Behind)]
    #[case(100.0, 100.0, date!(2026 - 03 - 31), TargetStatus::Achieved)]
    #[case(99.0, 100.0, date!(2027 - 01 - 15), TargetStatus::Missed)]
    #[case(120.0, 100.0, date!(2027 - 01 - 15), TargetStatus::Achieved)]
    fn statuses(#[case] actual: f64, #[case] target: f64, #[case] today: Date, #[case] status: TargetStatus) {
        let p = progress(actual, target, date!(2026 - 01 - 01), date!(2026 - 12 - 31), today);
        assert_eq!(p.status, status);
    }

    #[test]
    fn expected_value_and_percent() {
        let p = progress(
            30.0,
            120.0,
            date!(2026 - 01 - 01),
            date!(2026 - 12 - 31),
            date!(2026 - 12 - 31),
        );
        assert_eq!(p.expected, 120.0);
        assert_eq!(p.percent, 25.0);
    }
    /// The targets of an agreement name the indicator and the period in free text (content).
    #[rstest]
    #[case("hirings", Some(IndicatorCode::Hirings))]
    #[case(" Embauches en parcours IAE ", Some(IndicatorCode::Hirings))]
    #[case("embauches en parcours iae", Some(IndicatorCode::Hirings))]
    #[case("Nombre de bonheurs", None)]
    fn indicators_named(#[case] text: &str, #[case] code: Option<IndicatorCode>) {
        assert_eq!(indicator_of(text), code);
    }

    #[rstest]
    #[case("", Some((date!(2025 - 03 - 01), date!(2027 - 02 - 28))))]
    #[case("2026", Some((date!(2026 - 01 - 01), date!(2026 - 12 - 31))))]
    #[case("2026-T2", Some((date!(2026 - 04 - 01), date!(2026 - 06 - 30))))]
    #[case("2026-02", Some((date!(2026 - 02 - 01), date!(2026 - 02 - 28))))]
    #[case("2025-2027", Some((date!(2025 - 01 - 01), date!(2027 - 12 - 31))))]
    #[case("2026-01-15/2026-03-31", Some((date!(2026 - 01 - 15), date!(2026 - 03 - 31))))]
    #[case("2026-T5", None)]
    #[case("2027-2025", None)]
    #[case("chaque année", None)]
    fn periods_named(#[case] text: &str, #[case] expected: Option<(Date, Date)>) {
        assert_eq!(
            period_of(text, Some(date!(2025 - 03 - 01)), Some(date!(2027 - 02 - 28))),
            expected
        );
    }
}
