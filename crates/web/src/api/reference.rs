//! Reference lists: departments and organisation kinds.

use axum::Json;
use passerelle_domain::directory::department::region;
use passerelle_domain::directory::{DEPARTMENTS, OrganisationKind};
use serde::Serialize;
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

/// The reference lists routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(departments))
        .routes(routes!(organisation_kinds))
}
