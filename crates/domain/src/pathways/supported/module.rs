//! The four modules of the accompaniment (D5213-88 ff.; RULES.md section 4) and the dated activities a
//! counsellor records in them, with the time spent (Journées nationales de l'emploi accompagné 2020: "each counsellor records the work done with
//! each person, in the four phases").

use super::D5213_88;
use crate::calendar::french_date;
use crate::invalid::Invalid;
use crate::text::optional;
use serde::{Deserialize, Serialize};
use time::Date;

/// The longest activity one counsellor records at once: a working day.
pub const MAX_MINUTES: i64 = 600;

labelled_codes! {
    /// A module of supported employment, in the order of the accompaniment.
    Module as SupportedModule {
        Assessment => "assessment", "évaluation de la situation de la personne";
        Project => "project", "construction du projet professionnel";
        JobSearch => "job_search", "recherche d'emploi avec les employeurs";
        InEmployment => "in_employment", "accompagnement dans l'emploi";
    }
}

impl Module {
    /// The letter the decree gives the module (a to d).
    pub fn letter(self) -> char {
        match self {
            Self::Assessment => 'a',
            Self::Project => 'b',
            Self::JobSearch => 'c',
            Self::InEmployment => 'd',
        }
    }

    /// Modules (c) and (d) work with an employer, who can be named.
    pub fn with_employer(self) -> bool {
        matches!(self, Self::JobSearch | Self::InEmployment)
    }
}

/// An activity as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActivityInput {
    pub module: String,
    pub done_on: Option<Date>,
    pub minutes: Option<i64>,
    pub note: Option<String>,
    /// The employer met, for modules (c) and (d).
    pub employer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub module: Module,
    pub done_on: Date,
    pub minutes: i64,
    pub note: Option<String>,
    pub employer: Option<String>,
}

/// What the activity is checked against: the person's entry, today, and their first job if any.
#[derive(Debug, Clone, Copy)]
pub struct ActivityContext {
    pub entered_on: Date,
    pub today: Date,
    pub first_job_on: Option<Date>,
}

impl ActivityInput {
    pub fn validate(&self, at: ActivityContext) -> Result<Activity, Invalid> {
        let module = Module::parse(self.module.trim()).ok_or_else(|| {
            Invalid::new(
                "module_unknown",
                format!(
                    "« {} » n'est pas un module ; modules : {}.",
                    self.module.trim(),
                    Module::ALL.iter().map(|m| m.code()).collect::<Vec<_>>().join(", ")
                ),
            )
            .on("module")
        })?;
        let done_on = self
            .done_on
            .ok_or_else(|| Invalid::new("field_required", "Indiquez la date de l'activité.").on("done_on"))?;
        if done_on < at.entered_on {
            return Err(Invalid::new(
                "activity_before_entry",
                format!(
                    "L'activité du {} précède l'entrée dans le dispositif, le {}.",
                    french_date(done_on),
                    french_date(at.entered_on)
                ),
            )
            .on("done_on"));
        }
        if done_on > at.today {
            return Err(Invalid::new(
                "activity_in_future",
                "Une activité s'enregistre une fois faite : la date est à venir.",
            )
            .on("done_on"));
        }
        let minutes = self
            .minutes
            .ok_or_else(|| Invalid::new("field_required", "Indiquez le temps passé, en minutes.").on("minutes"))?;
        if !(1..=MAX_MINUTES).contains(&minutes) {
            return Err(Invalid::new(
                "minutes_out_of_range",
                format!("Le temps passé s'indique en minutes, de 1 à {MAX_MINUTES} (une journée) par activité."),
            )
            .on("minutes"));
        }
        if module == Module::InEmployment && at.first_job_on.is_none_or(|job| job > done_on) {
            return Err(Invalid::new(
                "not_in_employment",
                format!(
                    "Le module d'accompagnement dans l'emploi suppose un emploi commencé au plus tard le {} : enregistrez d'abord l'emploi ({D5213_88}).",
                    french_date(done_on)
                ),
            )
            .on("module"));
        }
        let employer = optional("employer", self.employer.as_deref(), 200)?;
        if employer.is_some() && !module.with_employer() {
            return Err(Invalid::new(
                "employer_not_expected",
                "Un employeur ne se nomme que dans les modules de recherche d'emploi et d'accompagnement dans l'emploi.",
            )
            .on("employer"));
        }
        Ok(Activity {
            module,
            done_on,
            minutes,
            note: optional("note", self.note.as_deref(), 2_000)?,
            employer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    const AT: ActivityContext = ActivityContext {
        entered_on: date!(2026 - 01 - 05),
        today: date!(2026 - 06 - 01),
        first_job_on: Some(date!(2026 - 04 - 01)),
    };

    fn input(module: &str, on: Date, minutes: i64, employer: Option<&str>) -> ActivityInput {
        ActivityInput {
            module: module.into(),
            done_on: Some(on),
            minutes: Some(minutes),
            note: None,
            employer: employer.map(Into::into),
        }
    }

    #[rstest]
    // D5213-88 ff.: the four modules (a) to (d).
    #[case::assessment(input("assessment", date!(2026-01-05), 90, None), AT, None)]
    #[case::project(input("project", date!(2026-02-10), 60, None), AT, None)]
    #[case::job_search_with_employer(input("job_search", date!(2026-03-10), 120, Some("Boulangerie Lenoir")), AT, None)]
    #[case::in_employment(input("in_employment", date!(2026-04-01), 45, Some("Boulangerie Lenoir")), AT, None)]
    // Module (d) supports a person in employment: no job yet, or a job that starts later, is refused.
    #[case::in_employment_before_job(input("in_employment", date!(2026-03-31), 45, None), AT, Some("not_in_employment"))]
    #[case::in_employment_no_job(input("in_employment", date!(2026-03-31), 45, None),
        ActivityContext { first_job_on: None, ..AT }, Some("not_in_employment"))]
    #[case::before_entry(input("assessment", date!(2026-01-04), 30, None), AT, Some("activity_before_entry"))]
    #[case::in_future(input("project", date!(2026-06-02), 30, None), AT, Some("activity_in_future"))]
    #[case::zero_minutes(input("project", date!(2026-02-10), 0, None), AT, Some("minutes_out_of_range"))]
    #[case::over_a_day(input("project", date!(2026-02-10), 601, None), AT, Some("minutes_out_of_range"))]
    #[case::a_full_day(input("project", date!(2026-02-10), 600, None), AT, None)]
    #[case::employer_in_assessment(input("assessment", date!(2026-02-10), 30, Some("X")), AT, Some("employer_not_expected"))]
    #[case::unknown_module(input("phase_e", date!(2026-02-10), 30, None), AT, Some("module_unknown"))]
    fn activities(#[case] input: ActivityInput, #[case] at: ActivityContext, #[case] refused: Option<&str>) {
        assert_eq!(input.validate(at).err().map(|e| e.code), refused, "{input:?}");
    }

    #[test]
    fn modules_in_order_with_their_letters() {
        let letters: String = Module::ALL.iter().map(|m| m.letter()).collect();
        assert_eq!(letters, "abcd");
    }
}
