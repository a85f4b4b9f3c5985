//! The reads of personal data made by an organisation's members, for its administrators.

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use passerelle_store::infra::paging::Page;
use passerelle_store::privacy::audit::{ReadEntry, ReadFilter};
use serde::Deserialize;
use time::Date;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// First day (AAAA-MM-JJ).
    pub from: Option<Date>,
    /// Last day, included.
    pub to: Option<Date>,
    /// One member's reads.
    pub user_id: Option<Uuid>,
    /// The reads of one record (a person, a prescription...).
    pub entity_id: Option<Uuid>,
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

impl ReadQuery {
    pub fn filter(&self) -> ReadFilter {
        ReadFilter {
            from: self.from,
            to: self.to,
            user_id: self.user_id,
            entity_id: self.entity_id,
        }
    }
}

/// Who of the organisation's members read which personal data, newest first (its administrators only).
#[utoipa::path(get, path = "/api/v1/organisations/{id}/personal-data-reads", tag = "directory",
    params(("id" = Uuid, Path), ReadQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<ReadEntry>)))]
pub async fn personal_data_reads(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ReadQuery>,
) -> ApiResult<Json<Page<ReadEntry>>> {
    let page = state
        .store
        .personal_data_reads(&ctx, id, &q.filter(), q.page.unwrap_or(1), q.per_page.unwrap_or(50))
        .await?;
    Ok(Json(page))
}

/// The reads journal routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new().routes(routes!(personal_data_reads))
}
