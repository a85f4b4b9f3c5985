//! Agreements: drafting with the checklist, the life cycle, versions and their comparison.

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::{inputs, respond};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use passerelle_domain::agreements::amendment::AmendmentAction;
use passerelle_domain::agreements::checklist::Checklist;
use passerelle_domain::agreements::lifecycle::Change;
use passerelle_domain::agreements::{AgreementContent, AgreementKind};
use passerelle_store::agreements::{
    Act, Agreement, AgreementSummary, AmendmentAct, Comparison, SteeringMeeting, ToDo, Version,
};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct AgreementKindItem {
    pub code: &'static str,
    pub label: &'static str,
    /// national, regional or local.
    pub level: passerelle_domain::agreements::Level,
    /// Codes of the kinds this kind may decline.
    pub parent_kinds: Vec<&'static str>,
    /// The "Vu ..." lines proposed for a new draft.
    pub legal_reference_presets: &'static [&'static str],
}

/// The kinds of agreements, the kinds each declines and the legal references proposed for each.
#[utoipa::path(get, path = "/api/v1/agreement-kinds", tag = "agreements", responses((status = 200, body = Vec<AgreementKindItem>)))]
pub async fn agreement_kinds() -> Json<Vec<AgreementKindItem>> {
    Json(
        AgreementKind::ALL
            .iter()
            .map(|k| AgreementKindItem {
                code: k.code(),
                label: k.label(),
                level: k.level(),
                parent_kinds: k.parent_kinds().iter().map(|p| p.code()).collect(),
                legal_reference_presets: k.legal_reference_presets(),
            })
            .collect(),
    )
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgreement {
    #[schema(example = "local_cooperation")]
    pub kind: String,
    /// The agreement this one declines.
    pub parent_id: Option<Uuid>,
    /// The structured content (see docs/api.md); parties must include one of the caller's organisations.
    #[schema(value_type = Object)]
    pub content: AgreementContent,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActRequest {
    #[schema(example = "sign")]
    pub action: String,
    /// Date of the act (signature, receipt of the notice, lapse); today by default.
    pub on: Option<Date>,
    /// For a signature or a decline: the party acting, when the caller administers several.
    pub organisation_id: Option<Uuid>,
    /// Object of an avenant, cause of a lapse.
    pub reason: Option<String>,
    /// For an avenant: the new content.
    #[schema(value_type = Option<Object>)]
    pub content: Option<AgreementContent>,
    /// For an avenant to a regional agreement: the held meeting of its steering committee that proposed it.
    pub committee_meeting_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct ActResult {
    pub agreement: Agreement,
    /// The status reached, its date of effect and its explanation.
    #[schema(value_type = Object)]
    pub change: Change,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    #[param(minimum = 1)]
    pub from: i64,
    #[param(minimum = 1)]
    pub to: i64,
}

/// The agreements the caller may see: their organisations' agreements, those of their territory for State services.
#[utoipa::path(get, path = "/api/v1/agreements", tag = "agreements", security(("bearer" = [])),
    responses((status = 200, body = Vec<AgreementSummary>)))]
pub async fn list_agreements(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> ApiResult<Json<Vec<AgreementSummary>>> {
    Ok(Json(state.store.agreements(&ctx).list().await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` (by default: a sheet of agreements and a sheet of deadlines) or `csv` (the agreements).
    pub format: Option<String>,
}

/// The agreements the caller may see as a spreadsheet: XLSX with the sheets « Conventions » and
/// « Échéances » (the parties' to-do list), or CSV of the first.
#[utoipa::path(get, path = "/api/v1/agreements/export", tag = "agreements", params(ExportQuery), security(("bearer" = [])),
    responses((status = 200, description = "The spreadsheet (XLSX or CSV)",
            content((Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (String = "text/csv")))))]
pub async fn export_agreements(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    respond::agreements_export(&state.store, &ctx, q.format.as_deref().unwrap_or("xlsx")).await
}

/// The parties' to-do list: yearly reviews, last days to give notice, ends, terminations taking effect and
/// roadmap actions of the agreements the caller's organisations are parties to.
#[utoipa::path(get, path = "/api/v1/agreement-deadlines", tag = "agreements", security(("bearer" = [])),
    responses((status = 200, body = Vec<ToDo>)))]
pub async fn list_deadlines(State(state): State<AppState>, ApiCaller(ctx): ApiCaller) -> ApiResult<Json<Vec<ToDo>>> {
    Ok(Json(state.store.agreements(&ctx).to_do().await?))
}

/// Starts a draft; the caller administers one of its parties.
#[utoipa::path(post, path = "/api/v1/agreements", tag = "agreements", request_body = CreateAgreement, security(("bearer" = [])),
    responses((status = 201, body = Agreement)))]
pub async fn create_agreement(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(body): ApiJson<CreateAgreement>,
) -> ApiResult<(StatusCode, Json<Agreement>)> {
    let kind = AgreementKind::parse(&body.kind)?;
    let a = state
        .store
        .agreements(&ctx)
        .create(kind, body.parent_id, body.content)
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// One agreement with its current content, parties, signatures, versions and the agreements declining it.
#[utoipa::path(get, path = "/api/v1/agreements/{id}", tag = "agreements", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Agreement)))]
pub async fn get_agreement(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Agreement>> {
    Ok(Json(state.store.agreements(&ctx).get(id).await?))
}

/// Replaces the content of a draft (parties' administrators only).
#[utoipa::path(put, path = "/api/v1/agreements/{id}/content", tag = "agreements", params(("id" = Uuid, Path)),
    request_body(content = Object, description = "The structured content"), security(("bearer" = [])),
    responses((status = 200, body = Agreement)))]
pub async fn update_content(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(content): ApiJson<AgreementContent>,
) -> ApiResult<Json<Agreement>> {
    Ok(Json(state.store.agreements(&ctx).update_draft(id, content).await?))
}

/// What is still missing before signature, item by item, with the score.
#[utoipa::path(get, path = "/api/v1/agreements/{id}/checklist", tag = "agreements", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Object)))]
pub async fn get_checklist(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Checklist>> {
    Ok(Json(state.store.agreements(&ctx).checklist(id).await?))
}

/// One step of the life cycle: submit, reopen, sign, open_review, close_review, amend, give_notice,
/// withdraw_notice (before the notice ends), lapse, decline
/// (a party other than the one that started the agreement leaves it; the agreement goes back to drafting).
/// `amend` proposes an avenant, as `POST /api/v1/agreements/{id}/amendments` does: it binds once every party
/// has signed it.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/actions", tag = "agreements", params(("id" = Uuid, Path)), request_body = ActRequest,
    security(("bearer" = [])),
    responses((status = 200, body = ActResult)))]
pub async fn act(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ActRequest>,
) -> ApiResult<Json<ActResult>> {
    let action = inputs::parse_action(&body.action)?;
    let (agreement, change) = state
        .store
        .agreements(&ctx)
        .act(
            id,
            Act {
                action,
                on: body.on,
                organisation_id: body.organisation_id,
                reason: body.reason,
                content: body.content,
                committee_meeting_id: body.committee_meeting_id,
            },
        )
        .await?;
    Ok(Json(ActResult { agreement, change }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeAmendment {
    /// The object of the avenant.
    #[schema(example = "Avenant n° 1 : prorogation d'un an")]
    pub reason: Option<String>,
    /// The whole new content; the parties stay the same.
    #[schema(value_type = Option<Object>)]
    pub content: Option<AgreementContent>,
    /// Date of the proposal; today by default.
    pub on: Option<Date>,
    /// The party proposing, when the caller administers several.
    pub organisation_id: Option<Uuid>,
    /// For a regional agreement, required: the held meeting of its steering committee that proposed the avenant
    /// (Accord régional de coopération Bourgogne-Franche-Comté (2016), article 5); see
    /// `GET /api/v1/agreements/{id}/steering-meetings`. Other kinds name none.
    pub committee_meeting_id: Option<Uuid>,
}

/// Proposes an avenant to the parties (an agreement in force or under its yearly review, one proposal at a
/// time: 409 `amendment_pending` otherwise). The version in force, its `content` and its documents stay as they
/// are until every party has signed; the proposal is the agreement's `pending_amendment`. A regional agreement
/// is amended on the proposal of its steering committee: 422 `committee_proposal_missing` without
/// `committee_meeting_id`, `committee_meeting_not_steering` for a meeting of another committee,
/// `committee_meeting_not_held` for one not held, `committee_meeting_after_proposal` for one held after the
/// avenant's date; other kinds: 422 `committee_proposal_not_applicable` if one is named.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/amendments", tag = "agreements", params(("id" = Uuid, Path)),
    request_body = ProposeAmendment, security(("bearer" = [])),
    responses((status = 201, body = ActResult)))]
pub async fn propose_amendment(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ProposeAmendment>,
) -> ApiResult<(StatusCode, Json<ActResult>)> {
    let act = Act {
        action: passerelle_domain::agreements::lifecycle::Action::Amend,
        on: body.on,
        organisation_id: body.organisation_id,
        reason: body.reason,
        content: body.content,
        committee_meeting_id: body.committee_meeting_id,
    };
    let (agreement, change) = state.store.agreements(&ctx).propose_amendment(id, act).await?;
    Ok((StatusCode::CREATED, Json(ActResult { agreement, change })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideAmendment {
    /// `sign` (the last signature puts the avenant in force as the next version), `decline` (a party that has
    /// not signed refuses it) or `withdraw` (its proposer takes it back).
    #[schema(example = "sign")]
    pub action: String,
    /// Date of the act; today by default.
    pub on: Option<Date>,
    /// The party acting, when the caller administers several.
    pub organisation_id: Option<Uuid>,
}

/// Signs, refuses or withdraws the pending avenant on behalf of one of the caller's parties (409
/// `no_pending_amendment` when none is pending, `already_signed` when the party has signed it).
#[utoipa::path(post, path = "/api/v1/agreements/{id}/pending-amendment/actions", tag = "agreements",
    params(("id" = Uuid, Path)), request_body = DecideAmendment, security(("bearer" = [])),
    responses((status = 200, body = ActResult)))]
pub async fn decide_amendment(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<DecideAmendment>,
) -> ApiResult<Json<ActResult>> {
    let action = AmendmentAction::parse(&body.action)
        .filter(|a| *a != AmendmentAction::Propose)
        .ok_or_else(|| {
            crate::error::ApiError::bad_request(
                "amendment_action_invalid",
                "Choisissez de signer l'avenant (sign), de le refuser (decline) ou de le retirer (withdraw).",
            )
        })?;
    let act = AmendmentAct {
        action,
        on: body.on,
        organisation_id: body.organisation_id,
    };
    let (agreement, change) = state.store.agreements(&ctx).decide_amendment(id, act).await?;
    Ok(Json(ActResult { agreement, change }))
}

/// The held meetings of the steering committee that may propose an avenant to this agreement, newest first:
/// a regional agreement's (Accord régional de coopération Bourgogne-Franche-Comté (2016), article 5); empty for
/// the kinds any party amends.
#[utoipa::path(get, path = "/api/v1/agreements/{id}/steering-meetings", tag = "agreements", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<SteeringMeeting>)))]
pub async fn list_steering_meetings(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<SteeringMeeting>>> {
    Ok(Json(state.store.agreements(&ctx).steering_meetings(id).await?))
}

/// One version: 1 is the convention as first signed, each avenant adds the next.
#[utoipa::path(get, path = "/api/v1/agreements/{id}/versions/{number}", tag = "agreements",
    params(("id" = Uuid, Path), ("number" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Version)))]
pub async fn get_version(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath((id, number)): ApiPath<(Uuid, i64)>,
) -> ApiResult<Json<Version>> {
    Ok(Json(state.store.agreements(&ctx).version(id, number).await?))
}

/// The readable differences between two versions.
#[utoipa::path(get, path = "/api/v1/agreements/{id}/compare", tag = "agreements", params(("id" = Uuid, Path), CompareQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Comparison)))]
pub async fn compare(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> ApiResult<Json<Comparison>> {
    Ok(Json(state.store.agreements(&ctx).compare(id, q.from, q.to).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `pdf`, `docx` or `html`.
    pub format: String,
    /// The version to render; the current one by default.
    #[param(minimum = 1)]
    pub version: Option<i64>,
}

/// The convention rendered from its structure: PDF (table of contents, page numbers, signature blocks),
/// DOCX (editable) or HTML.
#[utoipa::path(get, path = "/api/v1/agreements/{id}/document", tag = "agreements", params(("id" = Uuid, Path), DocumentQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The document (PDF, DOCX or HTML)",
            content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (String = "text/html")))))]
pub async fn render_document(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<DocumentQuery>,
) -> ApiResult<Response> {
    respond::agreement_document(&state, &ctx, id, &q.format, q.version).await
}

/// The agreements routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(agreement_kinds))
        .routes(routes!(list_deadlines))
        .routes(routes!(list_agreements, create_agreement))
        .routes(routes!(export_agreements))
        .routes(routes!(get_agreement))
        .routes(routes!(update_content))
        .routes(routes!(get_checklist))
        .routes(routes!(act))
        .routes(routes!(propose_amendment))
        .routes(routes!(decide_amendment))
        .routes(routes!(list_steering_meetings))
        .routes(routes!(get_version))
        .routes(routes!(compare))
        .routes(routes!(render_document))
}
