//! Suspending an approval (R5132-1-3; platform rules): the end moves back by the suspension's length.

use super::SiaeKind;
use super::approval::{Approval, PASS_IAE_FROM, Period};
use crate::calendar::{add_days, add_months, french_date};
use crate::explanation::{Explanation, french_number};
use serde::{Deserialize, Serialize};
use time::Date;

const LAW: &str = "Code du travail, art. R5132-1-3";
const PLATFORM: &str = "règle de la plateforme Les emplois de l'inclusion";
/// Longest suspension (platform).
pub const MAX_MONTHS: i32 = 36;
/// How long before the day it is recorded a suspension may start (platform).
pub const MAX_BACKDATING_DAYS: i64 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SuspensionReason {
    /// Contract suspended for more than 15 days.
    ContractSuspended,
    ContractBroken,
    ContractEnded,
    /// Agreement between the members of the CTA.
    CtaAgreement,
    /// Switch to a contrat passerelle, EI and ACI only.
    ContratPasserelle,
}

impl SuspensionReason {
    pub fn allowed_for(self, kind: SiaeKind) -> bool {
        self != Self::ContratPasserelle || matches!(kind, SiaeKind::Ei | SiaeKind::Aci)
    }
}

/// Checks a suspension of `period` and, when accepted, records it and pushes the end back.
pub fn suspend(
    approval: &mut Approval,
    period: Period,
    reason: SuspensionReason,
    kind: SiaeKind,
) -> Result<Explanation, Explanation> {
    let (from, to) = (french_date(period.from), french_date(period.to));
    if period.to < period.from {
        return Err(Explanation::new(
            "suspension_dates_inverted",
            format!("Suspension refusée : elle finit le {to}, avant de commencer le {from}"),
            PLATFORM,
        ));
    }
    if period.from < approval.start || period.from > approval.end {
        return Err(Explanation::new(
            "suspension_outside_approval",
            format!(
                "Suspension refusée : elle commence le {from}, hors de la période du {} (du {} au {})",
                approval.regime.label(),
                french_date(approval.start),
                french_date(approval.end)
            ),
            LAW,
        ));
    }
    let longest_to = add_days(add_months(period.from, MAX_MONTHS), -1);
    if period.to > longest_to {
        return Err(Explanation::new(
            "suspension_too_long",
            format!(
                "Suspension refusée : elle dépasse {MAX_MONTHS} mois ; commençant le {from}, elle doit finir au plus \
                 tard le {}",
                french_date(longest_to)
            ),
            PLATFORM,
        ));
    }
    if let Some(other) = approval.suspensions.iter().find(|s| s.overlaps(period)) {
        return Err(Explanation::new(
            "suspension_overlap",
            format!(
                "Suspension refusée : elle chevauche la suspension du {} au {}",
                french_date(other.from),
                french_date(other.to)
            ),
            PLATFORM,
        ));
    }
    if !reason.allowed_for(kind) {
        return Err(Explanation::new(
            "suspension_reason_not_allowed",
            format!(
                "Suspension refusée : le motif « passage en contrat passerelle » est réservé aux EI et aux ACI, pas \
                 aux {}",
                kind.acronym()
            ),
            "loi 2020-1577, contrat passerelle",
        ));
    }
    approval.suspensions.push(period);
    approval.end = add_days(approval.end, period.days());
    Ok(Explanation::new(
        "suspension_accepted",
        format!(
            "Suspension acceptée du {from} au {to} ({} jours) : la fin est repoussée au {}",
            french_number(period.days()),
            french_date(approval.end)
        ),
        LAW,
    ))
}

/// Checks a suspension recorded on `today`: it does not start in the future, and a suspension of the PASS IAE
/// (starting on or after 2021-12-01) starts at most 365 days before `today` (platform rules). A suspension
/// of the agrément, a record of Pôle emploi's past decision, may be entered later than that.
pub fn check_recorded_on(period: Period, today: Date) -> Result<(), Explanation> {
    if period.from > today {
        return Err(Explanation::new(
            "suspension_in_future",
            format!(
                "Suspension refusée : elle commence le {}, après le jour de son enregistrement, le {} ; une \
                 suspension s'enregistre une fois commencée",
                french_date(period.from),
                french_date(today)
            ),
            PLATFORM,
        ));
    }
    let earliest = add_days(today, -MAX_BACKDATING_DAYS);
    if period.from >= PASS_IAE_FROM && period.from < earliest {
        return Err(Explanation::new(
            "suspension_backdated_too_far",
            format!(
                "Suspension refusée : elle commence le {}, plus de {} jours avant son enregistrement le {} ; elle \
                 peut commencer au plus tôt le {}",
                french_date(period.from),
                french_number(MAX_BACKDATING_DAYS),
                french_date(today),
                french_date(earliest)
            ),
            PLATFORM,
        ));
    }
    Ok(())
}

/// A hiring on `date` during an accepted suspension ends it the day before; the end moves back by the days
/// removed, which are returned (platform rule).
pub fn end_by_hiring(approval: &mut Approval, date: Date) -> Option<i64> {
    let index = approval.suspensions.iter().position(|s| s.contains(date))?;
    let suspension = &mut approval.suspensions[index];
    let removed = (suspension.to - date).whole_days() + 1;
    suspension.to = add_days(date, -1);
    if suspension.to < suspension.from {
        approval.suspensions.remove(index);
    }
    approval.end = add_days(approval.end, -removed);
    Some(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    fn approval() -> Approval {
        let mut approval = Approval::begin(date!(2025 - 01 - 01)); // ends 2026-12-31
        suspend(
            &mut approval,
            Period {
                from: date!(2025 - 06 - 01),
                to: date!(2025 - 06 - 30),
            },
            SuspensionReason::ContractSuspended,
            SiaeKind::Aci,
        )
        .unwrap();
        approval // ends 2027-01-30
    }

    // R5132-1-3 and the platform: starts within the approval, at most 36 months, no overlap, the contrat
    // passerelle for EI and ACI only.
    #[rstest]
    #[case::accepted(date!(2025-09-01), date!(2025-09-30), SuspensionReason::ContractBroken, SiaeKind::Ai, Ok(date!(2027-03-01)))]
    #[case::one_day(date!(2025-09-01), date!(2025-09-01), SuspensionReason::ContractEnded, SiaeKind::Ai, Ok(date!(2027-01-31)))]
    #[case::inverted(date!(2025-09-30), date!(2025-09-01), SuspensionReason::ContractBroken, SiaeKind::Ai, Err("suspension_dates_inverted"))]
    #[case::before_start(date!(2024-12-31), date!(2025-01-10), SuspensionReason::ContractBroken, SiaeKind::Ai, Err("suspension_outside_approval"))]
    #[case::on_the_last_day(date!(2027-01-30), date!(2027-02-10), SuspensionReason::CtaAgreement, SiaeKind::Ai, Ok(date!(2027-02-11)))]
    #[case::after_end(date!(2027-01-31), date!(2027-02-10), SuspensionReason::CtaAgreement, SiaeKind::Ai, Err("suspension_outside_approval"))]
    #[case::exactly_36_months(date!(2025-09-01), date!(2028-08-31), SuspensionReason::ContractBroken, SiaeKind::Ai, Ok(date!(2030-01-30)))]
    #[case::over_36_months(date!(2025-09-01), date!(2028-09-01), SuspensionReason::ContractBroken, SiaeKind::Ai, Err("suspension_too_long"))]
    #[case::overlap(date!(2025-06-30), date!(2025-07-10), SuspensionReason::ContractBroken, SiaeKind::Ai, Err("suspension_overlap"))]
    #[case::passerelle_in_ei(date!(2025-09-01), date!(2025-09-30), SuspensionReason::ContratPasserelle, SiaeKind::Ei, Ok(date!(2027-03-01)))]
    #[case::passerelle_in_etti(date!(2025-09-01), date!(2025-09-30), SuspensionReason::ContratPasserelle, SiaeKind::Etti, Err("suspension_reason_not_allowed"))]
    fn rules(
        #[case] from: Date,
        #[case] to: Date,
        #[case] reason: SuspensionReason,
        #[case] kind: SiaeKind,
        #[case] expected: Result<Date, &str>,
    ) {
        let mut approval = approval();
        let before = approval.clone();
        let verdict = suspend(&mut approval, Period { from, to }, reason, kind);
        match expected {
            Ok(end) => assert_eq!((verdict.unwrap().code, approval.end), ("suspension_accepted", end)),
            Err(code) => {
                assert_eq!(verdict.unwrap_err().code, code);
                assert_eq!(approval, before, "a refusal changes nothing");
            }
        }
    }

    // Platform: a new hiring lifts the suspension the day before it starts.
    #[rstest]
    #[case::inside(date!(2025-06-21), Some(10), date!(2027-01-20), 1)]
    #[case::first_day(date!(2025-06-01), Some(30), date!(2026-12-31), 0)]
    #[case::outside(date!(2025-07-01), None, date!(2027-01-30), 1)]
    fn hiring_ends_a_suspension(
        #[case] hiring: Date,
        #[case] removed: Option<i64>,
        #[case] end: Date,
        #[case] suspensions: usize,
    ) {
        let mut approval = approval();
        assert_eq!(end_by_hiring(&mut approval, hiring), removed);
        assert_eq!((approval.end, approval.suspensions.len()), (end, suspensions));
    }

    // Platform rules (RULES.md 1.3): a suspension « may be backdated up to 365 days; cannot start in the
    // future », both counted from the day it is recorded; an agrément's suspension (before 2021-12-01) is a
    // record of the past.
    #[rstest]
    #[case::today(date!(2026-12-06), Ok(()))]
    #[case::tomorrow(date!(2026-12-07), Err("suspension_in_future"))]
    #[case::a_year_ago(date!(2025-12-06), Ok(()))]
    #[case::a_year_and_a_day_ago(date!(2025-12-05), Err("suspension_backdated_too_far"))]
    #[case::first_day_of_the_pass(date!(2021-12-01), Err("suspension_backdated_too_far"))]
    #[case::agrement_record(date!(2021-11-30), Ok(()))]
    fn recorded_on(#[case] from: Date, #[case] expected: Result<(), &str>) {
        let period = Period {
            from,
            to: add_days(from, 30),
        };
        let verdict = check_recorded_on(period, date!(2026 - 12 - 06));
        assert_eq!(verdict.map_err(|e| e.code), expected);
    }

    #[test]
    fn refusals_name_the_dates() {
        let period = Period {
            from: date!(2025 - 12 - 05),
            to: date!(2025 - 12 - 31),
        };
        assert_eq!(
            check_recorded_on(period, date!(2026 - 12 - 06)).unwrap_err().message,
            "Suspension refusée : elle commence le 5 décembre 2025, plus de 365 jours avant son enregistrement le 6 \
             décembre 2026 ; elle peut commencer au plus tôt le 6 décembre 2025 (règle de la plateforme Les emplois de \
             l'inclusion)."
        );
    }
}
