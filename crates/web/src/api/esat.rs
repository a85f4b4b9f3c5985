//! ESAT pathways: workers' records, situations, conventions d'appui and the right to return;
//! and a person's one history across sectors (passerelles, item 4).

use super::idempotency::{Created, IdempotencyHeader, create_once};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use passerelle_domain::pathways::esat::WorkerInput;
use passerelle_store::pathways::esat::{NewSupportConvention, NewWorker, SituationChange, Worker, WorkerSummary};
use passerelle_store::pathways::person_pathway::PersonPathway;
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkerQuery {
    /// One of the caller's ESATs; all of them by default.
    pub esat_id: Option<Uuid>,
}

/// A worker's record: MDPH orientation, contract of support through work, professional project.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerRecord {
    pub orientation_decided_on: Option<Date>,
    pub orientation_valid_until: Option<Date>,
    pub contract_started_on: Option<Date>,
    pub professional_project: Option<String>,
}

impl WorkerRecord {
    fn input(self) -> WorkerInput {
        WorkerInput {
            orientation_decided_on: self.orientation_decided_on,
            orientation_valid_until: self.orientation_valid_until,
            contract_started_on: self.contract_started_on,
            professional_project: self.professional_project,
        }
    }
}

/// A situation to start in or move to. Double activity needs both weekly durations (in minutes) and the employer.
#[derive(Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct SituationBody {
    #[schema(example = "double_activity")]
    pub situation: String,
    pub since: Option<Date>,
    #[schema(example = 1200)]
    pub esat_minutes: Option<i64>,
    #[schema(example = 900)]
    pub employer_minutes: Option<i64>,
    pub employer_name: Option<String>,
    /// The ESAT's own plan for this situation, used when no ESAT-SPE convention in force plans actions for it.
    pub local_plan: Option<String>,
}

impl From<SituationBody> for SituationChange {
    fn from(b: SituationBody) -> Self {
        Self {
            situation: b.situation,
            since: b.since,
            esat_minutes: b.esat_minutes,
            employer_minutes: b.employer_minutes,
            employer_name: b.employer_name,
            local_plan: b.local_plan,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorker {
    /// The caller's ESAT; by default the caller's first organisation.
    pub esat_id: Option<Uuid>,
    /// A person the ESAT follows.
    pub person_id: Uuid,
    pub orientation_decided_on: Option<Date>,
    pub orientation_valid_until: Option<Date>,
    pub contract_started_on: Option<Date>,
    pub professional_project: Option<String>,
    /// The situation the record starts in (1 or 2).
    pub situation: SituationBody,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSupportConvention {
    pub employer_name: String,
    pub employer_siret: Option<String>,
    /// The SAVS taking part, if any.
    pub savs_name: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// The period this one renews.
    pub renewal_of: Option<Uuid>,
}

/// The workers of the caller's ESATs, with their situation and orientation warnings.
#[utoipa::path(get, path = "/api/v1/esat/workers", tag = "esat", params(WorkerQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<WorkerSummary>)))]
pub async fn list_workers(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<WorkerQuery>,
) -> ApiResult<Json<Vec<WorkerSummary>>> {
    Ok(Json(state.store.esat(&ctx).list(q.esat_id).await?))
}

/// Opens the record of a worker the ESAT follows, in situation 1 or 2.
#[utoipa::path(post, path = "/api/v1/esat/workers", tag = "esat", request_body = CreateWorker, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'ouvre qu'un dossier")),
    responses((status = 201, body = Worker), (status = 404, body = ErrorBody)))]
pub async fn create_worker(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateWorker>,
) -> ApiResult<Created<Worker>> {
    let Some(esat_id) = b.esat_id.or(ctx.default_organisation().map(|m| m.organisation_id)) else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_an_esat_member",
            "Votre compte n'est rattaché à aucun ESAT.",
        ));
    };
    let new = NewWorker {
        esat_id,
        person_id: b.person_id,
        fields: WorkerInput {
            orientation_decided_on: b.orientation_decided_on,
            orientation_valid_until: b.orientation_valid_until,
            contract_started_on: b.contract_started_on,
            professional_project: b.professional_project,
        }
        .validate()?,
        situation: b.situation.into(),
    };
    let store = &state.store;
    let scope = store.esat(&ctx);
    create_once(
        store,
        &ctx,
        idempotency,
        ("esat_workers", StatusCode::CREATED),
        |key| scope.create(new, key),
        |id| scope.get(id),
    )
    .await
}

/// One worker's record, with its history, conventions d'appui, allowed moves and planned actions.
#[utoipa::path(get, path = "/api/v1/esat/workers/{id}", tag = "esat", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Worker)))]
pub async fn get_worker(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Worker>> {
    Ok(Json(state.store.esat(&ctx).get(id).await?))
}

/// Replaces the record's orientation, contract and project (a renewed orientation, a new project).
#[utoipa::path(put, path = "/api/v1/esat/workers/{id}", tag = "esat", params(("id" = Uuid, Path)), request_body = WorkerRecord,
    security(("bearer" = [])),
    responses((status = 200, body = Worker)))]
pub async fn update_worker(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<WorkerRecord>,
) -> ApiResult<Json<Worker>> {
    Ok(Json(state.store.esat(&ctx).update(id, b.input().validate()?).await?))
}

/// Moves the worker to another situation (the transition table of docs/esat.md); back into the ESAT, the right to
/// return is checked against the orientation.
#[utoipa::path(post, path = "/api/v1/esat/workers/{id}/situations", tag = "esat", params(("id" = Uuid, Path)),
    request_body = SituationBody, security(("bearer" = [])),
    responses((status = 200, body = Worker)))]
pub async fn move_worker(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<SituationBody>,
) -> ApiResult<Json<Worker>> {
    Ok(Json(state.store.esat(&ctx).move_to(id, b.into()).await?))
}

/// Records a period of a convention d'appui (at most one year, renewable twice) while the worker is in situation 3.
#[utoipa::path(post, path = "/api/v1/esat/workers/{id}/support-conventions", tag = "esat", params(("id" = Uuid, Path)),
    request_body = CreateSupportConvention, security(("bearer" = [])),
    responses((status = 200, body = Worker)))]
pub async fn add_support_convention(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<CreateSupportConvention>,
) -> ApiResult<Json<Worker>> {
    let new = NewSupportConvention {
        employer_name: b.employer_name,
        employer_siret: b.employer_siret,
        savs_name: b.savs_name,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        renewal_of: b.renewal_of,
    };
    Ok(Json(state.store.esat(&ctx).add_support_convention(id, new).await?))
}

/// The person's one history across IAE, ESAT, immersions and ordinary employment: the caller's own steps, and the
/// other organisations' when the person consented to sharing.
#[utoipa::path(get, path = "/api/v1/persons/{id}/pathways", tag = "persons", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = PersonPathway)))]
pub async fn person_pathway(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PersonPathway>> {
    Ok(Json(state.store.person_pathway(&ctx, id).await?))
}

/// The ESAT routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_workers, create_worker))
        .routes(routes!(get_worker, update_worker))
        .routes(routes!(move_worker))
        .routes(routes!(add_support_convention))
        .routes(routes!(person_pathway))
}
