//! A minimal PDF writer for short documents of text (the skills and trainings document of an exit, the annual
//! report of an agreement with its tables and bar charts): A4 pages, Helvetica and Helvetica-Bold in WinAnsi
//! encoding, which covers French. It avoids a PDF
//! dependency (ARCHITECTURE.md measures printpdf at +97 s of build); a richer layout would move to the
//! documents crate.

/// One paragraph: its size, weight and text, wrapped to the page.
#[derive(Clone)]
pub struct Paragraph {
    pub size: u8,
    pub bold: bool,
    pub text: String,
}

impl Paragraph {
    pub fn title(text: impl Into<String>) -> Self {
        Self {
            size: 16,
            bold: true,
            text: text.into(),
        }
    }
    pub fn heading(text: impl Into<String>) -> Self {
        Self {
            size: 12,
            bold: true,
            text: text.into(),
        }
    }
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            size: 10,
            bold: false,
            text: text.into(),
        }
    }
}

const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
const MARGIN: u32 = 56;

/// A character in WinAnsi encoding; what it cannot write becomes `?`.
fn win_ansi(c: char) -> u8 {
    match c {
        '\u{20}'..='\u{7e}' => c as u8,
        '\u{a0}' | '\u{202f}' | '\u{2009}' => b' ',
        '\u{a1}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '…' => 0x85,
        '•' => 0x95,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '–' => 0x96,
        '—' => 0x97,
        'Œ' => 0x8c,
        'œ' => 0x9c,
        _ => b'?',
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for source in text.lines() {
        let mut line = String::new();
        for word in source.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

fn string_literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        match win_ansi(c) {
            b @ (b'(' | b')' | b'\\') => out.extend([b'\\', b]),
            b if b < 0x80 => out.push(b),
            b => out.extend(format!("\\{b:03o}").bytes()),
        }
    }
    out.push(b')');
    out
}

/// A line of a table: the first cell takes the width the others leave; each cell wraps within its width.
#[derive(Clone)]
pub struct Row {
    pub cells: Vec<String>,
    /// The widths of the cells after the first, in points.
    pub widths: Vec<u32>,
    pub bold: bool,
}

/// A horizontal bar chart: one bar per label, to the scale of the largest value, with its value written at
/// the end of the bar (the same figures are in a table next to it, for whoever does not see the bars).
#[derive(Clone)]
pub struct Bars {
    /// Label, value and the value as written.
    pub bars: Vec<(String, f64, String)>,
}

/// What a document is made of.
#[derive(Clone)]
pub enum Block {
    Text(Paragraph),
    Row(Row),
    Bars(Bars),
}

const TABLE_SIZE: u32 = 9;
const LABEL_WIDTH: u32 = 60;
const BAR_MAX: f64 = 300.0;
const BAR_ROW: u32 = 14;

/// Pages being filled from the top, as content streams.
struct Layout {
    pages: Vec<Vec<u8>>,
    y: u32,
}

impl Layout {
    fn page(&mut self) -> &mut Vec<u8> {
        self.pages
            .last_mut()
            .unwrap_or_else(|| unreachable!("a layout starts with one page"))
    }

    /// Starts a new page unless `height` points still fit on this one.
    fn keep(&mut self, height: u32) {
        if self.y < MARGIN + height {
            self.pages.push(Vec::new());
            self.y = PAGE_HEIGHT - MARGIN;
        }
    }

    fn write(&mut self, bold: bool, size: u32, x: u32, y: u32, text: &str) {
        let font = if bold { "F2" } else { "F1" };
        let page = self.page();
        page.extend(format!("BT /{font} {size} Tf {x} {y} Td ").bytes());
        page.extend(string_literal(text));
        page.extend(b" Tj ET\n");
    }

    fn paragraph(&mut self, p: &Paragraph) {
        let size = u32::from(p.size);
        let leading = size + size / 3;
        self.y = self.y.saturating_sub(size / 2);
        for line in wrap(&p.text, chars_in(PAGE_WIDTH - 2 * MARGIN, size)) {
            self.keep(leading);
            self.y -= leading;
            self.write(p.bold, size, MARGIN, self.y, &line);
        }
    }

    fn row(&mut self, r: &Row) {
        let leading = TABLE_SIZE + TABLE_SIZE / 3;
        let first = (PAGE_WIDTH - 2 * MARGIN).saturating_sub(r.widths.iter().sum());
        let widths: Vec<u32> = std::iter::once(first).chain(r.widths.iter().copied()).collect();
        let cells: Vec<Vec<String>> = r
            .cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap(c, chars_in(w.saturating_sub(6), TABLE_SIZE)))
            .collect();
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1) as u32;
        self.keep(leading * lines + 3);
        self.y -= 3;
        let mut x = MARGIN;
        for (cell, w) in cells.iter().zip(&widths) {
            for (i, line) in cell.iter().enumerate() {
                self.write(r.bold, TABLE_SIZE, x, self.y - leading * (i as u32 + 1), line);
            }
            x += w;
        }
        self.y -= leading * lines;
    }

    fn bars(&mut self, b: &Bars) {
        let max = b.bars.iter().map(|(_, v, _)| *v).fold(0.0, f64::max);
        self.keep(BAR_ROW * b.bars.len().min(4) as u32 + 4);
        self.y -= 4;
        for (label, value, shown) in &b.bars {
            self.keep(BAR_ROW);
            self.y -= BAR_ROW;
            let y = self.y;
            self.write(false, TABLE_SIZE, MARGIN, y, label);
            let length = if max > 0.0 { value / max * BAR_MAX } else { 0.0 };
            let x = MARGIN + LABEL_WIDTH;
            // The bar in the DSFR's blue France, then back to black for the text.
            self.page()
                .extend(format!("0 0 0.57 rg {x} {} {length:.1} {} re f 0 g\n", y - 1, TABLE_SIZE).bytes());
            self.write(false, TABLE_SIZE, x + length as u32 + 4, y, shown);
        }
    }
}

/// About how many characters of Helvetica at `size` fit in `width` points (half an em a character).
fn chars_in(width: u32, size: u32) -> usize {
    (width * 2 / size.max(1)) as usize
}

/// The PDF bytes of `paragraphs`, flowing over as many pages as needed.
pub fn render(paragraphs: &[Paragraph]) -> Vec<u8> {
    let blocks: Vec<Block> = paragraphs.iter().cloned().map(Block::Text).collect();
    render_blocks(&blocks)
}

/// The PDF bytes of `blocks`: texts, table rows and bar charts.
pub fn render_blocks(blocks: &[Block]) -> Vec<u8> {
    let mut layout = Layout {
        pages: vec![Vec::new()],
        y: PAGE_HEIGHT - MARGIN,
    };
    for b in blocks {
        match b {
            Block::Text(p) => layout.paragraph(p),
            Block::Row(r) => layout.row(r),
            Block::Bars(b) => layout.bars(b),
        }
    }
    let pages = layout.pages;
    // Objects: 1 catalog, 2 pages, 3 and 4 fonts, then a page and its content for each page.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes());
    for font in ["Helvetica", "Helvetica-Bold"] {
        objects.push(
            format!("<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>").into_bytes(),
        );
    }
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R \
                 /F2 4 0 R >> >> /Contents {} 0 R >>",
                6 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend(content);
        stream.extend(b"endstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_in_a_well_formed_pdf() {
        let mut paragraphs = vec![Paragraph::title("Compétences acquises – Léa")];
        paragraphs
            .extend((0..80).map(|i| Paragraph::text(format!("Ligne {i} : œuvre, « citation », 1\u{202F}095 heures"))));
        let pdf = render(&paragraphs);
        let text = String::from_utf8_lossy(&pdf);
        assert!(pdf.starts_with(b"%PDF-1.4") && text.ends_with("%%EOF\n"));
        assert!(!text.contains("/Count 1 "), "80 paragraphs need more than one page");
        // é is 0xE9 in WinAnsi, written as an octal escape; œ is 0x9C.
        assert!(text.contains("Comp\\351tences") && text.contains("\\234uvre"));
        // Every object offset in the table points at its object (offsets count bytes: read the bytes).
        let xref_at: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let table = std::str::from_utf8(&pdf[xref_at..]).unwrap();
        for (i, line) in table.lines().skip(3).take(4).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                pdf[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
                "object {}",
                i + 1
            );
        }
    }

    #[test]
    fn table_rows_and_bars() {
        let pdf = render_blocks(&[
            Block::Row(Row {
                cells: vec!["Indicateur".into(), "T1".into(), "T2".into()],
                widths: vec![48, 48],
                bold: true,
            }),
            Block::Bars(Bars {
                bars: vec![("T1".into(), 2.0, "2".into()), ("T2".into(), 4.0, "4".into())],
            }),
        ]);
        let text = String::from_utf8_lossy(&pdf);
        // The row's cells side by side on one line: the first takes what the two others leave.
        let first = PAGE_WIDTH - 2 * MARGIN - 96;
        assert!(text.contains(&format!("/F2 9 Tf {} ", MARGIN + first)), "{text}");
        // Two bars, the largest at full length, the other at half.
        assert!(
            text.contains(&format!("{BAR_MAX:.1} 9 re f")) && text.contains("150.0 9 re f"),
            "{text}"
        );
        assert!(text.contains("(4) Tj"));
    }

    #[test]
    fn long_lines_wrap_at_spaces() {
        assert_eq!(wrap("un deux trois", 7), ["un deux", "trois"]);
    }
}
