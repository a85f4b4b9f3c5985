//! The document as a standalone HTML page (printable, no script, no external resource).

use crate::layout::{Block, Document};
use passerelle_domain::calendar::french_date;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn render(doc: &Document) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{0}</title></head><body>\n<h1>{0}</h1>\n<p>{1}</p>\n",
        escape(&doc.title),
        escape(&doc.subtitle)
    );
    out.push_str("<nav><h2>Sommaire</h2><ul>\n");
    for (level, entry) in doc.contents() {
        let indent = if level == 0 { "" } else { "&#8195;" };
        out.push_str(&format!("<li>{indent}{}</li>\n", escape(entry)));
    }
    out.push_str("</ul></nav>\n");
    let mut in_list = false;
    for b in &doc.blocks {
        let is_bullet = matches!(b, Block::Bullet(_));
        if in_list && !is_bullet {
            out.push_str("</ul>\n");
        }
        if is_bullet && !in_list {
            out.push_str("<ul>\n");
        }
        in_list = is_bullet;
        out.push_str(&match b {
            Block::Heading(t) => format!("<h2>{}</h2>\n", escape(t)),
            Block::Subheading(t) => format!("<h3>{}</h3>\n", escape(t)),
            Block::Minor(t) => format!("<h4>{}</h4>\n", escape(t)),
            Block::Paragraph(t) => format!("<p>{}</p>\n", escape(t)),
            Block::Bullet(t) => format!("<li>{}</li>\n", escape(t)),
        });
    }
    if in_list {
        out.push_str("</ul>\n");
    }
    out.push_str("<h2>Signatures</h2>\n");
    for s in &doc.signatures {
        let date = s
            .signed_on
            .map(|d| format!("signé le {}", french_date(d)))
            .unwrap_or_else(|| "non signé".into());
        out.push_str(&format!(
            "<p><strong>{}</strong><br>{}, {}<br>{date}</p>\n",
            escape(&s.party),
            escape(&s.representative),
            escape(&s.capacity)
        ));
    }
    out.push_str("</body></html>\n");
    out
}
