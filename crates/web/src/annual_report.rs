//! The annual « état des lieux » of an agreement as a PDF, for the API and the agreement's
//! page alike: the agreement, its targets for the year, its parties' indicators by quarter with a bar chart
//! each, the actions of its roadmap, and the day it was produced. The figures come from
//! `passerelle_store::indicators::agreement_report`.

use crate::attachment::file_answer;
use crate::error::ApiResult;
use axum::response::Response;
use passerelle_documents::pdf::{self, Bars, Block, Paragraph, Row};
use passerelle_domain::calendar::french_date;
use passerelle_domain::french;
use passerelle_domain::indicators::Unit;
use passerelle_domain::invalid::Invalid;
use passerelle_store::indicators::agreement_report::{self, AgreementReport, Figure};
use passerelle_store::{AccessContext, Store};
use time::Date;
use uuid::Uuid;

/// The year asked for: `AAAA`, from 1900 to this year (the report of a year to come would say nothing);
/// this year when none is given.
pub fn year_of(text: Option<&str>, today: Date) -> Result<i32, Invalid> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(today.year());
    };
    let invalid = || {
        Invalid::new(
            "year_invalid",
            format!(
                "L'année « {text} » n'est pas reconnue : écrire une année sur quatre chiffres, de 1900 à {}.",
                today.year()
            ),
        )
        .on("year")
    };
    let year: i32 = text.parse().map_err(|_| invalid())?;
    if (1900..=today.year()).contains(&year) {
        Ok(year)
    } else {
        Err(invalid())
    }
}

/// The report of the agreement `id` for `year` as a PDF download (404 outside the caller's scope).
pub async fn response(store: &Store, ctx: &AccessContext, id: Uuid, year: Option<&str>) -> ApiResult<Response> {
    let today = passerelle_store::today();
    let year = year_of(year, today)?;
    let report = agreement_report::annual(store, ctx, id, year, today).await?;
    Ok(file_answer(
        "application/pdf",
        &format!("etat-des-lieux-{year}-{id}.pdf"),
        pdf::render_blocks(&layout(&report, today)),
    ))
}

fn figure(f: Figure, unit: Unit, threshold: u64) -> String {
    match f {
        Figure::Value(v) => french::indicator_value(v, unit),
        Figure::Masked => format!("< {threshold}"),
        // Nothing recorded: none counted, but no share nor median either.
        Figure::Nothing if matches!(unit, Unit::Count | Unit::Hours) => "0".into(),
        Figure::Nothing => "–".into(),
    }
}

/// Quarter labels as the table heads them: `2026-T1` -> `T1`.
fn short(quarter: &str) -> &str {
    quarter.rsplit('-').next().unwrap_or(quarter)
}

fn layout(r: &AgreementReport, today: Date) -> Vec<Block> {
    let a = &r.agreement;
    let text = |t: String| Block::Text(Paragraph::text(t));
    let heading = |t: &str| Block::Text(Paragraph::heading(t));
    let mut out = vec![
        Block::Text(Paragraph::title(format!("État des lieux {} de la convention", r.year))),
        Block::Text(Paragraph::heading(a.title.clone())),
        text(format!("{} – {}", a.kind_label, a.status_label)),
    ];
    let period = match (a.starts_on, a.ends_on) {
        (Some(s), Some(e)) => format!("du {} au {}", french_date(s), french_date(e)),
        (Some(s), None) => format!("à partir du {}", french_date(s)),
        _ => "dates non fixées".into(),
    };
    out.push(text(format!("Période de la convention : {period}.")));
    out.push(text(format!(
        "Chiffres arrêtés au {}, calculés par Passerelle à partir de ce qui y a été enregistré.",
        french_date(r.on)
    )));
    out.push(heading("Parties"));
    for p in &a.parties {
        let signed = p.signed_on.map_or_else(
            || "pas encore signé".to_owned(),
            |d| format!("signé le {}", french_date(d)),
        );
        out.push(text(format!("• {} ({signed})", p.organisation_name)));
    }

    out.push(heading(&format!("Objectifs chiffrés en {}", r.year)));
    if r.targets.is_empty() {
        out.push(text(
            "La convention ne fixe pas d'objectif chiffré pour cette année.".into(),
        ));
    }
    for t in &r.targets {
        let period = match (t.from, t.to) {
            (Some(f), Some(to)) => format!("du {} au {}", french_date(f), french_date(to)),
            _ => t.period.clone(),
        };
        out.push(Block::Text(Paragraph {
            size: 10,
            bold: true,
            text: format!("{} : {} {} ({period})", t.label, t.target, t.unit),
        }));
        let detail = match (t.actual, t.status) {
            (Some(actual), Some(_)) => format!(
                "Réalisé : {} ({} %) ; attendu au {} : {} ; situation : {}.",
                french::decimal(actual),
                french::maybe_decimal(&t.percent),
                french_date(r.on),
                french::maybe_decimal(&t.expected),
                t.status_label
            ),
            _ if t.masked => format!("Réalisé : moins de {} personnes (petit effectif masqué).", r.threshold),
            _ => format!("Non calculé : {}.", t.status_label),
        };
        out.push(text(detail));
    }

    out.push(heading(&format!(
        "Indicateurs des parties en {}, par trimestre",
        r.year
    )));
    out.push(text(if r.threshold > 1 {
        format!(
            "Valeurs comptées pour les structures parties à la convention ; « < {} » : moins de {} personnes, \
             masqué (ou masqué pour qu'un petit effectif ne puisse être retrouvé par différence).",
            r.threshold, r.threshold
        )
    } else {
        "Valeurs comptées pour les structures parties à la convention, sans masquage : vous êtes membre d'une \
         partie."
            .to_owned()
    }));
    let widths = vec![48; r.quarters.len()];
    for f in &r.families {
        out.push(Block::Text(Paragraph {
            size: 11,
            bold: true,
            text: f.family.label().to_owned(),
        }));
        out.push(Block::Row(Row {
            cells: std::iter::once("Indicateur".to_owned())
                .chain(r.quarters.iter().map(|q| short(q).to_owned()))
                .collect(),
            widths: widths.clone(),
            bold: true,
        }));
        for i in &f.indicators {
            out.push(Block::Row(Row {
                cells: std::iter::once(i.code.label().to_owned())
                    .chain(i.figures.iter().map(|f| figure(*f, i.unit, r.threshold)))
                    .collect(),
                widths: widths.clone(),
                bold: false,
            }));
        }
        for i in &f.indicators {
            out.push(Block::Text(Paragraph::text(format!("{} (graphique)", i.code.label()))));
            out.push(Block::Bars(Bars {
                bars: r
                    .quarters
                    .iter()
                    .zip(&i.figures)
                    .map(|(q, f)| {
                        let value = if let Figure::Value(v) = f { *v } else { 0.0 };
                        (short(q).to_owned(), value, figure(*f, i.unit, r.threshold))
                    })
                    .collect(),
            }));
        }
    }
    if r.families.is_empty() {
        out.push(text("Aucun fait compté pour les parties sur l'année.".into()));
    }
    if !r.silent.is_empty() {
        let names: Vec<&str> = r.silent.iter().map(|c| c.label()).collect();
        out.push(text(format!("Rien de compté sur l'année : {}.", names.join(" ; "))));
    }

    let sheets: Vec<String> = a
        .content
        .sheets()
        .map(|(axis, s)| format!("• {} – {}", axis.title, s.title))
        .collect();
    if !sheets.is_empty() {
        out.push(heading("Fiches action"));
        out.extend(sheets.into_iter().map(text));
    }
    if !r.actions.is_empty() {
        out.push(heading("Actions de la feuille de route"));
        for i in &r.actions {
            let status = match i.status.as_str() {
                "done" => "réalisée",
                "cancelled" => "annulée",
                _ if i.overdue => "en retard",
                _ => "en cours",
            };
            let due = i
                .due_on
                .map(|d| format!(", échéance le {}", french_date(d)))
                .unwrap_or_default();
            out.push(text(format!("• {} – {}{due} : {status}", i.title, i.owner_name)));
        }
    } else if a.content.annexes.iter().any(|x| !x.roadmap.is_empty()) {
        out.push(heading("Actions de la feuille de route"));
        out.push(text(
            "La feuille de route n'est pas encore suivie par un comité de pilotage.".into(),
        ));
        for x in a.content.annexes.iter().flat_map(|x| &x.roadmap) {
            out.push(text(format!("• {} ({})", x.action, x.due)));
        }
    }
    out.push(text(format!(
        "Document produit par Passerelle le {}.",
        french_date(today)
    )));
    out
}
