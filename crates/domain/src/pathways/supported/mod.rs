//! Supported employment (emploi accompagné, Code du travail L5213-2-1 and D5213-88 ff.; RULES.md section 4;
//! Journées nationales de l'emploi accompagné 2020): how a person enters a scheme, the individual support convention, the four modules of the
//! accompaniment, each counsellor's caseload and the figures of a scheme.

pub mod caseload;
pub mod convention;
pub mod entry;
pub mod exit;
pub mod figures;
pub mod job;
pub mod module;

pub use caseload::{Caseload, CaseloadStatus, caseload};
pub use convention::{ConventionState, EmployerInput, Joining};
pub use entry::{Entry, EntryInput, Route, SpePrescriber};
pub use exit::{Exit, ExitContext, ExitInput, ExitReason};
pub use figures::{Followed, SchemeFigures, figures};
pub use job::{ContractKind, Job, JobInput};
pub use module::{Activity, ActivityInput, Module};

/// The article that creates supported employment and says who mobilises it.
pub const L5213_2_1: &str = "Code du travail, art. L5213-2-1";
/// The decree articles on the scheme's functioning (modules, conventions).
pub const D5213_88: &str = "Code du travail, art. D5213-88 et suivants";
/// The national days of supported employment (CFEA, March 2020): deployment figures and caseload.
pub const SEED_003: &str = "journées nationales de l'emploi accompagné, CFEA, mars 2020";
