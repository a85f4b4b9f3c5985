//! Coherence of the dated facts a user records on an IAE pathway with the pathway itself (RULES.md 1.7, 1.8):
//! an exit after the hiring and the approval's start, a tripartite interview recorded once held, a contract or
//! an assignment inside the approval, an « entretien réalisé » on the referral sheet once the planned interview
//! has come. Each check is pure and takes the day of the record as `today`; the store
//! calls it before writing, so the API and the pages refuse the same way. Suspensions have their own checks
//! (`suspension::check_recorded_on`).

use super::approval::{Period, Regime};
use crate::calendar::french_date;
use crate::explanation::Explanation;
use time::Date;

/// The order orientation -> agrément -> hiring -> accompaniment -> exit with a shared bilan (Accord régional
/// BFC 2016, annexe 4): an exit closes a pathway opened by a hiring. Applies to every record, agrément
/// (until 2021-11-30) and PASS IAE (since 2021-12-01, décret 2021-1128 of 30 Aug 2021) alike.
const ANNEX_4: &str = "accord régional IAE Bourgogne-Franche-Comté 2016, annexe 4";
/// The tripartite interview held 2 to 3 months before the end (Accord régional BFC 2016, fiche 7), in force
/// since 2016: « tenu » is a fact of the past.
const FICHE_7: &str = "accord régional IAE Bourgogne-Franche-Comté 2016, fiche action 7";
/// The referral sheet follows the candidacy step by step (Accord régional BFC 2016, fiche action 4), in force
/// since 2016: « entretien réalisé » is a fact of the past, like « tenu ».
const FICHE_4: &str = "accord régional IAE Bourgogne-Franche-Comté 2016, fiche action 4";
/// Since 2021-12-01 no IAE employment without a valid PASS IAE, every AI employee included (décret 2021-1128
/// of 30 Aug 2021); until 2021-11-30 the hiring was subject to the prior agrément (Accord régional BFC 2016,
/// annexe 4).
const PASS_IAE: &str = "décret n° 2021-1128 du 30 août 2021";

/// Checks an exit dated `exit_on`, recorded on `today`, of a pathway whose last hiring is on `hiring` and whose
/// approval starts on `approval_start`: not in the future, not before either date.
pub fn check_exit(exit_on: Date, hiring: Date, approval_start: Date, today: Date) -> Result<(), Explanation> {
    if exit_on > today {
        return Err(Explanation::new(
            "exit_in_future",
            format!(
                "La sortie du {} est après aujourd'hui, le {} : le bilan de sortie s'enregistre le jour de la sortie \
                 ou après",
                french_date(exit_on),
                french_date(today)
            ),
            ANNEX_4,
        ));
    }
    if exit_on < hiring {
        return Err(Explanation::new(
            "exit_before_hiring",
            format!(
                "La sortie du {} précède l'embauche du {} : indiquez une date de sortie à partir du {}",
                french_date(exit_on),
                french_date(hiring),
                french_date(hiring)
            ),
            ANNEX_4,
        ));
    }
    if exit_on < approval_start {
        return Err(Explanation::new(
            "exit_before_approval",
            format!(
                "La sortie du {} précède le début du parcours, le {} : indiquez une date de sortie à partir du {}",
                french_date(exit_on),
                french_date(approval_start),
                french_date(approval_start)
            ),
            ANNEX_4,
        ));
    }
    Ok(())
}

/// Checks a tripartite interview recorded on `today` as held on `held_on`: an interview to come is not held.
pub fn check_interview_held(held_on: Date, today: Date) -> Result<(), Explanation> {
    if held_on > today {
        return Err(Explanation::new(
            "interview_in_future",
            format!(
                "L'entretien tripartite du {} n'a pas encore eu lieu (nous sommes le {}) : enregistrez-le le jour où \
                 il se tient ou après",
                french_date(held_on),
                french_date(today)
            ),
            FICHE_7,
        ));
    }
    Ok(())
}

/// Checks the step « entretien réalisé » written on a referral sheet on `today`, with its own date `held_on` if
/// given, after the interview last planned on `planned`: neither date after today. An interview moved earlier
/// is first written as planned again (the sheet's « entretien prévu (déplacé) »).
pub fn check_referral_interview_held(
    planned: Option<Date>,
    held_on: Option<Date>,
    today: Date,
) -> Result<(), Explanation> {
    if let Some(held_on) = held_on.filter(|d| *d > today) {
        return Err(Explanation::new(
            "interview_in_future",
            format!(
                "L'entretien du {} n'a pas encore eu lieu (nous sommes le {}) : inscrivez « entretien réalisé » le \
                 jour où il se tient ou après",
                french_date(held_on),
                french_date(today)
            ),
            FICHE_4,
        ));
    }
    match planned.filter(|d| *d > today) {
        Some(planned) => Err(Explanation::new(
            "interview_in_future",
            format!(
                "L'entretien prévu le {} n'a pas encore eu lieu (nous sommes le {}) : inscrivez « entretien réalisé » \
                 le jour où il se tient ou après, ou inscrivez d'abord sa nouvelle date s'il a été avancé",
                french_date(planned),
                french_date(today)
            ),
            FICHE_4,
        )),
        None => Ok(()),
    }
}

/// What employs the person inside the approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmploymentKind {
    /// A CDDI, from its first to its last day.
    Contract,
    /// An AI or ETTI assignment, on its first day.
    Assignment,
}

impl EmploymentKind {
    fn noun(self) -> &'static str {
        match self {
            Self::Contract => "Le contrat",
            Self::Assignment => "La mise à disposition",
        }
    }
}

/// Checks that `period` (an assignment's is its first day) lies inside `approval`, of `regime`: refused with the
/// dates of both.
pub fn check_within_approval(
    what: EmploymentKind,
    period: Period,
    approval: Period,
    regime: Regime,
) -> Result<(), Explanation> {
    let covered = |d: Date| approval.contains(d);
    let (code, day, verb) = if !covered(period.from) {
        ("approval_not_valid", period.from, "commence")
    } else if period.to < period.from {
        // A contract ending before it starts is refused by the contract's own rules (`contract_dates_inverted`).
        return Ok(());
    } else if !covered(period.to) {
        ("contract_ends_after_approval", period.to, "finit")
    } else {
        return Ok(());
    };
    let source = match regime {
        Regime::PassIae => PASS_IAE,
        Regime::Agrement => ANNEX_4,
    };
    Err(Explanation::new(
        code,
        format!(
            "{} {} le {}, hors {} de la personne, qui court du {} au {} : indiquez des dates dans cette période",
            what.noun(),
            verb,
            french_date(day),
            regime.of(),
            french_date(approval.from),
            french_date(approval.to)
        ),
        source,
    ))
}

/// Explains a contract that `check_within_approval` refuses only for ending after `approval`: the SIAE has asked a
/// prolongation, pending, whose period `asked` starts by the day after the approval ends and runs to the contract's
/// end at least. A prolongation is asked up to 6 months after the end (R5132-1-8, platform rules; RULES.md 1.4),
/// so the contract may run on while the prescriber decides; the explanation is kept with the contract. Nothing
/// else explains a contract outside the approval: its start always lies inside (décret 2021-1128).
pub fn explained_by_prolongation(period: Period, approval: Period, asked: &[Period]) -> Option<String> {
    if !approval.contains(period.from) || period.to <= approval.to {
        return None;
    }
    let day_after = approval.to.next_day()?;
    let covering = asked
        .iter()
        .filter(|a| a.from <= day_after && a.to >= period.to)
        .max_by_key(|a| a.to)?;
    Some(format!(
        "Le contrat finit le {}, après la fin de l'agrément ou du PASS IAE le {} : une prolongation jusqu'au {} est \
         demandée, en attente de décision (Code du travail, art. R5132-1-8)",
        french_date(period.to),
        french_date(approval.to),
        french_date(covering.to)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    // Annexe 4: hiring, then exit; the exit review is written at or after the exit.
    #[rstest]
    #[case::on_the_hiring_day(date!(2026-03-10), date!(2026-03-10), date!(2026-03-10), Ok(()))]
    #[case::before_the_hiring(date!(2026-03-03), date!(2026-03-10), date!(2026-03-10), Err("exit_before_hiring"))]
    #[case::after_a_second_hiring(date!(2026-09-01), date!(2026-06-01), date!(2026-03-10), Ok(()))]
    #[case::before_the_second_hiring(date!(2026-05-31), date!(2026-06-01), date!(2026-03-10), Err("exit_before_hiring"))]
    #[case::before_the_approval(date!(2021-05-31), date!(2021-05-31), date!(2021-06-01), Err("exit_before_approval"))]
    #[case::today(date!(2026-12-07), date!(2026-03-10), date!(2026-03-10), Ok(()))]
    #[case::tomorrow(date!(2026-12-08), date!(2026-03-10), date!(2026-03-10), Err("exit_in_future"))]
    fn exits(#[case] exit_on: Date, #[case] hiring: Date, #[case] start: Date, #[case] expected: Result<(), &str>) {
        let got = check_exit(exit_on, hiring, start, date!(2026 - 12 - 07)).map_err(|e| e.code);
        assert_eq!(got, expected);
    }

    #[test]
    fn the_exit_refusal_names_both_dates() {
        let e = check_exit(
            date!(2026 - 03 - 03),
            date!(2026 - 03 - 10),
            date!(2026 - 03 - 10),
            date!(2026 - 12 - 07),
        );
        assert_eq!(
            e.unwrap_err().message,
            "La sortie du 3 mars 2026 précède l'embauche du 10 mars 2026 : indiquez une date de sortie à partir du 10 \
             mars 2026 (accord régional IAE Bourgogne-Franche-Comté 2016, annexe 4)."
        );
    }

    // Fiche 7: an interview « tenu » is recorded on the day it is held or later.
    #[rstest]
    #[case::yesterday(date!(2026-12-06), Ok(()))]
    #[case::today(date!(2026-12-07), Ok(()))]
    #[case::tomorrow(date!(2026-12-08), Err("interview_in_future"))]
    fn interviews(#[case] held_on: Date, #[case] expected: Result<(), &str>) {
        assert_eq!(
            check_interview_held(held_on, date!(2026 - 12 - 07)).map_err(|e| e.code),
            expected
        );
    }

    #[test]
    fn a_future_interview_is_to_record_on_its_day() {
        let e = check_interview_held(date!(2027 - 01 - 15), date!(2026 - 12 - 07)).unwrap_err();
        assert_eq!(
            e.message,
            "L'entretien tripartite du 15 janvier 2027 n'a pas encore eu lieu (nous sommes le 7 décembre 2026) : \
             enregistrez-le le jour où il se tient ou après (accord régional IAE Bourgogne-Franche-Comté 2016, \
             fiche action 7)."
        );
    }

    // Fiche 4: the referral sheet's « entretien réalisé » once the planned interview has come; its own date,
    // if given, not after today either.
    #[rstest]
    #[case::planned_yesterday(Some(date!(2026-12-06)), None, Ok(()))]
    #[case::planned_today(Some(date!(2026-12-07)), None, Ok(()))]
    #[case::planned_tomorrow(Some(date!(2026-12-08)), None, Err("interview_in_future"))]
    #[case::held_tomorrow(Some(date!(2026-12-01)), Some(date!(2026-12-08)), Err("interview_in_future"))]
    #[case::held_today(Some(date!(2026-12-01)), Some(date!(2026-12-07)), Ok(()))]
    #[case::never_planned(None, None, Ok(()))]
    fn referral_interviews(
        #[case] planned: Option<Date>,
        #[case] held_on: Option<Date>,
        #[case] expected: Result<(), &str>,
    ) {
        let got = check_referral_interview_held(planned, held_on, date!(2026 - 12 - 07));
        assert_eq!(got.map_err(|e| e.code), expected);
    }

    #[test]
    fn a_planned_interview_to_come_is_named() {
        let e = check_referral_interview_held(Some(date!(2026 - 12 - 10)), None, date!(2026 - 12 - 07)).unwrap_err();
        assert_eq!(
            e.message,
            "L'entretien prévu le 10 décembre 2026 n'a pas encore eu lieu (nous sommes le 7 décembre 2026) : \
             inscrivez « entretien réalisé » le jour où il se tient ou après, ou inscrivez d'abord sa nouvelle date \
             s'il a été avancé (accord régional IAE Bourgogne-Franche-Comté 2016, fiche action 4)."
        );
    }

    const PASS: Period = Period {
        from: date!(2026 - 03 - 10),
        to: date!(2028 - 03 - 08),
    };

    fn p(from: Date, to: Date) -> Period {
        Period { from, to }
    }

    // Décret 2021-1128: the contract and the assignment lie inside the PASS IAE, both days included.
    #[rstest]
    #[case::inside(EmploymentKind::Contract, p(date!(2026-03-10), date!(2026-09-09)), Ok(()))]
    #[case::last_day(EmploymentKind::Contract, p(date!(2027-09-09), date!(2028-03-08)), Ok(()))]
    #[case::starts_before(EmploymentKind::Contract, p(date!(2026-03-09), date!(2026-09-09)), Err("approval_not_valid"))]
    #[case::ends_after(EmploymentKind::Contract, p(date!(2027-11-09), date!(2028-03-09)), Err("contract_ends_after_approval"))]
    #[case::starts_after(EmploymentKind::Contract, p(date!(2028-03-09), date!(2028-09-09)), Err("approval_not_valid"))]
    #[case::inverted_left_to_the_contract_rules(EmploymentKind::Contract, p(date!(2026-04-10), date!(2026-03-01)), Ok(()))]
    #[case::assignment_inside(EmploymentKind::Assignment, p(date!(2028-03-08), date!(2028-03-08)), Ok(()))]
    #[case::assignment_after(EmploymentKind::Assignment, p(date!(2028-03-09), date!(2028-03-09)), Err("approval_not_valid"))]
    fn inside_the_approval(#[case] what: EmploymentKind, #[case] period: Period, #[case] expected: Result<(), &str>) {
        assert_eq!(
            check_within_approval(what, period, PASS, Regime::PassIae).map_err(|e| e.code),
            expected
        );
    }

    // R5132-1-8 and RULES.md 1.4: a prolongation asked (up to 6 months after the end) and not yet decided explains
    // a contract running past the PASS, if it covers the contract's end; nothing explains a start outside.
    #[rstest]
    #[case::covered(p(date!(2027-11-09), date!(2028-09-08)), &[p(date!(2028-03-09), date!(2029-03-08))], true)]
    #[case::stored_from_the_end_date(p(date!(2027-11-09), date!(2028-09-08)), &[p(date!(2028-03-08), date!(2028-09-08))], true)]
    #[case::not_far_enough(p(date!(2027-11-09), date!(2028-09-08)), &[p(date!(2028-03-09), date!(2028-09-07))], false)]
    #[case::none_asked(p(date!(2027-11-09), date!(2028-09-08)), &[], false)]
    #[case::inside_needs_none(p(date!(2027-11-09), date!(2028-03-08)), &[p(date!(2028-03-09), date!(2029-03-08))], false)]
    #[case::starts_outside(p(date!(2028-03-09), date!(2028-09-08)), &[p(date!(2028-03-09), date!(2029-03-08))], false)]
    fn a_pending_prolongation_explains_a_later_end(
        #[case] period: Period,
        #[case] asked: &[Period],
        #[case] explained: bool,
    ) {
        assert_eq!(explained_by_prolongation(period, PASS, asked).is_some(), explained);
    }

    #[test]
    fn a_contract_past_the_approval_names_its_dates() {
        let e = check_within_approval(
            EmploymentKind::Contract,
            p(date!(2027 - 11 - 09), date!(2028 - 03 - 09)),
            PASS,
            Regime::PassIae,
        );
        assert_eq!(
            e.unwrap_err().message,
            "Le contrat finit le 9 mars 2028, hors du PASS IAE de la personne, qui court du 10 mars 2026 au 8 mars \
             2028 : indiquez des dates dans cette période (décret n° 2021-1128 du 30 août 2021)."
        );
    }
}
