//! A person's approval (PASS IAE or agrément): suspensions, prolongation requests and their decisions, the
//! agrément requests and decisions of the records before 2021-12-01.

use super::Created;
use crate::api::idempotency::{IdempotencyHeader, create_once};
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use passerelle_domain::pathways::iae::agrement::{Decision, RequestKind};
use passerelle_domain::pathways::iae::prolongation::ProlongationReason;
use passerelle_domain::pathways::iae::suspension::SuspensionReason;
use passerelle_store::pathways::iae::pathway::{AgrementAsk, ApprovalView, ProlongationDecision};
use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// The person's approval replayed by the rules engine: dates, status, timeline, what may come next and why.
#[utoipa::path(get, path = "/api/v1/persons/{id}/approval", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApprovalView)))]
pub async fn get_approval(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ApprovalView>> {
    Ok(Json(state.store.approval(&ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSuspension {
    pub from: Date,
    pub to: Date,
    /// `contract_suspended`, `contract_broken`, `contract_ended`, `cta_agreement`, `contrat_passerelle`.
    #[schema(example = "contract_suspended")]
    pub reason: SuspensionReason,
}

/// Suspends the approval (the SIAE of the last hiring); the rules engine decides and explains.
#[utoipa::path(post, path = "/api/v1/persons/{id}/approval/suspensions", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne suspend qu'une fois")),
    request_body = CreateSuspension, security(("bearer" = [])),
    responses((status = 200, body = ApprovalView)))]
pub async fn suspend(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateSuspension>,
) -> ApiResult<Created<ApprovalView>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("suspensions", StatusCode::OK),
        |key| store.suspend_approval(&ctx, id, b.from, b.to, b.reason, key),
        |person| store.approval(&ctx, person),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProlongation {
    /// `senior_cdi`, `training` (decided by the SIAE), `rqth`, `senior_50`, `particular_difficulties`
    /// (decided by an authorised prescriber).
    #[schema(example = "training")]
    pub reason: ProlongationReason,
    /// Last day of the prolongation; it starts the day after the current end.
    pub to: Date,
    pub justification: String,
}

/// Asks a prolongation (the SIAE of the last hiring): applied at once when the SIAE decides alone, otherwise
/// waiting for an authorised prescriber. The rules engine checks it either way; since 2021-12-01 it is asked from
/// 12 months before the current end to 6 months after it.
#[utoipa::path(post, path = "/api/v1/persons/{id}/approval/prolongations", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne demande qu'une prolongation")),
    request_body = CreateProlongation, security(("bearer" = [])),
    responses((status = 200, body = ApprovalView),
        (status = 422, body = crate::error::ErrorBody, description = "`prolongation_window_not_open`, \
            `prolongation_window_closed` (the message names the day the window opens or closed), and the rules \
            engine's refusals (`prolongation_too_long`, `prolongation_cap_exceeded`, `age_requirement`...)")))]
pub async fn request_prolongation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateProlongation>,
) -> ApiResult<Created<ApprovalView>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("prolongations", StatusCode::OK),
        |key| store.request_prolongation(&ctx, id, b.reason, b.to, &b.justification, key),
        |person| store.approval(&ctx, person),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideProlongation {
    pub accept: bool,
    /// For a refusal: `iae_unsuited`, `siae_unsuited`, `duration` or `reason`.
    pub motive: Option<String>,
    pub comment: Option<String>,
    /// For a refusal: the action proposed instead.
    pub proposed_action: Option<String>,
}

/// An authorised prescriber following the person accepts or refuses (motivated) a prolongation request.
#[utoipa::path(post, path = "/api/v1/prolongation-requests/{id}/decision", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne décide qu'une fois")),
    request_body = DecideProlongation, security(("bearer" = [])),
    responses((status = 200, body = ApprovalView)))]
pub async fn decide_prolongation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<DecideProlongation>,
) -> ApiResult<Created<ApprovalView>> {
    let decision = if b.accept {
        ProlongationDecision::Accept
    } else {
        ProlongationDecision::Refuse {
            motive: b.motive.as_deref().unwrap_or_default(),
            comment: b.comment.as_deref(),
            proposed_action: b.proposed_action.as_deref().unwrap_or_default(),
        }
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("prolongation_decisions", StatusCode::OK),
        |key| store.decide_prolongation(&ctx, id, decision, key),
        |person| store.approval(&ctx, person),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgrementRequest {
    /// Day Pôle emploi received the complete written request (before 2021-12-01).
    pub date: Date,
    /// `initial`, `extension`, `prolongation`, `renewal`, `suspension`; an appeal takes the kind of the request
    /// it contests.
    #[schema(example = "initial")]
    pub kind: RequestKind,
    /// For a renewal (required): the day of the joint bilan of the SIAE and Pôle emploi, on or before `date`.
    #[serde(default)]
    pub joint_bilan: Option<Date>,
    /// The SIAE's written appeal of a refusal to the agency's director.
    #[serde(default)]
    pub appeal: Option<CreateAgrementAppeal>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgrementAppeal {
    /// The `id` of the refused request (`agrement_requests` of the approval).
    pub refusal_id: Uuid,
    /// The objective elements of the person's situation the appeal rests on.
    pub grounds: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgrementDecision {
    /// The `id` of the agrément request decided (`agrement_requests` of the approval). Optional while exactly
    /// one request awaits an answer on `date`; otherwise 422 `agrement_request_ambiguous`.
    pub request_id: Option<Uuid>,
    pub date: Date,
    /// `granted` or `refused`.
    #[schema(example = "refused")]
    pub decision: Decision,
    /// Required for a refusal.
    pub motive: Option<String>,
}

/// Records an agrément request of the employing SIAE (records before 2021-12-01): the engine dates its
/// deadline (5 working days, 2 for an ETTI) after which it is granted tacitly. A renewal follows a joint bilan,
/// once every contract of the agrément has ended; an appeal of a refusal goes to the agency's director, without deadline or tacit acceptance.
#[utoipa::path(post, path = "/api/v1/persons/{id}/approval/agrement-requests", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'une demande")),
    request_body = CreateAgrementRequest, security(("bearer" = [])),
    responses((status = 200, body = ApprovalView),
        (status = 404, body = crate::error::ErrorBody, description = "`appeal.refusal_id` n'est pas une demande d'agrément de la personne"),
        (status = 422, body = crate::error::ErrorBody, description = "`renewal_without_joint_bilan`, `renewal_contracts_running`, `appeal_without_grounds`, \
            `no_refusal_to_appeal`, `refusal_already_appealed`, `agrement_abolished`...")))]
pub async fn request_agrement(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateAgrementRequest>,
) -> ApiResult<Created<ApprovalView>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("agrement_requests", StatusCode::OK),
        |key| {
            let ask = match &b.appeal {
                None => AgrementAsk::Request {
                    date: b.date,
                    kind: b.kind,
                    joint_bilan: b.joint_bilan,
                },
                Some(a) => AgrementAsk::Appeal {
                    date: b.date,
                    refusal: a.refusal_id,
                    grounds: a.grounds.clone(),
                },
            };
            store.request_agrement(&ctx, id, ask, key)
        },
        |person| store.approval(&ctx, person),
    )
    .await
}

/// Records Pôle emploi's decision on an agrément request (the France Travail agency following the person),
/// named by `request_id`, or the one request awaiting an answer on that date; a refusal is motivated.
#[utoipa::path(post, path = "/api/v1/persons/{id}/approval/agrement-decisions", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'une décision")),
    request_body = CreateAgrementDecision, security(("bearer" = [])),
    responses((status = 200, body = ApprovalView),
        (status = 404, body = crate::error::ErrorBody,
            description = "`request_id` n'est pas une demande d'agrément de la personne"),
        (status = 422, body = crate::error::ErrorBody, description = "`agrement_request_ambiguous` : plusieurs demandes attendent une réponse à cette \
            date, `request_id` la désigne ; `no_pending_request`, `refusal_without_motive`...")))]
pub async fn decide_agrement(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateAgrementDecision>,
) -> ApiResult<Created<ApprovalView>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("agrement_decisions", StatusCode::OK),
        |key| store.decide_agrement(&ctx, id, b.request_id, b.date, b.decision, b.motive.as_deref(), key),
        |person| store.approval(&ctx, person),
    )
    .await
}
