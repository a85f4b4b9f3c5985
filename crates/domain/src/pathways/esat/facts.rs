//! Dated facts of an ESAT and of its workers, from « Convergences entre ESAT et insertion par l'activité
//! économique » (seed 002: « Adhésion à un OPCO », « Ouverture du CPF ») and the decrees of 2022 and 2025: each
//! fact has a first day (and may have a last), is checked against the day its rule applies from, and cites it.
//!
//! - **Parcours renforcé en emploi** (décret n° 2022-1561 du 13 décembre 2022, in force on 15 December 2022;
//!   redefined by décret n° 2025-845 du 25 août 2025): a worker who leaves the ESAT for ordinary employment
//!   keeps the ESAT's support and the right to return without a new CDAPH decision; recorded for a worker in
//!   situation 3 (convention d'appui) or 5 (in employment).
//! - **CPF of the ESAT worker** (Code du travail, art. L6323-33, from 1 January 2017): the worker's compte
//!   personnel de formation, credited each year of admission; its use needs the worker's express agreement.
//! - **Invoicing of the convention d'appui** (décret n° 2025-845 du 25 août 2025, published on 27 August 2025,
//!   taken here as in force on 28 August 2025): the ESAT invoices the employer party to the convention d'appui
//!   for the support its staff gives; the fact names what is invoiced and how, and needs a period of a
//!   convention d'appui on its first day.
//! - **OPCO membership of the ESAT** (Code du travail, art. L6323-33 ff.: the ESAT pays its contribution to the
//!   CPF of its workers to its opérateur de compétences; OPCO since 1 April 2019, loi n° 2018-771): a fact of
//!   the ESAT, naming the OPCO.

use crate::calendar::french_date;
use crate::invalid::Invalid;
use crate::text::optional;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

labelled_codes! {
    /// What a dated fact records.
    FactKind as EsatFactKind {
        ReinforcedPathway => "reinforced_pathway", "Parcours renforcé en emploi";
        Cpf => "cpf", "Compte personnel de formation (CPF) du travailleur";
        SupportInvoicing => "support_invoicing", "Facturation de l'appui à l'employeur";
        OpcoMembership => "opco_membership", "Adhésion de l'ESAT à un opérateur de compétences (OPCO)";
    }
}

impl FactKind {
    /// The first day the fact's rule applies.
    pub fn applies_from(self) -> Date {
        match self {
            Self::ReinforcedPathway => date!(2022 - 12 - 15),
            Self::Cpf => date!(2017 - 01 - 01),
            Self::SupportInvoicing => date!(2025 - 08 - 28),
            Self::OpcoMembership => date!(2019 - 04 - 01),
        }
    }

    /// The text a person can check.
    pub fn source(self) -> &'static str {
        match self {
            Self::ReinforcedPathway => "décret n° 2022-1561 du 13 décembre 2022 ; décret n° 2025-845 du 25 août 2025",
            Self::Cpf => "Code du travail, art. L6323-33",
            Self::SupportInvoicing => "décret n° 2025-845 du 25 août 2025",
            Self::OpcoMembership => "Code du travail, art. L6323-33 et suivants ; loi n° 2018-771 du 5 septembre 2018",
        }
    }

    /// Whether the fact belongs to the ESAT (else to one of its workers).
    pub fn of_the_esat(self) -> bool {
        self == Self::OpcoMembership
    }

    /// Whether the fact needs its detail: the OPCO's name, what is invoiced.
    fn needs_detail(self) -> Option<&'static str> {
        match self {
            Self::OpcoMembership => Some("Indiquez le nom de l'opérateur de compétences (par exemple OPCO Santé)."),
            Self::SupportInvoicing => Some(
                "Indiquez ce que l'ESAT facture à l'employeur : l'appui donné par son personnel, sa fréquence et son \
                 tarif.",
            ),
            _ => None,
        }
    }
}

/// A fact as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FactInput {
    pub kind: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub detail: Option<String>,
}

/// A checked fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub kind: FactKind,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub detail: Option<String>,
}

/// What a worker's fact is checked against: the worker's situation on the fact's first day (by its code) and the
/// periods of their conventions d'appui.
#[derive(Clone, Copy, Default)]
pub struct FactContext<'a> {
    pub situation_on: Option<&'a dyn Fn(Date) -> Option<super::Situation>>,
    pub support_periods: &'a [(Date, Date)],
    pub today: Option<Date>,
}

impl FactInput {
    /// Checks the fact; `of_the_esat` says which form it came from (the ESAT's or a worker's).
    pub fn validate(&self, of_the_esat: bool, at: FactContext) -> Result<Fact, Invalid> {
        let kind = FactKind::parse(self.kind.trim())
            .filter(|k| k.of_the_esat() == of_the_esat)
            .ok_or_else(|| {
                let choices: Vec<&str> = FactKind::ALL
                    .iter()
                    .filter(|k| k.of_the_esat() == of_the_esat)
                    .map(|k| k.label())
                    .collect();
                Invalid::new(
                    "esat_fact_kind_unknown",
                    format!("Choisissez le fait parmi : {}.", choices.join(", ")),
                )
                .on("kind")
            })?;
        let starts_on = self
            .starts_on
            .ok_or_else(|| Invalid::new("field_required", "Indiquez la date de début.").on("starts_on"))?;
        let starts_on = crate::dates::plausible("starts_on", starts_on, crate::dates::Span::Pathway)?;
        if starts_on < kind.applies_from() {
            return Err(Invalid::new(
                "esat_fact_before_rule",
                format!(
                    "« {} » existe depuis le {} ({}) : datez-le de ce jour ou après.",
                    kind.label(),
                    french_date(kind.applies_from()),
                    kind.source()
                ),
            )
            .on("starts_on"));
        }
        if let Some(today) = at.today.filter(|today| starts_on > *today) {
            return Err(Invalid::new(
                "esat_fact_in_future",
                format!(
                    "Un fait se date du jour où il est acquis, au plus tard aujourd'hui ({}).",
                    french_date(today)
                ),
            )
            .on("starts_on"));
        }
        if let Some(ends_on) = self.ends_on.filter(|e| *e < starts_on) {
            return Err(Invalid::new(
                "esat_fact_dates_inverted",
                format!(
                    "La fin, le {}, précède le début, le {}.",
                    french_date(ends_on),
                    french_date(starts_on)
                ),
            )
            .on("ends_on"));
        }
        let detail = optional("detail", self.detail.as_deref(), 500)?;
        if let (Some(message), None) = (kind.needs_detail(), &detail) {
            return Err(Invalid::new("field_required", message).on("detail"));
        }
        let situation = at.situation_on.and_then(|on| on(starts_on));
        match kind {
            FactKind::ReinforcedPathway
                if !matches!(
                    situation,
                    Some(super::Situation::TransitionWithSupportConvention | super::Situation::JobRetention)
                ) =>
            {
                return Err(Invalid::new(
                    "esat_fact_reinforced_pathway_not_in_employment",
                    format!(
                        "Le parcours renforcé en emploi accompagne une sortie vers le milieu ordinaire : le {}, le \
                         travailleur doit être en situation 3 (convention d'appui) ou 5 (en emploi) ({}).",
                        french_date(starts_on),
                        kind.source()
                    ),
                )
                .on("starts_on"));
            }
            FactKind::SupportInvoicing
                if !at
                    .support_periods
                    .iter()
                    .any(|(from, to)| *from <= starts_on && starts_on <= *to) =>
            {
                return Err(Invalid::new(
                    "esat_fact_invoicing_without_support_convention",
                    format!(
                        "L'ESAT facture l'appui prévu par une convention d'appui : aucune période n'est en cours le {} \
                         ({}).",
                        french_date(starts_on),
                        kind.source()
                    ),
                )
                .on("starts_on"));
            }
            _ => {}
        }
        Ok(Fact {
            kind,
            starts_on,
            ends_on: self.ends_on,
            detail,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pathways::esat::Situation;
    use rstest::rstest;

    fn input(kind: &str, starts_on: Date, detail: Option<&str>) -> FactInput {
        FactInput {
            kind: kind.into(),
            starts_on: Some(starts_on),
            ends_on: None,
            detail: detail.map(Into::into),
        }
    }

    const INVOICE: Option<&str> = Some("Appui du moniteur d'atelier, deux heures par mois, 45 € de l'heure");

    #[rstest]
    // Décret 2022-1561, in force on 15 December 2022: the reinforced pathway follows a leave to ordinary work.
    #[case::reinforced_in_situation_3(input("reinforced_pathway", date!(2026 - 03 - 02), None), Situation::TransitionWithSupportConvention, Ok(()))]
    #[case::reinforced_in_situation_5(input("reinforced_pathway", date!(2026 - 03 - 02), None), Situation::JobRetention, Ok(()))]
    #[case::reinforced_inside_the_esat(input("reinforced_pathway", date!(2026 - 03 - 02), None), Situation::DoubleActivity, Err(("esat_fact_reinforced_pathway_not_in_employment", "starts_on")))]
    #[case::reinforced_before_the_decree(input("reinforced_pathway", date!(2022 - 12 - 14), None), Situation::JobRetention, Err(("esat_fact_before_rule", "starts_on")))]
    // L6323-33: the CPF of ESAT workers from 1 January 2017.
    #[case::cpf(input("cpf", date!(2017 - 01 - 01), None), Situation::ProjectInOrdinaryEmployment, Ok(()))]
    #[case::cpf_before_2017(input("cpf", date!(2016 - 12 - 31), None), Situation::ProjectInOrdinaryEmployment, Err(("esat_fact_before_rule", "starts_on")))]
    // Décret 2025-845 (published 27 August 2025): invoicing, during a period of a convention d'appui.
    #[case::invoicing_in_a_period(input("support_invoicing", date!(2026 - 03 - 02), INVOICE), Situation::TransitionWithSupportConvention, Ok(()))]
    #[case::invoicing_before_the_decree(input("support_invoicing", date!(2025 - 08 - 27), INVOICE), Situation::TransitionWithSupportConvention, Err(("esat_fact_before_rule", "starts_on")))]
    #[case::invoicing_outside_the_periods(input("support_invoicing", date!(2026 - 09 - 01), INVOICE), Situation::TransitionWithSupportConvention, Err(("esat_fact_invoicing_without_support_convention", "starts_on")))]
    #[case::invoicing_without_what(input("support_invoicing", date!(2026 - 03 - 02), None), Situation::TransitionWithSupportConvention, Err(("field_required", "detail")))]
    #[case::opco_on_a_worker(input("opco_membership", date!(2024 - 01 - 01), Some("OPCO Santé")), Situation::DoubleActivity, Err(("esat_fact_kind_unknown", "kind")))]
    #[case::in_the_future(input("cpf", date!(2026 - 12 - 08), None), Situation::DoubleActivity, Err(("esat_fact_in_future", "starts_on")))]
    fn worker_facts(
        #[case] input: FactInput,
        #[case] situation: Situation,
        #[case] expected: Result<(), (&str, &str)>,
    ) {
        let on = move |_: Date| Some(situation);
        let at = FactContext {
            situation_on: Some(&on),
            support_periods: &[(date!(2025 - 10 - 01), date!(2026 - 08 - 31))],
            today: Some(date!(2026 - 12 - 07)),
        };
        let verdict = input
            .validate(false, at)
            .map(|_| ())
            .map_err(|e| (e.code, e.field.unwrap_or_default()));
        let verdict = verdict
            .as_ref()
            .map(|_| ())
            .map_err(|(code, field)| (*code, field.as_str()));
        assert_eq!(verdict, expected);
    }

    // Loi 2018-771: OPCO from 1 April 2019 (before, an OPCA); the OPCO is named.
    #[rstest]
    #[case::opco(input("opco_membership", date!(2019 - 04 - 01), Some("OPCO Santé")), Ok(()))]
    #[case::opca_era(input("opco_membership", date!(2019 - 03 - 31), Some("Unifaf")), Err("esat_fact_before_rule"))]
    #[case::unnamed(input("opco_membership", date!(2024 - 01 - 01), Some(" ")), Err("field_required"))]
    #[case::worker_kind_on_the_esat(input("cpf", date!(2024 - 01 - 01), None), Err("esat_fact_kind_unknown"))]
    fn esat_facts(#[case] input: FactInput, #[case] expected: Result<(), &str>) {
        let verdict = input
            .validate(true, FactContext::default())
            .map(|_| ())
            .map_err(|e| e.code);
        assert_eq!(verdict, expected);
    }
}
