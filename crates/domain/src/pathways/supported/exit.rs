//! The exit from supported employment, with its reason.
//!
//! The decree names the exit (D5213-88 ff.: the management convention sets « les modalités de sortie du
//! dispositif »), but no list of reasons could be read in the texts at hand (the national cahier des charges
//! of 2025 was reached only in its principles): the list below is an assumption, argued in
//! docs/supported-employment.md, from the situations the texts and seed 003 describe (lasting employment in
//! the ordinary environment, a relay by the public employment service or a medico-social service, a
//! reorientation, the person's own choice, the end of the CDAPH decision, a move).

use super::D5213_88;
use crate::calendar::french_date;
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};
use time::Date;

labelled_codes! {
    /// Why a person leaves the scheme; every exit from the scheme's start (1 January 2017) has one.
    ExitReason as SupportedExitReason {
        Employment => "employment", "emploi durable, sans besoin d'accompagnement";
        Relay => "relay", "relais par un autre accompagnement (service public de l'emploi, SAVS, SAMSAH)";
        Reorientation => "reorientation", "réorientation (ESAT, entreprise adaptée, formation, soins)";
        PersonChoice => "person_choice", "fin à la demande de la personne";
        DecisionEnded => "decision_ended", "fin de la décision de la CDAPH";
        Moved => "moved", "départ hors du territoire du dispositif";
        Other => "other", "autre motif";
    }
}

/// An exit as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExitInput {
    pub exited_on: Option<Date>,
    /// One of [`ExitReason`]'s codes.
    pub reason: String,
}

/// A checked exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Exit {
    pub exited_on: Date,
    pub reason: ExitReason,
}

/// What an exit is checked against: the entry, its CDAPH decision, its jobs and activities, today.
#[derive(Debug, Clone, Copy)]
pub struct ExitContext<'a> {
    pub entered_on: Date,
    /// The last day of the CDAPH decision; none for an SPE prescription (it has no end).
    pub decision_valid_until: Option<Date>,
    /// Each job's start and end.
    pub jobs: &'a [(Date, Option<Date>)],
    /// The date of the latest activity, if any.
    pub last_activity_on: Option<Date>,
    pub today: Date,
}

impl ExitInput {
    pub fn validate(&self, at: ExitContext) -> Result<Exit, Invalid> {
        let exited_on = self
            .exited_on
            .ok_or_else(|| Invalid::new("field_required", "Indiquez la date de sortie.").on("exited_on"))?;
        if exited_on < at.entered_on || exited_on > at.today {
            return Err(Invalid::new(
                "exit_date_invalid",
                "La sortie se date entre l'entrée dans le dispositif et aujourd'hui.",
            )
            .on("exited_on"));
        }
        let reason = ExitReason::parse(self.reason.trim()).ok_or_else(|| {
            Invalid::new(
                "exit_reason_unknown",
                format!(
                    "Choisissez le motif de sortie parmi : {}.",
                    ExitReason::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
                ),
            )
            .on("reason")
        })?;
        // The scheme follows the person until the exit: nothing it recorded may come after.
        if let Some((start, _)) = at.jobs.iter().find(|(start, _)| *start > exited_on) {
            return Err(Invalid::new(
                "exit_before_job",
                format!(
                    "Un emploi trouvé avec le dispositif commence le {}, après cette date de sortie.",
                    french_date(*start)
                ),
            )
            .on("exited_on"));
        }
        if let Some(last) = at.last_activity_on.filter(|last| *last > exited_on) {
            return Err(Invalid::new(
                "exit_before_activity",
                format!(
                    "Une activité de l'accompagnement est datée du {}, après cette date de sortie.",
                    french_date(last)
                ),
            )
            .on("exited_on"));
        }
        match reason {
            ExitReason::Employment
                if !at
                    .jobs
                    .iter()
                    .any(|(start, end)| *start <= exited_on && end.is_none_or(|end| end >= exited_on)) =>
            {
                return Err(Invalid::new(
                    "exit_without_job",
                    "Une sortie vers l'emploi suppose un emploi en cours à la date de sortie : enregistrez d'abord l'emploi.",
                )
                .on("reason"));
            }
            ExitReason::DecisionEnded => match at.decision_valid_until {
                Some(valid_until) if exited_on < valid_until => {
                    return Err(Invalid::new(
                        "decision_still_valid",
                        format!(
                            "La décision de la CDAPH est valable jusqu'au {} : la sortie pour fin de décision se date de ce jour ou après ({D5213_88}).",
                            french_date(valid_until)
                        ),
                    )
                    .on("reason"));
                }
                None => {
                    return Err(Invalid::new(
                        "exit_reason_not_for_route",
                        "Cette entrée vient d'une prescription du service public de l'emploi, pas d'une décision de la CDAPH.",
                    )
                    .on("reason"));
                }
                Some(_) => {}
            },
            _ => {}
        }
        Ok(Exit { exited_on, reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    /// A CDAPH decision valid until 31 January 2026; an SPE prescription has no end.
    const CDAPH: Option<Date> = Some(date!(2026 - 01 - 31));
    const SPE: Option<Date> = None;
    const JOB: &[(Date, Option<Date>)] = &[(date!(2025 - 06 - 02), None)];
    const JOB_ENDED: &[(Date, Option<Date>)] = &[(date!(2025 - 06 - 02), Some(date!(2025 - 09 - 30)))];

    fn exit(
        on: Date,
        reason: &str,
        decision_valid_until: Option<Date>,
        jobs: &'static [(Date, Option<Date>)],
    ) -> Option<&'static str> {
        ExitInput {
            exited_on: Some(on),
            reason: reason.into(),
        }
        .validate(ExitContext {
            entered_on: date!(2025 - 02 - 01),
            decision_valid_until,
            jobs,
            last_activity_on: Some(date!(2025 - 05 - 15)),
            today: date!(2026 - 03 - 01),
        })
        .err()
        .map(|e| e.code)
    }

    #[rstest]
    // Every exit has a reason from the list (assumption, docs/supported-employment.md).
    #[case::person_choice(date!(2025-11-01), "person_choice", SPE, &[], None)]
    #[case::unknown_reason(date!(2025-11-01), "fired", SPE, &[], Some("exit_reason_unknown"))]
    #[case::no_reason(date!(2025-11-01), "", SPE, &[], Some("exit_reason_unknown"))]
    // The exit is dated between the entry and today.
    #[case::before_entry(date!(2025-01-31), "other", SPE, &[], Some("exit_date_invalid"))]
    #[case::in_future(date!(2026-03-02), "other", SPE, &[], Some("exit_date_invalid"))]
    // Nothing the scheme recorded comes after the exit.
    #[case::before_its_activity(date!(2025-05-14), "other", SPE, &[], Some("exit_before_activity"))]
    #[case::before_its_job(date!(2025-10-20), "other", SPE, &[(date!(2025-11-03), None)], Some("exit_before_job"))]
    // To employment: a job running on the exit date.
    #[case::to_employment(date!(2025-11-01), "employment", SPE, JOB, None)]
    #[case::to_employment_without_job(date!(2025-11-01), "employment", SPE, &[], Some("exit_without_job"))]
    #[case::to_employment_job_over(date!(2025-11-01), "employment", SPE, JOB_ENDED, Some("exit_without_job"))]
    #[case::to_employment_last_day_of_job(date!(2025-09-30), "employment", SPE, JOB_ENDED, None)]
    // L5213-2-1: the CDAPH decides for a duration; its end closes the entry from the last valid day.
    #[case::decision_ended(date!(2026-01-31), "decision_ended", CDAPH, &[], None)]
    #[case::decision_still_valid(date!(2026-01-30), "decision_ended", CDAPH, &[], Some("decision_still_valid"))]
    #[case::decision_ended_on_spe_route(date!(2026-02-01), "decision_ended", SPE, &[], Some("exit_reason_not_for_route"))]
    fn exits(
        #[case] on: Date,
        #[case] reason: &str,
        #[case] decision: Option<Date>,
        #[case] jobs: &'static [(Date, Option<Date>)],
        #[case] refused: Option<&str>,
    ) {
        assert_eq!(exit(on, reason, decision, jobs), refused);
    }

    #[test]
    fn codes_are_stable_and_labelled_in_french() {
        let codes: Vec<&str> = ExitReason::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            codes,
            [
                "employment",
                "relay",
                "reorientation",
                "person_choice",
                "decision_ended",
                "moved",
                "other"
            ]
        );
        assert_eq!(
            ExitReason::parse("employment").map(ExitReason::label),
            Some("emploi durable, sans besoin d'accompagnement")
        );
    }
}
