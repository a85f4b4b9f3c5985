//! Flowing documents: paragraphs, table rows and bar charts, one after the other over as many pages as needed
//! (the person's file, the skills document, the annual report of an agreement). Consecutive rows make one
//! table, whose bold rows are header rows; a chart is a figure whose text gives its labels and values.

use super::{Bar, Font, MARGIN_X, Pages, Role, Style, WIDTH, file, wrap};

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

    /// A bold text is a heading, of the first level at the title's size, the second at a heading's, the third
    /// below; any other text is a paragraph.
    fn role(&self) -> Role {
        match (self.bold, self.size) {
            (false, _) | (true, ..=10) => Role::Paragraph,
            (true, 11) => Role::Heading(3),
            (true, 12..=15) => Role::Heading(2),
            (true, 16..) => Role::Heading(1),
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
        let node = self.open(p.role(), None);
        for line in p.text.lines() {
            self.lines(node, line, Style::ragged(Font::of(p.bold), size, 0.0, 0.0));
        }
    }

    /// Writes a row of the table `table`.
    fn row(&mut self, table: usize, r: &Row) {
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
        let row = self.open(Role::Row, Some(table));
        let role = if r.bold { Role::HeaderCell } else { Role::Cell };
        let mut x = MARGIN_X;
        for (cell, w) in cells.into_iter().zip(&widths) {
            let node = self.open(role.clone(), Some(row));
            for (i, line) in cell.into_iter().enumerate() {
                self.y = top - lead * (i as f32 + 1.0);
                self.place(node, x, font, TABLE_SIZE, line);
            }
            x += w;
        }
        self.y = top - lead * lines as f32;
    }

    fn bars(&mut self, b: &Bars) {
        let max = b.bars.iter().map(|(_, v, _)| *v).fold(0.0, f64::max);
        let alt = b
            .bars
            .iter()
            .map(|(label, _, shown)| format!("{label}\u{a0}: {shown}"))
            .collect::<Vec<_>>()
            .join(" ; ");
        let figure = self.open(Role::Figure(format!("Graphique en barres. {alt}")), None);
        self.keep(BAR_ROW * b.bars.len().min(4) as f32 + 4.0);
        self.y -= 4.0;
        for (label, value, shown) in &b.bars {
            self.keep(BAR_ROW);
            self.y -= BAR_ROW;
            self.place(figure, MARGIN_X, Font::Regular, TABLE_SIZE, label.clone());
            let width = if max > 0.0 { (value / max) as f32 * BAR_MAX } else { 0.0 };
            let x = MARGIN_X + LABEL_WIDTH;
            let y = self.y - 1.0;
            self.bar(
                figure,
                Bar {
                    x,
                    y,
                    width,
                    height: TABLE_SIZE,
                },
            );
            self.place(figure, x + width + 4.0, Font::Regular, TABLE_SIZE, shown.clone());
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
    let title = blocks.iter().find_map(|b| match b {
        Block::Text(p) => Some(p.text.as_str()),
        _ => None,
    });
    file(&layout(blocks), title.unwrap_or_default())
}

/// `blocks` on pages; consecutive rows make one table.
fn layout(blocks: &[Block]) -> Pages {
    let mut pages = Pages::new();
    let mut table = None;
    for b in blocks {
        match b {
            Block::Text(p) => pages.paragraph(p),
            Block::Row(r) => {
                let of = *table.get_or_insert_with(|| pages.open(Role::Table, None));
                pages.row(of, r);
            }
            Block::Bars(b) => pages.bars(b),
        }
        if !matches!(b, Block::Row(_)) {
            table = None;
        }
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::Child;

    #[test]
    fn rows_make_a_table_and_bars_a_described_figure() {
        let row = |bold| {
            Block::Row(Row {
                cells: vec!["Indicateur".into(), "T1".into(), "T2".into()],
                widths: vec![48, 48],
                bold,
            })
        };
        let pages = layout(&[
            row(true),
            row(false),
            Block::Bars(Bars {
                bars: vec![("T1".into(), 2.0, "2".into()), ("T2".into(), 4.0, "4".into())],
            }),
        ]);
        let roles: Vec<&Role> = pages.roots.iter().map(|&r| &pages.nodes[r].role).collect();
        assert_eq!(
            roles,
            [
                &Role::Table,
                &Role::Figure("Graphique en barres. T1\u{a0}: 2 ; T2\u{a0}: 4".into())
            ]
        );
        // The header row's cells are header cells, the next row's data cells; each cell holds its line.
        let rows: Vec<usize> = pages.nodes[pages.roots[0]]
            .children
            .iter()
            .map(|c| match c {
                Child::Node(n) => *n,
                other => panic!("{other:?}"),
            })
            .collect();
        let cells = |row: usize| -> Vec<Role> {
            pages.nodes[row]
                .children
                .iter()
                .map(|c| match c {
                    Child::Node(n) => pages.nodes[*n].role.clone(),
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        assert_eq!(cells(rows[0]), vec![Role::HeaderCell; 3]);
        assert_eq!(cells(rows[1]), vec![Role::Cell; 3]);
        // The bars at the scale of the largest: the largest at full length, the other at half.
        let widths: Vec<f32> = pages.pages[0].bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, [BAR_MAX / 2.0, BAR_MAX]);
    }

    #[test]
    fn an_empty_document_is_still_a_pdf() {
        let pdf = render_blocks(&[]);
        assert!(pdf.starts_with(b"%PDF-1.7") && pdf.len() > 1_000);
    }

    #[test]
    fn text_sizes_make_heading_levels() {
        assert_eq!(Paragraph::title("a").role(), Role::Heading(1));
        assert_eq!(Paragraph::heading("a").role(), Role::Heading(2));
        let family = Paragraph {
            size: 11,
            bold: true,
            text: "a".into(),
        };
        assert_eq!(family.role(), Role::Heading(3));
        let target = Paragraph {
            size: 10,
            bold: true,
            text: "a".into(),
        };
        assert_eq!(target.role(), Role::Paragraph);
        assert_eq!(Paragraph::text("a").role(), Role::Paragraph);
    }
}
