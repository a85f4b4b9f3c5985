//! The regional agreement (Accord régional BFC 2016) rendered in each format, then read back as a user's tools read it:
//! `pdftotext`, `pdfinfo` and `pdffonts` (poppler-utils) for the PDF, `unzip` for the DOCX. Render times are
//! printed for the report.

use passerelle_documents::readback::accessible;
use passerelle_documents::{Format, document, render};
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::agreements::content::Party;
use passerelle_domain::agreements::examples::regional_bfc;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;
use time::macros::date;
use uuid::Uuid;

fn regional() -> passerelle_documents::Document {
    let party = |n: u128, name: &str, who: &str, capacity: &str| Party {
        organisation_id: Uuid::from_u128(n),
        name: name.into(),
        representative: who.into(),
        capacity: capacity.into(),
        presentation: String::new(),
    };
    let content = regional_bfc(vec![
        party(1, "L'État", "Christiane Barret", "Préfète de région"),
        party(2, "Pôle emploi", "Frédéric Daniel", "Directeur régional"),
        party(3, "Les réseaux de l'IAE", "Sylvie Mettot", "Présidente du COORACE"),
    ]);
    let signed = [
        (Uuid::from_u128(1), Some(date!(2016 - 12 - 08))),
        (Uuid::from_u128(2), None),
    ];
    document(
        AgreementKind::Regional,
        &content,
        1,
        None,
        &signed,
        date!(2016 - 12 - 08),
    )
}

/// What `program args` prints with `input` on stdin, its no-break spaces as spaces; `None` when the tool is
/// not installed.
fn pipe(program: &str, args: &[&str], input: &[u8]) -> Option<String> {
    read(program, args, input).map(|out| out.replace(['\u{a0}', '\u{202f}'], " "))
}

/// What `program args` prints with `input` on stdin, as it prints it.
fn read(program: &str, args: &[&str], input: &[u8]) -> Option<String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(input).ok()?;
    let out = child.wait_with_output().ok()?;
    assert!(out.status.success(), "{program} failed");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What every format must show: parties, legal references, every axis and action sheet, signatures.
fn check(text: &str, format: &str) {
    for expected in [
        "Accord régional de coopération Bourgogne-Franche-Comté",
        "L'État",
        "Pôle emploi",
        "Les réseaux de l'IAE",
        "Christiane Barret",
        "en la personne de",
        "Vu l'accord-cadre national",
        "Axe 1",
        "Axe 2",
        "Axe 3",
        "Fiche action 1",
        "Fiche action 8",
        "Sommaire",
        "Signatures",
        "8 décembre 2016",
        "préavis de 3 mois",
        "Annexe 3",
        "fournisseur",
    ] {
        assert!(text.contains(expected), "{format} lacks « {expected} »");
    }
}

#[test]
fn pdf_read_back_with_pdftotext() {
    let doc = regional();
    let started = Instant::now();
    let pdf = render(&doc, Format::Pdf);
    println!(
        "PDF of the regional agreement (Accord régional BFC 2016): {} bytes in {:?}",
        pdf.len(),
        started.elapsed()
    );
    let text = pipe("pdftotext", &["-layout", "-", "-"], &pdf)
        .expect("pdftotext is installed (apt-get install poppler-utils)");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    check(&text, "PDF");
    assert!(text.contains("Page 1 sur") && text.contains("Article 1 : Objet"));
    // French spacing: a no-break space before the colon, read back as a space.
    assert!(text.contains("Objectifs :"));
    // Names as they were in 2016.
    assert!(
        text.contains("Pourcentage de personnes en parcours inscrites à Pôle emploi")
            && !text.contains("France Travail")
    );
}

#[test]
fn docx_read_back_with_unzip() {
    let doc = regional();
    let started = Instant::now();
    let docx = render(&doc, Format::Docx);
    println!(
        "DOCX of the regional agreement (Accord régional BFC 2016): {} bytes in {:?}",
        docx.len(),
        started.elapsed()
    );
    let dir = std::env::temp_dir().join(format!("passerelle-docx-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("accord.docx");
    std::fs::write(&path, &docx).unwrap();
    let out = Command::new("unzip")
        .args(["-p"])
        .arg(&path)
        .arg("word/document.xml")
        .output()
        .expect("unzip is installed");
    assert!(out.status.success());
    let xml = String::from_utf8(out.stdout).unwrap();
    let text: String = xml
        .split('<')
        .filter_map(|s| s.split_once('>').map(|(_, t)| t))
        .collect::<Vec<_>>()
        .join("");
    check(&text.replace("&apos;", "'").replace("&amp;", "&"), "DOCX");
    assert!(xml.contains("TOC \\o"));
    let listing = Command::new("unzip").args(["-l"]).arg(&path).output().unwrap();
    assert!(String::from_utf8_lossy(&listing.stdout).contains("word/footer1.xml"));
    std::fs::remove_dir_all(dir).ok();
}

/// The part `name` of the ZIP package `bytes`, read with the `zip` crate.
fn part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP package");
    let mut text = String::new();
    archive.by_name(name).expect(name).read_to_string(&mut text).unwrap();
    text
}

// ECMA-376 part 2 (Open Packaging Conventions): the DOCX lists every part its content types and relationships
// name, each deflated; the same document gives the same bytes.
#[test]
fn docx_package_lists_its_parts() {
    let docx = render(&regional(), Format::Docx);
    assert_eq!(docx, render(&regional(), Format::Docx));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    let mut names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/_rels/document.xml.rels",
            "word/document.xml",
            "word/footer1.xml",
            "word/settings.xml",
            "word/styles.xml",
        ]
    );
    for name in &names {
        assert_eq!(
            archive.by_name(name).unwrap().compression(),
            zip::CompressionMethod::Deflated,
            "{name}"
        );
    }
    let types = part(&docx, "[Content_Types].xml");
    for name in names.iter().filter(|n| n.starts_with("word/") && !n.contains("_rels")) {
        assert!(
            types.contains(&format!("PartName=\"/{name}\"")),
            "{name} has no content type"
        );
    }
    assert!(part(&docx, "word/footer1.xml").contains(" NUMPAGES "));
    assert!(part(&docx, "word/styles.xml").contains("w:val=\"fr-FR\""));
}

#[test]
fn html_is_escaped() {
    let html = String::from_utf8(render(&regional(), Format::Html)).unwrap();
    check(&html.replace("&quot;", "\""), "HTML");
    assert!(!html.contains("<script"));
}

/// Writes the Accord régional BFC 2016 PDF where PASSERELLE_RENDER_TO says, to look at it.
#[test]
fn write_sample_when_asked() {
    if let Ok(dir) = std::env::var("PASSERELLE_RENDER_TO") {
        std::fs::write(format!("{dir}/accord.pdf"), render(&regional(), Format::Pdf)).unwrap();
        std::fs::write(format!("{dir}/accord.docx"), render(&regional(), Format::Docx)).unwrap();
    }
}

/// A small agreement whose texts need French spacing and hold characters outside WinAnsi.
fn typographic() -> passerelle_documents::Document {
    let content = passerelle_domain::agreements::AgreementContent {
        title: "Convention « Łódź »".into(),
        object: "Objet : coopérer ; vraiment ? Oui ! Voir https://passerelle.test/a?b=1 à 10:30.".into(),
        communication: "Ștefan Țurcanu → référent ≥ 2 ans".into(),
        ..Default::default()
    };
    document(
        AgreementKind::Partnership,
        &content,
        1,
        None,
        &[],
        date!(2026 - 01 - 05),
    )
}

// Imprimerie nationale: fine no-break space before ; ! ?, no-break space before : and inside « », in every
// format; addresses and hours untouched.
#[test]
fn french_spacing_in_every_format() {
    let doc = typographic();
    let html = String::from_utf8(render(&doc, Format::Html)).unwrap();
    for expected in [
        "Objet\u{a0}: coopérer\u{202f}; vraiment\u{202f}? Oui\u{202f}!",
        "«\u{a0}Łódź\u{a0}»",
        "https://passerelle.test/a?b=1 à 10:30.",
    ] {
        assert!(html.contains(expected), "HTML lacks {expected:?}");
    }
    let docx = part(&render(&doc, Format::Docx), "word/document.xml");
    assert!(docx.contains("Objet\u{a0}: coopérer\u{202f}; vraiment\u{202f}?"));
    // In the PDF the no-break spaces hold the words together on one line (DejaVu Sans draws U+00A0 with its
    // space glyph, so it reads back as a space).
    let pdf = render(&doc, Format::Pdf);
    let text = pipe("pdftotext", &["-", "-"], &pdf).expect("pdftotext is installed");
    assert!(text.contains("Objet : coopérer ; vraiment ? Oui !"), "{text:?}");
}

// The case: a convention whose party is « Nguyễn Thị Ánh » (represented by herself), the other one
// represented by « Łukasz Żółć », prints both names in its PDF, which pdfinfo reports as tagged; any Latin,
// Greek or Cyrillic text prints as written, and only what DejaVu Sans lacks (CJK, emoji) prints as « ? ».
#[test]
fn pdf_prints_every_name_and_is_tagged() {
    let party = |n: u128, name: &str, who: &str| Party {
        organisation_id: Uuid::from_u128(n),
        name: name.into(),
        representative: who.into(),
        capacity: "Directrice".into(),
        presentation: String::new(),
    };
    let mut content = regional_bfc(vec![
        party(1, "Nguyễn Thị Ánh", "Nguyễn Thị Ánh"),
        party(2, "Spółdzielnia Łódź", "Łukasz Żółć"),
    ]);
    content.communication = "Ștefan Țurcanu → référent ≥ 2 ans ; Ελένη, Мария ; 李 🙂".into();
    let doc = document(AgreementKind::Regional, &content, 1, None, &[], date!(2026 - 01 - 05));
    let pdf = render(&doc, Format::Pdf);
    let text = read("pdftotext", &["-", "-"], &pdf).expect("pdftotext is installed");
    for name in ["Nguyễn Thị Ánh", "Łukasz Żółć", "Spółdzielnia Łódź"] {
        assert!(text.contains(name), "the PDF lacks « {name} »: {text}");
    }
    let text = text.replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        text.contains("Ștefan Țurcanu → référent ≥ 2 ans ; Ελένη, Мария ; ? ?"),
        "{text}"
    );
    let structure = accessible(&pdf);
    // The reading order: the title, the contents, the « Vu » list, the articles as headings, the signatures.
    let order = [
        "H1 (block)\n    \"Accord régional",
        "TOC\n",
        "LBody (block)\n        \"•\u{a0}Vu l'accord-cadre",
        "H2 (block)\n    \"Préambule\"",
        "\"Signatures\"",
        "\"Nguyễn Thị Ánh, Directrice\"",
    ];
    let at: Vec<Option<usize>> = order.iter().map(|o| structure.find(o)).collect();
    assert!(at.iter().all(Option::is_some), "{at:?} {structure}");
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?} {structure}");
    // The page numbers are artifacts, out of the structure.
    assert!(text.contains("Page 1 sur") && !structure.contains("Page 1 sur"));
}

// The flowing documents (person's file, skills document, annual report): headings by size, consecutive rows
// as one table whose bold row is the header, a chart as a figure whose text says what it shows.
#[test]
fn flowing_pdf_is_tagged_with_its_table_and_chart() {
    use passerelle_documents::pdf::{Bars, Block, Paragraph, Row, render_blocks};
    let row = |cells: [&str; 3], bold: bool| {
        Block::Row(Row {
            cells: cells.map(str::to_owned).to_vec(),
            widths: vec![48, 48],
            bold,
        })
    };
    let mut blocks = vec![
        Block::Text(Paragraph::title("Compétences acquises – Nguyễn Thị Ánh")),
        Block::Text(Paragraph::heading("Indicateurs")),
        row(["Indicateur", "T1", "T2"], true),
        row(["Sorties vers l'emploi de Łukasz Żółć", "2", "4"], false),
        Block::Bars(Bars {
            bars: vec![("T1".into(), 2.0, "2".into()), ("T2".into(), 4.0, "4".into())],
        }),
    ];
    blocks.extend((0..80).map(|i| Block::Text(Paragraph::text(format!("Ligne {i} : œuvre\nsuite {i}")))));
    let pdf = render_blocks(&blocks);
    let text = pipe("pdftotext", &["-layout", "-", "-"], &pdf).expect("pdftotext is installed");
    assert!(
        text.contains("Compétences acquises – Nguyễn Thị Ánh") && text.contains("Page 2 sur"),
        "{text}"
    );
    let structure = accessible(&pdf);
    for expected in [
        "H1 (block)\n    \"Compétences acquises – Nguyễn Thị Ánh\"",
        "H2 (block)\n    \"Indicateurs\"",
        "TH:\n         /Scope /Column\n        \"Indicateur\"",
        "TD\n        \"Sorties vers l'emploi de Łukasz Żółć\"",
        "Figure\n    \"T1\"",
        "P (block)\n    \"Ligne 79 : œuvre\"\n    \"suite 79\"",
    ] {
        assert!(structure.contains(expected), "lacks {expected:?}: {structure}");
    }
    // One table of two rows.
    assert_eq!(structure.matches("Table (block)").count(), 1, "{structure}");
    assert_eq!(structure.matches("TR\n").count(), 2, "{structure}");
}

// The XLSX writer read back by another implementation: Python's zipfile and XML parser.
#[test]
fn xlsx_read_back_with_python() {
    use passerelle_documents::xlsx::{Cell, Sheet, workbook};
    let mut list = Sheet::new("Conventions", &["titre", "version", "début"]);
    list.row(vec![
        Cell::text("CCL Dijon – « Jardins » & Co"),
        Cell::Number(2.0),
        Cell::date(Some(date!(2026 - 01 - 01))),
    ]);
    list.row(vec![Cell::text("Brouillon"), Cell::Number(1.0), Cell::date(None)]);
    let mut deadlines = Sheet::new("Échéances", &["convention", "le"]);
    deadlines.row(vec![Cell::text("CCL"), Cell::date(Some(date!(2027 - 03 - 31)))]);
    let bytes = workbook(&[list, deadlines]);
    read_back_with_calamine(&bytes);
    let path = std::env::temp_dir().join(format!("passerelle-{}.xlsx", Uuid::new_v4()));
    std::fs::write(&path, &bytes).unwrap();
    let out = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/xlsx_rows.py"))
        .arg(&path)
        .output()
        .expect("python3 is installed");
    std::fs::remove_file(&path).ok();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        read,
        serde_json::json!({
            "Conventions": [
                ["titre", "version", "début"],
                ["CCL Dijon – « Jardins » & Co", "2", "2026-01-01"],
                ["Brouillon", "1"]
            ],
            "Échéances": [["convention", "le"], ["CCL", "2027-03-31"]]
        })
    );
}

/// An invitation read back by an independent parser (the `ical` crate): unfolded lines, the time zone, the
/// attendees with their roles (an independent parser reads the ICS back).
#[test]
fn invitations_parse_back() {
    use passerelle_documents::ics::{Attendee, CalendarEvent, Method, When, calendar};
    use time::macros::datetime;
    let attendee = |name: &str, email: &str, required| Attendee {
        name: name.into(),
        email: email.into(),
        required,
    };
    let event = CalendarEvent {
        uid: "0190f1c2-cta@passerelle".into(),
        sequence: 2,
        summary: "Comité technique d'animation — Dijon, 2e trimestre 2026".into(),
        description: Some(format!(
            "Ordre du jour :\n{}",
            "Point sur les refus d'orientation, ".repeat(6)
        )),
        location: Some("Agence France Travail Dijon, salle 2".into()),
        url: None,
        when: When::Local {
            start: datetime!(2026-06-15 09:30),
            end: datetime!(2026-06-15 12:00),
        },
        organizer: Some(attendee("France Travail Dijon", "ft-dijon@passerelle.test", true)),
        attendees: vec![
            attendee("Les Jardins de Cocagne, Dijon", "aci@passerelle.test", true),
            attendee("DDETS de la Côte-d'Or", "ddets@passerelle.test", false),
        ],
        cancelled: false,
    };
    let text = calendar(&[event], Method::Request, datetime!(2026-06-01 08:00 UTC));
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let parsed = parser.next().expect("one calendar").expect("valid iCalendar");
    assert!(parser.next().is_none());
    assert_eq!(parsed.timezones.len(), 1);
    assert_eq!(parsed.events.len(), 1);
    let props = &parsed.events[0].properties;
    let value = |name: &str| {
        props
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(value("UID"), "0190f1c2-cta@passerelle");
    assert_eq!(
        value("SUMMARY"),
        "Comité technique d'animation — Dijon\\, 2e trimestre 2026"
    );
    assert_eq!(value("DTSTART"), "20260615T093000");
    // Folded over four lines, read back whole (this parser drops spaces at fold points, RFC readers keep them).
    assert_eq!(value("DESCRIPTION").matches("orientation").count(), 6);
    let start = props.iter().find(|p| p.name == "DTSTART").unwrap();
    let tzid = start
        .params
        .as_ref()
        .and_then(|ps| ps.iter().find(|(k, _)| k == "TZID"))
        .map(|(_, v)| v.clone());
    assert_eq!(tzid, Some(vec!["Europe/Paris".to_owned()]));
    let attendees: Vec<_> = props.iter().filter(|p| p.name == "ATTENDEE").collect();
    assert_eq!(attendees.len(), 2);
    assert_eq!(attendees[1].value.as_deref(), Some("mailto:ddets@passerelle.test"));
    let role = attendees[1]
        .params
        .as_ref()
        .unwrap()
        .iter()
        .find(|(k, _)| k == "ROLE")
        .unwrap();
    assert_eq!(role.1, vec!["OPT-PARTICIPANT".to_owned()]);
}

/// The same workbook read by `calamine`: sheet names, typed cells (texts, numbers, dates with their format),
/// the frozen heading row's text.
fn read_back_with_calamine(bytes: &[u8]) {
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("calamine opens the workbook");
    assert_eq!(book.sheet_names(), ["Conventions", "Échéances"]);
    let list = book.worksheet_range("Conventions").unwrap();
    assert_eq!(list.get_size(), (3, 3));
    assert_eq!(list.get((0, 2)), Some(&Data::String("début".into())));
    assert_eq!(
        list.get((1, 0)),
        Some(&Data::String("CCL Dijon – « Jardins » & Co".into()))
    );
    assert_eq!(list.get((1, 1)), Some(&Data::Float(2.0)));
    // ECMA-376 §18.17.4.1: 1 January 2026 is day 46023, stored as a number shown as a date.
    match list.get((1, 2)) {
        Some(Data::DateTime(day)) => {
            assert_eq!(day.as_f64(), 46023.0);
            assert!(day.is_datetime());
        }
        other => panic!("the date reads back as {other:?}"),
    }
    assert_eq!(list.get((2, 2)), Some(&Data::Empty));
    let deadlines = book.worksheet_range("Échéances").unwrap();
    assert!(matches!(deadlines.get((1, 1)), Some(Data::DateTime(d)) if d.as_f64() == 46477.0));
}
