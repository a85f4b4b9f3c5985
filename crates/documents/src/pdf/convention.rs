//! A convention as a PDF: a cover with the table of contents and its page numbers, justified paragraphs, and
//! one signature block per party.

use super::{Font, MARGIN_X, PAGE_W, Page, Pages, WIDTH, file, text_width, wrap};
use crate::layout::{Block, Document};
use passerelle_domain::calendar::french_date;

/// Room kept on the right of a contents entry for its page number.
const PAGE_NUMBER_ROOM: f32 = 36.0;

/// Lays out the body; returns its pages and the page of each heading (0-based, within the body).
fn body(doc: &Document) -> (Vec<Page>, Vec<usize>) {
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
fn cover(doc: &Document, numbers: &[usize]) -> Vec<Page> {
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
            p.place(MARGIN_X + indent, Font::Regular, size, line);
            if i + 1 == count {
                let number = n.to_string();
                let x = PAGE_W - MARGIN_X - text_width(&number, Font::Regular, size);
                p.place(x, Font::Regular, size, number);
            }
        }
    }
    p.pages
}

pub fn render(doc: &Document) -> Vec<u8> {
    let (body_pages, heading_pages) = body(doc);
    // The cover's length does not depend on the page numbers it prints: lay it out once to count its pages.
    let cover_len = cover(doc, &vec![0; heading_pages.len()]).len();
    let numbers: Vec<usize> = heading_pages.iter().map(|p| p + cover_len + 1).collect();
    let mut pages = cover(doc, &numbers);
    pages.extend(body_pages);
    file(&pages, &doc.title)
}
