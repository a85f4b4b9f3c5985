//! A job found during supported employment: the employer, the contract and its dates. Jobs give the
//! share of people in employment (Journées nationales de l'emploi accompagné 2020) and open module (d).

use crate::dates::{Span, plausible, plausible_opt};
use crate::invalid::Invalid;
use crate::text::{optional, required};
use serde::{Deserialize, Serialize};
use time::Date;

labelled_codes! {
    ContractKind as SupportedContractKind {
        Cdi => "cdi", "CDI";
        Cdd => "cdd", "CDD";
        Interim => "interim", "intérim";
        Apprenticeship => "apprenticeship", "contrat d'apprentissage ou de professionnalisation";
        AdaptedCompany => "adapted_company", "contrat en entreprise adaptée";
        Other => "other", "autre contrat";
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct JobInput {
    pub employer: String,
    pub siret: Option<String>,
    pub position: String,
    pub contract: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub weekly_hours: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub employer: String,
    pub siret: Option<String>,
    pub position: String,
    pub contract: ContractKind,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub weekly_hours: i64,
}

impl JobInput {
    /// Checks the job; it cannot start before the entry into the scheme (it would not be found with it).
    pub fn validate(&self, entered_on: Date) -> Result<Job, Invalid> {
        let contract = ContractKind::parse(self.contract.trim()).ok_or_else(|| {
            Invalid::new(
                "contract_kind_unknown",
                format!(
                    "« {} » n'est pas un type de contrat ; types : {}.",
                    self.contract.trim(),
                    ContractKind::ALL
                        .iter()
                        .map(|k| k.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .on("contract")
        })?;
        let starts_on = self
            .starts_on
            .ok_or_else(|| Invalid::new("field_required", "Indiquez la date de début de l'emploi.").on("starts_on"))?;
        if starts_on < entered_on {
            return Err(Invalid::new(
                "job_before_entry",
                "Un emploi commencé avant l'entrée dans le dispositif ne se compte pas comme trouvé avec lui.",
            )
            .on("starts_on"));
        }
        let starts_on = plausible("starts_on", starts_on, Span::Pathway)?;
        let ends_on = plausible_opt("ends_on", self.ends_on, Span::Pathway)?;
        if ends_on.is_some_and(|end| end < starts_on) {
            return Err(Invalid::new("job_dates_reversed", "La fin de l'emploi précède son début.").on("ends_on"));
        }
        // Legal full time is 35 hours; 48 is the weekly maximum (L3121-20).
        let weekly_hours = self.weekly_hours.unwrap_or(0);
        if !(1..=48).contains(&weekly_hours) {
            return Err(Invalid::new(
                "weekly_hours_out_of_range",
                "La durée hebdomadaire s'indique en heures, de 1 à 48 (Code du travail, art. L3121-20).",
            )
            .on("weekly_hours"));
        }
        let siret = match optional("siret", self.siret.as_deref(), 20)? {
            Some(s) => Some(
                crate::directory::Siret::parse(&s)
                    .map_err(|e| e.on("siret"))?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        Ok(Job {
            employer: required("employer", &self.employer, 200)?,
            siret,
            position: required("position", &self.position, 200)?,
            contract,
            starts_on,
            ends_on,
            weekly_hours,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    fn job(start: Date, end: Option<Date>, hours: i64) -> JobInput {
        JobInput {
            employer: "Boulangerie Lenoir".into(),
            position: "Vendeur".into(),
            contract: "cdd".into(),
            starts_on: Some(start),
            ends_on: end,
            weekly_hours: Some(hours),
            ..Default::default()
        }
    }

    #[rstest]
    #[case::part_time(job(date!(2026-04-01), None, 20), None)]
    #[case::before_entry(job(date!(2025-12-31), None, 20), Some("job_before_entry"))]
    #[case::reversed(job(date!(2026-04-01), Some(date!(2026-03-31)), 20), Some("job_dates_reversed"))]
    #[case::start_year_9999(job(date!(9999-04-01), None, 20), Some("date_out_of_range"))]
    #[case::end_year_9999(job(date!(2026-04-01), Some(date!(9999-12-31)), 20), Some("date_out_of_range"))]
    // L3121-20: at most 48 hours a week.
    #[case::over_48_hours(job(date!(2026-04-01), None, 49), Some("weekly_hours_out_of_range"))]
    #[case::no_hours(job(date!(2026-04-01), None, 0), Some("weekly_hours_out_of_range"))]
    fn jobs(#[case] input: JobInput, #[case] refused: Option<&str>) {
        assert_eq!(input.validate(date!(2026 - 01 - 01)).err().map(|e| e.code), refused);
    }
}
