//! `/reunions/{id}`: a meeting's agenda, documents, invitation, attendance, minutes, decisions and
//! transmission.

use super::{Choice, GovernanceForm, SECTION, kept, my_choices, optional, parse_uuid, today};
use crate::error::ApiError;
use crate::pages::kit::{Crumbs, CsrfForm, CsrfUpload, Notice, PageResult, filters, form_date, parse_id};
use crate::pages::session::{Nav, Visitor};
use crate::respond;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use passerelle_domain::calendar::french_date;
use passerelle_domain::governance::MemberVote;
use passerelle_store::governance::committees::CommitteeSummary;
use passerelle_store::governance::meetings::{Meeting, NewDecision};
use uuid::Uuid;

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
pub struct MeetingPage {
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
    /// The forms as typed when one came back with an error: the proposed item, the minutes, the cancellation.
    point: GovernanceForm,
    minutes: GovernanceForm,
    cancellation: GovernanceForm,
    /// Why the document sent through the page's file form was refused, shown under its field.
    upload_error: Option<String>,
}

/// The meeting's page; `posted` is the form that came back with `error` (its action and what was typed).
async fn meeting_page(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    error: Option<String>,
    mut posted: Option<(String, GovernanceForm)>,
) -> PageResult<MeetingPage> {
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
    Ok(MeetingPage {
        nav: visitor.nav(SECTION).trail(
            Crumbs::committee(m.committee_id, &m.committee_name).here(format!("Réunion du {}", french_date(m.held_on))),
        ),
        date: french_date(m.held_on),
        held: m.held_on <= today(),
        members,
        proposers,
        owners,
        committees,
        indicators,
        notice,
        point: kept(&mut posted, "points", GovernanceForm::default),
        minutes: kept(&mut posted, "compte-rendu", || GovernanceForm {
            text: m.minutes.clone().unwrap_or_default(),
            ..GovernanceForm::default()
        }),
        cancellation: kept(&mut posted, "annulation", GovernanceForm::default),
        upload_error: None,
        m,
        error,
    })
}

pub async fn meeting(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult<MeetingPage> {
    let id = parse_id(&id, "Réunion")?;
    meeting_page(&state, &visitor, id, None, None).await
}

pub async fn meeting_invitation(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "Réunion")?;
    let ics = state.store.meeting_invitation(&visitor.ctx, id).await?;
    Ok(respond::calendar(ics, "invitation.ics"))
}

pub async fn meeting_document(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, document)): Path<(String, String)>,
) -> PageResult {
    let id = parse_id(&id, "Réunion")?;
    let document = parse_id(&document, "Document")?;
    Ok(respond::meeting_document(&state.store, &visitor.ctx, id, document).await?)
}

/// `POST /reunions/{id}/documents`: the secretariat attaches a document from the meeting page, through the
/// store's function the API calls too (same types, same size, same permission).
pub async fn attach_document(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfUpload(file): CsrfUpload,
) -> PageResult {
    let id = parse_id(&id, "Réunion")?;
    let result = match file {
        Ok(f) => state
            .store
            .attach_meeting_document(&visitor.ctx, id, &f.file_name, &f.content_type, f.content)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Notice::DocumentAdded.redirect(&state, &format!("/reunions/{id}"))),
        Err(e)
            if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND && e.status != StatusCode::FORBIDDEN =>
        {
            let status = e.status;
            let mut page = meeting_page(&state, &visitor, id, None, None).await?;
            page.upload_error = Some(e.message);
            Ok((status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn meeting_action(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<GovernanceForm>,
) -> PageResult {
    let id = parse_id(&id, "Réunion")?;
    let store = &state.store;
    let ctx = &visitor.ctx;
    let result = async {
        let notice = match action.as_str() {
            "points" => {
                let org = parse_uuid(&form.organisation_id, "votre structure")?;
                store.propose_agenda_item(ctx, id, org, &form.title, None).await?;
                Notice::AgendaItemProposed
            }
            "decision-point" => {
                let item = parse_uuid(&form.item_id, "le point")?;
                store.decide_agenda_item(ctx, id, item, form.accept == "oui").await?;
                Notice::AgendaItemDecided
            }
            "invitations" => {
                store
                    .send_invitations(ctx, id, passerelle_store::infra::clock::now())
                    .await?;
                Notice::InvitationsSent
            }
            "annulation" => {
                // A cancellation tells every invited member: it takes a ticked box, not one click.
                if form.confirm.is_none() {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "confirmation_required",
                        "Cochez « Je confirme l'annulation » pour annuler la réunion : les membres invités en seront informés.",
                    )
                    .on("confirm"));
                }
                store
                    .cancel_meeting(ctx, id, passerelle_store::infra::clock::now())
                    .await?;
                Notice::MeetingCancelled
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
                Notice::AttendanceRecorded
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
                Notice::MinutesSaved
            }
            "validation" => {
                store.validate_minutes(ctx, id).await?;
                Notice::MinutesValidated
            }
            "transmission" => {
                let to = parse_uuid(&form.to_committee_id, "le comité destinataire")?;
                store.transmit_minutes(ctx, id, to).await?;
                Notice::MinutesTransmitted
            }
            _ => return Err(ApiError::not_found("Page")),
        };
        Ok::<_, ApiError>(notice)
    };
    let result = result.await;
    match result {
        Ok(notice) => Ok(notice.redirect(&state, &format!("/reunions/{id}"))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            let page = meeting_page(&state, &visitor, id, Some(e.message), Some((action, form))).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

impl MemberLine {
    /// Deliberative members validate the minutes.
    pub fn deliberative(&self) -> bool {
        self.vote == MemberVote::Deliberative.label()
    }
}
