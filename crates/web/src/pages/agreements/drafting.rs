//! The drafting forms of an agreement's page: its texts (a draft's, or an avenant's new version) and each part
//! of the structure, saved into the draft; a refusal shows the page again with the error next to its field.

use super::editor::{self, EditError, Part as EditPart, Posted};
use super::{page, parse_id};
use crate::error::ApiError;
use crate::pages::kit::{CsrfForm, Notice, PageResult, form_date};
use crate::pages::session::Visitor;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use passerelle_domain::agreements::content::AgreementContent;
use passerelle_domain::agreements::lifecycle::Action;
use passerelle_store::agreements::Act;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The texts of a draft (or of an avenant's new version); the rest of the structure has its own forms.
#[derive(Deserialize, Serialize)]
pub struct DraftForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    legal_references: String,
    #[serde(default)]
    preamble: String,
    #[serde(default)]
    territorial_approach: String,
    #[serde(default)]
    tracking_tools: String,
    #[serde(default)]
    deployment: String,
    #[serde(default)]
    steering_composition: String,
    #[serde(default)]
    steering_organisation: String,
    #[serde(default)]
    renewal: String,
    #[serde(default)]
    lapse_conditions: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    target_public: String,
    #[serde(default)]
    entry_modalities: String,
    #[serde(default)]
    service_offers: String,
    #[serde(default)]
    exit_anticipation: String,
    #[serde(default)]
    steering_committee: String,
    #[serde(default)]
    steering_frequency: String,
    #[serde(default)]
    communication: String,
    #[serde(default)]
    review: String,
    #[serde(default)]
    amendment: String,
    #[serde(default)]
    notice_months: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    /// For an avenant: its object and the date it is signed.
    #[serde(default)]
    reason: String,
    #[serde(default)]
    on: String,
    /// For an avenant to a regional agreement: the steering committee's meeting that proposed it.
    #[serde(default)]
    committee_meeting_id: String,
}

impl DraftForm {
    /// Writes the form's texts into `c`.
    fn merge_into(self, c: &mut AgreementContent) -> Result<(), ApiError> {
        c.title = self.title;
        c.legal_references = self.legal_references.lines().map(str::to_owned).collect();
        c.preamble = self.preamble;
        c.territorial_approach = self.territorial_approach;
        c.tracking_tools = self.tracking_tools;
        c.deployment = self.deployment;
        c.steering.composition = self.steering_composition;
        c.steering.organisation = self.steering_organisation;
        c.duration.renewal = self.renewal;
        c.lapse_conditions = self.lapse_conditions.lines().map(str::to_owned).collect();
        c.object = self.object;
        c.target_public = self.target_public;
        c.entry_modalities = self.entry_modalities;
        c.service_offers = self.service_offers;
        c.exit_anticipation = self.exit_anticipation;
        c.steering.committee = self.steering_committee;
        c.steering.frequency = self.steering_frequency;
        c.communication = self.communication;
        c.duration.review = self.review;
        c.amendment = self.amendment;
        c.duration.starts_on = form_date("début", &self.starts_on).map_err(|e| e.on("starts_on"))?;
        c.duration.ends_on = form_date("fin", &self.ends_on).map_err(|e| e.on("ends_on"))?;
        c.notice_months = self.notice_months.trim().parse().map_err(|_| {
            ApiError::bad_request("notice_invalid", "Le préavis est un nombre de mois, de 0 à 24.").on("notice_months")
        })?;
        Ok(())
    }
}

pub async fn save_draft(
    state: State<AppState>,
    visitor: Visitor,
    id: Path<String>,
    form: CsrfForm<DraftForm>,
) -> PageResult {
    write(state, visitor, id, form, false).await
}

pub async fn amend(
    state: State<AppState>,
    visitor: Visitor,
    id: Path<String>,
    form: CsrfForm<DraftForm>,
) -> PageResult {
    write(state, visitor, id, form, true).await
}

/// Saves the form into the draft, or, for an avenant, proposes it to the parties.
async fn write(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<DraftForm>,
    avenant: bool,
) -> PageResult {
    let id = parse_id(&id)?;
    let scope = state.store.agreements(&visitor.ctx);
    let key = if avenant { "avenant" } else { "texts" };
    // What was typed, shown again if the change is refused.
    let typed: Vec<(String, String)> = match serde_json::to_value(&f) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
            .collect(),
        _ => Vec::new(),
    };
    let result = async {
        let mut c = scope.get(id).await?.content;
        let (reason, on) = (
            Some(f.reason.clone()).filter(|r| !r.trim().is_empty()),
            form_date("date", &f.on).map_err(|e| e.on("on"))?,
        );
        // A value that is no identifier is no meeting of the committee: the store says so.
        let meeting = Some(f.committee_meeting_id.trim())
            .filter(|m| !m.is_empty())
            .map(|m| Uuid::parse_str(m).unwrap_or_default());
        f.merge_into(&mut c)?;
        if avenant {
            let act = Act {
                action: Action::Amend,
                on,
                organisation_id: None,
                reason,
                content: Some(c),
                committee_meeting_id: meeting,
            };
            scope.act(id, act).await?;
        } else {
            scope.update_draft(id, c).await?;
        }
        Ok::<_, ApiError>(())
    };
    let result = result.await;
    // After an avenant the page shows the pending proposal from its top; a draft's texts, at their form.
    let anchor = if avenant { "" } else { "redaction-textes" };
    refused_or_done(&state, &visitor, id, key, anchor, result, typed).await
}

/// After a form: back to the page at the form's place, or the page again with the error next to its field
/// and what was typed (nothing was saved).
async fn refused_or_done(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    key: &str,
    anchor: &str,
    result: Result<(), ApiError>,
    typed: Vec<(String, String)>,
) -> PageResult {
    match result {
        Ok(()) if key == "avenant" => Ok(Notice::AmendmentProposed.redirect(state, &format!("/conventions/{id}"))),
        Ok(()) if anchor.is_empty() => Ok(Notice::AgreementSaved.redirect(state, &format!("/conventions/{id}"))),
        Ok(()) => Ok(Notice::AgreementSaved.redirect(state, &format!("/conventions/{id}#{anchor}"))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let refused = EditError {
                key: key.to_owned(),
                field: e.field,
                message: e.message,
                typed,
            };
            page(state, visitor, id, None, None, Some(refused)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Saves one drafting form (a party, an axis, an action sheet, a correspondent, an annex, the targets, the
/// items without object, the proposed visas) into the draft, through the store's `update_draft` as the API.
pub async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(posted): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let posted = Posted(posted);
    let id = parse_id(&id)?;
    let part = EditPart::parse(&posted)?;
    let scope = state.store.agreements(&visitor.ctx);
    let result = async {
        let a = scope.get(id).await?;
        let mut c = a.content;
        // A new party is an organisation of the directory, whose name is printed.
        let new_party = match part {
            EditPart::Party(i) if i == c.parties.len() && posted.get("op") != "remove" => {
                match Uuid::parse_str(posted.get("organisation_id").trim()) {
                    Ok(org) => Some(state.store.organisation(&visitor.ctx, org).await.map_err(|_| {
                        ApiError::from(passerelle_domain::invalid::Invalid::new(
                            "organisation_not_found",
                            "Cette structure n'est pas dans l'annuaire.",
                        ))
                        .on("organisation_id")
                    })?),
                    Err(_) => None,
                }
            }
            _ => None,
        };
        editor::apply(&mut c, a.kind, part, &posted, new_party.as_ref())?;
        scope.update_draft(id, c).await?;
        Ok::<_, ApiError>(())
    };
    let result = result.await;
    refused_or_done(&state, &visitor, id, &part.key(), part.anchor(), result, posted.0).await
}
