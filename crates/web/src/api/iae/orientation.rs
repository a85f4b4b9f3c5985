//! Orientations: any organisation sends a person to an authorised prescriber, which takes the person on or
//! refuses with a reason (docs/iae.md, « Orientation »).

use super::Created;
use crate::api::idempotency::{IdempotencyHeader, create_once};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use passerelle_domain::pathways::iae::orientation::AnswerInput;
use passerelle_store::pathways::iae::orientation::{NewOrientation, Orientation, Prescriber};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrientationQuery {
    /// `sent` (by the caller's organisations), `received` (as the prescriber) or `all` (default).
    pub direction: Option<String>,
    pub person_id: Option<Uuid>,
}

/// The prescriber's answer.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAnswer {
    /// `accepted` (the prescriber takes the person on) or `refused`.
    #[schema(example = "accepted")]
    pub decision: String,
    /// Why the prescriber refuses; mandatory for a refusal.
    pub reason: Option<String>,
}

/// The authorised prescribers of the directory a person may be oriented to today (by right, or with an
/// authorisation of the préfet in force).
#[utoipa::path(get, path = "/api/v1/orientations/prescribers", tag = "iae", security(("bearer" = [])),
    responses((status = 200, body = Vec<Prescriber>)))]
pub async fn list_prescribers(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> ApiResult<Json<Vec<Prescriber>>> {
    Ok(Json(state.store.orientation_prescribers(&ctx).await?))
}

/// The orientations the caller's organisations sent or received, waiting ones first.
#[utoipa::path(get, path = "/api/v1/orientations", tag = "iae", params(OrientationQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<Orientation>), (status = 400, body = ErrorBody)))]
pub async fn list_orientations(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<OrientationQuery>,
) -> ApiResult<Json<Vec<Orientation>>> {
    let direction = super::direction(q.direction.as_deref())?;
    Ok(Json(state.store.orientations(&ctx, direction, q.person_id).await?))
}

/// Orients a person followed by the caller's organisation to an authorised prescriber, which is notified and
/// finds it in its to-do list. The person must have agreed (`person_consent`).
#[utoipa::path(post, path = "/api/v1/orientations", tag = "iae", request_body = NewOrientation, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'une orientation")),
    responses((status = 201, body = Orientation), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_orientation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    idempotency: IdempotencyHeader,
    ApiJson(new): ApiJson<NewOrientation>,
) -> ApiResult<Created<Orientation>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("orientations", StatusCode::CREATED),
        |key| store.create_orientation(&ctx, new, key),
        |id| store.orientation(&ctx, id),
    )
    .await
}

/// One orientation; 404 outside the orienting organisation and the prescriber.
#[utoipa::path(get, path = "/api/v1/orientations/{id}", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Orientation), (status = 404, body = ErrorBody)))]
pub async fn get_orientation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Orientation>> {
    Ok(Json(state.store.orientation(&ctx, id).await?))
}

/// The prescriber's answer, once: `accepted` (it then follows the person and may diagnose and prescribe) or
/// `refused` with its reason. The orienting organisation is notified.
#[utoipa::path(post, path = "/api/v1/orientations/{id}/answer", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'une réponse")),
    request_body = CreateAnswer, security(("bearer" = [])),
    responses((status = 200, body = Orientation), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer_orientation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateAnswer>,
) -> ApiResult<Created<Orientation>> {
    let input = AnswerInput {
        decision: b.decision,
        reason: b.reason,
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("orientation_answers", StatusCode::OK),
        |key| store.answer_orientation(&ctx, id, &input, key),
        |id| store.orientation(&ctx, id),
    )
    .await
}
