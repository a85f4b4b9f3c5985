//! PDF files: A4 pages in DejaVu Sans, embedded as a subset (`face`), tagged for accessibility as PDF/UA-1
//! asks (title, language fr-FR, headings, paragraphs, lists, contents, tables with header cells, charts as
//! figures with their text, in reading order; the page numbers are artifacts), "Page n sur N" at the foot of
//! every page, written with krilla (`write`). One page model serves two kinds of documents: conventions
//! (`convention`: table of contents, justified paragraphs, signature blocks) and flowing documents of
//! paragraphs, table rows and bar charts (`flow`: the person's file, the skills document, the annual report
//! of an agreement). The texts come with their French no-break spaces (`typography`), which never break a line.

mod convention;
mod face;
mod flow;
mod write;

pub(crate) use convention::render as convention;
pub use flow::{Bars, Block, Paragraph, Row, render, render_blocks};

use face::Face;
use write::file;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 62.0;
const TOP: f32 = PAGE_H - 64.0;
const BOTTOM: f32 = 70.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN_X;

#[derive(Clone, Copy, PartialEq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn of(bold: bool) -> Self {
        if bold { Self::Bold } else { Self::Regular }
    }

    fn face(self) -> &'static Face {
        match self {
            Self::Regular => &face::REGULAR,
            Self::Bold => &face::BOLD,
        }
    }
}

fn text_width(s: &str, font: Font, size: f32) -> f32 {
    font.face().width(s, size)
}

/// Breaks `text` into lines of at most `width` points, at ordinary spaces only.
fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
    let space = text_width(" ", font, size);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_width = text_width(word, font, size);
        if line.is_empty() {
            line.push_str(word);
            line_width = word_width;
        } else if line_width + space + word_width > width {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
            line_width = word_width;
        } else {
            line.push(' ');
            line.push_str(word);
            line_width += space + word_width;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A line of text at its place.
struct Placed {
    x: f32,
    y: f32,
    font: Font,
    size: f32,
    text: String,
    /// Extra width of each ordinary space, in points, that justifies the line (0 for a ragged line).
    word_spacing: f32,
}

/// A filled rectangle (a bar of a chart), its lower left corner at `x`, `y`.
struct Bar {
    x: f32,
    y: f32,
    width: f32,
    height: f32,
}

#[derive(Default)]
struct Page {
    lines: Vec<Placed>,
    bars: Vec<Bar>,
}

/// What a part of the document is, in the tag tree that assistive technologies follow.
#[derive(Clone, Debug, PartialEq)]
enum Role {
    Heading(u16),
    Paragraph,
    List,
    ListItem,
    Contents,
    ContentsEntry,
    Table,
    Row,
    HeaderCell,
    Cell,
    /// A chart, with the text that says what it shows.
    Figure(String),
}

/// A part of the tag tree: its role and what it holds, in reading order.
struct Node {
    role: Role,
    children: Vec<Child>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Child {
    Node(usize),
    /// A line of text, by page and rank on the page.
    Line(usize, usize),
    /// A bar of a chart, by page and rank on the page.
    Bar(usize, usize),
}

/// How a text is set: its font and size, its indent, the space above it, the room it keeps for what follows
/// it on its page (a heading is not left alone at the foot of a page), and whether it is justified.
#[derive(Clone, Copy)]
struct Style {
    font: Font,
    size: f32,
    indent: f32,
    before: f32,
    keep_with_next: f32,
    justify: bool,
}

impl Style {
    const fn ragged(font: Font, size: f32, before: f32, keep_with_next: f32) -> Self {
        Self {
            font,
            size,
            indent: 0.0,
            before,
            keep_with_next,
            justify: false,
        }
    }
}

/// Pages being filled from the top, and the tag tree of what they hold.
struct Pages {
    pages: Vec<Page>,
    y: f32,
    nodes: Vec<Node>,
    /// The parts at the top of the tree, in reading order.
    roots: Vec<usize>,
}

impl Pages {
    fn new() -> Self {
        Self {
            pages: vec![Page::default()],
            y: TOP,
            nodes: Vec::new(),
            roots: Vec::new(),
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    fn current(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page unless `height` points still fit on this one.
    fn keep(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// Opens a part of the tag tree inside `parent` (at the top if none), after what it already holds.
    fn open(&mut self, role: Role, parent: Option<usize>) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            role,
            children: Vec::new(),
        });
        match parent {
            Some(p) => self.nodes[p].children.push(Child::Node(id)),
            None => self.roots.push(id),
        }
        id
    }

    /// Writes one line of ragged text of `node` at `x`, on the current line `y`.
    fn place(&mut self, node: usize, x: f32, font: Font, size: f32, text: String) {
        self.put(
            node,
            Placed {
                x,
                y: self.y,
                font,
                size,
                text,
                word_spacing: 0.0,
            },
        );
    }

    fn put(&mut self, node: usize, line: Placed) {
        let page = self.pages.len() - 1;
        let page_lines = &mut self.current().lines;
        page_lines.push(line);
        let rank = page_lines.len() - 1;
        self.nodes[node].children.push(Child::Line(page, rank));
    }

    /// Draws a bar of the chart `node`.
    fn bar(&mut self, node: usize, bar: Bar) {
        let page = self.pages.len() - 1;
        let bars = &mut self.current().bars;
        bars.push(bar);
        let rank = bars.len() - 1;
        self.nodes[node].children.push(Child::Bar(page, rank));
    }

    /// Writes `text` as a new part of the document in the role `role`; returns the page index of its first line.
    fn text(&mut self, role: Role, text: &str, style: Style) -> usize {
        let node = self.open(role, None);
        self.lines(node, text, style)
    }

    /// Writes `text` wrapped into `node`; returns the page index of its first line. A justified text fills
    /// the width with every line but the last.
    fn lines(&mut self, node: usize, text: &str, style: Style) -> usize {
        let Style {
            font,
            size,
            indent,
            before,
            keep_with_next,
            justify,
        } = style;
        let lead = size * 1.35;
        let width = WIDTH - indent;
        let lines = wrap(text, font, size, width);
        let count = lines.len();
        self.y -= before;
        self.keep(lead * count.min(3) as f32 + keep_with_next);
        let first = self.pages.len() - 1;
        for (i, line) in lines.into_iter().enumerate() {
            self.keep(lead);
            self.y -= lead;
            let spaces = line.matches(' ').count();
            let word_spacing = if justify && i + 1 < count && spaces > 0 {
                (width - text_width(&line, font, size)) / spaces as f32
            } else {
                0.0
            };
            self.put(
                node,
                Placed {
                    x: MARGIN_X + indent,
                    y: self.y,
                    font,
                    size,
                    text: line,
                    word_spacing,
                },
            );
        }
        first
    }

    /// `self` followed by the pages of `next`, its tree after this one's.
    fn then(mut self, next: Pages) -> Pages {
        let (pages, nodes) = (self.pages.len(), self.nodes.len());
        let shift = |c: Child| match c {
            Child::Node(n) => Child::Node(n + nodes),
            Child::Line(p, r) => Child::Line(p + pages, r),
            Child::Bar(p, r) => Child::Bar(p + pages, r),
        };
        self.nodes.extend(next.nodes.into_iter().map(|n| Node {
            role: n.role,
            children: n.children.into_iter().map(shift).collect(),
        }));
        self.roots.extend(next.roots.into_iter().map(|r| r + nodes));
        self.pages.extend(next.pages);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_and_justification() {
        let lines = wrap(
            "un deux trois quatre cinq six sept huit neuf dix",
            Font::Regular,
            10.0,
            80.0,
        );
        assert!(lines.len() > 1 && lines.iter().all(|l| text_width(l, Font::Regular, 10.0) <= 80.0));
        // A no-break space is not a place to break: « Objet : » stays on one line.
        assert_eq!(wrap("a\u{a0}:", Font::Regular, 10.0, 1.0), vec!["a\u{a0}:".to_string()]);
        let mut p = Pages::new();
        let style = Style {
            justify: true,
            ..Style::ragged(Font::Regular, 10.0, 0.0, 0.0)
        };
        p.text(Role::Paragraph, &"mot ".repeat(60), style);
        let placed = &p.pages[0].lines;
        let (first, last) = (&placed[0], placed.last().unwrap());
        let spaces = first.text.matches(' ').count() as f32;
        let filled = text_width(&first.text, Font::Regular, 10.0) + spaces * first.word_spacing;
        assert!((filled - WIDTH).abs() < 0.01, "{filled}");
        assert_eq!(last.word_spacing, 0.0);
    }

    #[test]
    fn a_second_part_follows_on_its_own_pages() {
        let mut cover = Pages::new();
        cover.text(Role::Heading(1), "Titre", Style::ragged(Font::Bold, 18.0, 0.0, 0.0));
        let mut body = Pages::new();
        body.text(Role::Paragraph, "Texte", Style::ragged(Font::Regular, 10.0, 0.0, 0.0));
        let both = cover.then(body);
        assert_eq!(both.pages.len(), 2);
        assert_eq!(both.roots, [0, 1]);
        assert_eq!(both.nodes[1].children, [Child::Line(1, 0)]);
        assert_eq!(both.pages[1].lines[0].text, "Texte");
    }

    #[test]
    fn long_lines_wrap_at_spaces() {
        let two_words = text_width("un deux", Font::Regular, 10.0);
        assert_eq!(
            wrap("un deux trois", Font::Regular, 10.0, two_words + 1.0),
            ["un deux", "trois"]
        );
    }
}
