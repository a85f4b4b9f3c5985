//! The duration rules of an immersion (RULES.md 2), each refusal citing its text:
//! - at most one month, date to date, continuous or not (D5135-3);
//! - renewable once, for the same object, when it was not met (D5135-3);
//! - at most 48 hours a week (L3121-20; the national immersion platform applies the same cap);
//! - within 12 consecutive months, at most two conventions and 60 days in all with the same host (D5135-3,
//!   text of about 2015 kept by RULES.md with a warning: docs/esat.md).
//!
//! The national platform also caps at 30 calendar days; where it differs from the law (a month of 31 days) the
//! system follows the law and says so in docs/esat.md.

use super::Objective;
use super::convention::ConventionFields;
use crate::calendar::{add_days, add_months, days_inclusive, french_date};
use crate::explanation::{Explanation, french_number};
use crate::pathways::esat::french_hours;
use time::Date;

const DURATION: &str = "Code du travail, art. D5135-3";
const WEEKLY: &str = "Code du travail, art. L3121-20";
/// Most hours of presence in a week.
pub const MAX_WEEKLY_MINUTES: i64 = 48 * 60;
/// Within 12 consecutive months with the same host: at most this many conventions ...
pub const MAX_CONVENTIONS_SAME_HOST: usize = 2;
/// ... and this many days in all.
pub const MAX_DAYS_SAME_HOST: i64 = 60;

/// An earlier immersion of the same person (not cancelled), as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastImmersion {
    pub host_siret: String,
    pub objective: Objective,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Whether it was itself a renewal.
    pub is_renewal: bool,
    /// Whether its object was met, once assessed.
    pub objective_met: Option<bool>,
    /// Its days of presence (the aided contract's cap counts them).
    pub presence_days: i64,
}

/// Checks `new` against the person's `history` (other immersions, not cancelled) and, for a renewal, the
/// immersion it renews. A refusal names the field it concerns.
pub fn check_duration(
    new: &ConventionFields,
    renewal_of: Option<&PastImmersion>,
    history: &[PastImmersion],
) -> Result<Explanation, (&'static str, Explanation)> {
    let (from, to) = (french_date(new.starts_on), french_date(new.ends_on));
    let latest_end = add_days(add_months(new.starts_on, 1), -1);
    if new.ends_on > latest_end {
        return Err((
            "ends_on",
            Explanation::new(
                "immersion_too_long",
                format!(
                    "Immersion refusée : elle dure au plus un mois ; commençant le {from}, elle finit au plus tard le {}",
                    french_date(latest_end)
                ),
                DURATION,
            ),
        ));
    }
    let weekly = new.schedule.weekly_minutes();
    if weekly > MAX_WEEKLY_MINUTES {
        return Err((
            "schedule",
            Explanation::new(
                "immersion_weekly_hours_exceeded",
                format!(
                    "Immersion refusée : l'emploi du temps compte {} par semaine, au-delà du maximum de {}",
                    french_hours(weekly),
                    french_hours(MAX_WEEKLY_MINUTES)
                ),
                WEEKLY,
            ),
        ));
    }
    if let Some(previous) = renewal_of {
        let refusal = if previous.is_renewal {
            Some((
                "immersion_renewed_twice",
                "elle renouvelle une immersion qui était déjà un renouvellement ; une immersion ne se renouvelle qu'une fois"
                    .to_owned(),
            ))
        } else if previous.objective != new.objective {
            Some((
                "immersion_renewal_object_differs",
                format!(
                    "un renouvellement garde l'objet de l'immersion renouvelée (« {} »)",
                    previous.objective.label()
                ),
            ))
        } else if previous.host_siret != new.host_siret.as_str() {
            Some((
                "immersion_renewal_host_differs",
                "un renouvellement se fait chez la même entreprise d'accueil".to_owned(),
            ))
        } else if previous.objective_met == Some(true) {
            Some((
                "immersion_renewal_object_met",
                "l'objet de l'immersion renouvelée a été atteint ; le renouvellement est réservé au cas contraire"
                    .to_owned(),
            ))
        } else if new.starts_on <= previous.ends_on {
            Some((
                "immersion_renewal_overlaps",
                format!(
                    "il commence le {from}, avant la fin de l'immersion renouvelée le {}",
                    french_date(previous.ends_on)
                ),
            ))
        } else {
            None
        };
        if let Some((code, reason)) = refusal {
            return Err((
                "renewal_of",
                Explanation::new(code, format!("Renouvellement refusé : {reason}"), DURATION),
            ));
        }
    }
    // The 12 consecutive months that end with the new immersion.
    let window_start = add_days(add_months(new.ends_on, -12), 1);
    let same_host: Vec<&PastImmersion> = history
        .iter()
        .filter(|p| p.host_siret == new.host_siret.as_str() && p.ends_on >= window_start && p.starts_on <= new.ends_on)
        .collect();
    if same_host.len() >= MAX_CONVENTIONS_SAME_HOST {
        return Err((
            "host_siret",
            Explanation::new(
                "immersion_host_conventions_exceeded",
                format!(
                    "Immersion refusée : la personne a déjà eu {} conventions avec cette entreprise entre le {} et le {to}, \
                     le maximum sur 12 mois consécutifs",
                    same_host.len(),
                    french_date(window_start)
                ),
                DURATION,
            ),
        ));
    }
    let days_before: i64 = same_host
        .iter()
        .map(|p| days_inclusive(p.starts_on.max(window_start), p.ends_on))
        .sum();
    let days = days_inclusive(new.starts_on, new.ends_on);
    if days_before + days > MAX_DAYS_SAME_HOST {
        return Err((
            "ends_on",
            Explanation::new(
                "immersion_host_days_exceeded",
                format!(
                    "Immersion refusée : avec les {} jours déjà passés dans cette entreprise depuis le {}, ces {} jours \
                     dépassent le maximum de {MAX_DAYS_SAME_HOST} jours sur 12 mois consécutifs",
                    french_number(days_before),
                    french_date(window_start),
                    french_number(days)
                ),
                DURATION,
            ),
        ));
    }
    let aided = super::aided::check_aided_share(new, history)?;
    Ok(Explanation::new(
        "immersion_duration_accepted",
        format!(
            "Durée acceptée : du {from} au {to} ({} jours, {} jours de présence, {} par semaine{})",
            french_number(days),
            french_number(new.presence_days()),
            french_hours(weekly),
            aided.map(|a| format!(" ; {a}")).unwrap_or_default()
        ),
        DURATION,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::siret::Siret;
    use crate::pathways::immersion::Schedule;
    use rstest::rstest;
    use time::macros::date;

    const HOST: &str = "73282932000074";
    const OTHER_HOST: &str = "55203253400646";

    fn convention(from: Date, to: Date, weekly_hours: [i64; 7], objective: Objective) -> ConventionFields {
        ConventionFields {
            host_name: "Boulangerie du Port".into(),
            host_siret: Siret::parse(HOST).unwrap(),
            tutor_name: "Jeanne Roux".into(),
            tutor_email: None,
            objective,
            starts_on: from,
            ends_on: to,
            schedule: Schedule(weekly_hours.map(|h| h * 60)),
            activities: None,
            attendance_dates: Vec::new(),
            aided_contract: None,
        }
    }

    fn past(host: &str, from: Date, to: Date) -> PastImmersion {
        PastImmersion {
            host_siret: host.into(),
            objective: Objective::ConfirmProject,
            starts_on: from,
            ends_on: to,
            is_renewal: false,
            objective_met: Some(false),
            presence_days: days_inclusive(from, to),
        }
    }

    const WEEK_35: [i64; 7] = [7, 7, 7, 7, 7, 0, 0];

    // D5135-3: one month date to date (the platform's 30 days differ for months of 31 days: the law is followed).
    #[rstest]
    #[case::two_weeks(date!(2026 - 03 - 02), date!(2026 - 03 - 13), WEEK_35, Ok("immersion_duration_accepted"))]
    #[case::whole_month_of_31_days(date!(2026 - 03 - 01), date!(2026 - 03 - 31), WEEK_35, Ok("immersion_duration_accepted"))]
    #[case::one_day_over_a_month(date!(2026 - 03 - 01), date!(2026 - 04 - 01), WEEK_35, Err(("ends_on", "immersion_too_long")))]
    #[case::february(date!(2026 - 02 - 01), date!(2026 - 02 - 28), WEEK_35, Ok("immersion_duration_accepted"))]
    #[case::from_january_31(date!(2026 - 01 - 31), date!(2026 - 03 - 01), WEEK_35, Err(("ends_on", "immersion_too_long")))]
    // L3121-20: 48 hours a week at most.
    #[case::exactly_48_hours(date!(2026 - 03 - 02), date!(2026 - 03 - 13), [8, 8, 8, 8, 8, 8, 0], Ok("immersion_duration_accepted"))]
    #[case::over_48_hours(date!(2026 - 03 - 02), date!(2026 - 03 - 13), [10, 10, 10, 10, 9, 0, 0], Err(("schedule", "immersion_weekly_hours_exceeded")))]
    fn one_month_and_48_hours(
        #[case] from: Date,
        #[case] to: Date,
        #[case] week: [i64; 7],
        #[case] expected: Result<&str, (&str, &str)>,
    ) {
        let verdict = check_duration(&convention(from, to, week, Objective::ConfirmProject), None, &[]);
        assert_eq!(
            verdict.as_ref().map(|e| e.code).map_err(|(f, e)| (*f, e.code)),
            expected
        );
    }

    #[test]
    fn the_weekly_refusal_cites_its_article_and_hours() {
        let c = convention(
            date!(2026 - 03 - 02),
            date!(2026 - 03 - 13),
            [10, 10, 10, 10, 9, 0, 0],
            Objective::DiscoverTrade,
        );
        let (_, e) = check_duration(&c, None, &[]).unwrap_err();
        assert_eq!(
            e.message,
            "Immersion refusée : l'emploi du temps compte 49 h par semaine, au-delà du maximum de 48 h \
             (Code du travail, art. L3121-20)."
        );
    }

    // D5135-3: renewable once, for the same object, when it was not met; at the same host, after the first.
    #[rstest]
    #[case::same_object_not_met(Objective::ConfirmProject, false, Some(false), date!(2026 - 04 - 01), Ok("immersion_duration_accepted"))]
    #[case::not_yet_assessed(Objective::ConfirmProject, false, None, date!(2026 - 04 - 01), Ok("immersion_duration_accepted"))]
    #[case::other_object(Objective::StartRecruitment, false, Some(false), date!(2026 - 04 - 01), Err("immersion_renewal_object_differs"))]
    #[case::renewal_of_a_renewal(Objective::ConfirmProject, true, Some(false), date!(2026 - 04 - 01), Err("immersion_renewed_twice"))]
    #[case::object_met(Objective::ConfirmProject, false, Some(true), date!(2026 - 04 - 01), Err("immersion_renewal_object_met"))]
    #[case::overlapping(Objective::ConfirmProject, false, Some(false), date!(2026 - 03 - 13), Err("immersion_renewal_overlaps"))]
    fn renewal_once_for_the_same_object(
        #[case] objective: Objective,
        #[case] previous_is_renewal: bool,
        #[case] met: Option<bool>,
        #[case] from: Date,
        #[case] expected: Result<&str, &str>,
    ) {
        let previous = PastImmersion {
            is_renewal: previous_is_renewal,
            objective_met: met,
            ..past(HOST, date!(2026 - 03 - 02), date!(2026 - 03 - 13))
        };
        let c = convention(from, add_days(from, 9), WEEK_35, objective);
        let verdict = check_duration(&c, Some(&previous), std::slice::from_ref(&previous));
        assert_eq!(verdict.as_ref().map(|e| e.code).map_err(|(_, e)| e.code), expected);
    }

    // D5135-3 (text of about 2015, RULES.md 2): with the same host, within 12 consecutive months, at most two
    // conventions and 60 days in all.
    #[rstest]
    #[case::first_with_this_host(vec![], 31, Ok("immersion_duration_accepted"))]
    #[case::second_within_60_days(vec![(HOST, date!(2025 - 09 - 01), date!(2025 - 09 - 29))], 31, Ok("immersion_duration_accepted"))]
    #[case::second_over_60_days(vec![(HOST, date!(2025 - 09 - 01), date!(2025 - 09 - 30))], 31, Err(("ends_on", "immersion_host_days_exceeded")))]
    #[case::third_with_this_host(vec![(HOST, date!(2025 - 06 - 02), date!(2025 - 06 - 06)), (HOST, date!(2025 - 09 - 01), date!(2025 - 09 - 05))], 5, Err(("host_siret", "immersion_host_conventions_exceeded")))]
    #[case::others_hosts_do_not_count(vec![(OTHER_HOST, date!(2025 - 06 - 02), date!(2025 - 06 - 30)), (OTHER_HOST, date!(2025 - 09 - 01), date!(2025 - 09 - 30))], 31, Ok("immersion_duration_accepted"))]
    #[case::older_than_12_months(vec![(HOST, date!(2025 - 01 - 02), date!(2025 - 01 - 31)), (HOST, date!(2025 - 03 - 02), date!(2025 - 03 - 31))], 31, Ok("immersion_duration_accepted"))]
    #[case::days_counted_from_the_window(vec![(HOST, date!(2025 - 03 - 20), date!(2025 - 04 - 18))], 31, Ok("immersion_duration_accepted"))]
    fn twelve_month_limits_with_the_same_host(
        #[case] history: Vec<(&str, Date, Date)>,
        #[case] days: i64,
        #[case] expected: Result<&str, (&str, &str)>,
    ) {
        let history: Vec<PastImmersion> = history.into_iter().map(|(h, f, t)| past(h, f, t)).collect();
        let c = convention(
            date!(2026 - 03 - 01),
            add_days(date!(2026 - 03 - 01), days - 1),
            WEEK_35,
            Objective::DiscoverTrade,
        );
        let verdict = check_duration(&c, None, &history);
        assert_eq!(
            verdict.as_ref().map(|e| e.code).map_err(|(f, e)| (*f, e.code)),
            expected
        );
    }
}
