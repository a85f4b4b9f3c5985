//! Conventions rendered from their structure, as HTML, PDF and DOCX; lists as XLSX spreadsheets.
//!
//! The content is first laid out as a neutral [`Document`] (title, headings, paragraphs, bullets, signature
//! blocks); each format writes that document. The PDF is written with krilla (DejaVu Sans embedded as a subset,
//! tagged as PDF/UA-1), the heavy dependencies kept in this crate; the DOCX is WordprocessingML written here
//! into a ZIP package by the `zip` crate.
//! See docs/architecture.md « Documents: PDF with krilla » for the choice and its measured cost.
//! Every text gets the French no-break spaces (`typography`). [`pdf`] also writes flowing documents of
//! paragraphs, table rows and bar charts on the same pages. [`xlsx`] writes spreadsheets (workbooks of
//! named sheets of typed cells) with `rust_xlsxwriter`.

mod docx;
mod html;
pub mod ics;
mod layout;
mod package;
pub mod pdf;
#[cfg(feature = "readback")]
pub mod readback;
mod typography;
pub mod xlsx;

pub use layout::{Block, Document, Signature, document};
/// French no-break spaces, for documents laid out outside this crate (the skills record).
pub use typography::french;

/// The formats a convention is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Pdf,
    Docx,
}

impl Format {
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "html" => Some(Self::Html),
            "pdf" => Some(Self::Pdf),
            "docx" => Some(Self::Docx),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Docx => "docx",
        }
    }
}

/// The document in `format`.
pub fn render(doc: &Document, format: Format) -> Vec<u8> {
    match format {
        Format::Html => html::render(doc).into_bytes(),
        Format::Pdf => pdf::convention(doc),
        Format::Docx => docx::render(doc),
    }
}
