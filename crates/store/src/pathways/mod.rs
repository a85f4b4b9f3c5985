//! A person's route through IAE, ESAT, immersions and supported employment, one module per scheme, and the
//! views across them: the lists and to-do list, a person's pathway, the skills record and the person's file.

pub mod esat;
pub mod iae;
pub mod immersion;
pub mod lists;
pub mod person_file;
pub mod person_pathway;
pub mod skills_record;
pub mod supported;
pub mod todo;
