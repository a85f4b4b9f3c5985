//! A convention as a PDF: a cover with the table of contents and its page numbers, justified paragraphs, and
//! one signature block per party. The title is the first heading, the articles the second level, their parts
//! the third and fourth; consecutive bullets make one list.

use super::{Font, MARGIN_X, PAGE_W, Pages, Role, Style, WIDTH, file, text_width, wrap};
use crate::layout::{Block, Document};
use passerelle_domain::calendar::french_date;

/// Room kept on the right of a contents entry for its page number.
const PAGE_NUMBER_ROOM: f32 = 36.0;

const TITLE: Style = Style::ragged(Font::Bold, 18.0, 0.0, 0.0);
const SUBTITLE: Style = Style::ragged(Font::Regular, 11.0, 6.0, 0.0);
const HEADING: Style = Style::ragged(Font::Bold, 13.0, 12.0, 40.0);
const SUBHEADING: Style = Style::ragged(Font::Bold, 11.5, 8.0, 30.0);
const MINOR: Style = Style::ragged(Font::Bold, 10.5, 6.0, 24.0);
const PARAGRAPH: Style = Style {
    justify: true,
    ..Style::ragged(Font::Regular, 10.0, 3.0, 0.0)
};
const BULLET: Style = Style {
    indent: 14.0,
    before: 1.0,
    ..PARAGRAPH
};
const PARTY: Style = Style::ragged(Font::Bold, 10.5, 10.0, 60.0);
const SIGNATORY: Style = Style::ragged(Font::Regular, 10.0, 0.0, 50.0);
const SIGNED_ON: Style = Style::ragged(Font::Regular, 10.0, 0.0, 40.0);

/// Lays out the body; returns its pages and the page of each heading (0-based, within the body).
fn body(doc: &Document) -> (Pages, Vec<usize>) {
    let mut p = Pages::new();
    let mut heading_pages = Vec::new();
    let mut list = None;
    for b in &doc.blocks {
        if !matches!(b, Block::Bullet(_)) {
            list = None;
        }
        match b {
            Block::Heading(t) => heading_pages.push(p.text(Role::Heading(2), t, HEADING)),
            Block::Subheading(t) => heading_pages.push(p.text(Role::Heading(3), t, SUBHEADING)),
            Block::Minor(t) => {
                p.text(Role::Heading(4), t, MINOR);
            }
            Block::Paragraph(t) => {
                p.text(Role::Paragraph, t, PARAGRAPH);
            }
            Block::Bullet(t) => {
                let of = *list.get_or_insert_with(|| p.open(Role::List, None));
                let item = p.open(Role::ListItem, Some(of));
                p.lines(item, &format!("•\u{a0}{t}"), BULLET);
            }
        }
    }
    p.text(Role::Heading(2), "Signatures", HEADING);
    for s in &doc.signatures {
        let date = s
            .signed_on
            .map(|d| format!("Signé le {}", french_date(d)))
            .unwrap_or_else(|| "Le\u{a0}:".into());
        p.keep(110.0);
        p.text(Role::Paragraph, &s.party, PARTY);
        let signatory = p.open(Role::Paragraph, None);
        p.lines(signatory, &format!("{}, {}", s.representative, s.capacity), SIGNATORY);
        p.lines(signatory, &date, SIGNED_ON);
        p.y -= 40.0; // room for the handwritten signature
    }
    (p, heading_pages)
}

/// The cover: title, subtitle, and the contents with the page numbers `numbers` (one per entry).
fn cover(doc: &Document, numbers: &[usize]) -> Pages {
    let mut p = Pages::new();
    p.text(Role::Heading(1), &doc.title, TITLE);
    p.text(Role::Paragraph, &doc.subtitle, SUBTITLE);
    p.text(
        Role::Heading(2),
        "Sommaire",
        Style::ragged(Font::Bold, 13.0, 24.0, 20.0),
    );
    let contents = p.open(Role::Contents, None);
    for ((level, entry), n) in doc.contents().zip(numbers) {
        let item = p.open(Role::ContentsEntry, Some(contents));
        let indent = f32::from(level) * 14.0;
        let size = 10.0;
        let lines = wrap(entry, Font::Regular, size, WIDTH - indent - PAGE_NUMBER_ROOM);
        let count = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            p.keep(size * 1.35);
            p.y -= size * 1.35;
            p.place(item, MARGIN_X + indent, Font::Regular, size, line);
            if i + 1 == count {
                let number = n.to_string();
                let x = PAGE_W - MARGIN_X - text_width(&number, Font::Regular, size);
                p.place(item, x, Font::Regular, size, number);
            }
        }
    }
    p
}

pub fn render(doc: &Document) -> Vec<u8> {
    let (body, heading_pages) = body(doc);
    // The cover's length does not depend on the page numbers it prints: lay it out once to count its pages.
    let cover_len = cover(doc, &vec![0; heading_pages.len()]).pages.len();
    let numbers: Vec<usize> = heading_pages.iter().map(|p| p + cover_len + 1).collect();
    file(&cover(doc, &numbers).then(body), &doc.title)
}
