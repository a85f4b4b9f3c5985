//! Contracts of IAE employees: the CDDI of ACI and EI (L5132-11-1, L5132-15-1, R5132-1-3-1 ...), and the
//! AI's assignments to companies, capped at 480 hours over 24 months unless the préfet waives it
//! (L5132-9; RULES.md 1.7).

use super::SiaeKind;
use super::approval::Period;
use crate::calendar::{add_days, add_months, french_date};
use crate::explanation::{Explanation, french_number};
use serde::{Deserialize, Serialize};
use time::Date;

const CDDI: &str = "Code du travail, art. L5132-15-1";
const AI_CAP: &str = "Code du travail, art. L5132-9";

/// Shortest CDDI, in months.
pub const CDDI_MIN_MONTHS: i32 = 4;
/// Longest CDDI, renewals included, in months, unless an exception applies.
pub const CDDI_MAX_MONTHS: i32 = 24;
/// Weekly hours of a CDDI without derogation.
pub const CDDI_HOURS: (i64, i64) = (20, 35);
/// Hours an AI may put the same person at the disposal of companies over 24 months.
pub const AI_CAP_HOURS: i64 = 480;
pub const AI_CAP_MONTHS: i32 = 24;
/// Longest préfet waiver of the cap, in years.
pub const AI_WAIVER_YEARS: i32 = 3;

/// Why a CDDI may last beyond 24 months (L5132-15-1): to finish a training, or for a person aged 50+ or
/// recognised disabled worker with particular difficulties, up to 60 months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CddiException {
    Training,
    Senior50OrRqth,
}

/// A CDDI as asked: its dates (both included), weekly hours, and the months of earlier CDDI with the same
/// SIAE (renewals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cddi {
    pub period: Period,
    pub weekly_hours: i64,
    /// Fewer than 20 hours a week for a person with particular difficulties (L5132-11-1).
    pub hours_derogation: bool,
    pub exception: Option<CddiException>,
}

/// Checks a CDDI of an `kind` SIAE; `earlier_days` is the length of earlier CDDI with the same SIAE.
pub fn check_cddi(kind: SiaeKind, c: &Cddi, earlier_days: i64) -> Result<Explanation, Explanation> {
    let refuse = |code, sentence: String| Err(Explanation::new(code, format!("Contrat refusé : {sentence}"), CDDI));
    if !matches!(kind, SiaeKind::Aci | SiaeKind::Ei) {
        return refuse(
            "cddi_not_for_kind",
            format!("le CDDI est le contrat des ACI et des EI, pas des {}", kind.acronym()),
        );
    }
    let Period { from, to } = c.period;
    if to < from {
        return refuse(
            "contract_dates_inverted",
            format!("il finit le {} avant de commencer", french_date(to)),
        );
    }
    let shortest_end = add_days(add_months(from, CDDI_MIN_MONTHS), -1);
    if to < shortest_end && earlier_days == 0 {
        return refuse(
            "cddi_too_short",
            format!(
                "un CDDI dure au moins {CDDI_MIN_MONTHS} mois ; commençant le {}, il finit au plus tôt le {}",
                french_date(from),
                french_date(shortest_end)
            ),
        );
    }
    let (min, max) = CDDI_HOURS;
    if c.weekly_hours > max || c.weekly_hours < 1 || (c.weekly_hours < min && !c.hours_derogation) {
        return refuse(
            "cddi_hours",
            format!(
                "la durée hebdomadaire est de {min} à {max} heures (moins de {min} heures par dérogation pour des \
                 difficultés particulières) ; {} heures sont indiquées",
                c.weekly_hours
            ),
        );
    }
    let max_months = match c.exception {
        None => CDDI_MAX_MONTHS,
        Some(CddiException::Senior50OrRqth) => 60,
        // To finish a training: its end is the limit, checked by the SIAE; no fixed cap.
        Some(CddiException::Training) => i32::MAX,
    };
    if max_months != i32::MAX {
        // Compare total days with the days of `max_months` from the first day of this contract.
        let cap_days = Period {
            from,
            to: add_days(add_months(from, max_months), -1),
        }
        .days();
        let total = earlier_days + c.period.days();
        if total > cap_days {
            return refuse(
                "cddi_too_long",
                format!(
                    "avec les contrats précédents, la durée totale atteindrait {} jours, au-delà de {max_months} mois",
                    french_number(total)
                ),
            );
        }
    }
    Ok(Explanation::new(
        "cddi_accepted",
        format!(
            "CDDI accepté du {} au {}, {} heures par semaine",
            french_date(from),
            french_date(to),
            c.weekly_hours
        ),
        CDDI,
    ))
}

/// Who an AI puts the person at the disposal of: only companies count towards the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ClientKind {
    Company,
    Individual,
    Association,
}

/// An assignment already recorded or asked: its first day and its hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub date: Date,
    pub hours: i64,
    pub client: ClientKind,
}

/// Checks a new AI assignment against the 480-hour cap over 24 months from the first assignment to a
/// company (a new window opens with the first assignment after one ends), unless a préfet waiver covers
/// its date. ETTI assignments are temporary work, outside this cap.
pub fn check_assignment(
    kind: SiaeKind,
    earlier: &[Assignment],
    new: Assignment,
    waivers: &[Period],
) -> Result<Explanation, Explanation> {
    if !matches!(kind, SiaeKind::Ai | SiaeKind::Etti) {
        return Err(Explanation::new(
            "assignment_not_for_kind",
            format!(
                "Mise à disposition refusée : elle est propre aux AI et aux ETTI, pas aux {}",
                kind.acronym()
            ),
            AI_CAP,
        ));
    }
    if new.hours < 1 || new.hours > AI_CAP_HOURS * 10 {
        return Err(Explanation::new(
            "assignment_hours",
            format!(
                "Mise à disposition refusée : {} heures n'est pas une durée possible",
                new.hours
            ),
            AI_CAP,
        ));
    }
    if kind == SiaeKind::Etti || new.client != ClientKind::Company {
        return Ok(Explanation::new(
            "assignment_accepted",
            format!(
                "Mise à disposition acceptée : {} heures, hors plafond des 480 heures",
                new.hours
            ),
            AI_CAP,
        ));
    }
    if let Some(w) = waivers.iter().find(|w| w.contains(new.date)) {
        return Ok(Explanation::new(
            "assignment_waived",
            format!(
                "Mise à disposition acceptée : {} heures ; la dérogation du préfet du {} au {} lève le plafond",
                new.hours,
                french_date(w.from),
                french_date(w.to)
            ),
            AI_CAP,
        ));
    }
    let mut companies: Vec<&Assignment> = earlier.iter().filter(|a| a.client == ClientKind::Company).collect();
    companies.sort_by_key(|a| a.date);
    // Windows of 24 months, each opened by the first assignment after the previous one.
    let mut window: Option<Period> = None;
    for a in &companies {
        if window.is_none_or(|w| a.date > w.to) {
            window = Some(Period {
                from: a.date,
                to: add_days(add_months(a.date, AI_CAP_MONTHS), -1),
            });
        }
    }
    let window = match window {
        Some(w) if w.contains(new.date) => w,
        _ => {
            return if new.hours > AI_CAP_HOURS {
                Err(cap_refusal(new.hours, 0, new.date))
            } else {
                Ok(within_cap(new.hours, new.hours, new.date))
            };
        }
    };
    let used: i64 = companies
        .iter()
        .filter(|a| window.contains(a.date))
        .map(|a| a.hours)
        .sum();
    if used + new.hours > AI_CAP_HOURS {
        return Err(cap_refusal(new.hours, used, window.from));
    }
    Ok(within_cap(new.hours, used + new.hours, window.from))
}

fn cap_refusal(hours: i64, used: i64, from: Date) -> Explanation {
    Explanation::new(
        "assignment_cap_exceeded",
        format!(
            "Mise à disposition refusée : auprès d'entreprises, {AI_CAP_HOURS} heures au plus sur {AI_CAP_MONTHS} mois à \
             compter du {} ; {} heures sont déjà faites et {} demandées, sauf dérogation du préfet",
            french_date(from),
            french_number(used),
            french_number(hours)
        ),
        AI_CAP,
    )
}

fn within_cap(hours: i64, total: i64, from: Date) -> Explanation {
    Explanation::new(
        "assignment_accepted",
        format!(
            "Mise à disposition acceptée : {hours} heures ; {} heures sur {AI_CAP_HOURS} auprès d'entreprises depuis le {}",
            french_number(total),
            french_date(from)
        ),
        AI_CAP,
    )
}

/// Checks a préfet waiver of the cap: at most 3 years.
pub fn check_waiver(period: Period) -> Result<Explanation, Explanation> {
    let longest = add_days(crate::calendar::add_years(period.from, AI_WAIVER_YEARS), -1);
    if period.to < period.from || period.to > longest {
        return Err(Explanation::new(
            "waiver_too_long",
            format!(
                "Dérogation refusée : elle dure au plus {AI_WAIVER_YEARS} ans ; commençant le {}, elle finit au plus tard \
                 le {}",
                french_date(period.from),
                french_date(longest)
            ),
            AI_CAP,
        ));
    }
    Ok(Explanation::new(
        "waiver_recorded",
        format!(
            "Dérogation du préfet enregistrée du {} au {}",
            french_date(period.from),
            french_date(period.to)
        ),
        AI_CAP,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClientKind::*;
    use rstest::rstest;
    use time::macros::date;

    fn a(date: Date, hours: i64, client: ClientKind) -> Assignment {
        Assignment { date, hours, client }
    }

    // L5132-9: 480 hours over 24 months from the first assignment to a company; the préfet may waive it.
    #[rstest]
    #[case::first(&[], a(date!(2026-01-05), 300, Company), &[], Ok("assignment_accepted"))]
    #[case::first_over(&[], a(date!(2026-01-05), 481, Company), &[], Err("assignment_cap_exceeded"))]
    #[case::exactly_480(&[a(date!(2026-01-05), 300, Company)], a(date!(2026-06-01), 180, Company), &[], Ok("assignment_accepted"))]
    #[case::one_hour_over(&[a(date!(2026-01-05), 300, Company), a(date!(2026-06-01), 180, Company)], a(date!(2027-01-04), 1, Company), &[], Err("assignment_cap_exceeded"))]
    #[case::new_window(&[a(date!(2026-01-05), 480, Company)], a(date!(2028-01-05), 100, Company), &[], Ok("assignment_accepted"))]
    #[case::last_day_of_window(&[a(date!(2026-01-05), 480, Company)], a(date!(2028-01-04), 1, Company), &[], Err("assignment_cap_exceeded"))]
    #[case::individuals_do_not_count(&[a(date!(2026-01-05), 480, Company)], a(date!(2026-03-01), 200, Individual), &[], Ok("assignment_accepted"))]
    #[case::waiver(&[a(date!(2026-01-05), 480, Company)], a(date!(2026-03-01), 200, Company), &[Period { from: date!(2026-02-01), to: date!(2029-01-31) }], Ok("assignment_waived"))]
    #[case::waiver_not_yet(&[a(date!(2026-01-05), 480, Company)], a(date!(2026-01-20), 1, Company), &[Period { from: date!(2026-02-01), to: date!(2029-01-31) }], Err("assignment_cap_exceeded"))]
    fn ai_cap(
        #[case] earlier: &[Assignment],
        #[case] new: Assignment,
        #[case] waivers: &[Period],
        #[case] expected: Result<&str, &str>,
    ) {
        let got = check_assignment(SiaeKind::Ai, earlier, new, waivers)
            .map(|e| e.code)
            .map_err(|e| e.code);
        assert_eq!(got, expected);
    }

    #[test]
    fn etti_is_outside_the_cap_and_aci_has_no_assignment() {
        let many = [a(date!(2026 - 01 - 05), 480, Company)];
        assert!(check_assignment(SiaeKind::Etti, &many, a(date!(2026 - 02 - 01), 400, Company), &[]).is_ok());
        let aci = check_assignment(SiaeKind::Aci, &[], a(date!(2026 - 02 - 01), 4, Company), &[]);
        assert_eq!(aci.unwrap_err().code, "assignment_not_for_kind");
    }

    fn cddi(from: Date, to: Date, hours: i64) -> Cddi {
        Cddi {
            period: Period { from, to },
            weekly_hours: hours,
            hours_derogation: false,
            exception: None,
        }
    }

    // L5132-15-1: at least 4 months, 24 months in total with renewals (60 for 50+ or RQTH), 20 to 35 hours.
    #[rstest]
    #[case::four_months(cddi(date!(2026-01-05), date!(2026-05-04), 26), 0, Ok("cddi_accepted"))]
    #[case::too_short(cddi(date!(2026-01-05), date!(2026-05-03), 26), 0, Err("cddi_too_short"))]
    #[case::short_renewal(cddi(date!(2026-05-05), date!(2026-06-04), 26), 120, Ok("cddi_accepted"))]
    #[case::too_few_hours(cddi(date!(2026-01-05), date!(2026-07-04), 15), 0, Err("cddi_hours"))]
    #[case::too_many_hours(cddi(date!(2026-01-05), date!(2026-07-04), 36), 0, Err("cddi_hours"))]
    #[case::over_24_months(cddi(date!(2026-01-05), date!(2026-12-31), 26), 400, Err("cddi_too_long"))]
    fn cddi_rules(#[case] c: Cddi, #[case] earlier_days: i64, #[case] expected: Result<&str, &str>) {
        assert_eq!(
            check_cddi(SiaeKind::Aci, &c, earlier_days)
                .map(|e| e.code)
                .map_err(|e| e.code),
            expected
        );
    }

    #[test]
    fn cddi_exceptions_and_derogation() {
        let long = cddi(date!(2026 - 01 - 05), date!(2026 - 12 - 31), 26);
        let senior = Cddi {
            exception: Some(CddiException::Senior50OrRqth),
            ..long
        };
        assert!(check_cddi(SiaeKind::Ei, &senior, 400).is_ok());
        let part_time = Cddi {
            hours_derogation: true,
            ..cddi(date!(2026 - 01 - 05), date!(2026 - 07 - 04), 15)
        };
        assert!(check_cddi(SiaeKind::Aci, &part_time, 0).is_ok());
        assert_eq!(
            check_cddi(SiaeKind::Ai, &long, 0).unwrap_err().code,
            "cddi_not_for_kind"
        );
        let waiver = Period {
            from: date!(2026 - 02 - 01),
            to: date!(2029 - 02 - 01),
        };
        assert_eq!(check_waiver(waiver).unwrap_err().code, "waiver_too_long");
    }
}
