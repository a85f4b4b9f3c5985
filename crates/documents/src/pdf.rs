//! The document as a PDF 1.4 file: A4 pages, the standard Helvetica fonts in WinAnsi encoding (no font to
//! embed; characters outside it degrade as `win_ansi` says), justified paragraphs, a table of contents with
//! page numbers on the first page, "page n sur N" at the foot of every page, and one signature block per
//! party. The texts come with their French no-break spaces (`typography`), which never break a line.

use crate::layout::{Block, Document};
use crate::win_ansi::{encode, width};
use passerelle_domain::calendar::french_date;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 62.0;
const TOP: f32 = PAGE_H - 64.0;
const BOTTOM: f32 = 70.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN_X;
/// Room kept on the right of a contents entry for its page number.
const PAGE_NUMBER_ROOM: f32 = 36.0;

#[derive(Clone, Copy, PartialEq)]
enum Font {
    Regular,
    Bold,
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

struct Placed {
    x: f32,
    y: f32,
    font: Font,
    size: f32,
    text: String,
    /// Extra width of each ordinary space, in points, that justifies the line (0 for a ragged line).
    word_spacing: f32,
}

/// Pages being filled from the top.
struct Pages {
    pages: Vec<Vec<Placed>>,
    y: f32,
}

impl Pages {
    fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` points still fit on this one.
    fn keep(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
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
            let page = self.pages.len() - 1;
            self.pages[page].push(Placed {
                x: MARGIN_X + indent,
                y: self.y,
                font,
                size,
                text: line,
                word_spacing,
            });
        }
        first
    }
}

/// Lays out the body from page `first_page` (0-based); returns its pages and the page of each heading.
fn body(doc: &Document) -> (Vec<Vec<Placed>>, Vec<usize>) {
    let mut p = Pages::new();
    let mut heading_pages = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Heading(t) => heading_pages.push(p.text(t, Font::Bold, 13.0, 0.0, 12.0, 40.0)),
            Block::Subheading(t) => heading_pages.push(p.text(t, Font::Bold, 11.5, 0.0, 8.0, 30.0)),
            Block::Minor(t) => {
                p.text(t, Font::Bold, 10.5, 0.0, 6.0, 24.0);
            }
            Block::Paragraph(t) => {
                p.justified(t, 10.0, 0.0, 3.0);
            }
            Block::Bullet(t) => {
                p.justified(&format!("•\u{a0}{t}"), 10.0, 14.0, 1.0);
            }
        }
    }
    p.text("Signatures", Font::Bold, 13.0, 0.0, 12.0, 40.0);
    for s in &doc.signatures {
        let date = s
            .signed_on
            .map(|d| format!("Signé le {}", french_date(d)))
            .unwrap_or_else(|| "Le\u{a0}:".into());
        p.keep(110.0);
        p.text(&s.party, Font::Bold, 10.5, 0.0, 10.0, 60.0);
        p.text(
            &format!("{}, {}", s.representative, s.capacity),
            Font::Regular,
            10.0,
            0.0,
            0.0,
            50.0,
        );
        p.text(&date, Font::Regular, 10.0, 0.0, 0.0, 40.0);
        p.y -= 40.0; // room for the handwritten signature
    }
    (p.pages, heading_pages)
}

/// The cover: title, subtitle, and the contents with the page numbers `numbers` (one per entry).
fn cover(doc: &Document, numbers: &[usize]) -> Vec<Vec<Placed>> {
    let mut p = Pages::new();
    p.text(&doc.title, Font::Bold, 18.0, 0.0, 0.0, 0.0);
    p.text(&doc.subtitle, Font::Regular, 11.0, 0.0, 6.0, 0.0);
    p.text("Sommaire", Font::Bold, 13.0, 0.0, 24.0, 20.0);
    for ((level, entry), n) in doc.contents().zip(numbers) {
        let indent = f32::from(level) * 14.0;
        let size = 10.0;
        let lines = wrap(entry, Font::Regular, size, WIDTH - indent - PAGE_NUMBER_ROOM);
        let count = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            p.keep(size * 1.35);
            p.y -= size * 1.35;
            let page = p.pages.len() - 1;
            p.pages[page].push(Placed {
                x: MARGIN_X + indent,
                y: p.y,
                font: Font::Regular,
                size,
                text: line,
                word_spacing: 0.0,
            });
            if i + 1 == count {
                let number = n.to_string();
                let x = PAGE_W - MARGIN_X - text_width(&number, Font::Regular, size);
                p.pages[page].push(Placed {
                    x,
                    y: p.y,
                    font: Font::Regular,
                    size,
                    text: number,
                    word_spacing: 0.0,
                });
            }
        }
    }
    p.pages
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

pub fn render(doc: &Document) -> Vec<u8> {
    let (body_pages, heading_pages) = body(doc);
    // The cover's length does not depend on the page numbers it prints: lay it out once to count its pages.
    let cover_len = cover(doc, &vec![0; heading_pages.len()]).len();
    let numbers: Vec<usize> = heading_pages.iter().map(|p| p + cover_len + 1).collect();
    let mut pages = cover(doc, &numbers);
    pages.extend(body_pages);
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
    info.extend(escape_string(&doc.title));
    info.extend(b" /Producer (Passerelle) >>");
    object(&mut out, &info);
    for (i, page) in pages.iter().enumerate() {
        let mut stream = Vec::new();
        let footer = Placed {
            x: 0.0,
            y: 36.0,
            font: Font::Regular,
            size: 9.0,
            text: format!("Page {} sur {total}", i + 1),
            word_spacing: 0.0,
        };
        let footer_x = (PAGE_W - text_width(&footer.text, Font::Regular, 9.0)) / 2.0;
        for (l, x) in page
            .iter()
            .map(|l| (l, l.x))
            .chain(std::iter::once((&footer, footer_x)))
        {
            let font = if l.font == Font::Bold { "F2" } else { "F1" };
            // Tw widens the ordinary spaces (code 32) only: no-break spaces keep their width.
            stream.extend(
                format!(
                    "BT /{font} {:.1} Tf {:.3} Tw {x:.2} {:.2} Td ",
                    l.size, l.word_spacing, l.y
                )
                .as_bytes(),
            );
            stream.extend(escape_string(&l.text));
            stream.extend(b" Tj ET\n");
        }
        object(
            &mut out,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                7 + 2 * i
            )
            .as_bytes(),
        );
        let mut content = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        content.extend(&stream);
        content.extend(b"\nendstream");
        object(&mut out, &content);
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
        let placed = &p.pages[0];
        let (first, last) = (&placed[0], placed.last().unwrap());
        let spaces = first.text.matches(' ').count() as f32;
        let filled = text_width(&first.text, Font::Regular, 10.0) + spaces * first.word_spacing;
        assert!((filled - WIDTH).abs() < 0.01, "{filled}");
        assert_eq!(last.word_spacing, 0.0);
    }
}
