//! Agreements: the convention rendered from its structure, and the list of agreements as a spreadsheet.

pub mod document;
pub mod list;
