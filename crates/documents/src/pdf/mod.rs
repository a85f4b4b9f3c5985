//! PDF 1.4 files: A4 pages, the standard Helvetica fonts in WinAnsi encoding (no font to embed; characters
//! outside it degrade as `win_ansi` says), "Page n sur N" at the foot of every page. One page model and one
//! writer serve two kinds of documents: conventions (`convention`: table of contents, justified paragraphs,
//! signature blocks) and flowing documents of paragraphs, table rows and bar charts (`flow`: the person's
//! file, the skills document, the annual report of an agreement). The texts come with their French no-break
//! spaces (`typography`), which never break a line.

mod convention;
mod flow;

pub(crate) use convention::render as convention;
pub use flow::{Bars, Block, Paragraph, Row, render, render_blocks};

use crate::win_ansi::{encode, width};

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
}

fn text_width(s: &str, font: Font, size: f32) -> f32 {
    // Helvetica-Bold is about a tenth wider than Helvetica; its own widths are not worth a second table.
    let factor = if font == Font::Bold { 1.1 } else { 1.0 };
    let thousandths: u32 = encode(s).into_iter().map(|b| u32::from(width(b))).sum();
    thousandths as f32 * size / 1000.0 * factor
}

/// Breaks `text` into lines of at most `width` points, at ordinary spaces only.
fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, font, size) > width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        } else {
            line = candidate;
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

/// Pages being filled from the top.
struct Pages {
    pages: Vec<Page>,
    y: f32,
}

impl Pages {
    fn new() -> Self {
        Self {
            pages: vec![Page::default()],
            y: TOP,
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

    /// Writes one line of ragged text at `x`, on the current line `y`.
    fn place(&mut self, x: f32, font: Font, size: f32, text: String) {
        let y = self.y;
        self.current().lines.push(Placed {
            x,
            y,
            font,
            size,
            text,
            word_spacing: 0.0,
        });
    }

    /// Writes `text` wrapped, with `before` points of space above; returns the page index of its first line.
    fn text(&mut self, text: &str, font: Font, size: f32, indent: f32, before: f32, keep_with_next: f32) -> usize {
        self.lines(text, font, size, indent, before, keep_with_next, false)
    }

    /// Writes `text` as a justified paragraph: every line but the last fills the width.
    fn justified(&mut self, text: &str, size: f32, indent: f32, before: f32) -> usize {
        self.lines(text, Font::Regular, size, indent, before, 0.0, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn lines(
        &mut self,
        text: &str,
        font: Font,
        size: f32,
        indent: f32,
        before: f32,
        keep_with_next: f32,
        justify: bool,
    ) -> usize {
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
            let y = self.y;
            self.current().lines.push(Placed {
                x: MARGIN_X + indent,
                y,
                font,
                size,
                text: line,
                word_spacing,
            });
        }
        first
    }
}

fn escape_string(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 2);
    out.push(b'(');
    for b in encode(text) {
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// The content stream of one page: its lines, its bars, and its foot.
fn content(page: &Page, footer: &Placed) -> Vec<u8> {
    let mut stream = Vec::new();
    for l in page.lines.iter().chain(std::iter::once(footer)) {
        let font = if l.font == Font::Bold { "F2" } else { "F1" };
        // Tw widens the ordinary spaces (code 32) only: no-break spaces keep their width.
        stream.extend(
            format!(
                "BT /{font} {:.1} Tf {:.3} Tw {:.2} {:.2} Td ",
                l.size, l.word_spacing, l.x, l.y
            )
            .as_bytes(),
        );
        stream.extend(escape_string(&l.text));
        stream.extend(b" Tj ET\n");
    }
    for b in &page.bars {
        // The bars in the DSFR's blue France, then back to black for the text.
        stream.extend(
            format!(
                "0 0 0.57 rg {:.2} {:.2} {:.1} {} re f 0 g\n",
                b.x, b.y, b.width, b.height
            )
            .as_bytes(),
        );
    }
    stream
}

/// The PDF file of `pages`, titled `title` in its properties.
fn file(pages: &[Page], title: &str) -> Vec<u8> {
    let total = pages.len();
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    };
    // 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then a page and its content per page.
    let kids: Vec<String> = (0..total).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R /Lang (fr-FR) >>");
    object(
        &mut out,
        format!("<< /Type /Pages /Kids [{}] /Count {total} >>", kids.join(" ")).as_bytes(),
    );
    for name in ["Helvetica", "Helvetica-Bold"] {
        object(
            &mut out,
            format!("<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>").as_bytes(),
        );
    }
    let mut info = b"<< /Title ".to_vec();
    info.extend(escape_string(title));
    info.extend(b" /Producer (Passerelle) >>");
    object(&mut out, &info);
    for (i, page) in pages.iter().enumerate() {
        let text = format!("Page {} sur {total}", i + 1);
        let footer = Placed {
            x: (PAGE_W - text_width(&text, Font::Regular, 9.0)) / 2.0,
            y: 36.0,
            font: Font::Regular,
            size: 9.0,
            text,
            word_spacing: 0.0,
        };
        let stream = content(page, &footer);
        object(
            &mut out,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                7 + 2 * i
            )
            .as_bytes(),
        );
        let mut body = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        body.extend(&stream);
        body.extend(b"\nendstream");
        object(&mut out, &body);
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for o in &offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
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
        p.justified(&"mot ".repeat(60), 10.0, 0.0, 0.0);
        let placed = &p.pages[0].lines;
        let (first, last) = (&placed[0], placed.last().unwrap());
        let spaces = first.text.matches(' ').count() as f32;
        let filled = text_width(&first.text, Font::Regular, 10.0) + spaces * first.word_spacing;
        assert!((filled - WIDTH).abs() < 0.01, "{filled}");
        assert_eq!(last.word_spacing, 0.0);
    }

    #[test]
    fn long_lines_wrap_at_spaces() {
        // « un deux » is 35.6 points wide at 10 points, « un deux trois » 57.3.
        assert_eq!(wrap("un deux trois", Font::Regular, 10.0, 40.0), ["un deux", "trois"]);
    }
}
