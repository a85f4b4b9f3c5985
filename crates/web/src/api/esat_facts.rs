//! Dated facts of ESAT workers (parcours renforcé en emploi, CPF, invoicing of the convention d'appui) and of the
//! ESAT (OPCO membership); rules in `passerelle_domain::pathways::esat::facts`.

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use passerelle_domain::pathways::esat::FactInput;
use passerelle_store::pathways::esat::{FactRecord, Worker};
use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// A dated fact: `reinforced_pathway`, `cpf` or `support_invoicing` for a worker, `opco_membership` for the ESAT.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactBody {
    #[schema(example = "support_invoicing")]
    pub kind: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// What is invoiced (required for `support_invoicing`), the OPCO's name (required for `opco_membership`).
    pub detail: Option<String>,
}

impl From<FactBody> for FactInput {
    fn from(b: FactBody) -> Self {
        FactInput {
            kind: b.kind,
            starts_on: b.starts_on,
            ends_on: b.ends_on,
            detail: b.detail,
        }
    }
}

/// Records a dated fact of a worker, checked against the day its rule applies from, the worker's situation and
/// conventions d'appui; journaled (`esat_worker.fact_recorded`).
#[utoipa::path(post, path = "/api/v1/esat/workers/{id}/facts", tag = "esat", params(("id" = Uuid, Path)),
    request_body = FactBody, security(("bearer" = [])),
    responses((status = 200, body = Worker)))]
pub async fn add_worker_fact(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<FactBody>,
) -> ApiResult<Json<Worker>> {
    Ok(Json(state.store.esat(&ctx).add_worker_fact(id, b.into()).await?))
}

/// The ESAT's own dated facts (its OPCO membership), for its members.
#[utoipa::path(get, path = "/api/v1/esat/{id}/facts", tag = "esat", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<FactRecord>)))]
pub async fn esat_facts(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<FactRecord>>> {
    Ok(Json(state.store.esat(&ctx).esat_facts(id).await?))
}

/// Records a dated fact of the ESAT (`opco_membership`); journaled (`esat.fact_recorded`).
#[utoipa::path(post, path = "/api/v1/esat/{id}/facts", tag = "esat", params(("id" = Uuid, Path)),
    request_body = FactBody, security(("bearer" = [])),
    responses((status = 200, body = Vec<FactRecord>)))]
pub async fn add_esat_fact(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<FactBody>,
) -> ApiResult<Json<Vec<FactRecord>>> {
    Ok(Json(state.store.esat(&ctx).add_esat_fact(id, b.into()).await?))
}

pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(add_worker_fact))
        .routes(routes!(esat_facts, add_esat_fact))
}
