//! Governance pages (issue 7): `/instances` (committees and the creation form), `/instances/{id}` (members,
//! frequency, meetings, action items), `/reunions/{id}` (agenda, documents, invitation, attendance, minutes,
//! decisions, transmission) and `/echeances` (month calendar of meetings and deadlines, with its iCalendar).
//! Every form goes through the store calls the API uses; an error is shown above the forms, nothing saved.

use super::error_page;
use super::session::{Nav, Visitor};
use crate::respond::{self, calendar_feed};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use passerelle_domain::calendar::{MONTH_NAMES, add_days, add_months, french_date};
use passerelle_domain::governance::{CommitteeKind, Frequency, FrequencyStatus, MemberVote};
use passerelle_store::governance::committees::{
    Committee, CommitteeSummary, NewCommittee, NewMember, parse_frequency, parse_kind, parse_vote,
};
use passerelle_store::governance::meetings::{Meeting, NewDecision, NewMeeting};
use passerelle_store::governance::mutual_knowledge::{KINDS, MutualKnowledgeAction, NewMutualKnowledgeAction};
use passerelle_store::obligations::Due;
use serde::Deserialize;
use time::{Date, Month};
use uuid::Uuid;

const SECTION: &str = "instances";

fn today() -> Date {
    passerelle_store::clock::now().date()
}

/// Every field any governance form sends; each form fills its own.
#[derive(Deserialize, Default)]
pub struct GovernanceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    person_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    vote: String,
    #[serde(default)]
    by_right: Option<String>,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    start_time: String,
    #[serde(default)]
    end_time: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    video_link: String,
    #[serde(default)]
    extraordinary: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    accept: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    owner_organisation_id: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    to_committee_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    participants: String,
    /// Attendance (`presence_<member id>` = present / excused / absent) and ticked boxes (`agreement_<id>`,
    /// `participant_<id>`).
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

fn csrf_refused(visitor: &Visitor, submitted: &str) -> Option<Response> {
    (!visitor.csrf_ok(submitted)).then(|| {
        error_page(
            &visitor.nav(SECTION),
            ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf_invalid",
                "Formulaire expiré : rechargez la page et recommencez.",
            ),
        )
    })
}

fn parse_uuid(value: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(value.trim()).map_err(|_| ApiError::bad_request("field_required", format!("Choisissez {what}.")))
}

fn form_date(field: &str, value: &str) -> Result<Option<Date>, ApiError> {
    match value.trim() {
        "" => Ok(None),
        d => Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| {
                ApiError::bad_request(
                    "date_invalid",
                    format!("La date « {d} » ({field}) doit être au format AAAA-MM-JJ."),
                )
            }),
    }
}

fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// An organisation to choose in a form.
pub struct Choice {
    id: Uuid,
    name: String,
}

/// The organisations a form offers: those of the caller's departments (every one for a platform
/// administrator), so that the list stays readable on a national directory.
async fn directory_choices(state: &AppState, visitor: &Visitor) -> Result<Vec<Choice>, ApiError> {
    let departments: Vec<&str> = visitor
        .ctx
        .memberships()
        .iter()
        .map(|m| m.department.as_str())
        .collect();
    let all = visitor.ctx.is_platform_admin();
    Ok(state
        .store
        .all_organisations(&visitor.ctx)
        .await?
        .into_iter()
        .filter(|o| all || departments.contains(&o.department.as_str()))
        .map(|o| Choice { id: o.id, name: o.name })
        .collect())
}

fn my_choices(visitor: &Visitor) -> Vec<Choice> {
    visitor
        .ctx
        .memberships()
        .iter()
        .map(|m| Choice {
            id: m.organisation_id,
            name: m.organisation_name.clone(),
        })
        .collect()
}

// ----- /instances ------------------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "governance/committees.html")]
struct CommitteesPage {
    nav: Nav,
    items: Vec<CommitteeSummary>,
    kinds: &'static [CommitteeKind],
    frequencies: &'static [Frequency],
    mine: Vec<Choice>,
    /// The agreements the caller sees, that a new committee may steer.
    agreements: Vec<Choice>,
    actions: Vec<MutualKnowledgeAction>,
    action_kinds: [(&'static str, &'static str); 5],
    directory: Vec<Choice>,
    today: String,
    error: Option<String>,
}

async fn committees_page(state: &AppState, visitor: &Visitor, error: Option<String>) -> Response {
    let result = async {
        let store = &state.store;
        let agreements = store
            .agreements(&visitor.ctx)
            .list()
            .await?
            .into_iter()
            .map(|a| Choice {
                id: a.id,
                name: a.title,
            })
            .collect();
        Ok::<_, ApiError>(CommitteesPage {
            nav: visitor.nav(SECTION),
            items: store.committees(&visitor.ctx).await?,
            kinds: CommitteeKind::ALL,
            frequencies: Frequency::ALL,
            mine: my_choices(visitor),
            agreements,
            actions: store.mutual_knowledge_actions(&visitor.ctx).await?,
            action_kinds: KINDS,
            directory: directory_choices(state, visitor).await?,
            today: today().to_string(),
            error,
        })
    };
    match result.await {
        Ok(page) => page.into_response(),
        Err(e) => error_page(&visitor.nav(SECTION), e),
    }
}

/// The ids of the ticked boxes named `<prefix><id>`.
fn ticked(form: &GovernanceForm, prefix: &str) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = form
        .rest
        .keys()
        .filter_map(|k| Uuid::parse_str(k.strip_prefix(prefix)?).ok())
        .collect();
    ids.sort();
    ids
}

pub async fn committees(State(state): State<AppState>, visitor: Visitor) -> Response {
    committees_page(&state, &visitor, None).await
}

pub async fn create_committee(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<GovernanceForm>,
) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf) {
        return r;
    }
    let result = async {
        let new = NewCommittee {
            kind: parse_kind(&form.kind)?,
            name: form.name.clone(),
            department: optional(&form.department),
            region: None,
            frequency: optional(&form.frequency).as_deref().map(parse_frequency).transpose()?,
            agenda_notice_days: None,
            secretary_organisation_id: parse_uuid(&form.organisation_id, "le secrétariat")?,
            agreement_ids: ticked(&form, "agreement_"),
            members: Vec::new(),
        };
        Ok::<_, ApiError>(state.store.create_committee(&visitor.ctx, new, None).await?)
    };
    match result.await {
        Ok(c) => Redirect::to(&format!("/instances/{}", c.id)).into_response(),
        Err(e) if e.status.is_client_error() => committees_page(&state, &visitor, Some(e.message)).await,
        Err(e) => error_page(&visitor.nav(SECTION), e),
    }
}

/// Records a mutual-knowledge action from the committees page.
pub async fn create_mutual_knowledge(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<GovernanceForm>,
) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf) {
        return r;
    }
    let result = async {
        let new = NewMutualKnowledgeAction {
            kind: form.kind.clone(),
            held_on: form_date("date", &form.held_on)?
                .ok_or_else(|| ApiError::bad_request("date_required", "Indiquez la date de l'action."))?,
            topic: form.title.clone(),
            department: form.department.clone(),
            participants: form.participants.trim().parse().map_err(|_| {
                ApiError::bad_request(
                    "number_invalid",
                    "Indiquez le nombre de participants (un nombre entier).",
                )
            })?,
            organisers: vec![parse_uuid(&form.organisation_id, "votre structure organisatrice")?],
            participant_organisations: ticked(&form, "participant_"),
        };
        Ok::<_, ApiError>(
            state
                .store
                .create_mutual_knowledge_action(&visitor.ctx, new, None)
                .await?,
        )
    };
    match result.await {
        Ok(_) => Redirect::to("/instances#interconnaissance").into_response(),
        Err(e) if e.status.is_client_error() => committees_page(&state, &visitor, Some(e.message)).await,
        Err(e) => error_page(&visitor.nav(SECTION), e),
    }
}

// ----- /instances/{id} -------------------------------------------------------------------------------------

/// A year's frequency report, worded for the page.
pub struct FrequencyLine {
    year: i32,
    held: u32,
    required: u32,
    status: &'static str,
    missed: bool,
    gaps: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "governance/committee.html")]
struct CommitteePage {
    nav: Nav,
    c: Committee,
    frequency: Vec<FrequencyLine>,
    directory: Vec<Choice>,
    default_date: String,
    error: Option<String>,
}

async fn committee_page(state: &AppState, visitor: &Visitor, id: Uuid, error: Option<String>) -> Response {
    let result = async {
        let c = state.store.committee(&visitor.ctx, id).await?;
        let directory = if c.can_manage {
            directory_choices(state, visitor).await?
        } else {
            Vec::new()
        };
        let frequency = c
            .frequency_reports
            .iter()
            .map(|r| FrequencyLine {
                year: r.year,
                held: r.held,
                required: r.required,
                status: match r.status {
                    FrequencyStatus::Met => "atteinte",
                    FrequencyStatus::Pending => "en cours",
                    FrequencyStatus::Missed => "non respectée",
                    FrequencyStatus::NotRequired => "aucune fréquence imposée",
                },
                missed: r.status == FrequencyStatus::Missed,
                gaps: r.gaps.iter().map(|g| g.message.clone()).collect(),
            })
            .collect();
        Ok::<_, ApiError>(CommitteePage {
            nav: visitor.nav(SECTION),
            c,
            frequency,
            directory,
            default_date: add_days(today(), 30).to_string(),
            error,
        })
    };
    match result.await {
        Ok(page) => page.into_response(),
        Err(e) => error_page(&visitor.nav(SECTION), e),
    }
}

fn parse_path_id(visitor: &Visitor, id: &str, what: &str) -> Result<Uuid, Box<Response>> {
    Uuid::parse_str(id).map_err(|_| Box::new(error_page(&visitor.nav(SECTION), ApiError::not_found(what))))
}

pub async fn committee(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> Response {
    match parse_path_id(&visitor, &id, "Comité") {
        Ok(id) => committee_page(&state, &visitor, id, None).await,
        Err(r) => *r,
    }
}

pub async fn committee_action(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<GovernanceForm>,
) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf) {
        return r;
    }
    let id = match parse_path_id(&visitor, &id, "Comité") {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let store = &state.store;
    let ctx = &visitor.ctx;
    let result = async {
        match action.as_str() {
            "membres" => {
                let member = NewMember {
                    organisation_id: parse_uuid(&form.organisation_id, "la structure membre")?,
                    person_name: optional(&form.person_name),
                    email: optional(&form.email),
                    vote: parse_vote(&form.vote, "vote")?,
                    by_right: form.by_right.is_some(),
                };
                store.add_committee_member(ctx, id, member).await?;
                Ok::<_, ApiError>(format!("/instances/{id}"))
            }
            "reunions" => {
                let held_on = form_date("date", &form.held_on)?
                    .ok_or_else(|| ApiError::bad_request("date_required", "Indiquez la date de la réunion."))?;
                let meeting = NewMeeting {
                    held_on,
                    start_time: form.start_time.clone(),
                    end_time: form.end_time.clone(),
                    place: optional(&form.place),
                    video_link: optional(&form.video_link),
                    extraordinary: form.extraordinary.is_some(),
                    termination_agreement_id: None,
                };
                let m = store.create_meeting(ctx, id, meeting, None).await?;
                Ok(format!("/reunions/{}", m.id))
            }
            "actions" => {
                let item = parse_uuid(&form.item_id, "l'action")?;
                store.set_action_item_status(ctx, item, &form.status).await?;
                Ok(format!("/instances/{id}"))
            }
            _ => Err(ApiError::not_found("Page")),
        }
    };
    match result.await {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            committee_page(&state, &visitor, id, Some(e.message)).await
        }
        Err(e) => error_page(&visitor.nav(SECTION), e),
    }
}

// ----- /reunions/{id} --------------------------------------------------------------------------------------

/// A member's line on the meeting page.
pub struct MemberLine {
    id: Uuid,
    name: String,
    vote: &'static str,
    presence: String,
    validated: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "governance/meeting.html")]
struct MeetingPage {
    nav: Nav,
    m: Meeting,
    date: String,
    members: Vec<MemberLine>,
    /// The caller's organisations that may propose an item (members of the committee or its secretary).
    proposers: Vec<Choice>,
    owners: Vec<Choice>,
    committees: Vec<CommitteeSummary>,
    /// The committee's department's indicators for the meeting's year, when it has a department.
    indicators: Option<String>,
    notice: Option<String>,
    held: bool,
    error: Option<String>,
}

async fn meeting_page(state: &AppState, visitor: &Visitor, id: Uuid, error: Option<String>) -> Response {
    let result = async {
        let m = state.store.meeting(&visitor.ctx, id).await?;
        let members = m
            .members
            .iter()
            .map(|x| MemberLine {
                id: x.id,
                name: match &x.person_name {
                    Some(p) => format!("{} ({p})", x.organisation_name),
                    None => x.organisation_name.clone(),
                },
                vote: x.vote_label,
                presence: m
                    .attendance
                    .iter()
                    .find(|a| a.member_id == x.id)
                    .map(|a| a.presence.clone())
                    .unwrap_or_default(),
                validated: m.validated_by.contains(&x.id),
            })
            .collect();
        let in_committee =
            |org: Uuid| org == m.secretary_organisation_id || m.members.iter().any(|x| x.organisation_id == org);
        let proposers = my_choices(visitor).into_iter().filter(|c| in_committee(c.id)).collect();
        let mut owners: Vec<Choice> = m
            .members
            .iter()
            .map(|x| Choice {
                id: x.organisation_id,
                name: x.organisation_name.clone(),
            })
            .collect();
        owners.dedup_by_key(|c| c.id);
        let (own, committees): (Vec<_>, Vec<_>) = state
            .store
            .committees(&visitor.ctx)
            .await?
            .into_iter()
            .partition(|c| c.id == m.committee_id);
        // A committee of a department opens its meeting with the department's indicators of the year.
        let indicators = own
            .first()
            .and_then(|c| c.department.as_deref())
            .map(|d| crate::pages::indicators::Filters::department_table_link(d, m.held_on.year()));
        let notice = m.agenda_notice.as_ref().map(|n| match n {
            passerelle_domain::governance::AgendaNotice::OnTime { sent_on } => {
                format!("Ordre du jour envoyé à temps, le {}.", french_date(*sent_on))
            }
            passerelle_domain::governance::AgendaNotice::Due { due_on } => {
                format!(
                    "Ordre du jour et documents à envoyer au plus tard le {}.",
                    french_date(*due_on)
                )
            }
            passerelle_domain::governance::AgendaNotice::Late { warning, .. } => warning.message.clone(),
        });
        Ok::<_, ApiError>(MeetingPage {
            nav: visitor.nav(SECTION),
            date: french_date(m.held_on),
            held: m.held_on <= today(),
            members,
            proposers,
            owners,
            committees,
            indicators,
            notice,
            m,
            error,
        })
    };
    match result.await {
        Ok(page) => page.into_response(),
        Err(e) => error_page(&visitor.nav(SECTION), e),
    }
}

pub async fn meeting(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> Response {
    match parse_path_id(&visitor, &id, "Réunion") {
        Ok(id) => meeting_page(&state, &visitor, id, None).await,
        Err(r) => *r,
    }
}

pub async fn meeting_invitation(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> Response {
    let id = match parse_path_id(&visitor, &id, "Réunion") {
        Ok(id) => id,
        Err(r) => return *r,
    };
    match state.store.meeting_invitation(&visitor.ctx, id).await {
        Ok(ics) => respond::calendar(ics, "invitation.ics"),
        Err(e) => error_page(&visitor.nav(SECTION), e.into()),
    }
}

pub async fn meeting_document(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, document)): Path<(String, String)>,
) -> Response {
    let ids =
        parse_path_id(&visitor, &id, "Réunion").and_then(|m| Ok((m, parse_path_id(&visitor, &document, "Document")?)));
    let (id, document) = match ids {
        Ok(ids) => ids,
        Err(r) => return *r,
    };
    match respond::meeting_document(&state.store, &visitor.ctx, id, document).await {
        Ok(r) => r,
        Err(e) => error_page(&visitor.nav(SECTION), e.into()),
    }
}

pub async fn meeting_action(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<GovernanceForm>,
) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf) {
        return r;
    }
    let id = match parse_path_id(&visitor, &id, "Réunion") {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let store = &state.store;
    let ctx = &visitor.ctx;
    let result = async {
        match action.as_str() {
            "points" => {
                let org = parse_uuid(&form.organisation_id, "votre structure")?;
                store.propose_agenda_item(ctx, id, org, &form.title, None).await?;
            }
            "decision-point" => {
                let item = parse_uuid(&form.item_id, "le point")?;
                store.decide_agenda_item(ctx, id, item, form.accept == "oui").await?;
            }
            "invitations" => {
                store.send_invitations(ctx, id, passerelle_store::clock::now()).await?;
            }
            "annulation" => {
                store.cancel_meeting(ctx, id, passerelle_store::clock::now()).await?;
            }
            "presence" => {
                let presences: Vec<(Uuid, String)> = form
                    .rest
                    .iter()
                    .filter_map(|(k, v)| {
                        let member = Uuid::parse_str(k.strip_prefix("presence_")?).ok()?;
                        Some((member, v.clone())).filter(|(_, v)| !v.is_empty())
                    })
                    .collect();
                store.record_attendance(ctx, id, &presences).await?;
            }
            "compte-rendu" => {
                let decisions = match optional(&form.decision) {
                    Some(text) => vec![NewDecision {
                        text,
                        owner_organisation_id: parse_uuid(&form.owner_organisation_id, "la structure responsable")?,
                        due_on: form_date("échéance", &form.due_on)?,
                    }],
                    None => Vec::new(),
                };
                store.write_minutes(ctx, id, &form.text, &decisions).await?;
            }
            "validation" => {
                store.validate_minutes(ctx, id).await?;
            }
            "transmission" => {
                let to = parse_uuid(&form.to_committee_id, "le comité destinataire")?;
                store.transmit_minutes(ctx, id, to).await?;
            }
            _ => return Err(ApiError::not_found("Page")),
        }
        Ok::<_, ApiError>(())
    };
    match result.await {
        Ok(()) => Redirect::to(&format!("/reunions/{id}")).into_response(),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            meeting_page(&state, &visitor, id, Some(e.message)).await
        }
        Err(e) => error_page(&visitor.nav(SECTION), e),
    }
}

// ----- /echeances ------------------------------------------------------------------------------------------

/// One entry of a calendar day.
pub struct Entry {
    label: String,
    link: String,
    meeting: bool,
    overdue: bool,
}

/// A day of the month grid (`None` for the days of the neighbouring months).
pub struct Cell {
    day: Option<u8>,
    today: bool,
    entries: Vec<Entry>,
}

#[derive(Template, WebTemplate)]
#[template(path = "governance/deadlines.html")]
struct DeadlinesPage {
    nav: Nav,
    month_label: String,
    previous: String,
    next: String,
    weeks: Vec<Vec<Cell>>,
    overdue: Vec<Due>,
    list: Vec<(String, Due)>,
    ics: String,
    weekdays: [&'static str; 7],
}

#[derive(Deserialize)]
pub struct MonthQuery {
    /// `AAAA-MM`; the current month by default.
    mois: Option<String>,
}

fn month_of(q: &MonthQuery) -> Result<Date, ApiError> {
    match q.mois.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok(today().replace_day(1).unwrap_or(today())),
        Some(m) => {
            let parsed = m
                .split_once('-')
                .and_then(|(y, mo)| Some((y.parse::<i32>().ok()?, mo.parse::<u8>().ok()?)))
                .and_then(|(y, mo)| Date::from_calendar_date(y, Month::try_from(mo).ok()?, 1).ok())
                .filter(|d| (2000..=2100).contains(&d.year()));
            parsed.ok_or_else(|| {
                ApiError::bad_request(
                    "month_invalid",
                    format!("Le mois « {m} » doit s'écrire AAAA-MM (2026-06)."),
                )
            })
        }
    }
}

fn month_param(d: Date) -> String {
    format!("{}-{:02}", d.year(), u8::from(d.month()))
}

pub async fn deadlines(State(state): State<AppState>, visitor: Visitor, Query(q): Query<MonthQuery>) -> Response {
    let nav = visitor.nav("echeances");
    let result = async {
        let first = month_of(&q)?;
        let last = add_days(add_months(first, 1), -1);
        let today = today();
        let ctx = &visitor.ctx;
        let meetings = state.store.meetings_between(ctx, first, last).await?;
        let due = state.store.deadlines(ctx, first, last, today).await?;
        let overdue = if first <= today {
            state
                .store
                .deadlines(ctx, add_days(today, -90), add_days(today, -1), today)
                .await?
        } else {
            Vec::new()
        };
        let lead = first.weekday().number_days_from_monday();
        let mut cells: Vec<Cell> = (0..lead)
            .map(|_| Cell {
                day: None,
                today: false,
                entries: Vec::new(),
            })
            .collect();
        let mut day = first;
        while day <= last {
            let mut entries: Vec<Entry> = meetings
                .iter()
                .filter(|m| m.held_on == day)
                .map(|m| Entry {
                    label: format!("{} {}", m.start_time, m.committee_name),
                    link: format!("/reunions/{}", m.id),
                    meeting: true,
                    overdue: false,
                })
                .collect();
            entries.extend(due.iter().filter(|d| d.due_on == day).map(|d| Entry {
                label: d.title.clone(),
                link: d.link.clone(),
                meeting: false,
                overdue: d.overdue,
            }));
            cells.push(Cell {
                day: Some(day.day()),
                today: day == today,
                entries,
            });
            day = add_days(day, 1);
        }
        while !cells.len().is_multiple_of(7) {
            cells.push(Cell {
                day: None,
                today: false,
                entries: Vec::new(),
            });
        }
        let mut weeks = Vec::new();
        let mut cells = cells.into_iter().peekable();
        while cells.peek().is_some() {
            weeks.push(cells.by_ref().take(7).collect());
        }
        let month_label = format!(
            "{} {}",
            MONTH_NAMES[usize::from(u8::from(first.month())) - 1],
            first.year()
        );
        Ok::<_, ApiError>(DeadlinesPage {
            nav: visitor.nav("echeances"),
            month_label,
            previous: month_param(add_months(first, -1)),
            next: month_param(add_months(first, 1)),
            weeks,
            overdue,
            list: due.into_iter().map(|d| (french_date(d.due_on), d)).collect(),
            ics: format!("/echeances.ics?mois={}", month_param(first)),
            weekdays: WEEKDAYS,
        })
    };
    match result.await {
        Ok(page) => page.into_response(),
        Err(e) => error_page(&nav, e),
    }
}

/// The month's meetings and deadlines as iCalendar (the page's download link).
pub async fn deadlines_ics(State(state): State<AppState>, visitor: Visitor, Query(q): Query<MonthQuery>) -> Response {
    let result = async {
        let first = month_of(&q)?;
        let last = add_days(add_months(first, 1), -1);
        Ok::<_, ApiError>(calendar_feed(&state.store, &visitor.ctx, first, last).await?)
    };
    match result.await {
        Ok(ics) => respond::calendar(ics, "echeances.ics"),
        Err(e) => error_page(&visitor.nav("echeances"), e),
    }
}

/// Monday first, as French calendars are.
const WEEKDAYS: [&str; 7] = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];

impl MemberLine {
    /// Deliberative members validate the minutes.
    pub fn deliberative(&self) -> bool {
        self.vote == MemberVote::Deliberative.label()
    }
}
