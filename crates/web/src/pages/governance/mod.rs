//! Governance pages: `/instances` (committees and the creation form), `/instances/{id}` (members,
//! frequency, meetings, action items), `/reunions/{id}` (agenda, documents, invitation, attendance, minutes,
//! decisions, transmission) and `/echeances` (month calendar of meetings and deadlines, with its iCalendar).
//! Every form goes through the store calls the API uses; an error is shown above the forms, nothing saved.

pub mod committees;
pub mod deadlines;
pub mod meetings;

use super::session::Visitor;
use crate::error::ApiError;
use crate::state::AppState;
use passerelle_domain::calendar::add_days;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

pub(super) const SECTION: &str = "instances";

pub(super) fn today() -> Date {
    passerelle_store::infra::clock::now().date()
}

/// Every field any governance form sends; each form fills its own.
#[derive(Deserialize, Default)]
pub struct GovernanceForm {
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
    /// The box that confirms a cancellation.
    #[serde(default)]
    confirm: Option<String>,
    /// Attendance (`presence_<member id>` = present / excused / absent) and ticked boxes (`agreement_<id>`,
    /// `participant_<id>`).
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

impl GovernanceForm {
    /// The meeting planning form as first shown: a month ahead, from 9:30 to 12:00.
    fn meeting_defaults() -> Self {
        Self {
            held_on: add_days(today(), 30).to_string(),
            start_time: "09:30".into(),
            end_time: "12:00".into(),
            ..Self::default()
        }
    }

    /// The member form as first shown: a deliberative member by right.
    fn member_defaults() -> Self {
        Self {
            vote: "deliberative".into(),
            by_right: Some("oui".into()),
            ..Self::default()
        }
    }
}

/// The form a page shows for `action`: what was posted when that form came back with an error, else `blank`.
fn kept(
    posted: &mut Option<(String, GovernanceForm)>,
    action: &str,
    blank: impl FnOnce() -> GovernanceForm,
) -> GovernanceForm {
    match posted.take() {
        Some((a, form)) if a == action => form,
        other => {
            *posted = other;
            blank()
        }
    }
}

pub(super) fn parse_uuid(value: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(value.trim()).map_err(|_| ApiError::bad_request("field_required", format!("Choisissez {what}.")))
}

pub(super) fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// An organisation to choose in a form.
pub struct Choice {
    pub(super) id: Uuid,
    pub(super) name: String,
}

/// The organisations a form offers: those of the caller's departments (every one for a platform
/// administrator), so that the list stays readable on a national directory.
pub(super) async fn directory_choices(state: &AppState, visitor: &Visitor) -> Result<Vec<Choice>, ApiError> {
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

pub(super) fn my_choices(visitor: &Visitor) -> Vec<Choice> {
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

/// The ids of the ticked boxes named `<prefix><id>`.
pub(super) fn ticked(form: &GovernanceForm, prefix: &str) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = form
        .rest
        .keys()
        .filter_map(|k| Uuid::parse_str(k.strip_prefix(prefix)?).ok())
        .collect();
    ids.sort();
    ids
}

/// The governance pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/instances",
            get(committees::committees).post(committees::create_committee),
        )
        .route("/interconnaissance", post(committees::create_mutual_knowledge))
        .route("/instances/{id}", get(committees::committee))
        .route("/instances/{id}/{action}", post(committees::committee_action))
        .route("/reunions/{id}", get(meetings::meeting))
        .route("/reunions/{id}/invitation.ics", get(meetings::meeting_invitation))
        .route("/reunions/{id}/documents/{document}", get(meetings::meeting_document))
        // A document is the one form body larger than the server's default limit.
        .route(
            "/reunions/{id}/documents",
            post(meetings::attach_document).layer(axum::extract::DefaultBodyLimit::max(
                crate::extract::DOCUMENT_BODY_BYTES,
            )),
        )
        .route("/reunions/{id}/{action}", post(meetings::meeting_action))
        .route("/echeances", get(deadlines::deadlines))
        .route("/echeances.ics", get(deadlines::deadlines_ics))
}
