//! IAE pathways (insertion par l'activité économique): eligibility, the approval (Pôle emploi agrément
//! until 2021-11-30, PASS IAE since 2021-12-01) and its events. RULES.md section 1.

pub mod agrement;
pub mod approval;
pub mod eligibility;
pub mod pathway;
pub mod prolongation;
pub mod suspension;

pub use approval::{Approval, Period, Regime, Status};
pub use eligibility::{Criterion, Diagnosis, DiagnosisAuthor, Eligibility};
pub use pathway::{
    EventOutcome, Pathway, PathwayEvent, PathwayInput, PathwayReport, PersonFacts, RequestReport, evaluate,
};

use serde::{Deserialize, Serialize};

/// The five kinds of SIAE (RULES.md 1.7), written as users and integrators do: `ACI`, `EI`...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SiaeKind {
    Aci,
    Ei,
    Eiti,
    Ai,
    Etti,
}

impl SiaeKind {
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
