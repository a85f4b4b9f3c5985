//! Double activity (ESAT part time + ordinary employment part time) and the convention d'appui that goes with
//! leaving the ESAT for a company (RULES.md 3).

use super::french_hours;
use crate::calendar::{add_days, add_years, french_date};
use crate::explanation::Explanation;
use serde::Serialize;
use time::Date;

/// Legal full time, in minutes a week (Code du travail, L3121-27: 35 hours).
pub const LEGAL_FULL_TIME_MINUTES: i64 = 35 * 60;
const DOUBLE_ACTIVITY: &str = "décret n° 2022-1561 ; Code du travail, art. L3121-27";
/// A convention d'appui lasts at most one year and is renewed at most twice.
pub const SUPPORT_MAX_PERIODS: usize = 3;
/// The convention d'appui's article.
pub const SUPPORT: &str = "CASF, art. L344-2-5";

/// Checks the weekly hours of a double activity: both parts present, the total at most legal full time.
pub fn check_double_activity(esat_minutes: i64, employer_minutes: i64) -> Result<Explanation, Explanation> {
    if esat_minutes <= 0 || employer_minutes <= 0 {
        return Err(Explanation::new(
            "double_activity_hours_missing",
            "Double activité refusée : indiquez les heures hebdomadaires à l'ESAT et chez l'employeur, toutes deux \
             supérieures à zéro",
            DOUBLE_ACTIVITY,
        ));
    }
    let total = esat_minutes.saturating_add(employer_minutes);
    if total > LEGAL_FULL_TIME_MINUTES {
        return Err(Explanation::new(
            "double_activity_over_full_time",
            format!(
                "Double activité refusée : {} à l'ESAT et {} chez l'employeur font {} par semaine, au-delà de la \
                 durée légale à temps plein de {}",
                french_hours(esat_minutes),
                french_hours(employer_minutes),
                french_hours(total),
                french_hours(LEGAL_FULL_TIME_MINUTES)
            ),
            DOUBLE_ACTIVITY,
        ));
    }
    Ok(Explanation::new(
        "double_activity_accepted",
        format!(
            "Double activité acceptée : {} par semaine en tout ({} à l'ESAT, {} chez l'employeur), dans la limite de {}",
            french_hours(total),
            french_hours(esat_minutes),
            french_hours(employer_minutes),
            french_hours(LEGAL_FULL_TIME_MINUTES)
        ),
        DOUBLE_ACTIVITY,
    ))
}

/// One period of a convention d'appui: the first one, or a renewal of the previous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SupportPeriod {
    pub starts_on: Date,
    pub ends_on: Date,
}

/// Checks a new period of a convention d'appui after the `previous` periods of the same convention (oldest
/// first): at most one year each, renewed at most twice, each renewal starting after the previous period.
pub fn check_support_period(previous: &[SupportPeriod], new: SupportPeriod) -> Result<Explanation, Explanation> {
    let (from, to) = (french_date(new.starts_on), french_date(new.ends_on));
    if new.ends_on < new.starts_on {
        return Err(Explanation::new(
            "support_convention_dates_inverted",
            format!("Convention d'appui refusée : elle finit le {to}, avant de commencer le {from}"),
            SUPPORT,
        ));
    }
    let latest_end = add_days(add_years(new.starts_on, 1), -1);
    if new.ends_on > latest_end {
        return Err(Explanation::new(
            "support_convention_too_long",
            format!(
                "Convention d'appui refusée : une période dure au plus un an ; commençant le {from}, elle finit au plus \
                 tard le {}",
                french_date(latest_end)
            ),
            SUPPORT,
        ));
    }
    if previous.len() >= SUPPORT_MAX_PERIODS {
        return Err(Explanation::new(
            "support_convention_renewals_exhausted",
            format!(
                "Renouvellement refusé : la convention d'appui a déjà été renouvelée deux fois ({} périodes), le maximum",
                SUPPORT_MAX_PERIODS
            ),
            SUPPORT,
        ));
    }
    if let Some(last) = previous.last()
        && new.starts_on <= last.ends_on
    {
        return Err(Explanation::new(
            "support_convention_renewal_overlaps",
            format!(
                "Renouvellement refusé : il commence le {from}, avant la fin de la période précédente le {}",
                french_date(last.ends_on)
            ),
            SUPPORT,
        ));
    }
    Ok(Explanation::new(
        "support_convention_accepted",
        match previous.len() {
            0 => format!("Convention d'appui acceptée du {from} au {to} ; elle pourra être renouvelée deux fois"),
            n => format!(
                "Renouvellement n° {n} accepté du {from} au {to} ; {} renouvellement(s) encore possible(s)",
                SUPPORT_MAX_PERIODS - 1 - n
            ),
        },
        SUPPORT,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    // Decree 2022-1561 and Code du travail L3121-27: the two parts together at most legal full time (35 h).
    #[rstest]
    #[case::half_and_half(17 * 60 + 30, 17 * 60 + 30, Ok("double_activity_accepted"))]
    #[case::mostly_esat(28 * 60, 7 * 60, Ok("double_activity_accepted"))]
    #[case::one_minute_over(17 * 60 + 30, 17 * 60 + 31, Err("double_activity_over_full_time"))]
    #[case::two_full_times(35 * 60, 35 * 60, Err("double_activity_over_full_time"))]
    #[case::no_employer_hours(35 * 60, 0, Err("double_activity_hours_missing"))]
    #[case::negative_hours(-60, 10 * 60, Err("double_activity_hours_missing"))]
    #[case::huge_numbers_do_not_overflow(i64::MAX, i64::MAX, Err("double_activity_over_full_time"))]
    fn double_activity_is_capped_at_legal_full_time(
        #[case] esat: i64,
        #[case] employer: i64,
        #[case] expected: Result<&str, &str>,
    ) {
        let verdict = check_double_activity(esat, employer);
        assert_eq!(verdict.as_ref().map(|e| e.code).map_err(|e| e.code), expected);
        let e = verdict.unwrap_or_else(|e| e);
        assert!(
            e.message
                .ends_with("(décret n° 2022-1561 ; Code du travail, art. L3121-27)."),
            "{}",
            e.message
        );
    }

    #[test]
    fn the_refusal_gives_the_hours_in_french() {
        let e = check_double_activity(20 * 60, 17 * 60 + 30).unwrap_err();
        assert!(
            e.message
                .contains("20 h à l'ESAT et 17 h 30 chez l'employeur font 37 h 30"),
            "{}",
            e.message
        );
    }

    fn period(from: Date, to: Date) -> SupportPeriod {
        SupportPeriod {
            starts_on: from,
            ends_on: to,
        }
    }

    // CASF L344-2-5: a convention d'appui of at most one year, renewable twice.
    #[rstest]
    #[case::one_year(0, date!(2026 - 01 - 01), date!(2026 - 12 - 31), Ok("support_convention_accepted"))]
    #[case::one_day_over_a_year(0, date!(2026 - 01 - 01), date!(2027 - 01 - 01), Err("support_convention_too_long"))]
    #[case::leap_day_start(0, date!(2028 - 02 - 29), date!(2029 - 02 - 27), Ok("support_convention_accepted"))]
    #[case::inverted(0, date!(2026 - 03 - 01), date!(2026 - 02 - 01), Err("support_convention_dates_inverted"))]
    #[case::first_renewal(1, date!(2027 - 01 - 01), date!(2027 - 12 - 31), Ok("support_convention_accepted"))]
    #[case::second_renewal(2, date!(2028 - 01 - 01), date!(2028 - 12 - 31), Ok("support_convention_accepted"))]
    #[case::third_renewal(3, date!(2029 - 01 - 01), date!(2029 - 06 - 30), Err("support_convention_renewals_exhausted"))]
    #[case::renewal_overlapping(1, date!(2026 - 12 - 01), date!(2027 - 06 - 30), Err("support_convention_renewal_overlaps"))]
    fn support_convention_periods(
        #[case] previous: usize,
        #[case] from: Date,
        #[case] to: Date,
        #[case] expected: Result<&str, &str>,
    ) {
        let history = [
            period(date!(2026 - 01 - 01), date!(2026 - 12 - 31)),
            period(date!(2027 - 01 - 01), date!(2027 - 12 - 31)),
            period(date!(2028 - 01 - 01), date!(2028 - 12 - 31)),
        ];
        let verdict = check_support_period(&history[..previous], period(from, to));
        assert_eq!(verdict.as_ref().map(|e| e.code).map_err(|e| e.code), expected);
        assert!(
            verdict
                .unwrap_or_else(|e| e)
                .message
                .ends_with("(CASF, art. L344-2-5).")
        );
    }
}
