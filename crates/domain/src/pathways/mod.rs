//! A person's route through a scheme and the rules that date and decide its events.

pub mod esat;
pub mod iae;
pub mod immersion;
