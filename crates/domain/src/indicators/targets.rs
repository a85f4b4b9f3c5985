//! Progress against a quantified target of an agreement (issue 5 keeps them in the content's `targets`:
//! indicator, period, value, unit). The expected value grows evenly over the target's period, so that a
//! target is judged on track or behind before its end.

use serde::Serialize;
use time::Date;

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

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    /// Issue 8 item 4: a clear status against the agreement's target (seed 004, article « Suivi »).
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
}
