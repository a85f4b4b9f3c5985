//! Supported employment and the skills record (item 5): entries, conventions, module
//! activities, jobs, the counsellors' dashboard, the record as JSON and PDF, and the person's own link.

use super::idempotency::{IdempotencyHeader, create_once};
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::{inputs, respond};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use passerelle_documents::{Block, Document, french};
use passerelle_domain::calendar::french_date;
use passerelle_domain::pathways::supported::{ActivityInput, EmployerInput, EntryInput, ExitInput, JobInput};
use passerelle_store::pathways::skills_record::{NewRecordLink, RecordLink, SkillsRecord};
use passerelle_store::pathways::supported::{NewEntry, SchemeDashboard, SupportedRecord};
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

type Created<T> = (StatusCode, HeaderMap, Json<T>);

const KEY: &str = "Une même clé n'enregistre qu'une fois";

/// A person's supported-employment entries seen by the caller (their scheme's, or those they prescribed).
#[utoipa::path(get, path = "/api/v1/persons/{id}/supported", tag = "supported", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = SupportedRecord)))]
pub async fn get_supported(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SupportedRecord>> {
    Ok(Json(state.store.supported(&ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEntry {
    /// The caller's supported-employment scheme.
    pub scheme_id: Uuid,
    /// `cdaph` (decision of the CDAPH) or `spe` (prescription by France Travail, Cap emploi, a Mission locale).
    #[schema(example = "cdaph")]
    pub route: String,
    pub entered_on: Option<Date>,
    /// CDAPH route: the decision and the end of its validity.
    pub decided_on: Option<Date>,
    pub valid_until: Option<Date>,
    /// SPE route: the prescribing organisation and the date of the prescription.
    pub prescriber_id: Option<Uuid>,
    pub prescribed_on: Option<Date>,
    /// The counsellor following the person, a member of the scheme; the caller by default.
    pub counsellor_user_id: Option<Uuid>,
}

/// Records the person's entry into the caller's scheme (L5213-2-1).
#[utoipa::path(post, path = "/api/v1/persons/{id}/supported", tag = "supported",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY)),
    request_body = CreateEntry, security(("bearer" = [])),
    responses((status = 201, body = SupportedRecord)))]
pub async fn create_entry(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateEntry>,
) -> ApiResult<Created<SupportedRecord>> {
    let new = NewEntry {
        scheme_id: b.scheme_id,
        counsellor_user_id: b.counsellor_user_id,
        prescriber_id: b.prescriber_id,
        input: EntryInput {
            route: b.route,
            entered_on: b.entered_on,
            decided_on: b.decided_on,
            valid_until: b.valid_until,
            prescriber: None,
            prescribed_on: b.prescribed_on,
        },
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("supported_entries", StatusCode::CREATED),
        |key| store.enter_supported(&ctx, id, new, key),
        |person| store.supported(&ctx, person),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConvention {
    pub signed_on: Date,
    /// The employer party, when the person works.
    pub employer: Option<String>,
}

/// Records the individual support convention of an entry (person, managing body, employer).
#[utoipa::path(post, path = "/api/v1/supported-entries/{id}/convention", tag = "supported",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY)),
    request_body = CreateConvention, security(("bearer" = [])),
    responses((status = 201, body = SupportedRecord)))]
pub async fn create_convention(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateConvention>,
) -> ApiResult<Created<SupportedRecord>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("supported_conventions", StatusCode::CREATED),
        |key| store.sign_supported_convention(&ctx, id, b.signed_on, b.employer.as_deref(), key),
        |entry| store.supported_of_entry(&ctx, entry),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionEmployer {
    /// The employer who joins the individual convention (or replaces the one before); the same one is named once.
    pub employer: String,
    /// The day it joins: from the convention's signature to today (or the exit).
    pub joined_on: Date,
}

/// The employer joins the individual support convention signed before the person worked.
#[utoipa::path(post, path = "/api/v1/supported-entries/{id}/convention/employer", tag = "supported",
    params(("id" = Uuid, Path)), request_body = ConventionEmployer, security(("bearer" = [])),
    responses((status = 200, body = SupportedRecord)))]
pub async fn add_convention_employer(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<ConventionEmployer>,
) -> ApiResult<Json<SupportedRecord>> {
    Ok(Json(
        state
            .store
            .add_supported_convention_employer(
                &ctx,
                id,
                &EmployerInput {
                    employer: b.employer,
                    joined_on: Some(b.joined_on),
                },
            )
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActivity {
    /// `assessment`, `project`, `job_search` or `in_employment` (modules a to d).
    #[schema(example = "job_search")]
    pub module: String,
    pub done_on: Option<Date>,
    /// Time spent by the calling counsellor, 1 to 600 minutes.
    pub minutes: Option<i64>,
    pub note: Option<String>,
    /// The employer met (modules c and d).
    pub employer: Option<String>,
}

/// Records an activity of the calling counsellor in one of the four modules.
#[utoipa::path(post, path = "/api/v1/supported-entries/{id}/activities", tag = "supported",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY)),
    request_body = CreateActivity, security(("bearer" = [])),
    responses((status = 201, body = SupportedRecord)))]
pub async fn create_activity(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateActivity>,
) -> ApiResult<Created<SupportedRecord>> {
    let input = ActivityInput {
        module: b.module,
        done_on: b.done_on,
        minutes: b.minutes,
        note: b.note,
        employer: b.employer,
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("supported_activities", StatusCode::CREATED),
        |key| store.add_supported_activity(&ctx, id, &input, key),
        |entry| store.supported_of_entry(&ctx, entry),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJob {
    pub employer: String,
    pub siret: Option<String>,
    pub position: String,
    /// `cdi`, `cdd`, `interim`, `apprenticeship`, `adapted_company`, `other`.
    #[schema(example = "cdi")]
    pub contract: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub weekly_hours: Option<i64>,
}

/// Records a job found with the scheme.
#[utoipa::path(post, path = "/api/v1/supported-entries/{id}/jobs", tag = "supported",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = KEY)),
    request_body = CreateJob, security(("bearer" = [])),
    responses((status = 201, body = SupportedRecord)))]
pub async fn create_job(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateJob>,
) -> ApiResult<Created<SupportedRecord>> {
    let input = JobInput {
        employer: b.employer,
        siret: b.siret,
        position: b.position,
        contract: b.contract,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        weekly_hours: b.weekly_hours,
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("supported_jobs", StatusCode::CREATED),
        |key| store.add_supported_job(&ctx, id, &input, key),
        |entry| store.supported_of_entry(&ctx, entry),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitEntry {
    pub exited_on: Date,
    /// Why the person leaves: employment, relay, reorientation, person_choice, decision_ended, moved, other.
    #[schema(value_type = String, example = "employment")]
    pub reason: String,
}

/// Records the person's exit from the scheme.
#[utoipa::path(post, path = "/api/v1/supported-entries/{id}/exit", tag = "supported",
    params(("id" = Uuid, Path)), request_body = ExitEntry, security(("bearer" = [])),
    responses((status = 200, body = SupportedRecord)))]
pub async fn exit_entry(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<ExitEntry>,
) -> ApiResult<Json<SupportedRecord>> {
    let exit = ExitInput {
        exited_on: Some(b.exited_on),
        reason: b.reason,
    };
    Ok(Json(state.store.exit_supported(&ctx, id, &exit, None).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounsellorTime {
    /// Working time in the scheme, in percent of a full time (1 to 100).
    pub fte_percent: i64,
}

/// Sets a counsellor's working time in the scheme (an administrator of the scheme).
#[utoipa::path(put, path = "/api/v1/supported/schemes/{id}/counsellors/{user_id}", tag = "supported",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = CounsellorTime, security(("bearer" = [])),
    responses((status = 204)))]
pub async fn set_counsellor_time(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath((scheme, user)): ApiPath<(Uuid, Uuid)>,
    ApiJson(b): ApiJson<CounsellorTime>,
) -> ApiResult<StatusCode> {
    state
        .store
        .set_counsellor_time(&ctx, scheme, user, b.fte_percent)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// The date of the figures; today by default.
    pub on: Option<Date>,
}

/// The counsellors' dashboard of the caller's schemes: caseloads against 15-20 and the figures of Journées nationales de l'emploi accompagné 2020.
#[utoipa::path(get, path = "/api/v1/supported/dashboard", tag = "supported", params(DashboardQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<SchemeDashboard>)))]
pub async fn dashboard(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<Json<Vec<SchemeDashboard>>> {
    let on = q.on.unwrap_or_else(|| passerelle_store::infra::clock::now().date());
    Ok(Json(state.store.supported_dashboard(&ctx, on).await?))
}

/// The skills record of a person the caller follows.
#[utoipa::path(get, path = "/api/v1/persons/{id}/skills-record", tag = "supported", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = SkillsRecord)))]
pub async fn get_skills_record(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SkillsRecord>> {
    Ok(Json(state.store.skills_record(&ctx, id).await?))
}

/// The skills record of a person the caller follows, as PDF.
#[utoipa::path(get, path = "/api/v1/persons/{id}/skills-record/pdf", tag = "supported", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
pub async fn skills_record_pdf(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    Ok(respond::skills_record_pdf(&state.store.skills_record(&ctx, id).await?))
}

/// The personal links of a person's skills record (the tokens are not shown again).
#[utoipa::path(get, path = "/api/v1/persons/{id}/skills-record/links", tag = "supported", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<RecordLink>)))]
pub async fn list_links(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<RecordLink>>> {
    Ok(Json(state.store.skills_record_links(&ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLink {
    /// The caller's organisation following the person.
    pub organisation_id: Uuid,
    /// Days of validity, 1 to 365; 90 by default.
    pub days: Option<i64>,
}

/// Makes a personal read-only link to the skills record; the token is answered once, only its hash is kept.
#[utoipa::path(post, path = "/api/v1/persons/{id}/skills-record/links", tag = "supported", params(("id" = Uuid, Path)),
    request_body = CreateLink, security(("bearer" = [])),
    responses((status = 201, body = NewRecordLink)))]
pub async fn create_link(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<CreateLink>,
) -> ApiResult<(StatusCode, Json<NewRecordLink>)> {
    let link = state
        .store
        .create_skills_record_link(&ctx, id, b.organisation_id, b.days.unwrap_or(90))
        .await?;
    Ok((StatusCode::CREATED, Json(link)))
}

/// Revokes a personal link: it answers 404 from then on.
#[utoipa::path(post, path = "/api/v1/skills-record-links/{id}/revoke", tag = "supported", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<RecordLink>)))]
pub async fn revoke_link(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<RecordLink>>> {
    Ok(Json(state.store.revoke_skills_record_link(&ctx, id).await?))
}

/// The skills record behind a personal link, for the person (no account); 404 when unknown, revoked or expired.
#[utoipa::path(get, path = "/api/v1/skills-record/shared/{token}", tag = "supported", params(("token" = String, Path)),
    responses((status = 200, body = SkillsRecord)))]
pub async fn shared_record(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Json<SkillsRecord>> {
    Ok(Json(inputs::shared_record(&state, &token).await?))
}

/// The skills record as a document: one heading per section, one bullet per line.
pub fn record_document(rec: &SkillsRecord) -> Document {
    let mut blocks = vec![Block::Paragraph(
        "Ce carnet rassemble les expériences, formations, accompagnements et compétences enregistrés au fil du \
         parcours par les structures qui accompagnent la personne."
            .into(),
    )];
    if rec.sections.is_empty() {
        blocks.push(Block::Paragraph(
            "Aucune étape du parcours n'est encore enregistrée.".into(),
        ));
    }
    for s in &rec.sections {
        blocks.push(Block::Heading(s.label.clone()));
        for l in &s.lines {
            let dates = match l.until {
                Some(until) if until != l.from => format!("du {} au {}", french_date(l.from), french_date(until)),
                _ => format!("le {}", french_date(l.from)),
            };
            let detail = l.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            blocks.push(Block::Bullet(format!(
                "{} – {}, {dates}{detail}",
                l.title, l.organisation
            )));
        }
    }
    blocks.push(Block::Paragraph(format!(
        "Carnet établi le {} par Passerelle.",
        french_date(passerelle_store::infra::clock::now().date())
    )));
    // The French no-break spaces before « : ; ! ? », as in every document of the documents crate.
    let blocks = blocks
        .into_iter()
        .map(|b| match b {
            Block::Heading(t) => Block::Heading(french(&t)),
            Block::Bullet(t) => Block::Bullet(french(&t)),
            Block::Paragraph(t) => Block::Paragraph(french(&t)),
            other => other,
        })
        .collect();
    Document {
        title: "Carnet de parcours et de compétences".into(),
        subtitle: french(&format!("{} {}", rec.first_name, rec.last_name)),
        blocks,
        signatures: Vec::new(),
    }
}

/// The supported-employment and skills-record routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(get_supported, create_entry))
        .routes(routes!(create_convention))
        .routes(routes!(add_convention_employer))
        .routes(routes!(create_activity))
        .routes(routes!(create_job))
        .routes(routes!(exit_entry))
        .routes(routes!(set_counsellor_time))
        .routes(routes!(dashboard))
        .routes(routes!(get_skills_record))
        .routes(routes!(skills_record_pdf))
        .routes(routes!(list_links, create_link))
        .routes(routes!(revoke_link))
        .routes(routes!(shared_record))
}
