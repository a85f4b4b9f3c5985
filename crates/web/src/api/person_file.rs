//! The person's right of access: everything the caller's organisations hold about them, as JSON or as a PDF
//! to hand over.

use crate::attachment::attachment;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiCaller, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use passerelle_app::privacy;
use passerelle_store::privacy::person_file::PersonFile;
use serde::Deserialize;
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
            content((PersonFile = "application/json"), (Vec<u8> = "application/pdf")))))]
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
    Ok(if pdf {
        attachment(privacy::person_file_pdf(&state.store, &ctx, id).await?)
    } else {
        Json(privacy::person_file(&state.store, &ctx, id).await?).into_response()
    })
}
