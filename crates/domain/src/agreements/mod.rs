//! Agreements: from the national framework to the local convention, as structured, versioned content with a
//! guided drafting checklist and a dated life cycle.

pub mod amendment;
pub mod checklist;
pub mod committee_proposal;
pub mod content;
pub mod deadlines;
pub mod diff;
pub mod examples;
pub mod kind;
pub mod lifecycle;
pub mod names;
pub mod state_convention;

pub use checklist::{Checklist, Facts, checklist};
pub use content::AgreementContent;
pub use kind::{AgreementKind, Level};
pub use lifecycle::Status;
