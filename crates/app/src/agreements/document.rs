//! One version of an agreement rendered from its structure, as PDF, DOCX or HTML (the API, the agreement's
//! page and `passerelle agreement render`).

use crate::{AppError, Clock, Download};
use passerelle_documents::{Document, Format, document};
use passerelle_domain::invalid::Invalid;
use passerelle_store::agreements::Agreement;
use passerelle_store::{AccessContext, Store};
use time::Date;
use uuid::Uuid;

/// The format asked for by its code.
pub fn format(code: &str) -> Result<Format, Invalid> {
    Format::parse(code)
        .ok_or_else(|| Invalid::new("format_unknown", "Le format est « pdf », « docx » ou « html ».").on("format"))
}

/// An agreement and one version of it (the current one by default) laid out as a document, dated by the
/// version: its avenant's signature, else the first signature, else its start, else today.
pub async fn agreement_document(
    store: &Store,
    ctx: &AccessContext,
    clock: &dyn Clock,
    id: Uuid,
    version: Option<i64>,
) -> Result<(Agreement, Document), AppError> {
    let scope = store.agreements(ctx);
    let a = scope.get(id).await?;
    let v = scope.version(id, version.unwrap_or(a.current_version)).await?;
    let signed: Vec<(Uuid, Option<Date>)> = a.parties.iter().map(|p| (p.organisation_id, p.signed_on)).collect();
    let day = v
        .signed_on
        .or(signed.iter().filter_map(|(_, d)| *d).min())
        .or(v.content.duration.starts_on)
        .unwrap_or_else(|| clock.today());
    let doc = document(a.kind, &v.content, v.number, v.reason.as_deref(), &signed, day);
    Ok((a, doc))
}

/// One version (the current one by default) in `format`, named after the agreement and the version.
pub async fn render_agreement(
    store: &Store,
    ctx: &AccessContext,
    clock: &dyn Clock,
    id: Uuid,
    format: Format,
    version: Option<i64>,
) -> Result<Download, AppError> {
    let (a, doc) = agreement_document(store, ctx, clock, id, version).await?;
    Ok(Download {
        file_name: format!(
            "convention-{}-v{}.{}",
            a.id,
            version.unwrap_or(a.current_version),
            format.extension()
        ),
        content_type: format.content_type(),
        bytes: passerelle_documents::render(&doc, format),
    })
}
