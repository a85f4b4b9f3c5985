//! Passerelle's domain: pure types and rules, free of I/O.
//!
//! Every rule here is a function of its inputs; storage, clocks and networks live in other crates.

pub mod agreements;
pub mod benefits;
pub mod calendar;
pub mod directory;
pub mod explanation;
pub mod invalid;
pub mod pathways;
pub mod person;
pub mod text;
