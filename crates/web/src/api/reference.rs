//! Reference lists: departments, organisation kinds, and the job titles of the ROME referential.

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use passerelle_domain::directory::department::region;
use passerelle_domain::directory::{DEPARTMENTS, OrganisationKind};
use passerelle_store::rome::{Appellation, MAX_MATCHES, RomeVersion};
use serde::Deserialize;
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct DepartmentItem {
    pub code: &'static str,
    pub name: &'static str,
    pub region_code: &'static str,
    pub region_name: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct KindItem {
    pub code: &'static str,
    pub label: &'static str,
    pub siae: bool,
}

/// The official list of French departments, overseas included.
#[utoipa::path(get, path = "/api/v1/departments", tag = "reference", responses((status = 200, body = Vec<DepartmentItem>)))]
pub async fn departments() -> Json<Vec<DepartmentItem>> {
    Json(
        DEPARTMENTS
            .iter()
            .map(|d| DepartmentItem {
                code: d.code,
                name: d.name,
                region_code: d.region_code,
                region_name: region(d.region_code).map(|r| r.name).unwrap_or(""),
            })
            .collect(),
    )
}

/// The kinds of organisations, with their French labels.
#[utoipa::path(get, path = "/api/v1/organisation-kinds", tag = "reference", responses((status = 200, body = Vec<KindItem>)))]
pub async fn organisation_kinds() -> Json<Vec<KindItem>> {
    Json(
        OrganisationKind::ALL
            .iter()
            .map(|k| KindItem {
                code: k.code(),
                label: k.label(),
                siae: k.is_siae(),
            })
            .collect(),
    )
}

/// Longest search the job-title picker accepts.
const MAX_QUERY: usize = 100;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AppellationQuery {
    /// Words of the job title (`maraichere`, accents and case ignored) or a ROME code (`A1414`).
    pub q: String,
    /// Most titles answered, 1 to 50 (20 by default).
    pub limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct AppellationMatches {
    /// The referential loaded, or none: then no title is found and any well-formed code is accepted.
    pub version: Option<RomeVersion>,
    /// Shortest titles first.
    pub items: Vec<Appellation>,
}

/// The job titles of the ROME referential that match a search: every word, accents and case ignored, or a ROME
/// code. Public data, as published by France Travail; used by the job pickers of the forms.
#[utoipa::path(get, path = "/api/v1/rome/appellations", tag = "reference", params(AppellationQuery),
    responses((status = 200, body = AppellationMatches),
        (status = 400, description = "`invalid_query` (q missing), `rome_query_too_long`", body = ErrorBody)))]
pub async fn rome_appellations(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AppellationQuery>,
) -> ApiResult<Json<AppellationMatches>> {
    if q.q.chars().count() > MAX_QUERY {
        return Err(ApiError::bad_request(
            "rome_query_too_long",
            format!("La recherche d'un métier tient en {MAX_QUERY} caractères au plus."),
        ));
    }
    Ok(Json(AppellationMatches {
        version: state.store.rome_version().await?,
        items: state
            .store
            .search_appellations(&q.q, q.limit.unwrap_or(20).min(MAX_MATCHES))
            .await?,
    }))
}

/// The reference lists routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(departments))
        .routes(routes!(organisation_kinds))
        .routes(routes!(rome_appellations))
}
