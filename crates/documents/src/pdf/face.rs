//! The typeface of every PDF: DejaVu Sans, regular and bold, whose bytes the `dejavu` crate compiles in (no
//! font is read at run time). krilla embeds the glyphs a document uses (a subset); this module maps characters
//! to glyphs and measures them, so that the layout knows each line's width before krilla draws it. DejaVu Sans
//! covers Latin with Vietnamese and Polish, Greek, Cyrillic, Armenian, Georgian and Hebrew; a character it lacks
//! (CJK, emoji) prints as « ? », in the text a reader copies too.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use krilla::text::{Font as PdfFont, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// What prints in place of a character the face lacks.
const MISSING: char = '?';

pub(super) struct Face {
    /// The font krilla embeds.
    pub(super) pdf: PdfFont,
    /// Each character the font has: its glyph and advance in ems (read once: the layout measures every word
    /// of every line it tries).
    glyphs: HashMap<char, (u32, f32)>,
}

pub(super) static REGULAR: LazyLock<Face> = LazyLock::new(|| Face::new(dejavu::sans::regular()));
pub(super) static BOLD: LazyLock<Face> = LazyLock::new(|| Face::new(dejavu::sans::bold()));

impl Face {
    fn new(data: &'static [u8]) -> Self {
        // The bytes are compiled in and every test reads them: a failure here is a broken build, not bad input.
        let font = FontRef::new(data).expect("DejaVu Sans is a readable font");
        let pdf = PdfFont::new(data.into(), 0).expect("krilla reads DejaVu Sans");
        let units_per_em = f32::from(font.metrics(Size::unscaled(), LocationRef::default()).units_per_em);
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let glyphs = font
            .charmap()
            .mappings()
            .filter_map(|(c, glyph)| {
                let advance = metrics.advance_width(glyph).unwrap_or_default() / units_per_em;
                Some((char::from_u32(c)?, (glyph.to_u32(), advance)))
            })
            .collect();
        Self { pdf, glyphs }
    }

    /// `text` with « ? » for each character this face cannot print.
    pub(super) fn printable<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if text.chars().all(|c| self.glyphs.contains_key(&c)) {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(
                text.chars()
                    .map(|c| if self.glyphs.contains_key(&c) { c } else { MISSING })
                    .collect(),
            )
        }
    }

    /// The glyph of `c` (« ? » if the face lacks it) and its advance in ems.
    fn place(&self, c: char) -> (u32, f32) {
        let missing = || self.glyphs.get(&MISSING).copied().unwrap_or_default();
        self.glyphs.get(&c).copied().unwrap_or_else(missing)
    }

    /// The width of `text` in points at `size` points, as `glyphs` places it.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.place(c).1).sum::<f32>() * size
    }

    /// The glyphs of a printable `text` one after the other, each ordinary space widened by `word_spacing`
    /// points (a justified line; no-break spaces keep their width). Each glyph points at its character, so
    /// that the text reads back as written.
    pub(super) fn glyphs(&self, text: &str, size: f32, word_spacing: f32) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let (glyph, mut advance) = self.place(c);
                if c == ' ' {
                    advance += word_spacing / size;
                }
                KrillaGlyph::new(GlyphId::new(glyph), advance, 0.0, 0.0, 0.0, i..i + c.len_utf8(), None)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_vietnamese_and_polish_print_and_cjk_degrades() {
        for face in [&*REGULAR, &*BOLD] {
            let names = "Nguyễn Thị Ánh, Łukasz Żółć, « œuvre » 1\u{202f}095\u{a0}€ – Ωмега";
            assert_eq!(face.printable(names), names);
            assert_eq!(face.printable("李 🙂 Ánh"), "? ? Ánh");
        }
        // Bold is wider than regular, and the width adds up the characters'.
        let (r, b) = (REGULAR.width("Passerelle", 10.0), BOLD.width("Passerelle", 10.0));
        assert!(r > 40.0 && b > r, "{r} {b}");
        assert!((REGULAR.width("ab", 10.0) - REGULAR.width("a", 10.0) - REGULAR.width("b", 10.0)).abs() < 1e-4);
    }

    #[test]
    fn justification_widens_ordinary_spaces_only() {
        let glyphs = REGULAR.glyphs("a b\u{a0}c", 10.0, 5.0);
        let plain = REGULAR.glyphs("a b\u{a0}c", 10.0, 0.0);
        assert_eq!(glyphs[1].x_advance - plain[1].x_advance, 0.5);
        assert_eq!(glyphs[3].x_advance, plain[3].x_advance);
        assert_eq!(glyphs[4].text_range, 5..6, "the no-break space takes two bytes");
    }
}
