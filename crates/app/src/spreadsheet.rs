//! Sheets as CSV, for the exports that offer both a workbook and a CSV file.

use passerelle_documents::xlsx::Sheet;
use passerelle_domain::text::spreadsheet_text;

/// The content type of the CSV files.
pub const CSV: &str = "text/csv; charset=utf-8";

/// One sheet as CSV (comma-separated, French headings, dates as AAAA-MM-JJ, no cell a spreadsheet would
/// read as a formula).
pub fn sheet_csv(sheet: &Sheet) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(sheet.headings.iter().map(|h| spreadsheet_text(h).into_owned()));
    for row in &sheet.rows {
        let _ = w.write_record(row.iter().map(|c| spreadsheet_text(&c.plain()).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}
