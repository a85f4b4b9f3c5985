//! Governance and deadlines: committees, meetings, action items, mutual-knowledge actions, and the
//! caller's deadlines as a list and as an iCalendar feed.

pub mod mutual_knowledge;

use super::idempotency::{IdempotencyHeader, create_once};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiBytes, ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::respond;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use passerelle_domain::calendar::add_days;
use passerelle_domain::invalid::Invalid;
use passerelle_store::governance::actions::ActionItem;
use passerelle_store::governance::committees::{
    Committee, CommitteeSummary, NewCommittee, NewMember, parse_frequency, parse_kind, parse_vote,
};
use passerelle_store::governance::meetings::{Meeting, NewDecision, NewMeeting};
use passerelle_store::obligations::Due;
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub(super) type Created<T> = (StatusCode, HeaderMap, Json<T>);

fn today() -> Date {
    passerelle_store::infra::clock::now().date()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMember {
    pub organisation_id: Uuid,
    pub person_name: Option<String>,
    /// Where the invitations go.
    pub email: Option<String>,
    /// `deliberative` or `consultative`.
    #[schema(example = "deliberative")]
    pub vote: String,
    /// Member by right (named by the texts); false for an invited member.
    #[serde(default)]
    pub by_right: bool,
}

impl CreateMember {
    fn into_new(self, field: &str) -> Result<NewMember, Invalid> {
        Ok(NewMember {
            organisation_id: self.organisation_id,
            person_name: self.person_name,
            email: self.email,
            vote: parse_vote(&self.vote, &format!("{field}.vote"))?,
            by_right: self.by_right,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommittee {
    /// `cta`, `regional_steering`, `departmental_steering`, `cdiae`, `inclusion_commission`,
    /// `employment_committee`, `supported_employment_copil`, `supported_employment_cotech`,
    /// `partners_committee`, `other`.
    #[schema(example = "cta")]
    pub kind: String,
    pub name: String,
    pub department: Option<String>,
    pub region: Option<String>,
    /// `quarterly`, `twice_a_year`, `yearly`, `as_needed`; the kind's by default.
    pub frequency: Option<String>,
    /// Days before a meeting by which its agenda and documents are sent (10 for the regional committee).
    pub agenda_notice_days: Option<i64>,
    /// One of the caller's organisations.
    pub secretary_organisation_id: Uuid,
    #[serde(default)]
    pub agreement_ids: Vec<Uuid>,
    #[serde(default)]
    pub members: Vec<CreateMember>,
}

/// The committees the caller's organisations are members or secretary of.
#[utoipa::path(get, path = "/api/v1/committees", tag = "governance", security(("bearer" = [])),
    responses((status = 200, body = Vec<CommitteeSummary>)))]
pub async fn list_committees(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> ApiResult<Json<Vec<CommitteeSummary>>> {
    Ok(Json(state.store.committees(&ctx).await?))
}

/// Creates a committee whose secretary is one of the caller's organisations.
#[utoipa::path(post, path = "/api/v1/committees", tag = "governance", request_body = CreateCommittee,
    params(("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'une fois")),
    security(("bearer" = [])),
    responses((status = 201, body = Committee), (status = 404, body = ErrorBody)))]
pub async fn create_committee(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateCommittee>,
) -> ApiResult<Created<Committee>> {
    let new = NewCommittee {
        kind: parse_kind(&b.kind)?,
        name: b.name,
        department: b.department,
        region: b.region,
        frequency: b.frequency.as_deref().map(parse_frequency).transpose()?,
        agenda_notice_days: b.agenda_notice_days,
        secretary_organisation_id: b.secretary_organisation_id,
        agreement_ids: b.agreement_ids,
        members: b
            .members
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.into_new(&format!("members[{i}]")))
            .collect::<Result<_, _>>()?,
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("committees", StatusCode::CREATED),
        |key| store.create_committee(&ctx, new, key),
        |id| store.committee(&ctx, id),
    )
    .await
}

/// A committee: members, frequency status, meetings, action items.
#[utoipa::path(get, path = "/api/v1/committees/{id}", tag = "governance", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Committee)))]
pub async fn get_committee(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Committee>> {
    Ok(Json(state.store.committee(&ctx, id).await?))
}

/// Adds a member (the secretary).
#[utoipa::path(post, path = "/api/v1/committees/{id}/members", tag = "governance", params(("id" = Uuid, Path)),
    request_body = CreateMember, security(("bearer" = [])),
    responses((status = 200, body = Committee)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<CreateMember>,
) -> ApiResult<Json<Committee>> {
    let member = b.into_new("member")?;
    Ok(Json(state.store.add_committee_member(&ctx, id, member).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMeeting {
    pub held_on: Date,
    /// Local time in Europe/Paris, `HH:MM`.
    #[schema(example = "09:30")]
    pub start_time: String,
    #[schema(example = "12:00")]
    pub end_time: String,
    pub place: Option<String>,
    /// An `https://` address.
    pub video_link: Option<String>,
    #[serde(default)]
    pub extraordinary: bool,
    /// The steered agreement whose termination request the extraordinary meeting examines.
    pub termination_agreement_id: Option<Uuid>,
}

impl From<CreateMeeting> for NewMeeting {
    fn from(b: CreateMeeting) -> Self {
        Self {
            held_on: b.held_on,
            start_time: b.start_time,
            end_time: b.end_time,
            place: b.place,
            video_link: b.video_link,
            extraordinary: b.extraordinary,
            termination_agreement_id: b.termination_agreement_id,
        }
    }
}

/// Plans a meeting (the secretary).
#[utoipa::path(post, path = "/api/v1/committees/{id}/meetings", tag = "governance", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'une fois")),
    request_body = CreateMeeting, security(("bearer" = [])),
    responses((status = 201, body = Meeting)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateMeeting>,
) -> ApiResult<Created<Meeting>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("meetings", StatusCode::CREATED),
        |key| store.create_meeting(&ctx, id, b.into(), key),
        |meeting| store.meeting(&ctx, meeting),
    )
    .await
}

/// A meeting: agenda, documents, invitation, attendance, minutes, decisions, transmissions.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "governance", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Meeting)))]
pub async fn get_meeting(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(state.store.meeting(&ctx, id).await?))
}

/// The meeting's invitation (iCalendar, RFC 5545), as e-mailed to the members.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/invitation.ics", tag = "governance", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/calendar", body = String)))]
pub async fn invitation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let ics = state.store.meeting_invitation(&ctx, id).await?;
    Ok(respond::calendar(ics, "invitation.ics"))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgendaItem {
    /// The caller's organisation proposing the item (a member of the committee).
    pub organisation_id: Uuid,
    pub title: String,
}

/// Proposes an agenda item (member organisations; the secretary's are accepted at once).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda-items", tag = "governance", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'une fois")),
    request_body = CreateAgendaItem, security(("bearer" = [])),
    responses((status = 201, body = Meeting)))]
pub async fn propose_agenda_item(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateAgendaItem>,
) -> ApiResult<Created<Meeting>> {
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("agenda_items", StatusCode::CREATED),
        |key| store.propose_agenda_item(&ctx, id, b.organisation_id, &b.title, key),
        |meeting| store.meeting(&ctx, meeting),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaDecision {
    pub accept: bool,
}

/// Accepts or refuses a proposed agenda item (the secretary).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda-items/{item_id}/decision", tag = "governance",
    params(("id" = Uuid, Path), ("item_id" = Uuid, Path)), request_body = AgendaDecision, security(("bearer" = [])),
    responses((status = 200, body = Meeting)))]
pub async fn decide_agenda_item(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath((id, item)): ApiPath<(Uuid, Uuid)>,
    ApiJson(b): ApiJson<AgendaDecision>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(state.store.decide_agenda_item(&ctx, id, item, b.accept).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentName {
    /// The document's file name.
    pub file_name: String,
}

/// Attaches a document (the secretary): the body is the file, its `Content-Type` one of PDF, DOCX, XLSX, ODT,
/// ODS, PNG, JPEG or text, 10 MB at most.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/documents", tag = "governance",
    params(("id" = Uuid, Path), DocumentName), request_body(description = "The file, 10 MB at most",
        content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/vnd.oasis.opendocument.text"), (Vec<u8> = "application/vnd.oasis.opendocument.spreadsheet"),
            (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (String = "text/plain"))),
    security(("bearer" = [])),
    responses((status = 201, body = Meeting)))]
pub async fn attach_document(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<DocumentName>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> ApiResult<(StatusCode, Json<Meeting>)> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let meeting = state
        .store
        .attach_meeting_document(&ctx, id, &q.file_name, content_type, body.to_vec())
        .await?;
    Ok((StatusCode::CREATED, Json(meeting)))
}

/// Downloads a document of the meeting.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/documents/{document_id}", tag = "governance",
    params(("id" = Uuid, Path), ("document_id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>)))]
pub async fn get_document(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath((id, document)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    Ok(respond::meeting_document(&state.store, &ctx, id, document).await?)
}

/// Sends the invitation with the agenda to every member through the outbox (the secretary); the
/// `agenda_notice` of the answer says whether it left in time.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/invitations", tag = "governance", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Meeting)))]
pub async fn send_invitations(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(
        state
            .store
            .send_invitations(&ctx, id, passerelle_store::infra::clock::now())
            .await?,
    ))
}

/// Calls a planned meeting off (the secretary); members already invited get the cancellation.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancellation", tag = "governance", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Meeting)))]
pub async fn cancel_meeting(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(
        state
            .store
            .cancel_meeting(&ctx, id, passerelle_store::infra::clock::now())
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceInput {
    pub member_id: Uuid,
    /// `present`, `excused` or `absent`.
    pub presence: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceInput {
    pub attendance: Vec<PresenceInput>,
}

/// Records attendance (the secretary, from the meeting's day).
#[utoipa::path(put, path = "/api/v1/meetings/{id}/attendance", tag = "governance", params(("id" = Uuid, Path)),
    request_body = AttendanceInput, security(("bearer" = [])),
    responses((status = 200, body = Meeting)))]
pub async fn record_attendance(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<AttendanceInput>,
) -> ApiResult<Json<Meeting>> {
    let presences: Vec<(Uuid, String)> = b.attendance.into_iter().map(|p| (p.member_id, p.presence)).collect();
    Ok(Json(state.store.record_attendance(&ctx, id, &presences).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub text: String,
    /// A member organisation of the committee, or its secretary.
    pub owner_organisation_id: Uuid,
    pub due_on: Option<Date>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesInput {
    pub text: String,
    #[serde(default)]
    pub decisions: Vec<DecisionInput>,
}

/// Writes the minutes and their decisions (the secretary, until validated); decisions become action items.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/minutes", tag = "governance", params(("id" = Uuid, Path)),
    request_body = MinutesInput, security(("bearer" = [])),
    responses((status = 200, body = Meeting)))]
pub async fn write_minutes(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<MinutesInput>,
) -> ApiResult<Json<Meeting>> {
    let decisions: Vec<NewDecision> = b
        .decisions
        .into_iter()
        .map(|d| NewDecision {
            text: d.text,
            owner_organisation_id: d.owner_organisation_id,
            due_on: d.due_on,
        })
        .collect();
    Ok(Json(state.store.write_minutes(&ctx, id, &b.text, &decisions).await?))
}

/// Validates the minutes for the caller's deliberative member organisations.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/minutes/validation", tag = "governance",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Meeting)))]
pub async fn validate_minutes(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(state.store.validate_minutes(&ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransmissionInput {
    pub to_committee_id: Uuid,
}

/// Records the transmission of the validated minutes to another committee (the secretary).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/transmissions", tag = "governance", params(("id" = Uuid, Path)),
    request_body = TransmissionInput, security(("bearer" = [])),
    responses((status = 200, body = Meeting)))]
pub async fn transmit_minutes(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<TransmissionInput>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(state.store.transmit_minutes(&ctx, id, b.to_committee_id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionStatusInput {
    /// `open`, `done` or `cancelled`.
    pub status: String,
}

/// Changes an action item's status (its owner or the committee's secretary).
#[utoipa::path(post, path = "/api/v1/action-items/{id}/status", tag = "governance", params(("id" = Uuid, Path)),
    request_body = ActionStatusInput, security(("bearer" = [])),
    responses((status = 200, body = ActionItem)))]
pub async fn set_action_status(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<ActionStatusInput>,
) -> ApiResult<Json<ActionItem>> {
    Ok(Json(state.store.set_action_item_status(&ctx, id, &b.status).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// First day (today by default).
    pub from: Option<Date>,
    /// Last day (90 days after `from` by default); at most 400 days after `from`.
    pub to: Option<Date>,
    /// One of the caller's organisations: its to-do list only.
    pub organisation_id: Option<Uuid>,
}

impl Period {
    /// The period asked, checked: `to` not before `from`, at most 400 days.
    pub fn resolve(&self) -> Result<(Date, Date), Invalid> {
        let from = self.from.unwrap_or_else(today);
        let to = self.to.unwrap_or_else(|| add_days(from, 90));
        if to < from || (to - from).whole_days() > 400 {
            return Err(Invalid::new(
                "period_invalid",
                "La période va de « from » à « to », sur 400 jours au plus.",
            )
            .on("to"));
        }
        Ok((from, to))
    }
}

/// The open obligations of the caller's organisations (or of one of them) in the period (overdue ones if it
/// starts in the past).
#[utoipa::path(get, path = "/api/v1/deadlines", tag = "governance", params(Period), security(("bearer" = [])),
    responses((status = 200, body = Vec<Due>)))]
pub async fn list_deadlines(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(p): ApiQuery<Period>,
) -> ApiResult<Json<Vec<Due>>> {
    let (from, to) = p.resolve()?;
    let store = &state.store;
    Ok(Json(match p.organisation_id {
        Some(organisation) => {
            store
                .organisation_deadlines(&ctx, organisation, from, to, today())
                .await?
        }
        None => store.deadlines(&ctx, from, to, today()).await?,
    }))
}

/// The caller's meetings and deadlines of the period as an iCalendar to import or subscribe to.
#[utoipa::path(get, path = "/api/v1/deadlines/calendar.ics", tag = "governance", params(Period),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/calendar", body = String)))]
pub async fn deadlines_calendar(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(p): ApiQuery<Period>,
) -> ApiResult<Response> {
    let (from, to) = p.resolve()?;
    let ics = respond::calendar_feed(&state.store, &ctx, from, to).await?;
    Ok(respond::calendar(ics, "echeances.ics"))
}

/// The governance routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;
    OpenApiRouter::new()
        .routes(routes!(list_committees, create_committee))
        .routes(routes!(get_committee))
        .routes(routes!(add_member))
        .routes(routes!(create_meeting))
        .routes(routes!(get_meeting))
        .routes(routes!(invitation))
        .routes(routes!(propose_agenda_item))
        .routes(routes!(decide_agenda_item))
        .routes(routes!(get_document))
        .routes(routes!(send_invitations))
        .routes(routes!(cancel_meeting))
        .routes(routes!(record_attendance))
        .routes(routes!(write_minutes))
        .routes(routes!(validate_minutes))
        .routes(routes!(transmit_minutes))
        .routes(routes!(set_action_status))
        .routes(routes!(list_deadlines))
        .routes(routes!(deadlines_calendar))
        .routes(routes!(
            mutual_knowledge::list_mutual_knowledge,
            mutual_knowledge::create_mutual_knowledge
        ))
        .routes(routes!(mutual_knowledge::count_mutual_knowledge))
        // Meeting documents are the one body larger than the server's default limit.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(attach_document))
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::extract::DOCUMENT_BODY_BYTES,
                )),
        )
}
