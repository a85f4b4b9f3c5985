//! The person's right of access: everything the caller's organisations hold about them, as JSON or as a PDF
//! to hand over.

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiCaller, ApiPath, ApiQuery};
use crate::pdf::{self, Paragraph};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use passerelle_domain::calendar::french_date;
use passerelle_store::person_file::PersonFile;
use passerelle_store::{AccessContext, Store, StoreError};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// `json` (default) or `pdf`.
    pub format: Option<String>,
}

/// Everything held about a person the caller follows (GDPR article 15), as JSON or PDF; the export is journaled.
#[utoipa::path(get, path = "/api/v1/persons/{id}/file", tag = "persons", params(("id" = Uuid, Path), FileQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "JSON, or PDF with format=pdf",
            content((PersonFile = "application/json"), (Vec<u8> = "application/pdf"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn person_file(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<FileQuery>,
) -> ApiResult<Response> {
    let pdf = match q.format.as_deref() {
        None | Some("json") => false,
        Some("pdf") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("« {other} » : format attendu json ou pdf."),
            ));
        }
    };
    if pdf {
        return Ok(person_file_pdf(&state.store, &ctx, id).await?);
    }
    Ok(Json(state.store.person_file(&ctx, id).await?).into_response())
}

/// The person's file as a PDF answer, for the API and the person's page.
pub async fn person_file_pdf(store: &Store, ctx: &AccessContext, id: Uuid) -> Result<Response, StoreError> {
    let file = store.person_file(ctx, id).await?;
    let disposition = format!("attachment; filename=\"donnees-{id}.pdf\"");
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pdf::render(&paragraphs(&file)),
    )
        .into_response())
}

/// The sections of the file, in the order a person reads them.
const SECTIONS: &[(&str, &str)] = &[
    ("person", "Identité et coordonnées"),
    ("diagnoses", "Diagnostics d'éligibilité"),
    ("prescriptions", "Prescriptions et fiches navette"),
    ("approval", "PASS IAE ou agrément"),
    ("employment", "Contrats et mises à disposition"),
    ("follow_up", "Accompagnement et sortie"),
    ("pathway", "Parcours : IAE, ESAT, immersions et emploi"),
    ("esat", "Travail en ESAT"),
    ("immersions", "Périodes de mise en situation en milieu professionnel"),
    ("supported", "Emploi accompagné"),
    ("skills_record", "Carnet de parcours et de compétences"),
    ("journal", "Journal des opérations sur la fiche"),
];

/// The whole file as paragraphs: each field on its line, nothing left out (the PDF says what the JSON says).
fn paragraphs(file: &PersonFile) -> Vec<Paragraph> {
    let value = serde_json::to_value(file).unwrap_or(Value::Null);
    let mut out = vec![
        Paragraph::title(format!(
            "Données détenues sur {} {}",
            file.person.first_name, file.person.last_name
        )),
        Paragraph::text(format!(
            "Export établi le {} par Passerelle au titre du droit d'accès (RGPD, article 15) : tout ce que les \
             structures qui vous suivent ont enregistré à votre sujet.",
            french_date(file.generated_at.date())
        )),
    ];
    for (key, title) in SECTIONS {
        out.push(Paragraph::heading(*title));
        let before = out.len();
        fields(&value[*key], "", &mut out);
        if out.len() == before {
            out.push(Paragraph::text("Aucune donnée."));
        }
    }
    out
}

fn fields(value: &Value, label: &str, out: &mut Vec<Paragraph>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, v) in map {
                let name = key.replace('_', " ");
                let label = if label.is_empty() {
                    name
                } else {
                    format!("{label} / {name}")
                };
                fields(v, &label, out);
            }
        }
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                fields(item, &format!("{label} {}", n + 1), out);
            }
        }
        Value::String(s) => out.push(Paragraph::text(format!("{label} : {s}"))),
        other => out.push(Paragraph::text(format!("{label} : {other}"))),
    }
}
