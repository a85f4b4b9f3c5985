//! A person's route through IAE, ESAT, immersions and supported employment, one module per scheme, and the
//! views across them: the lists and their to-do items, a person's pathway and the skills record.

pub mod esat;
pub mod iae;
pub mod immersion;
pub mod lists;
pub mod person_pathway;
pub mod skills_record;
pub mod supported;
pub mod todo;
