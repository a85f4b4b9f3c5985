//! Flowing documents: paragraphs, table rows and bar charts, one after the other over as many pages as needed
//! (the person's file, the skills document, the annual report of an agreement).

use super::{Bar, Font, MARGIN_X, Pages, WIDTH, file, wrap};

/// One paragraph: its size, weight and text, wrapped to the page; each line of the text starts a line.
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

/// What a flowing document is made of.
#[derive(Clone)]
pub enum Block {
    Text(Paragraph),
    Row(Row),
    Bars(Bars),
}

const TABLE_SIZE: f32 = 9.0;
/// Room left between a cell's text and the next cell.
const CELL_GAP: f32 = 6.0;
const LABEL_WIDTH: f32 = 60.0;
const BAR_MAX: f32 = 300.0;
const BAR_ROW: f32 = 14.0;

impl Pages {
    fn paragraph(&mut self, p: &Paragraph) {
        let size = f32::from(p.size);
        self.y -= size / 2.0;
        for line in p.text.lines() {
            self.text(line, Font::of(p.bold), size, 0.0, 0.0, 0.0);
        }
    }

    fn row(&mut self, r: &Row) {
        let lead = TABLE_SIZE * 1.35;
        let font = Font::of(r.bold);
        let others: f32 = r.widths.iter().map(|w| *w as f32).sum();
        let widths: Vec<f32> = std::iter::once((WIDTH - others).max(0.0))
            .chain(r.widths.iter().map(|w| *w as f32))
            .collect();
        let cells: Vec<Vec<String>> = r
            .cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap(c, font, TABLE_SIZE, (w - CELL_GAP).max(0.0)))
            .collect();
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        self.keep(lead * lines as f32 + 3.0);
        self.y -= 3.0;
        let top = self.y;
        let mut x = MARGIN_X;
        for (cell, w) in cells.into_iter().zip(&widths) {
            for (i, line) in cell.into_iter().enumerate() {
                self.y = top - lead * (i as f32 + 1.0);
                self.place(x, font, TABLE_SIZE, line);
            }
            x += w;
        }
        self.y = top - lead * lines as f32;
    }

    fn bars(&mut self, b: &Bars) {
        let max = b.bars.iter().map(|(_, v, _)| *v).fold(0.0, f64::max);
        self.keep(BAR_ROW * b.bars.len().min(4) as f32 + 4.0);
        self.y -= 4.0;
        for (label, value, shown) in &b.bars {
            self.keep(BAR_ROW);
            self.y -= BAR_ROW;
            self.place(MARGIN_X, Font::Regular, TABLE_SIZE, label.clone());
            let width = if max > 0.0 { (value / max) as f32 * BAR_MAX } else { 0.0 };
            let x = MARGIN_X + LABEL_WIDTH;
            let y = self.y - 1.0;
            self.current().bars.push(Bar {
                x,
                y,
                width,
                height: TABLE_SIZE,
            });
            self.place(x + width + 4.0, Font::Regular, TABLE_SIZE, shown.clone());
        }
    }
}

/// The PDF bytes of `paragraphs`, flowing over as many pages as needed.
pub fn render(paragraphs: &[Paragraph]) -> Vec<u8> {
    let blocks: Vec<Block> = paragraphs.iter().cloned().map(Block::Text).collect();
    render_blocks(&blocks)
}

/// The PDF bytes of `blocks`: texts, table rows and bar charts; the first text is the document's title.
pub fn render_blocks(blocks: &[Block]) -> Vec<u8> {
    let mut pages = Pages::new();
    for b in blocks {
        match b {
            Block::Text(p) => pages.paragraph(p),
            Block::Row(r) => pages.row(r),
            Block::Bars(b) => pages.bars(b),
        }
    }
    let title = blocks.iter().find_map(|b| match b {
        Block::Text(p) => Some(p.text.as_str()),
        _ => None,
    });
    file(&pages.pages, title.unwrap_or_default())
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
        // é is 0xE9 in WinAnsi, œ is 0x9C; the streams are not compressed, the bytes are there.
        let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"Comp\xE9tences") && has(b"\x9Cuvre"));
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
        let first = WIDTH - 96.0;
        let line = |x: f32| format!("/F2 9.0 Tf 0.000 Tw {x:.2} ");
        let at = |x: f32| text.find(&line(x)).map(|i| &text[i + line(x).len()..][..6]);
        assert!(at(MARGIN_X).is_some() && at(MARGIN_X + first) == at(MARGIN_X), "{text}");
        assert_eq!(at(MARGIN_X + first + 48.0), at(MARGIN_X), "{text}");
        // Two bars, the largest at full length, the other at half.
        assert!(
            text.contains(&format!("{BAR_MAX:.1} 9 re f")) && text.contains("150.0 9 re f"),
            "{text}"
        );
        assert!(text.contains("(4) Tj"));
    }

    #[test]
    fn each_line_of_a_text_starts_a_line() {
        let pdf = render(&[Paragraph::text("Compétences :\nsoudure\nlecture de plans")]);
        let text = String::from_utf8_lossy(&pdf);
        assert!(
            text.contains("(soudure) Tj") && text.contains("(lecture de plans) Tj"),
            "{text}"
        );
    }
}
