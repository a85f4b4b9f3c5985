//! A minimal PDF writer for short documents of text (the skills and trainings document of an exit): A4
//! pages, Helvetica and Helvetica-Bold in WinAnsi encoding, which covers French. It avoids a PDF
//! dependency (ARCHITECTURE.md measures printpdf at +97 s of build); a richer layout would move to the
//! documents crate.

/// One paragraph: its size, weight and text, wrapped to the page.
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

const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
const MARGIN: u32 = 56;

/// A character in WinAnsi encoding; what it cannot write becomes `?`.
fn win_ansi(c: char) -> u8 {
    match c {
        '\u{20}'..='\u{7e}' => c as u8,
        '\u{a0}' | '\u{202f}' | '\u{2009}' => b' ',
        '\u{a1}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '–' => 0x96,
        '—' => 0x97,
        'Œ' => 0x8c,
        'œ' => 0x9c,
        _ => b'?',
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for source in text.lines() {
        let mut line = String::new();
        for word in source.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

fn string_literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        match win_ansi(c) {
            b @ (b'(' | b')' | b'\\') => out.extend([b'\\', b]),
            b if b < 0x80 => out.push(b),
            b => out.extend(format!("\\{b:03o}").bytes()),
        }
    }
    out.push(b')');
    out
}

/// The PDF bytes of `paragraphs`, flowing over as many pages as needed.
pub fn render(paragraphs: &[Paragraph]) -> Vec<u8> {
    let mut pages: Vec<Vec<u8>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    for p in paragraphs {
        let size = u32::from(p.size);
        let leading = size + size / 3;
        // Helvetica averages about half an em a character.
        let width = ((PAGE_WIDTH - 2 * MARGIN) * 2 / size) as usize;
        y = y.saturating_sub(size / 2);
        for line in wrap(&p.text, width) {
            if y < MARGIN + leading {
                pages.push(Vec::new());
                y = PAGE_HEIGHT - MARGIN;
            }
            y -= leading;
            let page = pages
                .last_mut()
                .unwrap_or_else(|| unreachable!("pages starts with one page"));
            let font = if p.bold { "F2" } else { "F1" };
            page.extend(format!("BT /{font} {size} Tf {MARGIN} {y} Td ").bytes());
            page.extend(string_literal(&line));
            page.extend(b" Tj ET\n");
        }
    }
    // Objects: 1 catalog, 2 pages, 3 and 4 fonts, then a page and its content for each page.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes());
    for font in ["Helvetica", "Helvetica-Bold"] {
        objects.push(
            format!("<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>").into_bytes(),
        );
    }
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R \
                 /F2 4 0 R >> >> /Contents {} 0 R >>",
                6 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend(content);
        stream.extend(b"endstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
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
        // é is 0xE9 in WinAnsi, written as an octal escape; œ is 0x9C.
        assert!(text.contains("Comp\\351tences") && text.contains("\\234uvre"));
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
    fn long_lines_wrap_at_spaces() {
        assert_eq!(wrap("un deux trois", 7), ["un deux", "trois"]);
    }
}
