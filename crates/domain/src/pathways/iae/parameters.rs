//! The figures of an IAE approval, dated like the benefits' parameters: its length, the waiting period after
//! it, and the prolongation caps (RULES.md 1.1 to 1.4). A record older than the first set is read under it.

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

/// One set of IAE figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IaeParameters {
    pub approval_length: Length,
    /// No new pathway for this many calendar years after the end of the previous one, unless an authorised
    /// prescriber waives it (R5132-1-4).
    pub waiting_period_years: i32,
    /// Longest prolongation one decision grants for a CDI signed with a person of `senior_cdi_age` or more.
    pub senior_cdi_max_days: i64,
    /// Longest prolongation one decision grants for any other reason.
    pub prolongation_max_days: i64,
    /// Cap on all prolongations, this one included, for RQTH and particular difficulties.
    pub disability_and_difficulties_cap_days: i64,
    /// The same cap for a person aged `senior_age` or more.
    pub senior_cap_days: i64,
    pub senior_cdi_age: i32,
    pub senior_age: i32,
}

/// The agrément of Pôle emploi: 24 months (décret 99-106); the engine applies the platform's prolongation
/// figures and the waiting period to it as to the PASS IAE.
const AGREMENT: IaeParameters = IaeParameters {
    approval_length: Length::Months(24),
    ..PASS_IAE
};

/// The PASS IAE: 24 months counted as 730 days by the platform (décret 2021-1128); prolongations by one
/// decision and in total (R5132-1-8, in days as on the platform Les emplois de l'inclusion).
const PASS_IAE: IaeParameters = IaeParameters {
    approval_length: Length::Days(730),
    waiting_period_years: 2,
    senior_cdi_max_days: 3_650,
    prolongation_max_days: 365,
    disability_and_difficulties_cap_days: 1_095,
    senior_cap_days: 1_825,
    senior_cdi_age: 57,
    senior_age: 50,
};

/// The IAE figures by the date they apply from: the agrément from décret 99-106 (18 February 1999), the
/// PASS IAE from 1 December 2021 (loi 2020-1577; décrets 2021-1128 and 2021-1129).
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

    // R5132-1-4 and R5132-1-8 (RULES.md 1.3, 1.4): the same figures under both regimes.
    #[rstest]
    #[case(date!(2019-01-01))]
    #[case(date!(2026-01-01))]
    fn waiting_period_and_caps(#[case] day: Date) {
        let p = on(day);
        assert_eq!(p.waiting_period_years, 2);
        assert_eq!((p.senior_cdi_max_days, p.prolongation_max_days), (3_650, 365));
        assert_eq!(
            (p.disability_and_difficulties_cap_days, p.senior_cap_days),
            (1_095, 1_825)
        );
        assert_eq!((p.senior_cdi_age, p.senior_age), (57, 50));
    }
}
