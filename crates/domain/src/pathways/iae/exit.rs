//! Accompaniment and exit of an IAE pathway (Accord régional BFC 2016, fiches action 5 and 7; RULES.md 1.8): the actions
//! of the accompaniment, the tripartite interview due 2 to 3 months before the end, the exit review's
//! outcome and the follow-up 6 months after.

use super::approval::Period;
use crate::calendar::{add_months, french_date};
use crate::dates::{Span, plausible, plausible_opt};
use crate::explanation::Explanation;
use crate::invalid::Invalid;
use crate::text::required;
use serde::{Deserialize, Serialize};
use time::Date;

const FICHE_7: &str = "accord régional IAE Bourgogne-Franche-Comté 2016, fiche action 7";

labelled_codes! {
    /// An action of the accompaniment (Accord régional BFC 2016 fiche 5: SPE services, training, immersions).
    ActionKind {
        Social => "social", "accompagnement social";
        Professional => "professional", "accompagnement professionnel";
        Training => "training", "formation";
        Immersion => "immersion", "immersion (PMSMP)";
        Poec => "poec", "préparation opérationnelle à l'emploi collective (POEC)";
        Poei => "poei", "préparation opérationnelle à l'emploi individuelle (POEI)";
        Afpr => "afpr", "action de formation préalable au recrutement (AFPR)";
        SpeService => "spe_service", "autre prestation du service public de l'emploi";
    }
}

labelled_codes! {
    /// Where the person goes at the end of the pathway (exit review).
    ExitOutcome {
        Cdi => "cdi", "CDI";
        CddSixMonthsOrMore => "cdd_6_months_or_more", "CDD de 6 mois ou plus";
        CddUnderSixMonths => "cdd_under_6_months", "CDD de moins de 6 mois";
        Training => "training", "formation qualifiante";
        OtherSiae => "other_siae", "autre SIAE";
        NoSolution => "no_solution", "sans solution";
        Other => "other", "autre";
    }
}

impl ActionKind {
    /// Trainings are counted in hours (Accord régional BFC 2016 fiche 6: hours of training during the pathway).
    pub fn needs_hours(self) -> bool {
        matches!(self, Self::Training | Self::Poec | Self::Poei | Self::Afpr)
    }
}

/// An action as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionInput {
    pub kind: String,
    pub title: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub hours: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub kind: ActionKind,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub hours: Option<i64>,
}

impl ActionInput {
    /// Validates against `today`, for the plausible span of its dates.
    pub fn validate(&self, today: Date) -> Result<Action, Invalid> {
        let kind = ActionKind::parse(self.kind.trim()).ok_or_else(|| {
            Invalid::new(
                "action_kind_unknown",
                format!(
                    "« {} » n'est pas un type d'action ; types : {}.",
                    self.kind.trim(),
                    ActionKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ")
                ),
            )
            .on("kind")
        })?;
        let span = Span::Activity { today };
        let starts_on = self
            .starts_on
            .ok_or_else(|| Invalid::new("field_required", "Indiquez la date de début de l'action.").on("starts_on"))?;
        let starts_on = plausible("starts_on", starts_on, span)?;
        let ends_on = plausible_opt("ends_on", self.ends_on, span)?;
        if ends_on.is_some_and(|e| e < starts_on) {
            return Err(Invalid::new("action_dates_inverted", "L'action finit avant de commencer.").on("ends_on"));
        }
        match self.hours {
            None if kind.needs_hours() => {
                return Err(Invalid::new(
                    "action_hours_required",
                    format!("Indiquez le nombre d'heures de l'action « {} ».", kind.label()),
                )
                .on("hours"));
            }
            Some(h) if !(1..=2_000).contains(&h) => {
                return Err(Invalid::new("action_hours_invalid", "Le nombre d'heures va de 1 à 2 000.").on("hours"));
            }
            _ => {}
        }
        Ok(Action {
            kind,
            title: required("title", &self.title, 200)?,
            starts_on,
            ends_on,
            hours: self.hours,
        })
    }
}

/// When the tripartite interview is due: from 3 months to 2 months before `end`, the end of the contract
/// or of the approval, whichever comes first (Accord régional BFC 2016, fiche 7).
pub fn tripartite_window(end: Date) -> Period {
    Period {
        from: add_months(end, -3),
        to: add_months(end, -2),
    }
}

/// Whether the interview is to do on `today`: its window has opened and it is not held yet.
pub fn tripartite_due(end: Date, today: Date) -> Option<Explanation> {
    let w = tripartite_window(end);
    (today >= w.from && today <= end).then(|| {
        Explanation::new(
            "tripartite_interview_due",
            format!(
                "Entretien tripartite (SIAE, référent du service public de l'emploi, salarié) à tenir entre le {} et \
                 le {}, avant la fin du {}",
                french_date(w.from),
                french_date(w.to),
                french_date(end)
            ),
            FICHE_7,
        )
    })
}

/// The follow-up after the exit: 6 months later (fiche 7 indicator "inscrites 6 mois après la fin").
pub fn follow_up_on(exit_on: Date) -> Date {
    add_months(exit_on, 6)
}

/// The sentence of a follow-up to do, in the to-do list of the organisations following the person.
pub fn follow_up_due() -> String {
    Explanation::new(
        "exit_follow_up",
        "Suivi à 6 mois de la sortie : inscription à France Travail et emploi",
        FICHE_7,
    )
    .message
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    // Accord régional BFC 2016 fiche 7: the interview is held 2 to 3 months before the end.
    #[rstest]
    #[case::too_early(date!(2027-10-04), date!(2027-07-03), false)]
    #[case::window_opens(date!(2027-10-04), date!(2027-07-04), true)]
    #[case::late_but_still_due(date!(2027-10-04), date!(2027-09-30), true)]
    #[case::after_the_end(date!(2027-10-04), date!(2027-10-05), false)]
    fn interview_due(#[case] end: Date, #[case] today: Date, #[case] due: bool) {
        assert_eq!(tripartite_due(end, today).is_some(), due);
        assert_eq!(
            tripartite_window(end),
            Period {
                from: date!(2027 - 07 - 04),
                to: date!(2027 - 08 - 04)
            }
        );
    }

    #[test]
    fn trainings_count_hours_and_follow_up_is_six_months_later() {
        let input = ActionInput {
            kind: "poec".into(),
            title: "POEC cariste".into(),
            starts_on: Some(date!(2026 - 11 - 02)),
            ..Default::default()
        };
        let today = date!(2026 - 12 - 07);
        assert_eq!(input.validate(today).unwrap_err().code, "action_hours_required");
        let with_hours = ActionInput {
            hours: Some(140),
            ..input
        };
        assert!(with_hours.validate(today).is_ok());
        // Finding 9 of « Integrity and privacy »: an action from year -9999 is refused.
        let ancient = ActionInput {
            starts_on: Some(Date::MIN),
            ..with_hours
        };
        assert_eq!(ancient.validate(today).unwrap_err().code, "date_out_of_range");
        assert_eq!(follow_up_on(date!(2026 - 08 - 31)), date!(2027 - 02 - 28));
        assert_eq!(
            follow_up_due(),
            "Suivi à 6 mois de la sortie : inscription à France Travail et emploi (accord régional IAE \
             Bourgogne-Franche-Comté 2016, fiche action 7)."
        );
        assert_eq!(
            ExitOutcome::parse("cdd_6_months_or_more"),
            Some(ExitOutcome::CddSixMonthsOrMore)
        );
    }
}
