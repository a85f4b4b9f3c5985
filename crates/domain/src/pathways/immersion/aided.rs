//! The immersion of a person employed on an aided contract (RULES.md 2): all the immersions done during the
//! contract together take at most 25 % of its duration.
//!
//! Sources, each dated from the decree n° 2014-1360 of 13 November 2014 (in force on 16 November 2014) that made
//! the PMSMP: for the contrat d'accompagnement dans l'emploi (CUI-CAE), Code du travail art. D5134-50-2 (« La
//! durée cumulée de l'ensemble des périodes de mise en situation en milieu professionnel effectuées au cours du
//! contrat d'accompagnement dans l'emploi ne peut représenter plus de 25 % de la durée totale du contrat ») ; for
//! the CDDI of an ACI, EI or AI (L5132-5, L5132-11-1, L5132-15-1 open immersions during the contract), the same
//! cap set by that decree. The articles of the CDDI's cap could not be read in the texts at hand: docs/esat.md
//! names it. Durations are counted in days: the contract's days date to date, and each immersion's days of
//! presence (the listed days of a discontinuous immersion, else the days its weekly schedule has hours).

use super::PastImmersion;
use super::convention::ConventionFields;
use crate::calendar::{days_inclusive, french_date};
use crate::explanation::{Explanation, french_number};
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

/// The first day the cap applies (decree 2014-1360, in force on 16 November 2014).
pub const CAP_FROM: Date = date!(2014 - 11 - 16);
/// The share of the contract immersions may take, in percent.
pub const CAP_PERCENT: i64 = 25;

labelled_codes! {
    /// The aided contract a person is employed on during the immersion.
    AidedContractKind as ImmersionAidedContractKind {
        CuiCae => "cui_cae", "Contrat unique d'insertion – contrat d'accompagnement dans l'emploi (CUI-CAE)";
        Cddi => "cddi", "Contrat à durée déterminée d'insertion (CDDI)";
    }
}

impl AidedContractKind {
    pub fn source(self) -> &'static str {
        match self {
            Self::CuiCae => "Code du travail, art. D5134-50-2",
            Self::Cddi => "Code du travail, art. L5132-15-1 ; décret n° 2014-1360 du 13 novembre 2014",
        }
    }
}

/// The aided contract as typed: no kind means no aided contract.
#[derive(Debug, Clone, Default)]
pub struct AidedContractInput {
    pub kind: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

/// A checked aided contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AidedContract {
    pub kind: AidedContractKind,
    pub starts_on: Date,
    pub ends_on: Date,
}

impl AidedContractInput {
    pub fn validate(&self) -> Result<Option<AidedContract>, Invalid> {
        let kind = match self.kind.trim() {
            "" => return Ok(None),
            code => AidedContractKind::parse(code).ok_or_else(|| {
                Invalid::new(
                    "aided_contract_kind_unknown",
                    "Choisissez le contrat aidé : CUI-CAE ou CDDI, ou aucun.",
                )
                .on("aided_contract_kind")
            })?,
        };
        let starts_on = self.starts_on.ok_or_else(|| {
            Invalid::new("field_required", "Indiquez le début du contrat aidé.").on("aided_contract_starts_on")
        })?;
        let ends_on = self.ends_on.ok_or_else(|| {
            Invalid::new("field_required", "Indiquez la fin du contrat aidé.").on("aided_contract_ends_on")
        })?;
        if ends_on < starts_on {
            return Err(Invalid::new(
                "aided_contract_dates_inverted",
                format!(
                    "Le contrat aidé ne peut pas finir le {}, avant de commencer le {}.",
                    french_date(ends_on),
                    french_date(starts_on)
                ),
            )
            .on("aided_contract_ends_on"));
        }
        Ok(Some(AidedContract {
            kind,
            starts_on,
            ends_on,
        }))
    }
}

/// Checks the immersion against the person's aided contract, if any: inside the contract, and with the other
/// immersions that start during it, at most 25 % of its days. Returns what the check found, for the explanation.
pub fn check_aided_share(
    new: &ConventionFields,
    history: &[PastImmersion],
) -> Result<Option<String>, (&'static str, Explanation)> {
    let Some(contract) = new.aided_contract.filter(|_| new.starts_on >= CAP_FROM) else {
        return Ok(None);
    };
    let source = contract.kind.source();
    let (from, to) = (french_date(contract.starts_on), french_date(contract.ends_on));
    if new.starts_on < contract.starts_on || new.ends_on > contract.ends_on {
        return Err((
            "ends_on",
            Explanation::new(
                "immersion_outside_aided_contract",
                format!("Immersion refusée : elle se déroule pendant le contrat aidé, du {from} au {to}"),
                source,
            ),
        ));
    }
    let cap = days_inclusive(contract.starts_on, contract.ends_on) * CAP_PERCENT / 100;
    let before: i64 = history
        .iter()
        .filter(|p| p.starts_on >= contract.starts_on && p.starts_on <= contract.ends_on)
        .map(|p| p.presence_days)
        .sum();
    let days = new.presence_days();
    if before + days > cap {
        return Err((
            "ends_on",
            Explanation::new(
                "immersion_aided_contract_share_exceeded",
                format!(
                    "Immersion refusée : pendant le contrat aidé du {from} au {to}, les immersions prennent au plus \
                     {CAP_PERCENT} % de sa durée, soit {} jours de présence ; avec les {} jours déjà prévus, ces {} \
                     jours en feraient {}",
                    french_number(cap),
                    french_number(before),
                    french_number(days),
                    french_number(before + days)
                ),
                source,
            ),
        ));
    }
    Ok(Some(format!(
        "{} jours de présence sur les {} permis pendant le contrat aidé ({CAP_PERCENT} %)",
        french_number(before + days),
        french_number(cap)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::siret::Siret;
    use crate::pathways::immersion::{Objective, Schedule};
    use rstest::rstest;

    const WEEKDAYS: Schedule = Schedule([420, 420, 420, 420, 420, 0, 0]);

    fn immersion(from: Date, to: Date, contract: Option<(AidedContractKind, Date, Date)>) -> ConventionFields {
        ConventionFields {
            host_name: "Boulangerie du Port".into(),
            host_siret: Siret::parse("73282932000074").unwrap(),
            tutor_name: "Jeanne Roux".into(),
            tutor_email: None,
            objective: Objective::DiscoverTrade,
            starts_on: from,
            ends_on: to,
            schedule: WEEKDAYS,
            activities: None,
            attendance_dates: Vec::new(),
            aided_contract: contract.map(|(kind, starts_on, ends_on)| AidedContract {
                kind,
                starts_on,
                ends_on,
            }),
        }
    }

    fn past(from: Date, presence_days: i64) -> PastImmersion {
        PastImmersion {
            host_siret: "55203253400646".into(),
            objective: Objective::ConfirmProject,
            starts_on: from,
            ends_on: from,
            is_renewal: false,
            objective_met: None,
            presence_days,
        }
    }

    // A CDDI of 181 days, 5 January to 4 July 2026: 25 % is 45 days of presence (decree 2014-1360).
    const CDDI: (AidedContractKind, Date, Date) =
        (AidedContractKind::Cddi, date!(2026 - 01 - 05), date!(2026 - 07 - 04));
    // A CUI-CAE of 122 days, 1 March to 30 June 2026: 25 % is 30 days (D5134-50-2).
    const CAE: (AidedContractKind, Date, Date) =
        (AidedContractKind::CuiCae, date!(2026 - 03 - 01), date!(2026 - 06 - 30));

    #[rstest]
    #[case::no_aided_contract(None, date!(2026 - 03 - 02), date!(2026 - 03 - 13), vec![], Ok(None))]
    #[case::cddi_first_immersion(Some(CDDI), date!(2026 - 03 - 02), date!(2026 - 03 - 13), vec![], Ok(Some(10)))]
    #[case::cddi_up_to_the_cap(Some(CDDI), date!(2026 - 03 - 02), date!(2026 - 03 - 13), vec![past(date!(2026 - 01 - 12), 35)], Ok(Some(45)))]
    #[case::cddi_over_the_cap(Some(CDDI), date!(2026 - 03 - 02), date!(2026 - 03 - 13), vec![past(date!(2026 - 01 - 12), 36)], Err("immersion_aided_contract_share_exceeded"))]
    #[case::immersions_before_the_contract_do_not_count(Some(CDDI), date!(2026 - 03 - 02), date!(2026 - 03 - 13), vec![past(date!(2025 - 12 - 01), 36)], Ok(Some(10)))]
    #[case::cae_month_of_weekdays(Some(CAE), date!(2026 - 03 - 02), date!(2026 - 04 - 01), vec![], Ok(Some(23)))]
    #[case::cae_month_after_ten_days(Some(CAE), date!(2026 - 03 - 02), date!(2026 - 04 - 01), vec![past(date!(2026 - 05 - 04), 10)], Err("immersion_aided_contract_share_exceeded"))]
    #[case::cae_three_weeks(Some(CAE), date!(2026 - 03 - 02), date!(2026 - 03 - 20), vec![], Ok(Some(15)))]
    #[case::after_the_contract(Some(CAE), date!(2026 - 06 - 22), date!(2026 - 07 - 03), vec![], Err("immersion_outside_aided_contract"))]
    #[case::before_the_decree((AidedContractKind::CuiCae, date!(2014 - 09 - 01), date!(2014 - 12 - 31)).into(), date!(2014 - 11 - 03), date!(2014 - 11 - 28), vec![], Ok(None))]
    fn a_quarter_of_the_aided_contract(
        #[case] contract: Option<(AidedContractKind, Date, Date)>,
        #[case] from: Date,
        #[case] to: Date,
        #[case] history: Vec<PastImmersion>,
        #[case] expected: Result<Option<i64>, &str>,
    ) {
        let verdict = check_aided_share(&immersion(from, to, contract), &history);
        match (verdict, expected) {
            (Ok(found), Ok(days)) => {
                assert_eq!(found.is_some(), days.is_some(), "{found:?}");
                if let (Some(found), Some(days)) = (found, days) {
                    assert!(found.starts_with(&format!("{days} jours de présence")), "{found}");
                }
            }
            (Err((field, e)), Err(code)) => {
                assert_eq!((field, e.code), ("ends_on", code));
                assert!(e.source.starts_with("Code du travail"), "{}", e.source);
            }
            (verdict, expected) => panic!("{verdict:?} instead of {expected:?}"),
        }
    }

    #[test]
    fn listed_days_count_instead_of_the_schedule() {
        // A discontinuous immersion over a month: only its four listed days count against the CUI-CAE's 30.
        let mut c = immersion(date!(2026 - 03 - 02), date!(2026 - 04 - 01), Some(CAE));
        c.attendance_dates = vec![
            date!(2026 - 03 - 02),
            date!(2026 - 03 - 09),
            date!(2026 - 03 - 16),
            date!(2026 - 03 - 23),
        ];
        assert_eq!(
            check_aided_share(&c, &[]).unwrap().as_deref(),
            Some("4 jours de présence sur les 30 permis pendant le contrat aidé (25 %)")
        );
    }
}
