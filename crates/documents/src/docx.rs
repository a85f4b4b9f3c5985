//! The document as an editable DOCX (Office Open XML, ECMA-376): styled headings that Word lists in its
//! table of contents field, page numbers in the footer, the signature blocks in a table.

use crate::layout::{Block, Document};
use crate::package::archive;
use passerelle_domain::calendar::french_date;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn paragraph(style: &str, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        escape(text)
    )
}

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
    xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

fn body(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str(&paragraph("Title", &doc.title));
    out.push_str(&paragraph("Subtitle", &doc.subtitle));
    out.push_str(&paragraph("TOCHeading", "Sommaire"));
    // The table of contents is a field Word refreshes on opening (settings: updateFields); its current
    // result is the list of headings, so that the text is there before any refresh.
    let entries: Vec<(u8, &str)> = doc.contents().collect();
    for (i, (level, entry)) in entries.iter().enumerate() {
        let begin = if i == 0 {
            "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-2\" \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
        } else {
            ""
        };
        let end = if i + 1 == entries.len() {
            "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
        } else {
            ""
        };
        out.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"TOC{}\"/></w:pPr>{begin}<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>{end}</w:p>",
            level + 1,
            escape(entry)
        ));
    }
    for b in &doc.blocks {
        out.push_str(&match b {
            Block::Heading(t) => paragraph("Heading1", t),
            Block::Subheading(t) => paragraph("Heading2", t),
            Block::Minor(t) => paragraph("Heading3", t),
            Block::Paragraph(t) => paragraph("Normal", t),
            Block::Bullet(t) => paragraph("ListBullet", &format!("•\u{a0}{t}")),
        });
    }
    out.push_str(&paragraph("Heading1", "Signatures"));
    out.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/></w:tblPr>");
    for pair in doc.signatures.chunks(2) {
        out.push_str("<w:tr>");
        for s in pair {
            let date = s
                .signed_on
                .map(|d| format!("Signé le {}", french_date(d)))
                .unwrap_or_else(|| "Le".into());
            out.push_str("<w:tc><w:tcPr><w:tcW w:w=\"2500\" w:type=\"pct\"/></w:tcPr>");
            for (style, line) in [
                ("Strong", s.party.as_str()),
                ("Normal", &s.representative),
                ("Normal", &s.capacity),
                ("Normal", &date),
            ] {
                out.push_str(&paragraph(style, line));
            }
            out.push_str(&paragraph("Normal", " "));
            out.push_str("</w:tc>");
        }
        if pair.len() == 1 {
            out.push_str("<w:tc><w:tcPr><w:tcW w:w=\"2500\" w:type=\"pct\"/></w:tcPr><w:p/></w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

fn style(id: &str, name: &str, size_half_points: u32, bold: bool, space_before: u32, outline: Option<u8>) -> String {
    let outline = outline
        .map(|l| format!("<w:outlineLvl w:val=\"{l}\"/>"))
        .unwrap_or_default();
    let bold = if bold { "<w:b/>" } else { "" };
    format!(
        "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
         <w:pPr><w:keepNext/><w:spacing w:before=\"{space_before}\" w:after=\"120\"/>{outline}</w:pPr>\
         <w:rPr>{bold}<w:sz w:val=\"{size_half_points}\"/></w:rPr></w:style>"
    )
}

fn styles() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles {NS}>\
         <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/><w:sz w:val=\"21\"/>\
         <w:lang w:val=\"fr-FR\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"100\" w:line=\"276\" w:lineRule=\"auto\"/>\
         <w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         {}{}{}{}{}{}{}{}{}\
         <w:style w:type=\"paragraph\" w:styleId=\"ListBullet\"><w:name w:val=\"List Bullet\"/><w:basedOn w:val=\"Normal\"/>\
         <w:pPr><w:ind w:left=\"567\" w:hanging=\"283\"/></w:pPr></w:style></w:styles>",
        style("Title", "Title", 40, true, 0, None),
        style("Subtitle", "Subtitle", 24, false, 0, None),
        style("TOCHeading", "TOC Heading", 28, true, 240, None),
        style("TOC1", "toc 1", 21, false, 0, None),
        style("TOC2", "toc 2", 20, false, 0, None),
        style("Heading1", "heading 1", 28, true, 360, Some(0)),
        style("Heading2", "heading 2", 24, true, 240, Some(1)),
        style("Heading3", "heading 3", 22, true, 200, Some(2)),
        style("Strong", "Signataire", 21, true, 0, None),
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
</Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
</Relationships>";

fn field(instruction: &str) -> String {
    format!(
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> {instruction} </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
    )
}

pub fn render(doc: &Document) -> Vec<u8> {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NS}><w:body>{}\
         <w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId3\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
         </w:sectPr></w:body></w:document>",
        body(doc)
    );
    let settings = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings {NS}><w:updateFields w:val=\"true\"/></w:settings>"
    );
    let footer = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr {NS}><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>\
         <w:r><w:t xml:space=\"preserve\">Page </w:t></w:r>{}<w:r><w:t xml:space=\"preserve\"> sur </w:t></w:r>{}</w:p></w:ftr>",
        field("PAGE"),
        field("NUMPAGES")
    );
    archive(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes().to_vec()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.as_bytes().to_vec()),
        ("word/document.xml", document.into_bytes()),
        ("word/styles.xml", styles().into_bytes()),
        ("word/settings.xml", settings.into_bytes()),
        ("word/footer1.xml", footer.into_bytes()),
    ])
}
