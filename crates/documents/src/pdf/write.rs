//! The PDF file of laid-out pages, written with krilla: each line of text drawn with its glyphs (krilla embeds
//! the subset of the font they need, with the map back to their characters) and marked as a span of its part
//! of the tag tree; the page numbers marked as artifacts; the headings as bookmarks too. The file declares
//! PDF/UA-1, which krilla checks as it writes (a title, everything tagged, headings with their text, an
//! outline, no character without its glyph).

use std::collections::HashMap;
use std::num::NonZeroU16;

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, SpanTag, TableHeaderScope, Tag, TagGroup, TagKind,
    TagTree,
};
use krilla::{Document, SerializeSettings};

use super::{Bar, Child, Font, Node, PAGE_H, PAGE_W, Pages, Placed, Role, text_width};

/// The language of every document.
const LANGUAGE: &str = "fr-FR";

/// The PDF file of `pages`, titled `title` in its properties.
pub(super) fn file(pages: &Pages, title: &str) -> Vec<u8> {
    let title = if title.trim().is_empty() { "Document" } else { title };
    let ua = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map(|configuration| SerializeSettings {
            configuration,
            ..SerializeSettings::default()
        });
    // PDF/UA-1 refuses what it cannot check; the layout gives it every tag it asks for, but should a document
    // still fail the check, the reader gets the same tagged file without the declaration rather than nothing.
    ua.ok()
        .and_then(|settings| write(pages, title, settings).ok())
        .or_else(|| write(pages, title, SerializeSettings::default()).ok())
        .expect("a tagged PDF of embedded DejaVu Sans text and rectangles is always writable")
}

fn write(pages: &Pages, title: &str, settings: SerializeSettings) -> krilla::error::KrillaResult<Vec<u8>> {
    let mut document = Document::new_with(settings);
    let total = pages.pages.len();
    let mut marked: HashMap<Child, Identifier> = HashMap::new();
    let size = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4 is a page size");
    for (p, page) in pages.pages.iter().enumerate() {
        let mut pdf_page = document.start_page_with(size.clone());
        let mut surface = pdf_page.surface();
        for (rank, line) in page.lines.iter().enumerate() {
            let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
            draw(&mut surface, line);
            surface.end_tagged();
            marked.insert(Child::Line(p, rank), id);
        }
        // The bars in the DSFR's blue France.
        surface.set_fill(Some(Fill {
            paint: rgb::Color::new(0, 0, 145).into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
        for (rank, bar) in page.bars.iter().enumerate() {
            if let Some(path) = rectangle(bar) {
                let id = surface.start_tagged(ContentTag::Other);
                surface.draw_path(&path);
                surface.end_tagged();
                marked.insert(Child::Bar(p, rank), id);
            }
        }
        surface.set_fill(None);
        let text = format!("Page {} sur {total}", p + 1);
        let footer = Placed {
            x: (PAGE_W - text_width(&text, Font::Regular, 9.0)) / 2.0,
            y: 36.0,
            font: Font::Regular,
            size: 9.0,
            text,
            word_spacing: 0.0,
        };
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::PageNumber)));
        draw(&mut surface, &footer);
        surface.end_tagged();
        surface.finish();
        pdf_page.finish();
    }
    let mut tree = TagTree::new().with_lang(Some(LANGUAGE.to_owned()));
    for &root in &pages.roots {
        tree.push(group(pages, root, &mut marked));
    }
    document.set_tag_tree(tree);
    document.set_outline(outline(pages));
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .language(LANGUAGE.to_owned())
            .producer("Passerelle".to_owned()),
    );
    document.finish()
}

/// Draws a line at its place (the page's origin is at the top for krilla, at the bottom for the layout).
fn draw(surface: &mut Surface, line: &Placed) {
    let face = line.font.face();
    let text = face.printable(&line.text);
    let glyphs = face.glyphs(&text, line.size, line.word_spacing);
    surface.draw_glyphs(
        Point::from_xy(line.x, PAGE_H - line.y),
        &glyphs,
        face.pdf.clone(),
        &text,
        line.size,
        false,
    );
}

fn rectangle(bar: &Bar) -> Option<krilla::geom::Path> {
    let rect = Rect::from_xywh(bar.x, PAGE_H - bar.y - bar.height, bar.width, bar.height)?;
    let mut path = PathBuilder::new();
    path.push_rect(rect);
    path.finish()
}

/// The text of a heading (its lines joined) and the page and height of its first line.
fn heading(pages: &Pages, node: &Node) -> Option<(String, usize, f32)> {
    let lines: Vec<&Placed> = node
        .children
        .iter()
        .filter_map(|c| match *c {
            Child::Line(p, r) => Some(&pages.pages[p].lines[r]),
            _ => None,
        })
        .collect();
    let Child::Line(page, _) = node.children.first()? else {
        return None;
    };
    let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    Some((text.join(" "), *page, lines.first()?.y))
}

/// The bookmarks: the headings, each under the last heading of a higher level before it.
fn outline(pages: &Pages) -> Outline {
    let mut outline = Outline::new();
    // The open branch: the last heading of each level above the current one.
    let mut open: Vec<(u16, OutlineNode)> = Vec::new();
    let attach = |open: &mut Vec<(u16, OutlineNode)>, outline: &mut Outline, node: OutlineNode| match open.last_mut() {
        Some((_, parent)) => parent.push_child(node),
        None => outline.push_child(node),
    };
    for &root in &pages.roots {
        let node = &pages.nodes[root];
        let Role::Heading(level) = node.role else { continue };
        let Some((text, page, y)) = heading(pages, node) else {
            continue;
        };
        while let Some((_, done)) = open.pop_if(|(l, _)| *l >= level) {
            attach(&mut open, &mut outline, done);
        }
        let target = XyzDestination::new(page, Point::from_xy(0.0, PAGE_H - y - 20.0));
        open.push((level, OutlineNode::new(text, target)));
    }
    while let Some((_, done)) = open.pop() {
        attach(&mut open, &mut outline, done);
    }
    outline
}

/// The tag group of `node`, with what was drawn of it (`marked` gives each drawing to one group only).
fn group(pages: &Pages, node: usize, marked: &mut HashMap<Child, Identifier>) -> TagGroup {
    let node = &pages.nodes[node];
    let mut content = Vec::new();
    for &child in &node.children {
        match child {
            Child::Node(n) => content.push(group(pages, n, marked).into()),
            drawn => content.extend(marked.remove(&drawn).map(Into::into)),
        }
    }
    // A list item holds its body and a contents entry its paragraph, as PDF/UA would have them.
    let content = match node.role {
        Role::ListItem => vec![TagGroup::with_children(Tag::LBody, content).into()],
        Role::ContentsEntry => vec![TagGroup::with_children(Tag::P, content).into()],
        _ => content,
    };
    TagGroup::with_children(tag(pages, node), content)
}

fn tag(pages: &Pages, node: &Node) -> TagKind {
    match &node.role {
        Role::Heading(level) => {
            let level = NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN);
            Tag::Hn(level, heading(pages, node).map(|(text, ..)| text)).into()
        }
        Role::Paragraph => Tag::P.into(),
        Role::List => Tag::L(ListNumbering::Disc).into(),
        Role::ListItem => Tag::LI.into(),
        Role::Contents => Tag::TOC.into(),
        Role::ContentsEntry => Tag::TOCI.into(),
        Role::Table => Tag::Table.into(),
        Role::Row => Tag::TR.into(),
        Role::HeaderCell => Tag::TH(TableHeaderScope::Column).into(),
        Role::Cell => Tag::TD.into(),
        Role::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
    }
}
