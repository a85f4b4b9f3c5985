//! The figures of an IAE approval, dated like the benefits' parameters: its length, the waiting period after
//! it, and the prolongation caps (RULES.md 1.1 to 1.4). A record older than the first set is read under it.

use super::SiaeKind;
use super::prolongation::{Decider, ProlongationReason};
use crate::dated::Dated;
use time::Date;
use time::macros::date;

/// How long an approval lasts before any suspension or prolongation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// Calendar months from the first hiring (agrément).
    Months(i32),
    /// Days, the first hiring included (PASS IAE as the platform counts 24 months).
    Days(i64),
}

/// How one reason of prolongation is granted while a set of figures is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonRule {
    pub reason: ProlongationReason,
    pub decider: Decider,
    /// Longest prolongation one decision grants; `None`: until the training ends, the end the decision gives.
    pub max_days: Option<i64>,
    /// Cap on all prolongations of the approval, this one included, whatever their reason.
    pub cap_days: Option<i64>,
    /// Age the person must have on the prolongation's first day.
    pub minimum_age: Option<i32>,
    /// The reason is reserved to these SIAE kinds; every kind when empty.
    pub kinds: &'static [SiaeKind],
    /// The text that grants it, cited in the refusals about a decision's length.
    pub source: &'static str,
}

/// When a prolongation may be asked, around the approval's current end (both days included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestWindow {
    /// Opens this many calendar months before the end.
    pub months_before: i32,
    /// Closes this many calendar months after the end.
    pub months_after: i32,
}

/// One set of IAE figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IaeParameters {
    pub approval_length: Length,
    /// No new pathway for this many calendar years after the end of the previous one, unless an authorised
    /// prescriber waives it (R5132-1-4).
    pub waiting_period_years: i32,
    /// The reasons a prolongation starting while the set is in force may have; a reason absent is refused.
    pub prolongations: &'static [ReasonRule],
    /// When a prolongation starting while the set is in force may be asked; any day when `None`.
    pub prolongation_window: Option<RequestWindow>,
}

impl IaeParameters {
    /// The rule of `reason`, if a prolongation may have it.
    pub fn prolongation(&self, reason: ProlongationReason) -> Option<ReasonRule> {
        self.prolongations.iter().find(|r| r.reason == reason).copied()
    }
}

const AGREMENT_PROLONGATION: &str = "décret 99-106 ; « Accord régional de coopération Bourgogne-Franche-Comté \
                                     (2016) », annexe 4, 2.2.6";
const R5132_1_8: &str = "Code du travail, art. R5132-1-8 ; plafonds en jours de la plateforme Les emplois de \
                         l'inclusion";

/// Prolongations of the agrément, decided by Pôle emploi (« Accord régional de coopération Bourgogne-Franche-
/// Comté (2016) », annexe 4, 2.2.2 and 2.2.6): to finish a training in progress, no longer than its end; for a
/// person of 50 or more or recognised as a disabled worker, by successive decisions of a year at most, « dans
/// la limite de soixante mois de préférence » (a preference, not a cap: none is enforced). « Contexte
/// sanitaire »: the platform's reason, a year at most per decision, closed on 2021-12-01.
const AGREMENT_PROLONGATIONS: &[ReasonRule] = &[
    ReasonRule {
        reason: ProlongationReason::Training,
        decider: Decider::PoleEmploi,
        max_days: None,
        cap_days: None,
        minimum_age: None,
        kinds: &[],
        source: AGREMENT_PROLONGATION,
    },
    ReasonRule {
        reason: ProlongationReason::Rqth,
        decider: Decider::PoleEmploi,
        max_days: Some(365),
        cap_days: None,
        minimum_age: None,
        kinds: &[],
        source: AGREMENT_PROLONGATION,
    },
    ReasonRule {
        reason: ProlongationReason::Senior50,
        decider: Decider::PoleEmploi,
        max_days: Some(365),
        cap_days: None,
        minimum_age: Some(50),
        kinds: &[],
        source: AGREMENT_PROLONGATION,
    },
    ReasonRule {
        reason: ProlongationReason::HealthContext,
        decider: Decider::PoleEmploi,
        max_days: Some(365),
        cap_days: None,
        minimum_age: None,
        kinds: &[],
        source: "plateforme Les emplois de l'inclusion, motif « contexte sanitaire »",
    },
];

/// Prolongations of the PASS IAE (R5132-1-8, in days as on the platform): the SIAE alone decides a CDI signed
/// with a person of 57 or more (3,650 days) and a training (365); an authorised prescriber the others, a year
/// at most each, within 1,095 days of prolongation in all (RQTH, particular difficulties in ACI and AI) or
/// 1,825 (50 or more).
const PASS_IAE_PROLONGATIONS: &[ReasonRule] = &[
    ReasonRule {
        reason: ProlongationReason::SeniorCdi,
        decider: Decider::Siae,
        max_days: Some(3_650),
        cap_days: None,
        minimum_age: Some(57),
        kinds: &[],
        source: R5132_1_8,
    },
    ReasonRule {
        reason: ProlongationReason::Training,
        decider: Decider::Siae,
        max_days: Some(365),
        cap_days: None,
        minimum_age: None,
        kinds: &[],
        source: R5132_1_8,
    },
    ReasonRule {
        reason: ProlongationReason::Rqth,
        decider: Decider::AuthorisedPrescriber,
        max_days: Some(365),
        cap_days: Some(1_095),
        minimum_age: None,
        kinds: &[],
        source: R5132_1_8,
    },
    ReasonRule {
        reason: ProlongationReason::Senior50,
        decider: Decider::AuthorisedPrescriber,
        max_days: Some(365),
        cap_days: Some(1_825),
        minimum_age: Some(50),
        kinds: &[],
        source: R5132_1_8,
    },
    ReasonRule {
        reason: ProlongationReason::ParticularDifficulties,
        decider: Decider::AuthorisedPrescriber,
        max_days: Some(365),
        cap_days: Some(1_095),
        minimum_age: None,
        kinds: &[SiaeKind::Aci, SiaeKind::Ai],
        source: R5132_1_8,
    },
];

/// The agrément of Pôle emploi: 24 months (décret 99-106), its own prolongations; the waiting period as for the
/// PASS IAE. No window for asking a prolongation: annex 4, 2.2.6 only says a training's prolongation is asked
/// for a training « en cours de réalisation à l'échéance du contrat de travail », and the platform's window
/// came with the PASS IAE.
const AGREMENT: IaeParameters = IaeParameters {
    approval_length: Length::Months(24),
    waiting_period_years: 2,
    prolongations: AGREMENT_PROLONGATIONS,
    prolongation_window: None,
};

/// The PASS IAE: 24 months counted as 730 days by the platform (décret 2021-1128); prolongations by one
/// decision and in total (R5132-1-8, in days as on the platform Les emplois de l'inclusion), asked from 12
/// months before the end to 6 months after it (the platform's rule, RULES.md 1.4).
const PASS_IAE: IaeParameters = IaeParameters {
    approval_length: Length::Days(730),
    waiting_period_years: 2,
    prolongations: PASS_IAE_PROLONGATIONS,
    prolongation_window: Some(RequestWindow {
        months_before: 12,
        months_after: 6,
    }),
};

/// The IAE figures by the date they apply from: the agrément from décret 99-106 (18 February 1999), the
/// PASS IAE from 1 December 2021 (loi 2020-1577; décrets 2021-1128 and 2021-1129). An approval's length is
/// that of its first day; a prolongation's rules are those of its first day.
pub const IAE: Dated<IaeParameters> = Dated::new(
    "décret 99-106 ; loi 2020-1577, décrets 2021-1128 et 2021-1129 ; Code du travail, art. R5132-1-4 et \
     R5132-1-8 ; plateforme Les emplois de l'inclusion",
    &[(date!(1999 - 02 - 18), AGREMENT), (date!(2021 - 12 - 01), PASS_IAE)],
);

/// The figures that apply on `day`.
pub fn on(day: Date) -> IaeParameters {
    IAE.at_or_first(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn sets_are_in_date_order() {
        assert!(IAE.is_in_date_order());
    }

    // Décret 99-106: 24 months; décret 2021-1128 and the platform: 730 days; a record of 1990 is read under
    // the agrément's rules.
    #[rstest]
    #[case::before_the_first_text(date!(1990-06-01), Length::Months(24))]
    #[case::agrement(date!(2021-11-30), Length::Months(24))]
    #[case::pass_iae(date!(2021-12-01), Length::Days(730))]
    fn approval_length(#[case] day: Date, #[case] expected: Length) {
        assert_eq!(on(day).approval_length, expected);
    }

    // R5132-1-4: the same waiting period under both regimes.
    #[rstest]
    #[case(date!(2019-01-01))]
    #[case(date!(2026-01-01))]
    fn waiting_period(#[case] day: Date) {
        assert_eq!(on(day).waiting_period_years, 2);
    }

    // R5132-1-8 (PASS IAE) and « Accord régional de coopération Bourgogne-Franche-Comté (2016) », annexe 4,
    // 2.2.6 (agrément): who decides, the longest decision and the cap, by the prolongation's first day. This
    // replaces the assertion that the agrément had the PASS IAE's figures.
    #[rstest]
    #[case::pass_training(date!(2021-12-01), ProlongationReason::Training, Some((Decider::Siae, Some(365), None)))]
    #[case::pass_senior_cdi(date!(2026-01-01), ProlongationReason::SeniorCdi, Some((Decider::Siae, Some(3_650), None)))]
    #[case::pass_rqth(date!(2026-01-01), ProlongationReason::Rqth, Some((Decider::AuthorisedPrescriber, Some(365), Some(1_095))))]
    #[case::pass_50(date!(2026-01-01), ProlongationReason::Senior50, Some((Decider::AuthorisedPrescriber, Some(365), Some(1_825))))]
    #[case::pass_difficulties(date!(2026-01-01), ProlongationReason::ParticularDifficulties, Some((Decider::AuthorisedPrescriber, Some(365), Some(1_095))))]
    #[case::pass_health_closed(date!(2021-12-01), ProlongationReason::HealthContext, None)]
    #[case::agrement_training(date!(2021-11-30), ProlongationReason::Training, Some((Decider::PoleEmploi, None, None)))]
    #[case::agrement_rqth(date!(2019-01-01), ProlongationReason::Rqth, Some((Decider::PoleEmploi, Some(365), None)))]
    #[case::agrement_50(date!(2019-01-01), ProlongationReason::Senior50, Some((Decider::PoleEmploi, Some(365), None)))]
    #[case::agrement_health(date!(2021-11-30), ProlongationReason::HealthContext, Some((Decider::PoleEmploi, Some(365), None)))]
    #[case::agrement_no_senior_cdi(date!(2021-11-30), ProlongationReason::SeniorCdi, None)]
    #[case::agrement_no_difficulties(date!(2021-11-30), ProlongationReason::ParticularDifficulties, None)]
    fn prolongations(
        #[case] day: Date,
        #[case] reason: ProlongationReason,
        #[case] expected: Option<(Decider, Option<i64>, Option<i64>)>,
    ) {
        let rule = on(day).prolongation(reason);
        assert_eq!(rule.map(|r| (r.decider, r.max_days, r.cap_days)), expected);
    }
}
