//! Delays of dated obligations: a rule says "N calendar days" or "N working days" (RULES.md section 7), before
//! or after a date. The deadlines engine stores the dates these give; sources name the rule they apply.

use crate::calendar::{Territory, add_days, is_working_day, nth_working_day_after};
use crate::pathways::esat::support::SUPPORT;
use crate::pathways::iae::exit::tripartite_window;
use serde::{Deserialize, Serialize};
use time::Date;

const PASS_IAE: &str = "R5132-1-8";
const FICHE_7: &str = "Accord régional BFC 2016, fiche 7";
const AGENDA: &str = "Accord régional BFC 2016, article 3";
const ROADMAP: &str = "Accord régional BFC 2016, annexe 3";
const IMMERSION: &str = "convention de PMSMP, cerfa n° 13912";
const REGISTRATION: &str = "Guide de la CCL Pôle emploi – SIAE I.3.a ; Accord régional BFC 2016, fiche action 5";

labelled_codes! {
    /// Where a dated obligation comes from. Every source writes its obligations when the date is set or
    /// moves; adding one is a variant here and one call of the store's `obligations::upsert` in the
    /// transaction of its change.
    Source as ObligationSource {
        ApprovalEnd => "approval_end", "Fin du PASS IAE";
        TripartiteInterview => "tripartite_interview", "Entretien tripartite de sortie";
        ProlongationDecision => "prolongation_decision", "Décision sur une demande de prolongation";
        AgreementDeadline => "agreement", "Échéance de convention";
        AgendaSending => "agenda_sending", "Envoi de l'ordre du jour";
        ActionItem => "action_item", "Action à mener";
        ImmersionSignature => "immersion_signature", "Signatures d'une convention d'immersion";
        Reregistration => "reregistration", "Réinscription comme demandeur d'emploi";
        SupportPeriodEnd => "support_period_end", "Fin d'une période de convention d'appui";
    }
}

/// A delay as a rule states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Calendar days (PASS IAE durations, the 10 days of an agenda notice).
    CalendarDays(u32),
    /// Jours ouvrés: Monday to Friday that are not public holidays of the territory.
    WorkingDays(u32),
}

impl Delay {
    /// The last day of a delay running from `from` (the day after counts as the first).
    pub fn after(self, from: Date, territory: Territory) -> Date {
        match self {
            Self::CalendarDays(n) => add_days(from, i64::from(n)),
            Self::WorkingDays(n) => nth_working_day_after(from, n, territory).unwrap_or(Date::MAX),
        }
    }

    /// The last day on which something due `self` before `event` can still be done on time.
    pub fn before(self, event: Date, territory: Territory) -> Date {
        match self {
            Self::CalendarDays(n) => add_days(event, -i64::from(n)),
            Self::WorkingDays(n) => {
                let mut day = event;
                for _ in 0..n {
                    day = day.previous_day().unwrap_or(Date::MIN);
                    while !is_working_day(day, territory) && day > Date::MIN {
                        day = day.previous_day().unwrap_or(Date::MIN);
                    }
                }
                day
            }
        }
    }
}

/// What is due: its source, the last day, and the rule that sets it, in French with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub source: Source,
    pub on: Date,
    pub rule: String,
}

impl Due {
    fn new(source: Source, on: Date, sentence: &str, text: &str) -> Self {
        Self {
            source,
            on,
            rule: format!("{sentence} ({text})"),
        }
    }
}

/// The end of a PASS IAE, its last day `end` (RULES.md 1.2).
pub fn for_approval_end(end: Date) -> Due {
    Due::new(
        Source::ApprovalEnd,
        end,
        "PASS IAE : 24 mois, suspensions et prolongations comprises",
        PASS_IAE,
    )
}

/// The tripartite exit interview of an approval ending on `end`: by 2 months before it (RULES.md 1.8).
pub fn for_tripartite_interview(end: Date) -> Due {
    Due::new(
        Source::TripartiteInterview,
        tripartite_window(end).to,
        "Entre 3 et 2 mois avant la fin du parcours",
        FICHE_7,
    )
}

/// The end the tripartite interview prepares: the contract's when it comes before the approval's, else the
/// approval's (Accord régional BFC 2016, fiche 7: « 2 à 3 mois avant la fin du contrat ou de l'agrément »). The
/// contract is the person's latest (a CDDI, RULES.md 1.5); the to-do list reads the same end.
pub fn interview_end(approval_end: Date, contract_end: Option<Date>) -> Date {
    contract_end.map_or(approval_end, |c| c.min(approval_end))
}

/// The tripartite interview of an approval ending on `approval_end` for a person whose latest contract ends on
/// `contract_end`: by 2 months before the earlier of the two (fiche 7).
pub fn for_tripartite_interview_before(approval_end: Date, contract_end: Option<Date>) -> Due {
    let end = interview_end(approval_end, contract_end);
    if end == approval_end {
        return for_tripartite_interview(approval_end);
    }
    Due::new(
        Source::TripartiteInterview,
        tripartite_window(end).to,
        "Entre 3 et 2 mois avant la fin du contrat, qui précède celle du parcours",
        FICHE_7,
    )
}

/// The decision on a prolongation request: before the prolongation would start, on `starts_on`.
pub fn for_prolongation_decision(starts_on: Date) -> Due {
    Due::new(
        Source::ProlongationDecision,
        add_days(starts_on, -1),
        "Avant la fin du PASS IAE",
        PASS_IAE,
    )
}

/// The agenda and documents of a meeting held on `held_on`, sent `days` calendar days before at the latest.
pub fn for_agenda_sending(held_on: Date, days: u32) -> Due {
    Due::new(
        Source::AgendaSending,
        Delay::CalendarDays(days).before(held_on, Territory::Mainland),
        &format!("Envoi au plus tard {days} jours avant la réunion"),
        AGENDA,
    )
}

/// Where an action item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionOrigin {
    /// An action of an agreement's roadmap.
    Roadmap,
    /// A decision of a committee's meeting.
    Decision,
}

/// An action item due on `on`: a roadmap's action or a committee's decision.
pub fn for_action_item(origin: ActionOrigin, on: Date) -> Due {
    match origin {
        ActionOrigin::Roadmap => Due::new(Source::ActionItem, on, "Feuille de route de la convention", ROADMAP),
        ActionOrigin::Decision => Due {
            source: Source::ActionItem,
            on,
            rule: "Décision de comité".to_owned(),
        },
    }
}

/// Every party's signature of an immersion convention starting on `starts_on`, before its first day.
pub fn for_immersion_signature(starts_on: Date) -> Due {
    Due::new(
        Source::ImmersionSignature,
        add_days(starts_on, -1),
        "Toutes les signatures avant le premier jour",
        IMMERSION,
    )
}

/// The person's registration as a job seeker when their CDDI ends on `contract_end`, its last day (Guide de la CCL
/// Pôle emploi – SIAE I.3.a, read 2026-12-07: « Préciser les modalités de maintien de l'inscription à Pôle Emploi
/// (actualisation si bénéficiaire d'allocations, réinscription fin de CDDI) »; Accord régional BFC 2016, fiche
/// action 5: « Inscrire ou maintenir l'inscription à Pôle emploi des salariés en parcours IAE »). A good practice
/// of the conventions, not a deadline of the Code: the SIAE is reminded on the contract's last day.
pub fn for_reregistration(contract_end: Date) -> Due {
    Due::new(
        Source::Reregistration,
        contract_end,
        "Réinscription à France Travail à la fin du CDDI",
        REGISTRATION,
    )
}

/// The end of a period of a convention d'appui, its last day `ends_on`: the ESAT decides before it whether to renew
/// it (CASF, art. L344-2-5: one year at most, renewed twice at most; RULES.md 3). The reminder falls on the last
/// day, and the daily digest tells the ESAT as that day comes near; a renewal or the end of the transition closes
/// it.
pub fn for_support_period_end(ends_on: Date, renewals_left: usize) -> Due {
    let sentence = match renewals_left {
        0 => "Dernière période possible : préparer la fin de l'appui".to_owned(),
        1 => "Renouveler la convention d'appui (encore une fois au plus) ou préparer la fin de l'appui".to_owned(),
        n => format!("Renouveler la convention d'appui (encore {n} fois au plus) ou préparer la fin de l'appui"),
    };
    Due::new(Source::SupportPeriodEnd, ends_on, &sentence, SUPPORT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Month;
    use time::macros::date;

    const MAINLAND: Territory = Territory::Mainland;

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        // (delay, from, territory, expected, source)
        let reunion = Territory::Overseas {
            abolition_of_slavery: (Month::December, 20),
        };
        let cases = [
            // Accord régional BFC 2016 annexe 4: agrément decision within 5 working days. Received Thursday 30 April 2026:
            // 1 May (Friday) is a holiday, then the weekend; 8 May (Friday) too: the fifth is Monday 11 May.
            (
                Delay::WorkingDays(4),
                date!(2026 - 04 - 30),
                MAINLAND,
                date!(2026 - 05 - 07),
            ),
            (
                Delay::WorkingDays(5),
                date!(2026 - 04 - 30),
                MAINLAND,
                date!(2026 - 05 - 11),
            ),
            // Accord régional BFC 2016 annexe 4: 2 working days for an ETTI; Easter Monday 6 April 2026 is a holiday.
            (
                Delay::WorkingDays(2),
                date!(2026 - 04 - 03),
                MAINLAND,
                date!(2026 - 04 - 08),
            ),
            // RULES.md 7: Good Friday (3 April 2026) is a holiday in Alsace-Moselle only.
            (
                Delay::WorkingDays(1),
                date!(2026 - 04 - 02),
                MAINLAND,
                date!(2026 - 04 - 03),
            ),
            (
                Delay::WorkingDays(1),
                date!(2026 - 04 - 02),
                Territory::AlsaceMoselle,
                date!(2026 - 04 - 07),
            ),
            // Christmas: 25 December everywhere, 26 December in Alsace-Moselle (2026: Friday and Saturday).
            (
                Delay::WorkingDays(1),
                date!(2026 - 12 - 24),
                MAINLAND,
                date!(2026 - 12 - 28),
            ),
            // La Réunion: 20 December (Sunday in 2026 does not move anything; 2027 it is a Monday).
            (
                Delay::WorkingDays(1),
                date!(2027 - 12 - 17),
                reunion,
                date!(2027 - 12 - 21),
            ),
            (
                Delay::WorkingDays(1),
                date!(2027 - 12 - 17),
                MAINLAND,
                date!(2027 - 12 - 20),
            ),
            // Calendar days ignore holidays (RULES.md 7: PASS durations are in calendar days).
            (
                Delay::CalendarDays(10),
                date!(2026 - 04 - 30),
                MAINLAND,
                date!(2026 - 05 - 10),
            ),
            (
                Delay::WorkingDays(0),
                date!(2026 - 05 - 01),
                MAINLAND,
                date!(2026 - 05 - 01),
            ),
        ];
        for (delay, from, territory, expected) in cases {
            assert_eq!(
                delay.after(from, territory),
                expected,
                "{delay:?} after {from} in {territory:?}"
            );
        }
    }

    // Guide de la CCL I.3.a: « réinscription fin de CDDI »: due on the contract's last day, whatever the day of the
    // week (the person registers online; no delay in working days is stated).
    #[test]
    fn the_reregistration_falls_on_the_contracts_last_day() {
        for end in [date!(2027 - 03 - 31), date!(2027 - 05 - 01), date!(2027 - 05 - 02)] {
            let due = for_reregistration(end);
            assert_eq!((due.source, due.on), (Source::Reregistration, end));
            assert_eq!(
                due.rule,
                "Réinscription à France Travail à la fin du CDDI (Guide de la CCL Pôle emploi – SIAE I.3.a ; \
                 Accord régional BFC 2016, fiche action 5)"
            );
        }
    }

    // CASF L344-2-5 (RULES.md 3): a convention d'appui lasts one year at most and is renewed twice at most. The
    // reminder falls on the period's last day and says how many renewals are left.
    #[test]
    fn a_support_period_ends_with_its_renewals_left() {
        let end = date!(2027 - 06 - 30);
        for (left, says) in [
            (2, "encore 2 fois au plus"),
            (1, "encore une fois au plus"),
            (0, "Dernière période possible"),
        ] {
            let due = for_support_period_end(end, left);
            assert_eq!((due.source, due.on), (Source::SupportPeriodEnd, end));
            assert!(
                due.rule.contains(says) && due.rule.ends_with("(CASF, art. L344-2-5)"),
                "{}",
                due.rule
            );
        }
    }

    // Accord régional BFC 2016 fiche 7 (read 2026-12-07): « Réaliser des entretiens tripartites, 2 à 3 mois avant
    // la fin du contrat ou de l'agrément ». A short CDDI ends before the PASS IAE: the interview falls before the
    // contract's end, not after it.
    #[test]
    fn the_interview_prepares_the_first_end() {
        let pass_end = date!(2028 - 10 - 03);
        // (latest contract's end, interview due by, sentence)
        let cases = [
            (None, date!(2028 - 08 - 03), "fin du parcours"),
            (Some(date!(2027 - 04 - 04)), date!(2027 - 02 - 04), "fin du contrat"),
            (Some(pass_end), date!(2028 - 08 - 03), "fin du parcours"),
            // A contract running past the PASS: the PASS ends first.
            (Some(date!(2029 - 01 - 31)), date!(2028 - 08 - 03), "fin du parcours"),
        ];
        for (contract_end, due_on, says) in cases {
            let due = for_tripartite_interview_before(pass_end, contract_end);
            assert_eq!(
                (due.source, due.on),
                (Source::TripartiteInterview, due_on),
                "{contract_end:?}"
            );
            assert!(
                due.rule.contains(says) && due.rule.ends_with("(Accord régional BFC 2016, fiche 7)"),
                "{}",
                due.rule
            );
        }
        assert_eq!(
            interview_end(pass_end, Some(date!(2027 - 04 - 04))),
            date!(2027 - 04 - 04)
        );
    }

    #[test]
    fn before_a_meeting() {
        // Accord régional BFC 2016 article 3: documents sent at the latest 10 (calendar) days before the meeting.
        let cases = [
            (
                Delay::CalendarDays(10),
                date!(2026 - 06 - 15),
                MAINLAND,
                date!(2026 - 06 - 05),
            ),
            // 3 working days before Tuesday 26 May 2026: Whit Monday 25 May is a holiday.
            (
                Delay::WorkingDays(3),
                date!(2026 - 05 - 26),
                MAINLAND,
                date!(2026 - 05 - 20),
            ),
            // 1 working day before Monday 4 January 2027: 1 January (Friday) is a holiday.
            (
                Delay::WorkingDays(1),
                date!(2027 - 01 - 04),
                MAINLAND,
                date!(2026 - 12 - 31),
            ),
        ];
        for (delay, event, territory, expected) in cases {
            assert_eq!(delay.before(event, territory), expected, "{delay:?} before {event}");
        }
    }

    // The texts each obligation cites, and its last day.
    #[test]
    fn what_is_due() {
        let cases = [
            (
                for_approval_end(date!(2027 - 03 - 31)),
                Source::ApprovalEnd,
                date!(2027 - 03 - 31),
                "PASS IAE : 24 mois, suspensions et prolongations comprises (R5132-1-8)",
            ),
            (
                for_tripartite_interview(date!(2027 - 03 - 31)),
                Source::TripartiteInterview,
                date!(2027 - 01 - 31),
                "Entre 3 et 2 mois avant la fin du parcours (Accord régional BFC 2016, fiche 7)",
            ),
            (
                for_prolongation_decision(date!(2027 - 04 - 01)),
                Source::ProlongationDecision,
                date!(2027 - 03 - 31),
                "Avant la fin du PASS IAE (R5132-1-8)",
            ),
            (
                for_agenda_sending(date!(2026 - 06 - 15), 10),
                Source::AgendaSending,
                date!(2026 - 06 - 05),
                "Envoi au plus tard 10 jours avant la réunion (Accord régional BFC 2016, article 3)",
            ),
            (
                for_action_item(ActionOrigin::Roadmap, date!(2026 - 09 - 30)),
                Source::ActionItem,
                date!(2026 - 09 - 30),
                "Feuille de route de la convention (Accord régional BFC 2016, annexe 3)",
            ),
            (
                for_action_item(ActionOrigin::Decision, date!(2026 - 09 - 30)),
                Source::ActionItem,
                date!(2026 - 09 - 30),
                "Décision de comité",
            ),
            (
                for_immersion_signature(date!(2026 - 05 - 04)),
                Source::ImmersionSignature,
                date!(2026 - 05 - 03),
                "Toutes les signatures avant le premier jour (convention de PMSMP, cerfa n° 13912)",
            ),
        ];
        for (due, source, on, rule) in cases {
            assert_eq!((due.source, due.on, due.rule.as_str()), (source, on, rule));
        }
    }
}
