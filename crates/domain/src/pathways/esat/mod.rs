//! ESAT pathways (RULES.md section 3; Questions incontournables ESAT – SPE question 10): the worker's record, the five typical
//! situations and their transitions, double activity, the convention d'appui and the right to return.

pub mod facts;
pub mod sharing;
pub mod situation;
pub mod support;
pub mod worker;

pub use facts::{Fact, FactContext, FactInput, FactKind};
pub use situation::{Move, Situation};
pub use support::{SupportPeriod, check_double_activity, check_support_period};
pub use worker::{Orientation, WorkerFields, WorkerInput, check_return};

/// Hours and minutes as French text writes them: "17 h 30", "35 h".
pub fn french_hours(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}
