//! A person's employment in an SIAE: CDDI contracts, assignments and the waivers of the 480-hour cap, which the
//! AI requests and the DDETS of its department decides (docs/iae.md).

use super::Created;
use crate::api::idempotency::{IdempotencyHeader, create_once};
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::approval::Period;
use passerelle_domain::pathways::iae::contract::{Assignment, Cddi, CddiException, ClientKind};
use passerelle_domain::pathways::iae::waiver::Decision;
use passerelle_store::pathways::iae::contract::{AssignmentRecord, ContractRecord, Employment};
use passerelle_store::pathways::iae::waiver::{WaiverRecord, WaiverRequest};
use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContract {
    /// The caller's ACI or EI.
    pub siae_id: Uuid,
    pub starts_on: Date,
    /// Last day, included.
    pub ends_on: Date,
    pub weekly_hours: i64,
    /// Fewer than 20 hours a week for a person with particular difficulties.
    #[serde(default)]
    pub hours_derogation: bool,
    /// `training` or `senior50_or_rqth`: beyond 24 months in total.
    #[schema(value_type = Option<String>)]
    pub exception: Option<CddiException>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssignment {
    /// The caller's AI or ETTI.
    pub siae_id: Uuid,
    pub client_name: String,
    /// `company` (counts towards the 480 hours), `individual` or `association`.
    #[schema(example = "company")]
    pub client_kind: ClientKind,
    pub starts_on: Date,
    pub hours: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWaiver {
    pub siae_id: Uuid,
    pub starts_on: Date,
    pub ends_on: Date,
    /// The AI's reference of its request (its file number, or the reference of a decision already taken).
    pub reference: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideWaiver {
    /// `true` grants the waiver over `starts_on`..`ends_on` (3 years at most) under `reference`; `false`
    /// refuses it with `refusal_reason`.
    pub grant: bool,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// Reference of the decision (arrêté, courrier) when granted.
    pub reference: Option<String>,
    /// Reasons, when refused.
    pub refusal_reason: Option<String>,
}

/// A person's CDDI, assignments and waivers of the 480-hour cap.
#[utoipa::path(get, path = "/api/v1/persons/{id}/employment", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Employment)))]
pub async fn get_employment(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Employment>> {
    Ok(Json(state.store.employment(&ctx, id).await?))
}

/// Records a CDDI (ACI, EI): 4 months at least, 24 months in total with the documented exceptions, 20 to 35
/// hours a week; the approval must be valid on its first day.
#[utoipa::path(post, path = "/api/v1/persons/{id}/contracts", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'un contrat")),
    request_body = CreateContract, security(("bearer" = [])),
    responses((status = 201, body = ContractRecord),
        (status = 422, body = crate::error::ErrorBody, description = "`approval_not_valid`, \
            `contract_ends_after_approval` : le contrat sort de l'agrément ou du PASS IAE, dont le message donne les \
            dates ; `cddi_too_short`, `cddi_hours`, `cddi_too_long`...")))]
pub async fn create_contract(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(person_id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateContract>,
) -> ApiResult<Created<ContractRecord>> {
    let c = Cddi {
        period: Period {
            from: b.starts_on,
            to: b.ends_on,
        },
        weekly_hours: b.weekly_hours,
        hours_derogation: b.hours_derogation,
        exception: b.exception,
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("contracts", StatusCode::CREATED),
        |key| store.create_contract(&ctx, person_id, b.siae_id, c, key),
        |id| store.contract(&ctx, id),
    )
    .await
}

/// Records an AI or ETTI assignment; AI assignments to companies are capped at 480 hours over 24 months
/// unless a préfet waiver covers them.
#[utoipa::path(post, path = "/api/v1/persons/{id}/assignments", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'une mise à disposition")),
    request_body = CreateAssignment, security(("bearer" = [])),
    responses((status = 201, body = AssignmentRecord),
        (status = 422, body = crate::error::ErrorBody, description = "`approval_not_valid` : le premier jour est \
            hors de l'agrément ou du PASS IAE, dont le message donne les dates ; `assignment_cap_exceeded`...")))]
pub async fn create_assignment(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(person_id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateAssignment>,
) -> ApiResult<Created<AssignmentRecord>> {
    let a = Assignment {
        date: b.starts_on,
        hours: b.hours,
        client: b.client_kind,
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("assignments", StatusCode::CREATED),
        |key| store.create_assignment(&ctx, person_id, b.siae_id, &b.client_name, a, key),
        |id| store.assignment(&ctx, id),
    )
    .await
}

/// The AI requests the préfet's waiver of the 480-hour cap (3 years at most) for the person: the request waits
/// for the decision of the DDETS of the AI's department and lifts nothing before it is granted (409
/// `waiver_already_requested` while one waits; 422 `waiver_not_for_kind` for another SIAE than an AI).
#[utoipa::path(post, path = "/api/v1/persons/{id}/assignment-waivers", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'une demande")),
    request_body = CreateWaiver, security(("bearer" = [])),
    responses((status = 200, body = Employment)))]
pub async fn create_waiver(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(person_id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateWaiver>,
) -> ApiResult<Created<Employment>> {
    let period = Period {
        from: b.starts_on,
        to: b.ends_on,
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("assignment_waivers", StatusCode::OK),
        |key| store.request_waiver(&ctx, person_id, b.siae_id, period, &b.reference, key),
        |person| store.employment(&ctx, person),
    )
    .await
}

/// The waiver requests waiting for the decision of the caller's DDETS or DREETS, in the departments it covers,
/// without the persons' names (State services hold none).
#[utoipa::path(get, path = "/api/v1/assignment-waivers/requests", tag = "iae", security(("bearer" = [])),
    responses((status = 200, body = Vec<WaiverRequest>)))]
pub async fn list_waiver_requests(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> ApiResult<Json<Vec<WaiverRequest>>> {
    Ok(Json(state.store.waiver_requests(&ctx).await?))
}

/// The DDETS (or DREETS) of the AI's department grants the waiver (3 years at most) or refuses it with its
/// reasons: 403 `not_state_service_of_department` for anyone else, 409 `waiver_already_decided` once decided,
/// 422 `waiver_too_long` or `field_required`.
#[utoipa::path(post, path = "/api/v1/assignment-waivers/{id}/decision", tag = "iae", params(("id" = Uuid, Path)),
    request_body = DecideWaiver, security(("bearer" = [])),
    responses((status = 200, body = WaiverRecord)))]
pub async fn decide_waiver(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<DecideWaiver>,
) -> ApiResult<Json<WaiverRecord>> {
    Ok(Json(state.store.decide_waiver(&ctx, id, b.decision()?).await?))
}

impl DecideWaiver {
    /// The decision asked, or which date is missing.
    pub fn decision(self) -> Result<Decision, Invalid> {
        if !self.grant {
            return Ok(Decision::Refuse {
                reason: self.refusal_reason.unwrap_or_default(),
            });
        }
        let missing = |field: &str| {
            Invalid::new(
                "field_required",
                "Indiquez les dates de début et de fin de la dérogation accordée.",
            )
            .on(field)
        };
        Ok(Decision::Grant {
            period: Period {
                from: self.starts_on.ok_or_else(|| missing("starts_on"))?,
                to: self.ends_on.ok_or_else(|| missing("ends_on"))?,
            },
            reference: self.reference.unwrap_or_default(),
        })
    }
}
