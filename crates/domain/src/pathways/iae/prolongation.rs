//! Prolonging an approval: who may, for how long, within which cumulative cap (RULES.md 1.4), under the rules
//! of the prolongation's first day ([`parameters`]): the agrément's until 2021-11-30 (annex 4, 2.2.6 of the
//! regional agreement of 2016), R5132-1-8 with the platform's figures in days since 2021-12-01.

use super::SiaeKind;
use super::approval::{Approval, PASS_IAE_FROM, Period};
use super::parameters::{self, ReasonRule};
use super::pathway::PersonFacts;
use crate::calendar::{add_days, add_months, add_years, french_date};
use crate::explanation::{Explanation, french_number};
use serde::{Deserialize, Serialize};
use time::Date;

const LAW: &str = "Code du travail, art. R5132-1-8";
/// The window for asking a prolongation is the platform's (RULES.md 1.4), not the Code's.
const PLATFORM: &str = "règle de la plateforme Les emplois de l'inclusion";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProlongationReason {
    /// CDI signed with a person aged 57 or more.
    SeniorCdi,
    /// Training in progress.
    Training,
    /// Recognised disabled worker.
    Rqth,
    /// Aged 50 or more.
    #[serde(rename = "senior_50")]
    Senior50,
    /// Particular difficulties, ACI and AI only.
    ParticularDifficulties,
    /// Closed since 2021-12-01.
    HealthContext,
}

/// Who decides a prolongation (R5132-1-8; RULES.md 1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decider {
    /// The SIAE alone: CDI of a person aged 57+, training in progress.
    Siae,
    /// An authorised prescriber, on the SIAE's request.
    AuthorisedPrescriber,
    /// Pôle emploi, on the SIAE's request: every prolongation of the agrément, until 2021-11-30.
    PoleEmploi,
}

/// Why an authorised prescriber refuses a prolongation (the platform's four reasons); a refusal also
/// proposes an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// IAE no longer fits the person's needs.
    IaeUnsuited,
    /// This SIAE no longer fits the person's needs.
    SiaeUnsuited,
    /// The length asked does not fit the person's situation.
    Duration,
    /// The reason given does not fit the person's situation.
    Reason,
}

impl Decider {
    /// Stable code (API).
    pub fn code(self) -> &'static str {
        match self {
            Self::Siae => "siae",
            Self::AuthorisedPrescriber => "authorised_prescriber",
            Self::PoleEmploi => "pole_emploi",
        }
    }
}

impl DenyReason {
    pub const ALL: [DenyReason; 4] = [Self::IaeUnsuited, Self::SiaeUnsuited, Self::Duration, Self::Reason];

    pub fn code(self) -> &'static str {
        match self {
            Self::IaeUnsuited => "iae_unsuited",
            Self::SiaeUnsuited => "siae_unsuited",
            Self::Duration => "duration",
            Self::Reason => "reason",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::IaeUnsuited => "l'IAE ne correspond plus aux besoins ou à la situation de la personne",
            Self::SiaeUnsuited => "la structure ne correspond plus aux besoins ou à la situation de la personne",
            Self::Duration => "la durée demandée n'est pas adaptée à la situation de la personne",
            Self::Reason => "le motif demandé n'est pas adapté à la situation de la personne",
        }
    }
}

impl ProlongationReason {
    pub const ALL: [ProlongationReason; 5] = [
        Self::SeniorCdi,
        Self::Training,
        Self::Rqth,
        Self::Senior50,
        Self::ParticularDifficulties,
    ];

    /// How a prolongation with this reason starting on `day` is granted, if it may have it then.
    pub fn rule(self, day: Date) -> Option<ReasonRule> {
        parameters::on(day).prolongation(self)
    }

    /// Who decides a prolongation starting on `day`: Pôle emploi for the agrément; since 2021-12-01 the SIAE
    /// alone for a senior CDI or a training, an authorised prescriber otherwise (R5132-1-8).
    pub fn decider(self, day: Date) -> Decider {
        match self.rule(day) {
            Some(rule) => rule.decider,
            None if day < PASS_IAE_FROM => Decider::PoleEmploi,
            None if matches!(self, Self::SeniorCdi | Self::Training) => Decider::Siae,
            None => Decider::AuthorisedPrescriber,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::SeniorCdi => "senior_cdi",
            Self::Training => "training",
            Self::Rqth => "rqth",
            Self::Senior50 => "senior_50",
            Self::ParticularDifficulties => "particular_difficulties",
            Self::HealthContext => "health_context",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::SeniorCdi => "CDI conclu avec une personne d'au moins 57 ans",
            Self::Training => "formation en cours",
            Self::Rqth => "reconnaissance de la qualité de travailleur handicapé",
            Self::Senior50 => "personne d'au moins 50 ans",
            Self::ParticularDifficulties => "difficultés particulières",
            Self::HealthContext => "contexte sanitaire",
        }
    }
}

/// Checks a prolongation over `period` and, when accepted, records it and sets the end to `period.to`.
pub fn prolong(
    approval: &mut Approval,
    period: Period,
    reason: ProlongationReason,
    kind: SiaeKind,
    person: &PersonFacts,
) -> Result<Explanation, Explanation> {
    let label = reason.label();
    let refuse = |code, sentence: String, source| {
        Err(Explanation::new(
            code,
            format!("Prolongation refusée : {sentence}"),
            source,
        ))
    };
    // The rules of the prolongation's first day: the agrément's until 2021-11-30, R5132-1-8's since.
    let Some(rule) = reason.rule(period.from) else {
        return if period.from < PASS_IAE_FROM {
            refuse(
                "prolongation_reason_not_yet_open",
                format!(
                    "le motif « {label} » n'existe que pour les prolongations commençant à partir du {}",
                    french_date(PASS_IAE_FROM)
                ),
                "Code du travail, art. R5132-1-8 (décret 2021-1128)",
            )
        } else {
            refuse(
                "prolongation_reason_closed",
                format!(
                    "le motif « {label} » est fermé depuis le {}",
                    french_date(PASS_IAE_FROM)
                ),
                "décret 2021-1128",
            )
        };
    };
    if period.to < period.from {
        return refuse(
            "prolongation_dates_inverted",
            format!(
                "elle finit le {}, avant de commencer le {}",
                french_date(period.to),
                french_date(period.from)
            ),
            LAW,
        );
    }
    let expected_from = add_days(approval.end, 1);
    if period.from != expected_from {
        return refuse(
            "prolongation_start",
            format!(
                "elle doit commencer le lendemain de la fin actuelle, le {}, et non le {}",
                french_date(expected_from),
                french_date(period.from)
            ),
            LAW,
        );
    }
    if !rule.kinds.is_empty() && !rule.kinds.contains(&kind) {
        let kinds: Vec<&str> = rule.kinds.iter().map(|k| k.acronym()).collect();
        return refuse(
            "prolongation_reason_not_allowed",
            format!(
                "le motif « {label} » est réservé aux {}, pas aux {}",
                kinds.join(" et aux "),
                kind.acronym()
            ),
            rule.source,
        );
    }
    if let Some(age) = rule.minimum_age {
        let birthday = add_years(person.birth_date, age);
        if birthday > period.from {
            return refuse(
                "age_requirement",
                format!(
                    "le motif « {label} » demande {age} ans le {} ; la personne les aura le {}",
                    french_date(period.from),
                    french_date(birthday)
                ),
                rule.source,
            );
        }
    }
    if reason == ProlongationReason::Rqth && !person.rqth {
        return refuse(
            "rqth_required",
            format!(
                "le motif « {label} » demande une RQTH, que la personne n'a pas le {}",
                french_date(period.from)
            ),
            rule.source,
        );
    }
    let days = period.days();
    if let Some(max) = rule.max_days.filter(|max| days > *max) {
        return refuse(
            "prolongation_too_long",
            format!(
                "pour le motif « {label} », une décision accorde au plus {} jours ; {} sont demandés",
                french_number(max),
                french_number(days)
            ),
            rule.source,
        );
    }
    let total = approval.prolonged_days() + days;
    if let Some(cap) = rule.cap_days.filter(|cap| total > *cap) {
        return refuse(
            "prolongation_cap_exceeded",
            format!(
                "pour le motif « {label} », le plafond cumulé des prolongations est de {} jours ; {} seraient \
                 atteints",
                french_number(cap),
                french_number(total)
            ),
            rule.source,
        );
    }
    approval.prolongations.push(period);
    approval.end = period.to;
    let (decided, source) = match rule.decider {
        Decider::PoleEmploi => (", décision de Pôle emploi", rule.source),
        Decider::Siae | Decider::AuthorisedPrescriber => ("", LAW),
    };
    Ok(Explanation::new(
        "prolongation_accepted",
        format!(
            "Prolongation acceptée ({label}{decided}) : {} jours, jusqu'au {} inclus",
            french_number(days),
            french_date(period.to)
        ),
        source,
    ))
}

/// Checks a prolongation asked on `today` of `approval`: under the rules of its first day (the day after the
/// current end), since 2021-12-01 it is asked from 12 months before the end to 6 months after it (platform,
/// RULES.md 1.4), both days included. An agrément's prolongation (first day until 2021-11-30) has no window: it
/// is a record of Pôle emploi's past decision.
pub fn check_asked_on(approval: &Approval, today: Date) -> Result<(), Explanation> {
    let end = approval.end;
    let Some(window) = parameters::on(add_days(end, 1)).prolongation_window else {
        return Ok(());
    };
    let (opens, closes) = (
        add_months(end, -window.months_before),
        add_months(end, window.months_after),
    );
    let (code, sentence) = if today < opens {
        (
            "prolongation_window_not_open",
            format!(
                "elle se demande à partir du {}, {} mois avant la fin {} le {}",
                french_date(opens),
                window.months_before,
                approval.regime.of(),
                french_date(end)
            ),
        )
    } else if today > closes {
        (
            "prolongation_window_closed",
            format!(
                "elle se demandait au plus tard le {}, {} mois après la fin {} le {}",
                french_date(closes),
                window.months_after,
                approval.regime.of(),
                french_date(end)
            ),
        )
    } else {
        return Ok(());
    };
    Err(Explanation::new(
        code,
        format!(
            "Prolongation refusée : {sentence} ; nous sommes le {}",
            french_date(today)
        ),
        PLATFORM,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProlongationReason::*;
    use rstest::rstest;

    // R5132-1-8: the SIAE alone decides for a senior CDI or a training; an authorised prescriber otherwise.
    #[rstest]
    #[case(SeniorCdi, Decider::Siae)]
    #[case(Training, Decider::Siae)]
    #[case(Rqth, Decider::AuthorisedPrescriber)]
    #[case(Senior50, Decider::AuthorisedPrescriber)]
    #[case(ParticularDifficulties, Decider::AuthorisedPrescriber)]
    fn deciders(#[case] reason: ProlongationReason, #[case] decider: Decider) {
        assert_eq!(reason.decider(date!(2021 - 12 - 01)), decider);
        assert_eq!(reason.decider(date!(2021 - 11 - 30)), Decider::PoleEmploi);
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.code());
    }
    use time::macros::date;

    const ALREADY_PROLONGED: i64 = 730;

    /// A PASS from 2022-01-03 (end 2024-01-02), already prolonged by two years of training: ends 2026-01-01.
    fn approval() -> Approval {
        let mut approval = Approval::begin(date!(2022 - 01 - 03));
        let training = Period {
            from: date!(2024 - 01 - 03),
            to: date!(2025 - 01 - 01),
        };
        let person = PersonFacts {
            birth_date: date!(1990 - 01 - 01),
            rqth: false,
        };
        prolong(&mut approval, training, Training, SiaeKind::Aci, &person).unwrap();
        let training = Period {
            from: date!(2025 - 01 - 02),
            to: date!(2026 - 01 - 01),
        };
        prolong(&mut approval, training, Training, SiaeKind::Aci, &person).unwrap();
        assert_eq!(approval.prolonged_days(), ALREADY_PROLONGED);
        approval
    }

    // R5132-1-8 and the platform: max per decision 3,650 days (senior CDI) or 365; caps over all
    // prolongations 1,095 days (RQTH, particular difficulties) and 1,825 (50+); ages on the first day.
    #[rstest]
    #[case::training(Training, 365, SiaeKind::Ei, date!(1990-01-01), false, None)]
    #[case::training_too_long(Training, 366, SiaeKind::Ei, date!(1990-01-01), false, Some("prolongation_too_long"))]
    #[case::rqth_within_cap(Rqth, 365, SiaeKind::Ei, date!(1990-01-01), true, None)]
    #[case::rqth_over_a_year(Rqth, 366, SiaeKind::Ei, date!(1990-01-01), true, Some("prolongation_too_long"))]
    #[case::rqth_without_rqth(Rqth, 30, SiaeKind::Ei, date!(1990-01-01), false, Some("rqth_required"))]
    #[case::senior_50(Senior50, 365, SiaeKind::Ei, date!(1976-01-02), false, None)]
    #[case::senior_49(Senior50, 365, SiaeKind::Ei, date!(1976-01-03), false, Some("age_requirement"))]
    #[case::senior_cdi_ten_years(SeniorCdi, 3_650, SiaeKind::Etti, date!(1969-01-02), false, None)]
    #[case::senior_cdi_56(SeniorCdi, 30, SiaeKind::Etti, date!(1969-01-03), false, Some("age_requirement"))]
    #[case::senior_cdi_too_long(SeniorCdi, 3_651, SiaeKind::Etti, date!(1960-01-01), false, Some("prolongation_too_long"))]
    #[case::difficulties_in_ai(ParticularDifficulties, 365, SiaeKind::Ai, date!(1990-01-01), false, None)]
    #[case::difficulties_in_ei(ParticularDifficulties, 30, SiaeKind::Ei, date!(1990-01-01), false, Some("prolongation_reason_not_allowed"))]
    #[case::health_context(HealthContext, 30, SiaeKind::Aci, date!(1990-01-01), false, Some("prolongation_reason_closed"))]
    fn one_decision(
        #[case] reason: ProlongationReason,
        #[case] days: i64,
        #[case] kind: SiaeKind,
        #[case] birth_date: Date,
        #[case] rqth: bool,
        #[case] refused: Option<&str>,
    ) {
        let mut approval = approval();
        let period = Period {
            from: date!(2026 - 01 - 02),
            to: add_days(date!(2026 - 01 - 02), days - 1),
        };
        let verdict = prolong(&mut approval, period, reason, kind, &PersonFacts { birth_date, rqth });
        match refused {
            None => assert_eq!(approval.end, period.to, "{verdict:?}"),
            Some(code) => assert_eq!(verdict.unwrap_err().code, code),
        }
    }

    // The platform sums all prolongations of the PASS, whatever their reason: 730 days of training already.
    #[rstest]
    #[case::rqth_reaches_cap(Rqth, 365, None)]
    #[case::difficulties_then_cap(ParticularDifficulties, 365, None)]
    #[case::senior_50_far_from_cap(Senior50, 365, None)]
    fn caps_count_every_reason(#[case] reason: ProlongationReason, #[case] days: i64, #[case] refused: Option<&str>) {
        let mut approval = approval();
        let person = PersonFacts {
            birth_date: date!(1960 - 01 - 01),
            rqth: true,
        };
        let period = Period {
            from: date!(2026 - 01 - 02),
            to: add_days(date!(2026 - 01 - 02), days - 1),
        };
        let verdict = prolong(&mut approval, period, reason, SiaeKind::Aci, &person);
        assert_eq!(verdict.err().map(|e| e.code), refused);
        // A second year would pass 1,095 days for RQTH and difficulties, not 1,825 for 50+.
        let next = Period {
            from: add_days(approval.end, 1),
            to: add_days(approval.end, 365),
        };
        let second = prolong(&mut approval, next, reason, SiaeKind::Aci, &person);
        let expected = (reason != Senior50).then_some("prolongation_cap_exceeded");
        assert_eq!(second.err().map(|e| e.code), expected);
    }

    /// Prolongs `approval` by successive periods of `days` days each, with `reason`; the verdict codes.
    fn prolong_by(
        approval: &mut Approval,
        reason: ProlongationReason,
        lengths: &[i64],
        person: &PersonFacts,
    ) -> Vec<&'static str> {
        lengths
            .iter()
            .map(|days| {
                let from = add_days(approval.end, 1);
                let period = Period {
                    from,
                    to: add_days(from, days - 1),
                };
                match prolong(approval, period, reason, SiaeKind::Aci, person) {
                    Ok(e) | Err(e) => e.code,
                }
            })
            .collect()
    }

    // The agrément's prolongations (« Accord régional de coopération Bourgogne-Franche-Comté (2016) », annexe 4,
    // 2.2.6), by the prolongation's first day: a training « au-delà des 24 mois », no longer than its end (no
    // year limit); 50+ and RQTH « par décisions de prolongation successives d'un an au plus (dans la limite de
    // soixante mois de préférence) » (a preference: no cap); all decided by Pôle emploi (2.2.2). Under the
    // PASS IAE's rules a 449-day training and a fourth RQTH year were refused.
    #[rstest]
    #[case::training_until_its_end(date!(2019-01-07), Training, &[449], &["prolongation_accepted"])]
    #[case::rqth_by_successive_years(date!(2015-01-05), Rqth, &[365, 365, 365, 365], &["prolongation_accepted"; 4])]
    #[case::rqth_a_year_at_most(date!(2015-01-05), Rqth, &[366], &["prolongation_too_long"])]
    #[case::senior_50_by_successive_years(date!(2015-01-05), Senior50, &[365, 365, 365, 365], &["prolongation_accepted"; 4])]
    #[case::no_senior_cdi_before_the_pass(date!(2015-01-05), SeniorCdi, &[365], &["prolongation_reason_not_yet_open"])]
    #[case::no_difficulties_before_the_pass(date!(2015-01-05), ParticularDifficulties, &[365], &["prolongation_reason_not_yet_open"])]
    // The PASS IAE's rules from the first day of a prolongation on 2021-12-01 or later, whatever the approval.
    #[case::pass_rules_after_2021_12_01(date!(2019-12-02), Training, &[449], &["prolongation_too_long"])]
    #[case::pass_cap_after_2021_12_01(date!(2019-12-02), Rqth, &[365, 365, 365, 365], &["prolongation_accepted", "prolongation_accepted", "prolongation_accepted", "prolongation_cap_exceeded"])]
    fn agrement_prolongations(
        #[case] hiring: Date,
        #[case] reason: ProlongationReason,
        #[case] lengths: &[i64],
        #[case] expected: &[&str],
    ) {
        let mut approval = Approval::begin(hiring);
        let person = PersonFacts {
            birth_date: date!(1960 - 01 - 01),
            rqth: true,
        };
        assert_eq!(prolong_by(&mut approval, reason, lengths, &person), expected);
    }

    // « Contexte sanitaire », the platform's reason until 2021-12-01 (RULES.md 1.4): a prolongation starting
    // before that day may have it, decided by Pôle emploi; not one starting on it or after.
    #[rstest]
    #[case::during_the_health_crisis(date!(2019-06-03), Ok("Prolongation acceptée (contexte sanitaire, décision de Pôle emploi)"))]
    #[case::last_day(date!(2019-11-30), Ok("Prolongation acceptée (contexte sanitaire, décision de Pôle emploi)"))]
    #[case::closed(date!(2019-12-01), Err("prolongation_reason_closed"))]
    fn health_context(#[case] hiring: Date, #[case] expected: Result<&str, &str>) {
        let mut approval = Approval::begin(hiring);
        let from = add_days(approval.end, 1);
        let period = Period {
            from,
            to: add_days(from, 89),
        };
        let person = PersonFacts {
            birth_date: date!(1990 - 01 - 01),
            rqth: false,
        };
        let verdict = prolong(&mut approval, period, HealthContext, SiaeKind::Ei, &person);
        match expected {
            Ok(start) => assert!(verdict.unwrap().message.starts_with(start)),
            Err(code) => assert_eq!(verdict.unwrap_err().code, code),
        }
    }

    // Platform (RULES.md 1.4), for prolongations starting on or after 2021-12-01: asked « from 12 months before
    // to 6 months after the end », both days included, the end being the current one (here 2026-01-01, after
    // two years of training).
    #[rstest]
    #[case::a_day_too_early(date!(2024-12-31), Err("prolongation_window_not_open"))]
    #[case::opens(date!(2025-01-01), Ok(()))]
    #[case::on_the_end(date!(2026-01-01), Ok(()))]
    #[case::closes(date!(2026-07-01), Ok(()))]
    #[case::a_day_too_late(date!(2026-07-02), Err("prolongation_window_closed"))]
    fn asked_within_the_window(#[case] today: Date, #[case] expected: Result<(), &str>) {
        assert_eq!(check_asked_on(&approval(), today).map_err(|e| e.code), expected);
    }

    #[test]
    fn the_window_refusals_name_its_dates() {
        let early = check_asked_on(&approval(), date!(2024 - 06 - 03)).unwrap_err();
        assert_eq!(
            early.message,
            "Prolongation refusée : elle se demande à partir du 1er janvier 2025, 12 mois avant la fin du PASS IAE le \
             1er janvier 2026 ; nous sommes le 3 juin 2024 (règle de la plateforme Les emplois de l'inclusion)."
        );
        let late = check_asked_on(&approval(), date!(2026 - 12 - 06)).unwrap_err();
        assert_eq!(
            late.message,
            "Prolongation refusée : elle se demandait au plus tard le 1er juillet 2026, 6 mois après la fin du PASS \
             IAE le 1er janvier 2026 ; nous sommes le 6 décembre 2026 (règle de la plateforme Les emplois de \
             l'inclusion)."
        );
    }

    // Annex 4, 2.2.6 gives the agrément's prolongations no window: one whose first day is before 2021-12-01 is
    // a record of the past, entered whenever; one starting on 2021-12-01 or later has the PASS IAE's window,
    // whatever the approval (its rules are those of its first day).
    #[rstest]
    #[case::agrement_record(date!(2019-06-03), Ok(()))]
    #[case::agrement_prolonged_under_the_pass(date!(2019-12-02), Err("prolongation_window_closed"))]
    fn the_agrement_has_no_window(#[case] hiring: Date, #[case] expected: Result<(), &str>) {
        let approval = Approval::begin(hiring);
        assert_eq!(
            check_asked_on(&approval, date!(2026 - 12 - 06)).map_err(|e| e.code),
            expected
        );
    }

    #[test]
    fn must_start_the_day_after_the_end() {
        let mut approval = approval();
        let person = PersonFacts {
            birth_date: date!(1990 - 01 - 01),
            rqth: false,
        };
        let late = Period {
            from: date!(2026 - 01 - 03),
            to: date!(2026 - 06 - 30),
        };
        let verdict = prolong(&mut approval, late, Training, SiaeKind::Aci, &person);
        assert_eq!(verdict.unwrap_err().code, "prolongation_start");
    }
}
