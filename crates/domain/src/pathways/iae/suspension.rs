//! Suspending an approval (R5132-1-3; platform rules): the end moves back by the suspension's length.

use super::SiaeKind;
use super::approval::{Approval, Period};
use crate::calendar::{add_days, add_months, french_date};
use crate::explanation::{Explanation, french_number};
use serde::{Deserialize, Serialize};

const LAW: &str = "Code du travail, art. R5132-1-3";
const PLATFORM: &str = "règle de la plateforme Les emplois de l'inclusion";
/// Longest suspension (platform).
pub const MAX_MONTHS: i32 = 36;

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

/// A hiring on `date` during an accepted suspension ends it the day before; the end moves back by the days
/// removed, which are returned (platform rule).
pub fn end_by_hiring(approval: &mut Approval, date: time::Date) -> Option<i64> {
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
    use time::Date;
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
}
