//! IAE pathways (insertion par l'activité économique): eligibility, the approval (Pôle emploi agrément
//! until 2021-11-30, PASS IAE since 2021-12-01) and its events. RULES.md section 1.

pub mod agrement;
pub mod approval;
pub mod before_hiring;
pub mod coherence;
pub mod contract;
pub mod eligibility;
pub mod exit;
pub mod interview;
pub mod next_steps;
pub mod offer;
pub mod orientation;
pub mod parameters;
pub mod pathway;
pub mod prolongation;
pub mod prolongation_request;
pub mod referral;
pub mod suspension;
pub mod waiver;

pub use approval::{Approval, Period, Regime, Status};
pub use eligibility::{Criterion, Diagnosis, DiagnosisAuthor, Eligibility};
pub use pathway::{
    EventFacts, EventOutcome, Pathway, PathwayEvent, PathwayInput, PathwayReport, PersonFacts, RequestReport, evaluate,
};

use crate::directory::OrganisationKind;
use serde::{Deserialize, Serialize};

/// The five kinds of SIAE (RULES.md 1.7), written as users and integrators do: `ACI`, `EI`...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SiaeKind {
    Aci,
    Ei,
    Eiti,
    Ai,
    Etti,
}

impl SiaeKind {
    pub const ALL: [SiaeKind; 5] = [Self::Aci, Self::Ei, Self::Eiti, Self::Ai, Self::Etti];

    /// The SIAE kind of an organisation of the directory, if it is an SIAE.
    pub fn of(kind: OrganisationKind) -> Option<Self> {
        match kind {
            OrganisationKind::Aci => Some(Self::Aci),
            OrganisationKind::Ei => Some(Self::Ei),
            OrganisationKind::Eiti => Some(Self::Eiti),
            OrganisationKind::Ai => Some(Self::Ai),
            OrganisationKind::Etti => Some(Self::Etti),
            _ => None,
        }
    }

    /// From its acronym (`ACI`), as stored.
    pub fn parse(acronym: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.acronym() == acronym)
    }

    pub fn acronym(self) -> &'static str {
        match self {
            Self::Aci => "ACI",
            Self::Ei => "EI",
            Self::Eiti => "EITI",
            Self::Ai => "AI",
            Self::Etti => "ETTI",
        }
    }
}
