//! Accompaniment and exit of IAE pathways, the people in pathway, the to-do list,
//! and the person's skills and trainings document (PDF).

use super::idempotency::{IdempotencyHeader, create_once};
use crate::attachment::attachment;
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use passerelle_app::SystemClock;
use passerelle_app::pathways::iae;
use passerelle_domain::pathways::iae::exit::{ActionInput, ExitOutcome};
use passerelle_domain::pathways::iae::interview::{Attendance, ScheduleInput};
use passerelle_store::infra::paging::Page;
use passerelle_store::pathways::iae::exit::{FollowUp, HeldInterview, NewExitReview};
use passerelle_store::pathways::lists::{
    DEFAULT_PER_PAGE, PathwayFilter, PathwayRow, PathwayStatus, ReferentDashboard, TodoItem,
};
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

type Created<T> = (StatusCode, HeaderMap, Json<T>);

/// A person's accompaniment actions, France Travail registrations, tripartite interviews and exit reviews.
#[utoipa::path(get, path = "/api/v1/persons/{id}/follow-up", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = FollowUp)))]
pub async fn get_follow_up(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<FollowUp>> {
    Ok(Json(state.store.follow_up(&ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAction {
    /// The caller's organisation following the person.
    pub organisation_id: Uuid,
    /// `social`, `professional`, `training`, `immersion`, `poec`, `poei`, `afpr`, `spe_service`.
    #[schema(example = "poec")]
    pub kind: String,
    pub title: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// Required for trainings, POEC, POEI and AFPR.
    pub hours: Option<i64>,
}

/// Records an accompaniment action (any organisation following the person).
#[utoipa::path(post, path = "/api/v1/persons/{id}/actions", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'une fois")), request_body = CreateAction,
    security(("bearer" = [])),
    responses((status = 200, body = FollowUp)))]
pub async fn add_action(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateAction>,
) -> ApiResult<Created<FollowUp>> {
    let action = ActionInput {
        kind: b.kind,
        title: b.title,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        hours: b.hours,
    }
    .validate(passerelle_store::today())?;
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("actions", StatusCode::OK),
        |key| store.add_action(&ctx, id, b.organisation_id, action, key),
        |person| store.follow_up(&ctx, person),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRegistration {
    pub organisation_id: Uuid,
    /// Registered at France Travail as a job seeker.
    pub registered: bool,
    pub since: Date,
}

/// Records whether the person is registered at France Travail, since when (Accord régional BFC 2016, fiche 5).
#[utoipa::path(post, path = "/api/v1/persons/{id}/registrations", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'une fois")),
    request_body = CreateRegistration, security(("bearer" = [])),
    responses((status = 200, body = FollowUp)))]
pub async fn add_registration(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateRegistration>,
) -> ApiResult<Created<FollowUp>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("registrations", StatusCode::OK),
        |key| store.record_registration(&ctx, id, b.organisation_id, b.registered, b.since, key),
        |person| store.follow_up(&ctx, person),
    )
    .await
}

/// Who attended a held tripartite interview.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendees {
    /// The person; an interview is not held without them.
    pub person: bool,
    /// The SIAE's representative; an interview is not held without them.
    pub siae: bool,
    /// The SPE referent; their absence is recorded.
    pub referent: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInterview {
    pub held_on: Date,
    /// What was said and decided, shared with the SPE referent and the prescriber.
    pub notes: String,
    /// Who attended; left out, the attendance is not recorded (as before it was asked).
    pub attendees: Option<Attendees>,
}

/// Records the tripartite interview held (the SIAE of the last hiring), with who attended; it closes the
/// interview scheduled, and the prescribers are notified.
#[utoipa::path(post, path = "/api/v1/persons/{id}/tripartite-interviews", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'une fois")),
    request_body = CreateInterview, security(("bearer" = [])),
    responses((status = 200, body = FollowUp),
        (status = 422, body = crate::error::ErrorBody, description = "`interview_in_future` : un entretien tenu \
            s'enregistre le jour où il se tient ou après ; `interview_person_absent`, `interview_siae_absent` : un \
            entretien ne se tient pas sans la personne ni sans la SIAE")))]
pub async fn hold_interview(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateInterview>,
) -> ApiResult<Created<FollowUp>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("tripartite_interviews", StatusCode::OK),
        |key| {
            let held = HeldInterview {
                held_on: b.held_on,
                notes: &b.notes,
                attendance: b.attendees.as_ref().map(|a| Attendance {
                    person: a.person,
                    siae: a.siae,
                    referent: a.referent,
                }),
            };
            store.hold_interview(&ctx, id, held, key)
        },
        |person| store.follow_up(&ctx, person),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleInterview {
    /// The caller's organisation: the SIAE of the last hiring, or an SPE organisation following the person.
    pub organisation_id: Uuid,
    pub planned_on: Date,
    /// `HH:MM`, Paris time.
    #[schema(example = "10:00")]
    pub start_time: String,
    /// Held at a distance; `place` may then give the link or the number to call.
    #[serde(default)]
    pub remote: bool,
    /// The address; required unless `remote`.
    pub place: Option<String>,
}

/// Schedules the tripartite interview and e-mails the invitation (iCalendar) to the person, the SIAE's staff and
/// the SPE referents. A scheduled interview is still due: only the interview held closes the obligation.
#[utoipa::path(post, path = "/api/v1/persons/{id}/scheduled-interviews", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'une fois")),
    request_body = ScheduleInterview, security(("bearer" = [])),
    responses((status = 200, body = FollowUp),
        (status = 403, body = crate::error::ErrorBody, description = "`not_interview_party` : ni la SIAE de la \
            dernière embauche ni le service public de l'emploi qui suit la personne"),
        (status = 409, body = crate::error::ErrorBody, description = "`interview_already_scheduled` : un entretien \
            est déjà prévu, à déplacer ou annuler"),
        (status = 422, body = crate::error::ErrorBody, description = "`interview_in_past`, \
            `interview_before_hiring`, `interview_after_end`, `interview_place_required`, `time_invalid`")))]
pub async fn schedule_interview(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<ScheduleInterview>,
) -> ApiResult<Created<FollowUp>> {
    let store = &state.store;
    let input = ScheduleInput {
        planned_on: Some(b.planned_on),
        start_time: b.start_time,
        remote: b.remote,
        place: b.place,
    };
    create_once(
        store,
        &ctx,
        idempotency,
        ("scheduled_interviews", StatusCode::OK),
        |key| store.schedule_interview(&ctx, id, b.organisation_id, &input, key),
        |person| store.follow_up(&ctx, person),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleInterview {
    pub planned_on: Date,
    /// `HH:MM`, Paris time.
    #[schema(example = "14:30")]
    pub start_time: String,
    #[serde(default)]
    pub remote: bool,
    pub place: Option<String>,
}

/// Moves the scheduled tripartite interview (its SIAE or the organisation that scheduled it); the invitees get
/// the updated invitation.
#[utoipa::path(put, path = "/api/v1/scheduled-interviews/{id}", tag = "iae", params(("id" = Uuid, Path)),
    request_body = RescheduleInterview, security(("bearer" = [])),
    responses((status = 200, body = FollowUp),
        (status = 409, body = crate::error::ErrorBody, description = "`interview_not_scheduled` : déjà tenu ou \
            annulé"),
        (status = 422, body = crate::error::ErrorBody, description = "mêmes codes que pour le prévoir")))]
pub async fn reschedule_interview(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<RescheduleInterview>,
) -> ApiResult<Json<FollowUp>> {
    let input = ScheduleInput {
        planned_on: Some(b.planned_on),
        start_time: b.start_time,
        remote: b.remote,
        place: b.place,
    };
    Ok(Json(state.store.reschedule_interview(&ctx, id, &input).await?))
}

/// Cancels the scheduled tripartite interview; the invitees get the cancellation.
#[utoipa::path(post, path = "/api/v1/scheduled-interviews/{id}/cancellation", tag = "iae", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = FollowUp),
        (status = 409, body = crate::error::ErrorBody, description = "`interview_not_scheduled` : déjà tenu ou \
            annulé")))]
pub async fn cancel_interview(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<FollowUp>> {
    Ok(Json(state.store.cancel_interview(&ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExitReview {
    pub exit_on: Date,
    /// `cdi`, `cdd_6_months_or_more`, `cdd_under_6_months`, `training`, `other_siae`, `no_solution`, `other`.
    #[schema(example = "cdi")]
    pub outcome: ExitOutcome,
    /// Skills acquired, for the person's document.
    pub skills: String,
    pub recommendations: Option<String>,
}

/// Records the exit review (the SIAE of the last hiring), shared with the SPE referent and the prescribers.
#[utoipa::path(post, path = "/api/v1/persons/{id}/exit-reviews", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'un bilan")),
    request_body = CreateExitReview, security(("bearer" = [])),
    responses((status = 200, body = FollowUp),
        (status = 422, body = crate::error::ErrorBody, description = "`exit_in_future`, `exit_before_hiring`, \
            `exit_before_approval` : la sortie est datée de la dernière embauche (et du début du parcours) à \
            aujourd'hui ; le message nomme les dates")))]
pub async fn record_exit(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateExitReview>,
) -> ApiResult<Created<FollowUp>> {
    let store = &state.store;
    let review = NewExitReview {
        exit_on: b.exit_on,
        outcome: b.outcome,
        skills: &b.skills,
        recommendations: b.recommendations.as_deref(),
    };
    create_once(
        store,
        &ctx,
        idempotency,
        ("exit_reviews", StatusCode::OK),
        |key| store.record_exit(&ctx, id, review, key),
        |person| store.follow_up(&ctx, person),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExitFollowUp {
    pub registered_spe: bool,
    pub employed: bool,
}

/// Records the follow-up 6 months after the exit (any organisation following the person).
#[utoipa::path(post, path = "/api/v1/exit-reviews/{id}/follow-up", tag = "iae", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'un suivi")),
    request_body = CreateExitFollowUp, security(("bearer" = [])),
    responses((status = 200, body = FollowUp)))]
pub async fn record_exit_follow_up(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateExitFollowUp>,
) -> ApiResult<Created<FollowUp>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("exit_follow_ups", StatusCode::OK),
        |key| store.record_exit_follow_up(&ctx, id, b.registered_spe, b.employed, key),
        |person| store.follow_up(&ctx, person),
    )
    .await
}

/// Filters and page of a list of people in pathway.
#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PathwayQuery {
    /// Words of the person's name.
    pub q: Option<String>,
    /// `in_progress`, `suspended` or `ended` (the approval's status as the rules engine replays it).
    #[param(value_type = Option<String>)]
    pub status: Option<PathwayStatus>,
    /// Only the people whose tripartite interview is due.
    #[serde(default)]
    pub interview_due: bool,
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// 50 by default, 200 at most.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

impl PathwayQuery {
    pub fn filter(&self) -> PathwayFilter {
        PathwayFilter {
            q: self.q.clone(),
            status: self.status,
            interview_due: self.interview_due,
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(DEFAULT_PER_PAGE),
        }
    }
}

/// The people in pathway with the caller's organisations (employed by them, or prescribed by them and hired),
/// by the end of their approval, one page at a time.
#[utoipa::path(get, path = "/api/v1/pathways", tag = "iae", params(PathwayQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<PathwayRow>)))]
pub async fn people_in_pathway(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<PathwayQuery>,
) -> ApiResult<Json<Page<PathwayRow>>> {
    Ok(Json(state.store.people_in_pathway(&ctx, &q.filter()).await?))
}

/// The SPE referent's dashboard (France Travail agency, Cap emploi, Mission locale): the SIAE it is the referent
/// of through a local cooperation convention, the decisions it has to take, the tripartite interviews due, the
/// exit reviews received, and a page of the people in pathway of its SIAE (same filters as `/api/v1/pathways`).
#[utoipa::path(get, path = "/api/v1/referent", tag = "iae", params(PathwayQuery), security(("bearer" = [])),
    responses((status = 200, body = ReferentDashboard)))]
pub async fn referent_dashboard(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<PathwayQuery>,
) -> ApiResult<Json<ReferentDashboard>> {
    Ok(Json(state.store.referent_dashboard(&ctx, &q.filter()).await?))
}

/// The caller's to-do list: tripartite interviews due, prolongations to decide, 6-month follow-ups.
#[utoipa::path(get, path = "/api/v1/todo", tag = "iae", security(("bearer" = [])),
    responses((status = 200, body = Vec<TodoItem>)))]
pub async fn todo(State(state): State<AppState>, ApiCaller(ctx): ApiCaller) -> ApiResult<Json<Vec<TodoItem>>> {
    Ok(Json(state.store.todo(&ctx).await?))
}

/// The person's document of skills acquired and trainings followed, as PDF (Accord régional BFC 2016, fiche 7).
#[utoipa::path(get, path = "/api/v1/persons/{id}/skills-document", tag = "iae", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
pub async fn skills_document(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    Ok(attachment(
        iae::skills_document(&state.store, &ctx, &SystemClock, id).await?,
    ))
}

/// The IAE follow-up routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(get_follow_up))
        .routes(routes!(add_action))
        .routes(routes!(add_registration))
        .routes(routes!(hold_interview))
        .routes(routes!(schedule_interview))
        .routes(routes!(reschedule_interview))
        .routes(routes!(cancel_interview))
        .routes(routes!(record_exit))
        .routes(routes!(record_exit_follow_up))
        .routes(routes!(people_in_pathway))
        .routes(routes!(referent_dashboard))
        .routes(routes!(todo))
        .routes(routes!(skills_document))
}
