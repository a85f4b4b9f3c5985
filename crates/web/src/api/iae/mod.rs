//! IAE pathways: offers, diagnoses, prescriptions and their referral sheets, notifications, and
//! the approval (PASS IAE or agrément) with its suspensions and prolongations; contracts and assignments.

pub mod approval;
pub mod employment;
pub mod orientation;

use super::idempotency::{IdempotencyHeader, create_once};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::respond;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use passerelle_domain::pathways::iae::offer::OfferInput;
use passerelle_domain::pathways::iae::referral::StepInput;
use passerelle_domain::pathways::iae::{Criterion, SiaeKind};
use passerelle_store::infra::notifications::Notification;
use passerelle_store::pathways::iae::offer::{Offer, OfferFilter};
use passerelle_store::pathways::iae::referral::{
    DiagnosisRecord, Direction, NewPrescription, Prescription, RefusalCount,
};
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub(super) type Created<T> = (StatusCode, HeaderMap, Json<T>);

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfferQuery {
    pub siae_id: Option<Uuid>,
    /// Department code of the SIAE (`21`).
    pub department: Option<String>,
    #[serde(default)]
    pub include_closed: bool,
    /// The job: a ROME code (`A1414`), or words of the title or of the ROME family, accents and case ignored.
    pub job: Option<String>,
    /// Words of the place of work (`fontaine les dijon`), accents and case ignored.
    pub town: Option<String>,
}

impl From<OfferQuery> for OfferFilter {
    fn from(q: OfferQuery) -> Self {
        OfferFilter {
            siae_id: q.siae_id,
            department: q.department,
            include_closed: q.include_closed,
            job: q.job,
            town: q.town,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOffer {
    /// The caller's SIAE publishing the offer.
    pub siae_id: Uuid,
    #[schema(example = "Agent d'entretien des espaces verts")]
    pub title: String,
    #[schema(example = "A1203")]
    pub rome_code: Option<String>,
    #[schema(example = "Dijon")]
    pub place: String,
    pub weekly_hours: Option<i64>,
    pub positions: i64,
    pub prerequisites: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

/// The published offers (open ones by default), for every signed-in user.
#[utoipa::path(get, path = "/api/v1/offers", tag = "iae", params(OfferQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<Offer>)))]
pub async fn list_offers(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<OfferQuery>,
) -> ApiResult<Json<Vec<Offer>>> {
    Ok(Json(state.store.offers(&ctx, &q.into()).await?))
}

/// The published offers as CSV (French headers, `;`-separated for spreadsheets), same filters as the list.
#[utoipa::path(get, path = "/api/v1/offers/export", tag = "iae", params(OfferQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn export_offers(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<OfferQuery>,
) -> ApiResult<Response> {
    Ok(respond::offers_csv(&state.store.offers(&ctx, &q.into()).await?))
}

/// Publishes an offer of one of the caller's SIAE.
#[utoipa::path(post, path = "/api/v1/offers", tag = "iae", request_body = CreateOffer, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'une offre")),
    responses((status = 201, body = Offer)))]
pub async fn create_offer(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateOffer>,
) -> ApiResult<Created<Offer>> {
    let fields = OfferInput {
        title: b.title,
        rome_code: b.rome_code,
        place: b.place,
        weekly_hours: b.weekly_hours,
        positions: b.positions,
        prerequisites: b.prerequisites,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
    }
    .validate(passerelle_store::today())?;
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("offers", StatusCode::CREATED),
        |key| store.create_offer(&ctx, b.siae_id, fields, key),
        |id| store.offer(&ctx, id),
    )
    .await
}

/// One offer.
#[utoipa::path(get, path = "/api/v1/offers/{id}", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Offer)))]
pub async fn get_offer(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Offer>> {
    Ok(Json(state.store.offer(&ctx, id).await?))
}

/// Closes an offer (members of its SIAE).
#[utoipa::path(post, path = "/api/v1/offers/{id}/close", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Offer)))]
pub async fn close_offer(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Offer>> {
    Ok(Json(state.store.set_offer_open(&ctx, id, false).await?))
}

/// Opens a closed offer again (members of its SIAE).
#[utoipa::path(post, path = "/api/v1/offers/{id}/open", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Offer)))]
pub async fn open_offer(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Offer>> {
    Ok(Json(state.store.set_offer_open(&ctx, id, true).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDiagnosis {
    /// The caller's organisation making the diagnosis: an authorised prescriber, or an SIAE for its own hiring.
    pub organisation_id: Uuid,
    /// `ACI`, `EI`, `EITI`, `AI` or `ETTI`: the number of level-2 criteria needed depends on it.
    #[schema(example = "ACI")]
    pub siae_kind: SiaeKind,
    /// Criterion codes (`rsa`, `deld`, `th`, ...; see docs/iae.md).
    #[schema(value_type = Vec<String>, example = json!(["rsa"]))]
    pub criteria: Vec<Criterion>,
}

/// Records a diagnosis of a person the caller follows; eligibility and expiry come from the rules engine.
#[utoipa::path(post, path = "/api/v1/persons/{id}/diagnoses", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'un diagnostic")),
    request_body = CreateDiagnosis, security(("bearer" = [])),
    responses((status = 201, body = DiagnosisRecord)))]
pub async fn create_diagnosis(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(person_id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateDiagnosis>,
) -> ApiResult<Created<DiagnosisRecord>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("diagnoses", StatusCode::CREATED),
        |key| store.create_diagnosis(&ctx, b.organisation_id, person_id, b.siae_kind, b.criteria, key),
        |id| store.diagnosis(&ctx, id),
    )
    .await
}

/// The diagnoses of a person the caller follows, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/diagnoses", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<DiagnosisRecord>)))]
pub async fn list_diagnoses(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(person_id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<DiagnosisRecord>>> {
    Ok(Json(state.store.diagnoses(&ctx, person_id).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PrescriptionQuery {
    /// `sent`, `received` or `all` (default).
    pub direction: Option<String>,
    pub person_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStep {
    /// `received`, `interview_planned`, `interview_held`, `hired`, `refused` (SIAE) or `withdrawn` (prescriber).
    #[schema(example = "refused")]
    pub status: String,
    /// Mandatory for a refusal or a withdrawal (see docs/iae.md for the list).
    pub motive: Option<String>,
    /// Free text; mandatory with the motive `other`.
    pub comment: Option<String>,
    /// Date of the interview (planned) or of the hiring.
    pub date: Option<Date>,
}

/// The prescriptions the caller's organisations sent or received, with their referral sheets.
#[utoipa::path(get, path = "/api/v1/prescriptions", tag = "iae", params(PrescriptionQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<Prescription>)))]
pub async fn list_prescriptions(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<PrescriptionQuery>,
) -> ApiResult<Json<Vec<Prescription>>> {
    let direction = direction(q.direction.as_deref())?;
    Ok(Json(state.store.prescriptions(&ctx, direction, q.person_id).await?))
}

/// The `direction` of a listing query: `sent`, `received` or `all` (the default).
pub(crate) fn direction(code: Option<&str>) -> Result<Direction, ApiError> {
    match code {
        None | Some("all") => Ok(Direction::All),
        Some("sent") => Ok(Direction::Sent),
        Some("received") => Ok(Direction::Received),
        Some(other) => Err(ApiError::bad_request(
            "invalid_query",
            format!("« {other} » : direction attendue sent, received ou all."),
        )),
    }
}

/// Sends a prescription to an SIAE: the first step of its referral sheet; the SIAE is notified.
#[utoipa::path(post, path = "/api/v1/prescriptions", tag = "iae", request_body = NewPrescription, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'une prescription")),
    responses((status = 201, body = Prescription), (status = 404, body = ErrorBody)))]
pub async fn create_prescription(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    idempotency: IdempotencyHeader,
    ApiJson(new): ApiJson<NewPrescription>,
) -> ApiResult<Created<Prescription>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("prescriptions", StatusCode::CREATED),
        |key| store.create_prescription(&ctx, new, key),
        |id| store.prescription(&ctx, id),
    )
    .await
}

/// One prescription and its referral sheet; 404 outside its prescriber and its SIAE.
#[utoipa::path(get, path = "/api/v1/prescriptions/{id}", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Prescription)))]
pub async fn get_prescription(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Prescription>> {
    Ok(Json(state.store.prescription(&ctx, id).await?))
}

/// Adds a step to the referral sheet on the caller's side; refusals and withdrawals need a motive; « entretien
/// réalisé » waits for the day of the planned interview. A hiring opens or continues the person's approval
/// through the rules engine.
#[utoipa::path(post, path = "/api/v1/prescriptions/{id}/steps", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'ajoute qu'une étape")), request_body = CreateStep,
    security(("bearer" = [])),
    responses((status = 200, body = Prescription),
        (status = 422, body = crate::error::ErrorBody, description = "`referral_transition_invalid`, \
            `refusal_motive_required`, `interview_in_future` (the planned interview has not come yet), and the \
            rules engine's refusals of a hiring (`waiting_period`...)")))]
pub async fn add_step(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateStep>,
) -> ApiResult<Created<Prescription>> {
    let input = StepInput {
        status: b.status,
        motive: b.motive,
        comment: b.comment,
        date: b.date,
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("referral_steps", StatusCode::OK),
        |key| store.add_referral_step(&ctx, id, &input, key),
        |id| store.prescription(&ctx, id),
    )
    .await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RefusalQuery {
    pub department: Option<String>,
}

/// Refusals by the SIAE and withdrawals by prescribers, counted by department, SIAE kind and motive.
#[utoipa::path(get, path = "/api/v1/referral-refusals", tag = "iae", params(RefusalQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<RefusalCount>)))]
pub async fn referral_refusals(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<RefusalQuery>,
) -> ApiResult<Json<Vec<RefusalCount>>> {
    Ok(Json(
        state.store.referral_refusals(&ctx, q.department.as_deref()).await?,
    ))
}

/// The notifications of the caller's organisations, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "iae", security(("bearer" = [])),
    responses((status = 200, body = Vec<Notification>)))]
pub async fn list_notifications(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> ApiResult<Json<Vec<Notification>>> {
    Ok(Json(state.store.notifications(&ctx).await?))
}

/// Marks the notifications of the caller's organisations as read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "iae", security(("bearer" = [])),
    responses((status = 204)))]
pub async fn read_notifications(State(state): State<AppState>, ApiCaller(ctx): ApiCaller) -> ApiResult<StatusCode> {
    state.store.mark_notifications_read(&ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The IAE routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_offers, create_offer))
        .routes(routes!(export_offers))
        .routes(routes!(get_offer))
        .routes(routes!(close_offer))
        .routes(routes!(open_offer))
        .routes(routes!(list_diagnoses, create_diagnosis))
        .routes(routes!(list_prescriptions, create_prescription))
        .routes(routes!(get_prescription))
        .routes(routes!(add_step))
        .routes(routes!(referral_refusals))
        .routes(routes!(list_notifications))
        .routes(routes!(read_notifications))
        .routes(routes!(approval::get_approval))
        .routes(routes!(approval::suspend))
        .routes(routes!(approval::request_prolongation))
        .routes(routes!(approval::decide_prolongation))
        .routes(routes!(approval::request_agrement))
        .routes(routes!(approval::decide_agrement))
        .routes(routes!(employment::get_employment))
        .routes(routes!(employment::create_contract))
        .routes(routes!(employment::create_assignment))
        .routes(routes!(employment::create_waiver))
        .routes(routes!(employment::list_waiver_requests))
        .routes(routes!(employment::decide_waiver))
        .routes(routes!(orientation::list_prescribers))
        .routes(routes!(orientation::list_orientations, orientation::create_orientation))
        .routes(routes!(orientation::get_orientation))
        .routes(routes!(orientation::answer_orientation))
}
