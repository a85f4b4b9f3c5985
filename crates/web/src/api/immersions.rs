//! Immersions (PMSMP): the convention as a draft, its signatures by each party (links e-mailed to the person and
//! the tutor), its PDF, its assessment.

use super::idempotency::{Created, IdempotencyHeader, create_once};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiCaller, ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use passerelle_domain::pathways::immersion::{AidedContractInput, ConventionInput, Schedule};
use passerelle_store::pathways::immersion::{Immersion, NewAssessment, NewImmersion, NewSignature};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// The convention's content: host company, tutor, object, dates and weekly schedule.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionBody {
    #[schema(example = "Boulangerie du Lac")]
    pub host_name: String,
    #[schema(example = "73282932000074")]
    pub host_siret: String,
    pub tutor_name: String,
    pub tutor_email: Option<String>,
    /// `discover_trade`, `confirm_project` or `start_recruitment`.
    #[schema(example = "confirm_project")]
    pub objective: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// Minutes of presence for each day of the week, Monday first (7 numbers).
    #[schema(value_type = Vec<i64>, example = json!([420, 420, 420, 420, 420, 0, 0]))]
    pub schedule: Schedule,
    pub activities: Option<String>,
    /// The days of presence of a discontinuous immersion, inside its dates, on days the schedule has hours
    /// (D5135-3); none when the schedule repeats every week.
    #[serde(default)]
    pub attendance_dates: Vec<Date>,
    /// The aided contract the person is employed on: all immersions during it take at most 25 % of its days.
    pub aided_contract: Option<AidedContractBody>,
}

/// An aided contract: `cui_cae` (D5134-50-2) or `cddi`, with its first and last days.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AidedContractBody {
    #[schema(example = "cddi")]
    pub kind: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

impl ConventionBody {
    fn input(self) -> ConventionInput {
        ConventionInput {
            host_name: self.host_name,
            host_siret: self.host_siret,
            tutor_name: self.tutor_name,
            tutor_email: self.tutor_email,
            objective: self.objective,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            schedule: self.schedule,
            activities: self.activities,
            attendance_dates: self.attendance_dates,
            aided_contract: self
                .aided_contract
                .map_or_else(AidedContractInput::default, |c| AidedContractInput {
                    kind: c.kind,
                    starts_on: c.starts_on,
                    ends_on: c.ends_on,
                }),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateImmersion {
    pub person_id: Uuid,
    pub prescriber_id: Uuid,
    pub support_structure_id: Uuid,
    /// The immersion this one renews (once, for the same object).
    pub renewal_of: Option<Uuid>,
    pub host_name: String,
    pub host_siret: String,
    pub tutor_name: String,
    pub tutor_email: Option<String>,
    #[schema(example = "confirm_project")]
    pub objective: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    #[schema(value_type = Vec<i64>, example = json!([420, 420, 420, 420, 420, 0, 0]))]
    pub schedule: Schedule,
    pub activities: Option<String>,
    #[serde(default)]
    pub attendance_dates: Vec<Date>,
    pub aided_contract: Option<AidedContractBody>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignBody {
    /// `beneficiary`, `host_company`, `prescriber` or `support_structure`.
    #[schema(example = "host_company")]
    pub party: String,
    pub signer_name: String,
    /// Today by default.
    pub signed_on: Option<Date>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureLinkBody {
    /// `beneficiary` or `host_company`: the parties without an account.
    #[schema(example = "host_company")]
    pub party: String,
    /// Where the link is sent.
    #[schema(example = "tuteur@example.fr")]
    pub email: String,
}

/// A signature link sent.
#[derive(Serialize, ToSchema)]
pub struct SignatureLinkSent {
    #[schema(example = "host_company")]
    pub party: String,
    pub email: String,
    /// The last day the link opens the convention (14 days).
    pub valid_until: Date,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessBody {
    /// Today by default.
    pub assessed_on: Option<Date>,
    pub completed: bool,
    pub objective_met: bool,
    /// The contract the person was hired on: `cdi`, `cdd`, `interim`, `apprenticeship`, `iae`, `esat`, `other`.
    pub contract_kind: Option<String>,
    pub comment: Option<String>,
}

/// The immersions of the caller's organisations (as prescriber or support structure), with their reminders.
#[utoipa::path(get, path = "/api/v1/immersions", tag = "immersions", security(("bearer" = [])),
    responses((status = 200, body = Vec<Immersion>)))]
pub async fn list_immersions(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> ApiResult<Json<Vec<Immersion>>> {
    Ok(Json(state.store.immersions(&ctx).list().await?))
}

/// Creates a draft convention, checked against the duration rules and the person's other immersions.
#[utoipa::path(post, path = "/api/v1/immersions", tag = "immersions", request_body = CreateImmersion, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'une convention")),
    responses((status = 201, body = Immersion), (status = 404, body = ErrorBody)))]
pub async fn create_immersion(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateImmersion>,
) -> ApiResult<Created<Immersion>> {
    let fields = ConventionBody {
        host_name: b.host_name,
        host_siret: b.host_siret,
        tutor_name: b.tutor_name,
        tutor_email: b.tutor_email,
        objective: b.objective,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        schedule: b.schedule,
        activities: b.activities,
        attendance_dates: b.attendance_dates,
        aided_contract: b.aided_contract,
    }
    .input()
    .validate()?;
    let new = NewImmersion {
        person_id: b.person_id,
        prescriber_id: b.prescriber_id,
        support_structure_id: b.support_structure_id,
        fields,
        renewal_of: b.renewal_of,
    };
    let store = &state.store;
    let scope = store.immersions(&ctx);
    create_once(
        store,
        &ctx,
        idempotency,
        ("immersions", StatusCode::CREATED),
        |key| scope.create(new, key),
        |id| scope.get(id),
    )
    .await
}

/// One immersion, with its signatures, reminders and assessment.
#[utoipa::path(get, path = "/api/v1/immersions/{id}", tag = "immersions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Immersion)))]
pub async fn get_immersion(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Immersion>> {
    Ok(Json(state.store.immersions(&ctx).get(id).await?))
}

/// Replaces the content of a draft convention (checked again).
#[utoipa::path(put, path = "/api/v1/immersions/{id}", tag = "immersions", params(("id" = Uuid, Path)), request_body = ConventionBody,
    security(("bearer" = [])),
    responses((status = 200, body = Immersion)))]
pub async fn update_immersion(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<ConventionBody>,
) -> ApiResult<Json<Immersion>> {
    Ok(Json(
        state
            .store
            .immersions(&ctx)
            .update_draft(id, b.input().validate()?)
            .await?,
    ))
}

/// Sends the draft to its signatories.
#[utoipa::path(post, path = "/api/v1/immersions/{id}/submit", tag = "immersions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Immersion)))]
pub async fn submit_immersion(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Immersion>> {
    Ok(Json(state.store.immersions(&ctx).submit(id).await?))
}

/// Records one party's signature; the last one makes the convention signed.
#[utoipa::path(post, path = "/api/v1/immersions/{id}/signatures", tag = "immersions", params(("id" = Uuid, Path)), request_body = SignBody,
    security(("bearer" = [])),
    responses((status = 200, body = Immersion)))]
pub async fn sign_immersion(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<SignBody>,
) -> ApiResult<Json<Immersion>> {
    let s = NewSignature {
        party: b.party,
        signer_name: b.signer_name,
        signed_on: b.signed_on,
    };
    Ok(Json(state.store.immersions(&ctx).sign(id, s).await?))
}

/// E-mails the person or the host company's tutor a link to sign the convention: valid 14 days, single use;
/// opening it shows the convention, its button signs (docs/esat.md, « Signature by link »).
#[utoipa::path(post, path = "/api/v1/immersions/{id}/signature-links", tag = "immersions", params(("id" = Uuid, Path)),
    request_body = SignatureLinkBody, security(("bearer" = [])),
    responses((status = 201, body = SignatureLinkSent)))]
pub async fn send_signature_link(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<SignatureLinkBody>,
) -> ApiResult<(StatusCode, Json<SignatureLinkSent>)> {
    let sent = state
        .store
        .immersions(&ctx)
        .send_signature_link(id, &b.party, &b.email, &state.operator.public_url)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SignatureLinkSent {
            party: sent.party.code().to_owned(),
            email: sent.email,
            valid_until: sent.valid_until,
        }),
    ))
}

/// The convention as PDF: a draft (« Projet ») until every party has signed.
#[utoipa::path(get, path = "/api/v1/immersions/{id}/convention", tag = "immersions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
pub async fn convention_pdf(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    Ok(crate::attachment::attachment(
        passerelle_app::pathways::immersion::convention_pdf(&state.store, &ctx, id).await?,
    ))
}

/// Records the assessment of an immersion in progress.
#[utoipa::path(post, path = "/api/v1/immersions/{id}/assessment", tag = "immersions", params(("id" = Uuid, Path)), request_body = AssessBody,
    security(("bearer" = [])),
    responses((status = 200, body = Immersion)))]
pub async fn assess_immersion(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<AssessBody>,
) -> ApiResult<Json<Immersion>> {
    let a = NewAssessment {
        assessed_on: b.assessed_on,
        completed: b.completed,
        objective_met: b.objective_met,
        contract_kind: b.contract_kind,
        comment: b.comment,
    };
    Ok(Json(state.store.immersions(&ctx).assess(id, a).await?))
}

/// Cancels a convention that has not started.
#[utoipa::path(post, path = "/api/v1/immersions/{id}/cancel", tag = "immersions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Immersion)))]
pub async fn cancel_immersion(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Immersion>> {
    Ok(Json(state.store.immersions(&ctx).cancel(id).await?))
}

/// The immersion routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_immersions, create_immersion))
        .routes(routes!(get_immersion, update_immersion))
        .routes(routes!(submit_immersion))
        .routes(routes!(sign_immersion))
        .routes(routes!(send_signature_link))
        .routes(routes!(convention_pdf))
        .routes(routes!(assess_immersion))
        .routes(routes!(cancel_immersion))
}
