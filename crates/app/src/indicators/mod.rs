//! Indicators: the computed table as files.

pub mod export;
