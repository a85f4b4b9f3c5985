//! Personal data and the people it is about: who read what (the audit of reads), a person's right of access
//! (their file), and the retention rule that anonymises the inactive.

pub mod audit;
pub mod person_file;
pub mod retention;
