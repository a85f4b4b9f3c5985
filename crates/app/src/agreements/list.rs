//! The agreements the caller sees as a spreadsheet: an XLSX workbook with the sheets « Conventions » and
//! « Échéances » (the parties' to-do list), or the first sheet as CSV (the API, the pages and
//! `passerelle agreement list --format csv|xlsx`).

use crate::spreadsheet::{CSV, sheet_csv};
use crate::{AppError, Download};
use passerelle_documents::xlsx::{self, Cell, Sheet};
use passerelle_domain::invalid::Invalid;
use passerelle_store::agreements::{AgreementSummary, ToDo};
use passerelle_store::{AccessContext, Store};

/// The spreadsheet formats of the list of agreements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Xlsx,
    Csv,
}

impl ListFormat {
    pub fn parse(code: &str) -> Result<Self, Invalid> {
        match code.trim() {
            "xlsx" => Ok(Self::Xlsx),
            "csv" => Ok(Self::Csv),
            other => Err(Invalid::new(
                "format_unknown",
                format!("Le format « {other} » n'est pas proposé : « xlsx » ou « csv »."),
            )
            .on("format")),
        }
    }
}

/// The list of agreements and the to-do list as the sheets of a workbook; the first sheet is also the CSV.
pub fn list_sheets(items: &[AgreementSummary], to_do: &[ToDo]) -> Vec<Sheet> {
    let mut list = Sheet::new(
        "Conventions",
        &["identifiant", "type", "titre", "statut", "version", "début", "fin"],
    );
    for a in items {
        list.row(vec![
            Cell::text(a.id.to_string()),
            Cell::text(a.kind_label),
            Cell::text(a.title.clone()),
            Cell::text(a.status_label),
            Cell::Number(a.current_version as f64),
            Cell::date(a.starts_on),
            Cell::date(a.ends_on),
        ]);
    }
    let mut deadlines = Sheet::new("Échéances", &["date", "convention", "échéance", "identifiant"]);
    for t in to_do {
        deadlines.row(vec![
            Cell::Date(t.deadline.on),
            Cell::text(t.title.clone()),
            Cell::text(t.deadline.explanation.message.clone()),
            Cell::text(t.agreement_id.to_string()),
        ]);
    }
    vec![list, deadlines]
}

/// The list of agreements the caller sees, in `format`.
pub async fn export_agreements_file(
    store: &Store,
    ctx: &AccessContext,
    format: ListFormat,
) -> Result<Download, AppError> {
    let scope = store.agreements(ctx);
    let items = scope.list().await?;
    Ok(match format {
        ListFormat::Xlsx => Download {
            file_name: "conventions.xlsx".into(),
            content_type: xlsx::CONTENT_TYPE,
            bytes: xlsx::workbook(&list_sheets(&items, &scope.to_do().await?)),
        },
        ListFormat::Csv => Download {
            file_name: "conventions.csv".into(),
            content_type: CSV,
            bytes: sheet_csv(&list_sheets(&items, &[])[0]),
        },
    })
}
