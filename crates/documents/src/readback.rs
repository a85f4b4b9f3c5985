//! Documents read back as their readers' tools read them (poppler-utils), for the tests of every crate that
//! produces one: the checks live once, here, behind the `readback` feature that only dev-dependencies enable.

use std::io::Write;
use std::process::{Command, Stdio};

/// The text of a PDF as `pdftotext` reads it, with its `options` (`-layout` keeps the cells of a table row on
/// one line).
pub fn text(pdf: &[u8], options: &[&str]) -> String {
    let mut child = Command::new("pdftotext")
        .args(options)
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext is installed (scripts/setup --test)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext reads the PDF");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts what makes `pdf` readable by anyone: tagged, PDF/UA-1, in French, every font embedded as a subset
/// with its map back to Unicode (DejaVu Sans only); returns its structure tree with its text
/// (`pdfinfo -struct-text`).
pub fn accessible(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("passerelle-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, pdf).unwrap();
    let run = |program: &str, args: &[&str]| {
        let out = Command::new(program)
            .args(args)
            .arg(&path)
            .output()
            .expect("poppler-utils is installed (scripts/setup --test)");
        assert!(out.status.success(), "{program} reads the PDF");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let info = run("pdfinfo", &[]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    let meta = run("pdfinfo", &["-meta"]);
    assert!(
        meta.contains("<pdfuaid:part>1</pdfuaid:part>") && meta.contains("fr-FR"),
        "{meta}"
    );
    // Every font embedded (emb), as a subset (sub), with its map back to Unicode (uni).
    let fonts = run("pdffonts", &[]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        assert!(row.contains("+DejaVuSans") && row.contains(" yes yes yes "), "{fonts}");
    }
    let structure = run("pdfinfo", &["-struct-text"]);
    std::fs::remove_file(&path).ok();
    // A heading's line shows its title too (`H2 "Préambule" (block)`), the non-ASCII ones garbled: keep the tag.
    structure
        .lines()
        .map(|line| match (line.find(" \""), line.rfind("\" (block)")) {
            (Some(from), Some(to)) if line.trim_start().starts_with('H') && from < to => {
                format!("{}{}", &line[..from], &line[to + 1..])
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of the part `name` of a ZIP package (an XLSX, a DOCX).
pub fn zip_part(package: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(package)).expect("a ZIP package");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("the package holds {name}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The texts of an XLSX workbook's cells shown with the « quote prefix » (never read as a formula), from its
/// first sheet, its shared strings and its styles.
pub fn quoted_texts(xlsx: &[u8]) -> Vec<String> {
    let inner = |xml: &str, tag: &str| -> String {
        let mut out = String::new();
        for piece in xml.split(&format!("<{tag}")).skip(1) {
            let body = &piece[piece.find('>').unwrap() + 1..];
            out.push_str(&body[..body.find(&format!("</{tag}>")).unwrap_or(0)]);
        }
        out
    };
    let strings: Vec<String> = zip_part(xlsx, "xl/sharedStrings.xml")
        .split("<si>")
        .skip(1)
        .map(|si| inner(si, "t"))
        .collect();
    let styles = zip_part(xlsx, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").expect("cell styles")..];
    let quoted: Vec<bool> = xfs
        .split("<xf ")
        .skip(1)
        .map(|xf| xf[..xf.find('>').unwrap()].contains("quotePrefix=\"1\""))
        .collect();
    let attribute = |tag: &str, name: &str| {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .map(|v| v[..v.find('"').unwrap()].to_owned())
    };
    zip_part(xlsx, "xl/worksheets/sheet1.xml")
        .split("<c ")
        .skip(1)
        .filter_map(|cell| {
            let tag = &cell[..cell.find('>')?];
            let style: usize = attribute(tag, "s")?.parse().ok()?;
            (attribute(tag, "t")? == "s" && quoted.get(style) == Some(&true)).then_some(())?;
            let index: usize = inner(cell, "v").parse().ok()?;
            strings.get(index).cloned()
        })
        .collect()
}
