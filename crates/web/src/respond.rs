//! Files as HTTP answers (calendars, meeting documents, PDF, spreadsheets), for the API and the pages alike.

use crate::api::supported::record_document;
use crate::attachment::{attachment, file_answer};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::response::Response;
use passerelle_app::SystemClock;
use passerelle_app::agreements::document::{self, render_agreement};
use passerelle_app::agreements::list::{ListFormat, export_agreements_file};
use passerelle_documents::Format;
use passerelle_documents::ics::{CalendarEvent, Method, When};
use passerelle_domain::text::spreadsheet_text;
use passerelle_store::pathways::iae::offer::Offer;
use passerelle_store::pathways::skills_record::SkillsRecord;
use passerelle_store::{AccessContext, Store, today};
use time::Date;
use uuid::Uuid;

/// An iCalendar body with its type and file name.
pub fn calendar(ics: String, file_name: &str) -> Response {
    file_answer("text/calendar; charset=utf-8", file_name, ics)
}

/// Meetings (at their local times) and deadlines (whole days) of the period, as one calendar.
pub async fn calendar_feed(
    store: &Store,
    ctx: &AccessContext,
    from: Date,
    to: Date,
) -> Result<String, passerelle_store::StoreError> {
    let mut events: Vec<CalendarEvent> = store
        .meetings_between(ctx, from, to)
        .await?
        .iter()
        .map(|m| m.event())
        .collect();
    events.extend(
        store
            .deadlines(ctx, from, to, today())
            .await?
            .into_iter()
            .map(|d| CalendarEvent {
                uid: format!("{}@passerelle", d.id),
                sequence: 0,
                summary: format!("{} : {}", d.source_label, d.title),
                description: Some(format!("{} — {}", d.organisation_name, d.rule)),
                location: None,
                url: None,
                when: When::AllDay(d.due_on),
                organizer: None,
                attendees: Vec::new(),
                cancelled: false,
            }),
    );
    Ok(passerelle_documents::ics::calendar(
        &events,
        Method::Publish,
        passerelle_store::infra::clock::now(),
    ))
}

/// A meeting's document as a download (API and pages).
pub async fn meeting_document(
    store: &Store,
    ctx: &AccessContext,
    meeting: Uuid,
    document: Uuid,
) -> Result<Response, passerelle_store::StoreError> {
    let d = store.meeting_document(ctx, meeting, document).await?;
    let name: String = d
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(file_answer(d.content_type, &name, d.content))
}

/// The record as a PDF answer.
pub fn skills_record_pdf(rec: &SkillsRecord) -> Response {
    let pdf = passerelle_documents::render(&record_document(rec), Format::Pdf);
    file_answer("application/pdf", &format!("carnet-{}.pdf", rec.person_id), pdf)
}

/// Offers as a CSV download.
pub fn offers_csv(offers: &[Offer]) -> Response {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let header = [
        "intitulé",
        "code ROME",
        "SIAE",
        "type",
        "département",
        "lieu",
        "heures par semaine",
        "postes",
        "prérequis",
        "début",
        "fin",
        "ouverte",
    ];
    let mut rows = vec![header.map(String::from).to_vec()];
    let text = |v: Option<String>| v.unwrap_or_default();
    for o in offers {
        rows.push(vec![
            o.title.clone(),
            text(o.rome_code.clone()),
            o.siae_name.clone(),
            o.siae_kind.label().to_owned(),
            o.department.clone(),
            o.place.clone(),
            text(o.weekly_hours.map(|h| h.to_string())),
            o.positions.to_string(),
            text(o.prerequisites.clone()),
            text(o.starts_on.map(|d| d.to_string())),
            text(o.ends_on.map(|d| d.to_string())),
            if o.open { "oui" } else { "non" }.to_owned(),
        ]);
    }
    for row in rows {
        // Writing to memory cannot fail.
        let _ = w.write_record(row.iter().map(|cell| spreadsheet_text(cell).into_owned()));
    }
    file_answer(
        "text/csv; charset=utf-8",
        "offres.csv",
        w.into_inner().unwrap_or_default(),
    )
}

/// The list as a download, for the API and the pages alike.
pub async fn agreements_export(
    store: &passerelle_store::Store,
    ctx: &passerelle_store::AccessContext,
    format: &str,
) -> ApiResult<Response> {
    let format = ListFormat::parse(format)?;
    Ok(attachment(export_agreements_file(store, ctx, format).await?))
}

/// The rendered document as a download, for the API and the pages alike.
pub async fn agreement_document(
    state: &AppState,
    ctx: &passerelle_store::AccessContext,
    id: Uuid,
    format: &str,
    version: Option<i64>,
) -> ApiResult<Response> {
    let format = document::format(format)?;
    Ok(attachment(
        render_agreement(&state.store, ctx, &SystemClock, id, format, version).await?,
    ))
}
