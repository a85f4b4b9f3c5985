//! `/instances`: the committees with the creation form and the mutual-knowledge actions; `/instances/{id}`:
//! a committee's members, frequency, meetings and action items.

use super::{
    Choice, GovernanceForm, SECTION, directory_choices, kept, my_choices, optional, parse_uuid, ticked, today,
};
use crate::error::ApiError;
use crate::pages::kit::{Crumbs, CsrfForm, Notice, PageResult, form_date, parse_id};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use passerelle_domain::governance::{CommitteeKind, Frequency, FrequencyStatus};
use passerelle_store::governance::committees::{
    Committee, CommitteeSummary, NewCommittee, NewMember, parse_frequency, parse_kind, parse_vote,
};
use passerelle_store::governance::meetings::NewMeeting;
use passerelle_store::governance::mutual_knowledge::{KINDS, MutualKnowledgeAction, NewMutualKnowledgeAction};
use uuid::Uuid;

#[derive(Template, WebTemplate)]
#[template(path = "governance/committees.html")]
pub struct CommitteesPage {
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

async fn committees_page(state: &AppState, visitor: &Visitor, error: Option<String>) -> PageResult<CommitteesPage> {
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
    Ok(CommitteesPage {
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
}

pub async fn committees(State(state): State<AppState>, visitor: Visitor) -> PageResult<CommitteesPage> {
    committees_page(&state, &visitor, None).await
}

pub async fn create_committee(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<GovernanceForm>,
) -> PageResult {
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
        Ok(c) => Ok(Redirect::to(&format!("/instances/{}", c.id)).into_response()),
        Err(e) if e.status.is_client_error() => {
            let page = committees_page(&state, &visitor, Some(e.message)).await?;
            Ok((e.status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Records a mutual-knowledge action from the committees page.
pub async fn create_mutual_knowledge(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<GovernanceForm>,
) -> PageResult {
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
        Ok(_) => Ok(Redirect::to("/instances#interconnaissance").into_response()),
        Err(e) if e.status.is_client_error() => {
            let page = committees_page(&state, &visitor, Some(e.message)).await?;
            Ok((e.status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

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
pub struct CommitteePage {
    nav: Nav,
    c: Committee,
    frequency: Vec<FrequencyLine>,
    directory: Vec<Choice>,
    /// The meeting planning form and the member form, as typed when they came back with an error.
    meeting: GovernanceForm,
    member: GovernanceForm,
    error: Option<String>,
}

/// The committee's page; `posted` is the form that came back with `error` (its action and what was typed).
async fn committee_page(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    error: Option<String>,
    mut posted: Option<(String, GovernanceForm)>,
) -> PageResult<CommitteePage> {
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
    Ok(CommitteePage {
        nav: visitor
            .nav(SECTION)
            .trail(Crumbs::list("Instances", "/instances").here(c.name.clone())),
        c,
        frequency,
        directory,
        meeting: kept(&mut posted, "reunions", GovernanceForm::meeting_defaults),
        member: kept(&mut posted, "membres", GovernanceForm::member_defaults),
        error,
    })
}

pub async fn committee(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult<CommitteePage> {
    let id = parse_id(&id, "Comité")?;
    committee_page(&state, &visitor, id, None, None).await
}

pub async fn committee_action(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<GovernanceForm>,
) -> PageResult {
    let id = parse_id(&id, "Comité")?;
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
                Ok::<_, ApiError>((Notice::MemberAdded, format!("/instances/{id}")))
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
                Ok((Notice::MeetingPlanned, format!("/reunions/{}", m.id)))
            }
            "actions" => {
                let item = parse_uuid(&form.item_id, "l'action")?;
                store.set_action_item_status(ctx, item, &form.status).await?;
                Ok((Notice::ActionItemUpdated, format!("/instances/{id}")))
            }
            _ => Err(ApiError::not_found("Page")),
        }
    };
    let result = result.await;
    match result {
        Ok((notice, to)) => Ok(notice.redirect(&state, &to)),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let posted = Some((action, form));
            let page = committee_page(&state, &visitor, id, Some(e.message), posted).await?;
            Ok((e.status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
