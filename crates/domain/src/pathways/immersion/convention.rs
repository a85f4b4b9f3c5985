//! The immersion convention as typed: host company (SIRET, tutor), object, dates and weekly schedule; and who
//! may prescribe one.

use super::Objective;
use super::aided::{AidedContract, AidedContractInput};
use crate::calendar::french_date;
use crate::dates::{Span, plausible};
use crate::directory::OrganisationKind;
use crate::directory::siret::Siret;
use crate::explanation::Explanation;
use crate::invalid::Invalid;
use crate::text::{optional, required};
use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

/// Minutes of presence for each day of the week, Monday first, repeated every week of the immersion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Schedule(pub [i64; 7]);

pub const WEEKDAY_NAMES: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

impl Schedule {
    pub fn weekly_minutes(self) -> i64 {
        self.0.iter().fold(0i64, |total, m| total.saturating_add(*m))
    }

    pub fn minutes_on(self, weekday: Weekday) -> i64 {
        self.0[usize::from(weekday.number_days_from_monday())]
    }

    /// Days of attendance between `from` and `to` (both included): the days the schedule has hours.
    pub fn attendance_days(self, from: Date, to: Date) -> i64 {
        let mut day = from;
        let mut n = 0;
        while day <= to {
            if self.minutes_on(day.weekday()) > 0 {
                n += 1;
            }
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
        n
    }
}

/// A convention as typed (API or form).
#[derive(Debug, Clone, Default)]
pub struct ConventionInput {
    pub host_name: String,
    pub host_siret: String,
    pub tutor_name: String,
    pub tutor_email: Option<String>,
    pub objective: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub schedule: Schedule,
    pub activities: Option<String>,
    /// The days of presence of a discontinuous immersion, as the convention lists them; empty when the
    /// weekly schedule repeats every week of the period.
    pub attendance_dates: Vec<Date>,
    pub aided_contract: AidedContractInput,
}

/// A convention once its fields are checked (the duration rules are checked with the person's history by
/// [`super::check_duration`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConventionFields {
    pub host_name: String,
    pub host_siret: Siret,
    pub tutor_name: String,
    pub tutor_email: Option<String>,
    pub objective: Objective,
    pub starts_on: Date,
    pub ends_on: Date,
    pub schedule: Schedule,
    pub activities: Option<String>,
    /// The listed days of presence, in order, each inside the period on a day the schedule has hours; empty
    /// when the schedule repeats every week.
    pub attendance_dates: Vec<Date>,
    pub aided_contract: Option<AidedContract>,
}

impl ConventionFields {
    /// The days of presence: the listed days of a discontinuous immersion, else the days the schedule has hours.
    pub fn presence_days(&self) -> i64 {
        match self.attendance_dates.len() {
            0 => self.schedule.attendance_days(self.starts_on, self.ends_on),
            n => i64::try_from(n).unwrap_or(i64::MAX),
        }
    }
}

impl ConventionInput {
    pub fn validate(&self) -> Result<ConventionFields, Invalid> {
        let host_name = required("host_name", &self.host_name, 200)?;
        let host_siret = Siret::parse(&self.host_siret).map_err(|e| e.on("host_siret"))?;
        let tutor_name = required("tutor_name", &self.tutor_name, 200)?;
        let tutor_email = match self.tutor_email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => Some(crate::text::email("tutor_email", e)?),
        };
        let objective = Objective::parse(self.objective.trim()).ok_or_else(|| {
            Invalid::new(
                "immersion_objective_unknown",
                "Choisissez l'objet de l'immersion : découvrir un métier, confirmer un projet professionnel ou initier \
                 une démarche de recrutement.",
            )
            .on("objective")
        })?;
        let starts_on = self.starts_on.ok_or_else(|| {
            Invalid::new("field_required", "Le champ « date de début » est obligatoire.").on("starts_on")
        })?;
        let ends_on = self
            .ends_on
            .ok_or_else(|| Invalid::new("field_required", "Le champ « date de fin » est obligatoire.").on("ends_on"))?;
        let starts_on = plausible("starts_on", starts_on, Span::Pathway)?;
        let ends_on = plausible("ends_on", ends_on, Span::Pathway)?;
        if ends_on < starts_on {
            return Err(Invalid::new(
                "immersion_dates_inverted",
                format!(
                    "L'immersion ne peut pas finir le {}, avant de commencer le {}.",
                    french_date(ends_on),
                    french_date(starts_on)
                ),
            )
            .on("ends_on"));
        }
        if let Some((i, _)) = self
            .schedule
            .0
            .iter()
            .enumerate()
            .find(|(_, m)| !(0..=24 * 60).contains(*m))
        {
            return Err(Invalid::new(
                "immersion_schedule_invalid",
                format!(
                    "Les heures du {} doivent être comprises entre 0 et 24.",
                    WEEKDAY_NAMES[i]
                ),
            )
            .on("schedule"));
        }
        if self.schedule.weekly_minutes() == 0 {
            return Err(Invalid::new(
                "immersion_schedule_empty",
                "Indiquez les heures de présence d'au moins un jour de la semaine.",
            )
            .on("schedule"));
        }
        let mut attendance_dates = self.attendance_dates.clone();
        attendance_dates.sort_unstable();
        attendance_dates.dedup();
        // D5135-2 5° and D5135-3: the convention gives the period(s) of presence, continuous or not, inside its
        // dates; each listed day needs hours in the schedule, which gives the day's hours of presence.
        if let Some(day) = attendance_dates.iter().find(|d| **d < starts_on || **d > ends_on) {
            return Err(Invalid::new(
                "immersion_attendance_day_outside",
                format!(
                    "Le jour de présence du {} est hors de la période de l'immersion, du {} au {} (Code du travail, \
                     art. D5135-3).",
                    french_date(*day),
                    french_date(starts_on),
                    french_date(ends_on)
                ),
            )
            .on("attendance_dates"));
        }
        if let Some(day) = attendance_dates
            .iter()
            .find(|d| self.schedule.minutes_on(d.weekday()) == 0)
        {
            return Err(Invalid::new(
                "immersion_attendance_day_without_hours",
                format!(
                    "Le jour de présence du {} est un {} : l'emploi du temps ne prévoit pas d'heures ce jour-là.",
                    french_date(*day),
                    WEEKDAY_NAMES[usize::from(day.weekday().number_days_from_monday())]
                ),
            )
            .on("attendance_dates"));
        }
        let aided_contract = self.aided_contract.validate()?;
        Ok(ConventionFields {
            host_name,
            host_siret,
            tutor_name,
            tutor_email,
            objective,
            starts_on,
            ends_on,
            schedule: self.schedule,
            activities: optional("activities", self.activities.as_deref(), 4000)?,
            attendance_dates,
            aided_contract,
        })
    }
}

/// Checks that an organisation of this kind may prescribe an immersion (L5135-2; RULES.md 2): the SPE, SIAE
/// other than ETTI, departmental councils, and the bodies with a delegation (authorised prescribers, ESAT
/// and supported-employment schemes for the people they accompany).
pub fn check_prescriber(kind: OrganisationKind) -> Result<(), Explanation> {
    let allowed = kind.is_spe()
        || (kind.is_siae() && kind != OrganisationKind::Etti)
        || matches!(
            kind,
            OrganisationKind::DepartmentalCouncil
                | OrganisationKind::AuthorisedPrescriber
                | OrganisationKind::Esat
                | OrganisationKind::SupportedEmployment
        );
    if allowed {
        Ok(())
    } else {
        Err(Explanation::new(
            "immersion_prescriber_not_allowed",
            format!(
                "Une structure de type « {} » ne peut pas prescrire une immersion",
                kind.label()
            ),
            "Code du travail, art. L5135-2",
        ))
    }
}

/// Whether an organisation of this kind only hosts immersions: an employer that prescribes none (L5135-1: the
/// person is put in a situation at an employer's; L5135-2 lists who prescribes). It signs the conventions it
/// hosts, found by its SIRET, and drafts none.
pub fn only_hosts(kind: OrganisationKind) -> bool {
    check_prescriber(kind).is_err()
        && matches!(
            kind,
            OrganisationKind::Employer
                | OrganisationKind::AdaptedCompany
                | OrganisationKind::Geiq
                | OrganisationKind::Etti
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    pub(crate) fn input() -> ConventionInput {
        ConventionInput {
            host_name: "Boulangerie du Port".into(),
            host_siret: "732 829 320 00074".into(),
            tutor_name: "Jeanne Roux".into(),
            tutor_email: Some("j.roux@example.fr".into()),
            objective: "confirm_project".into(),
            starts_on: Some(date!(2026 - 03 - 02)),
            ends_on: Some(date!(2026 - 03 - 13)),
            schedule: Schedule([420, 420, 420, 420, 420, 0, 0]),
            activities: None,
            ..Default::default()
        }
    }

    #[rstest]
    #[case::bad_siret(ConventionInput { host_siret: "73282932000075".into(), ..input() }, "siret_invalid", "host_siret")]
    #[case::no_tutor(ConventionInput { tutor_name: " ".into(), ..input() }, "field_required", "tutor_name")]
    #[case::bad_email(ConventionInput { tutor_email: Some("roux".into()), ..input() }, "email_invalid", "tutor_email")]
    #[case::unknown_object(ConventionInput { objective: "visit".into(), ..input() }, "immersion_objective_unknown", "objective")]
    #[case::no_start(ConventionInput { starts_on: None, ..input() }, "field_required", "starts_on")]
    #[case::start_year_9999(ConventionInput { starts_on: Some(date!(9999 - 03 - 02)), ends_on: Some(date!(9999 - 03 - 13)), ..input() }, "date_out_of_range", "starts_on")]
    #[case::inverted(ConventionInput { ends_on: Some(date!(2026 - 03 - 01)), ..input() }, "immersion_dates_inverted", "ends_on")]
    #[case::day_over_24h(ConventionInput { schedule: Schedule([1500, 0, 0, 0, 0, 0, 0]), ..input() }, "immersion_schedule_invalid", "schedule")]
    #[case::negative_day(ConventionInput { schedule: Schedule([-60, 600, 0, 0, 0, 0, 0]), ..input() }, "immersion_schedule_invalid", "schedule")]
    #[case::empty_week(ConventionInput { schedule: Schedule::default(), ..input() }, "immersion_schedule_empty", "schedule")]
    // D5135-3 (« que la présence du bénéficiaire au sein de la structure d'accueil soit continue ou
    // discontinue »): the listed days lie inside the period, on days the schedule has hours.
    #[case::attendance_day_before(ConventionInput { attendance_dates: vec![date!(2026 - 03 - 01)], ..input() }, "immersion_attendance_day_outside", "attendance_dates")]
    #[case::attendance_day_after(ConventionInput { attendance_dates: vec![date!(2026 - 03 - 04), date!(2026 - 03 - 14)], ..input() }, "immersion_attendance_day_outside", "attendance_dates")]
    #[case::attendance_on_saturday(ConventionInput { attendance_dates: vec![date!(2026 - 03 - 07)], ..input() }, "immersion_attendance_day_without_hours", "attendance_dates")]
    #[case::aided_kind_unknown(ConventionInput { aided_contract: AidedContractInput { kind: "cie".into(), ..Default::default() }, ..input() }, "aided_contract_kind_unknown", "aided_contract_kind")]
    #[case::aided_without_end(ConventionInput { aided_contract: AidedContractInput { kind: "cddi".into(), starts_on: Some(date!(2026 - 01 - 05)), ends_on: None }, ..input() }, "field_required", "aided_contract_ends_on")]
    #[case::aided_inverted(ConventionInput { aided_contract: AidedContractInput { kind: "cui_cae".into(), starts_on: Some(date!(2026 - 01 - 05)), ends_on: Some(date!(2025 - 01 - 05)) }, ..input() }, "aided_contract_dates_inverted", "aided_contract_ends_on")]
    fn bad_conventions_are_refused_on_their_field(
        #[case] input: ConventionInput,
        #[case] code: &str,
        #[case] field: &str,
    ) {
        let e = input.validate().unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (code, Some(field)));
    }

    #[test]
    fn attendance_days_follow_the_schedule() {
        let f = input().validate().unwrap();
        assert_eq!(f.host_siret.as_str(), "73282932000074");
        // Two weeks from Monday 2 March to Friday 13 March 2026, five days a week.
        assert_eq!(f.schedule.attendance_days(f.starts_on, f.ends_on), 10);
        assert_eq!(f.schedule.weekly_minutes(), 35 * 60);
        assert_eq!(f.presence_days(), 10);
    }

    #[test]
    fn listed_days_are_the_days_of_presence() {
        // A discontinuous immersion: three days over the two weeks, listed out of order and once twice.
        let days = vec![
            date!(2026 - 03 - 12),
            date!(2026 - 03 - 02),
            date!(2026 - 03 - 05),
            date!(2026 - 03 - 02),
        ];
        let f = ConventionInput {
            attendance_dates: days,
            ..input()
        }
        .validate()
        .unwrap();
        assert_eq!(
            f.attendance_dates,
            vec![date!(2026 - 03 - 02), date!(2026 - 03 - 05), date!(2026 - 03 - 12)]
        );
        assert_eq!(f.presence_days(), 3);
    }

    // L5135-2 and RULES.md 2: who prescribes an immersion.
    #[rstest]
    #[case(OrganisationKind::FranceTravailAgency, true)]
    #[case(OrganisationKind::CapEmploi, true)]
    #[case(OrganisationKind::MissionLocale, true)]
    #[case(OrganisationKind::Aci, true)]
    #[case(OrganisationKind::Etti, false)]
    #[case(OrganisationKind::DepartmentalCouncil, true)]
    #[case(OrganisationKind::Esat, true)]
    #[case(OrganisationKind::Employer, false)]
    #[case(OrganisationKind::Ddets, false)]
    fn prescribers(#[case] kind: OrganisationKind, #[case] allowed: bool) {
        assert_eq!(check_prescriber(kind).is_ok(), allowed);
    }
}
