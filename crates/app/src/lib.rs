//! Passerelle's use cases: what the API, the pages and the command line do, written once, below them all
//! (`cli/web -> app -> store -> domain`).
//!
//! A use case is one function that reads like its story:
//! - it **parses its input at the edge**: what a person typed becomes domain types, or an [`AppError::Invalid`]
//!   with a French message on the field;
//! - it works in **one transaction** of the store, so that what it reads is one state and what it writes is all
//!   or nothing;
//! - it **calls the domain's rules** for every decision and every wording, and holds none of its own;
//! - it **writes through the store's repositories**, which check the caller's access in SQL;
//! - it **records its events** (who, when, what) in that same transaction;
//! - it takes its **ports as arguments** ([`Clock`], and later the mailer and the notifier), so that a test fixes
//!   the day and nothing reads the wall clock behind its back.
//!
//! The web handlers and the command line only translate: a request or arguments in, [`AppError`] to a status
//! code or an exit code out, a [`Download`] to an HTTP answer or a file.

pub mod agreements;
pub mod clock;
pub mod deadlines;
pub mod download;
pub mod error;
pub mod indicators;
pub mod pathways;
pub mod persons;
pub mod privacy;
pub mod spreadsheet;

pub use clock::{Clock, FixedClock, SystemClock};
pub use download::Download;
pub use error::AppError;
