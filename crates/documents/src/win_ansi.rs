//! Text in the WinAnsi encoding of the standard PDF fonts (Helvetica), with the advance widths of its
//! glyphs. The standard fonts need no embedding, but they only have the 218 characters of WinAnsi (Latin-1
//! plus ’ “ ” œ Œ € … – — Š Ÿ and a few more). Other characters degrade to a close equivalent rather than to
//! `?`: letters with another diacritic lose it (ł ă ș → l a s), dashes, spaces and quotes become their
//! WinAnsi cousins, arrows and comparison signs are spelt out (→ ≥ → -> >=). Scripts with no Latin
//! equivalent (Greek, Cyrillic, CJK, emoji) still print as `?`: the PDF of such a text needs an embedded
//! font (see docs/agreements.md).

/// Base letters of Latin Extended-A (U+0100 to U+017F), in order: Ā → A, ă → a, ..., ž → z, ſ → s.
const LATIN_EXTENDED_A: &str = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/// WinAnsi code of a character the encoding has.
fn code(c: char) -> Option<u8> {
    Some(match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    })
}

/// The close equivalent of a character WinAnsi lacks, itself in WinAnsi.
fn fallback(c: char) -> &'static str {
    match c {
        // French typography's narrow no-break space, and the other spaces.
        '\u{202f}' | '\u{2007}' | '\u{2060}' => "\u{a0}",
        '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200a}' | '\u{205f}' | '\u{3000}' => " ",
        '\u{200b}'..='\u{200d}' | '\u{feff}' | '\u{ad}' => "",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' | '\u{2043}' => "-",
        '\u{2015}' => "—",
        '\u{2032}' | '\u{02bc}' | '\u{2035}' => "’",
        '\u{2033}' => "”",
        '\u{201b}' => "‘",
        '\u{201f}' => "“",
        '\u{2023}' | '\u{25cf}' | '\u{25aa}' => "•",
        '\u{2192}' | '\u{27f6}' => "->",
        '\u{2190}' | '\u{27f5}' => "<-",
        '\u{2194}' => "<->",
        '\u{21d2}' => "=>",
        '\u{2264}' => "<=",
        '\u{2265}' => ">=",
        '\u{2260}' => "!=",
        '\u{2248}' => "~",
        '\u{2713}' | '\u{2714}' | '\u{2705}' => "x",
        '\u{2116}' => "n°",
        '\u{0132}' => "IJ",
        '\u{0133}' => "ij",
        '\u{0149}' => "’n",
        'Ș' | 'Ş' => "S",
        'ș' | 'ş' => "s",
        'Ț' | 'Ţ' => "T",
        'ț' | 'ţ' => "t",
        _ => "?",
    }
}

/// `text` in WinAnsi, each character the encoding lacks replaced by its equivalent.
pub fn encode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        push(&mut out, c);
    }
    out
}

fn push(out: &mut Vec<u8>, c: char) {
    if let Some(b) = code(c) {
        out.push(b);
    } else if let Some(base) = (c as usize)
        .checked_sub(0x100)
        .and_then(|i| LATIN_EXTENDED_A.as_bytes().get(i))
        .filter(|_| !matches!(c, '\u{0132}' | '\u{0133}' | '\u{0149}'))
    {
        out.push(*base);
    } else {
        for f in fallback(c).chars() {
            // Every fallback is made of characters WinAnsi has (checked by a test).
            out.push(code(f).unwrap_or(b'?'));
        }
    }
}

/// Advance widths of Helvetica for the codes 32 to 126, in thousandths of the font size (Adobe AFM).
const ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];

/// Advance widths of Helvetica for the codes 128 to 255 (Adobe AFM; 0 for the five unused codes).
const UPPER: [u16; 128] = [
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, //
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, //
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, //
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, //
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, //
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, //
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, //
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

/// Width of one encoded character, in thousandths of the font size.
pub fn width(code: u8) -> u16 {
    match code {
        32..=126 => ASCII[usize::from(code - 32)],
        128..=255 => UPPER[usize::from(code - 128)],
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // PDF 32000-1:2008, annex D.2 (WinAnsiEncoding).
    #[test]
    fn french_text_keeps_its_characters() {
        let cases = [
            ("é", vec![0xE9]),
            ("œ", vec![0x9C]),
            ("Œ", vec![0x8C]),
            ("’", vec![0x92]),
            ("« €\u{a0}»", vec![0xAB, b' ', 0x80, 0xA0, 0xBB]),
            ("L’HAŸ", vec![b'L', 0x92, b'H', b'A', 0x9F]),
        ];
        for (text, expected) in cases {
            assert_eq!(encode(text), expected, "{text}");
        }
    }

    #[test]
    fn characters_outside_win_ansi_degrade_to_a_close_equivalent() {
        let cases = [
            ("Łódź", "Lódz"),
            ("Ștefan Țurcanu", "Stefan Turcanu"),
            ("Dvořák", "Dvorák"),
            ("a\u{202f};", "a\u{a0};"),
            ("10 → 12 ≥ 3", "10 -> 12 >= 3"),
            ("n\u{2011}1 \u{2212}2", "n-1 -2"),
            ("Ĳssel", "IJssel"),
            ("Ωmega", "?mega"),
        ];
        for (text, expected) in cases {
            assert_eq!(encode(text), encode(expected), "{text}");
        }
    }

    #[test]
    fn every_fallback_is_in_win_ansi() {
        for c in (0x80u32..0x3100).filter_map(char::from_u32) {
            for f in fallback(c).chars() {
                assert!(code(f).is_some(), "{c:?} falls back to {f:?}");
            }
        }
        for b in encode("é«»œ€…—’") {
            assert!(width(b) > 0);
        }
    }
}
