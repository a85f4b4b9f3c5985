//! The JSON a simulation reads: one case, or `{"cases": [...]}` (the CLI and API contract).

use super::month::Month;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub person: PersonInput,
    #[serde(default)]
    pub household: HouseholdInput,
    /// Months without an entry have no earnings.
    #[serde(default)]
    pub earnings: Vec<EarningInput>,
    pub months: Vec<Month>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// Set by the CDAPH: 0.8 for 80 %.
    pub incapacity_rate: f64,
    /// Restriction substantielle et durable pour l'accès à l'emploi, recognised by the CDAPH.
    #[serde(default)]
    pub rsdae: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdInput {
    #[serde(default)]
    pub couple: bool,
    /// Dependent children.
    #[serde(default)]
    pub children: u32,
    /// Dependent ascendants (au sens du 3° de l'article L161-1 CSS): each raises the ESAT cap of D821-5 by 15 %.
    #[serde(default)]
    pub ascendants: u32,
    #[serde(default)]
    pub housing: Housing,
    /// Housing benefit received each month, in euros.
    #[serde(default)]
    pub housing_benefit: f64,
    /// A couple only: the partner's net earnings each month, in euros (the prime d'activité is the household's).
    #[serde(default)]
    pub partner_earnings: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Housing {
    #[default]
    Tenant,
    Owner,
    /// Housed free of charge.
    Free,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EarningInput {
    pub month: Month,
    #[serde(default)]
    pub kind: EarningKind,
    /// Net pay of the month, in euros.
    pub net: f64,
    /// Taxable pay of the month, in euros; the net amount when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxable: Option<f64>,
    /// ESAT only: the gross rémunération garantie of the month, in euros (the cap of D821-5 is on gross
    /// amounts); estimated from the net pay when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross: Option<f64>,
    /// ESAT only: the part of the gross rémunération garantie the ESAT finances itself, in euros (the rest is
    /// the State's aide au poste); found from the rule of the aide au poste (R243-6 CASF) when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub esat_part: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EarningKind {
    /// Ordinary employment (milieu ordinaire).
    #[default]
    Ordinary,
    /// Rémunération garantie of an ESAT.
    Esat,
}
