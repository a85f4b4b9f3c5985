//! The pending avenant on an agreement's page: each party's administrator signs it or refuses it, its
//! proposer may withdraw it; each step comes back to the page with its confirmation.

use super::{page, parse_id};
use crate::error::ApiError;
use crate::pages::kit::{CsrfForm, Notice, PageResult, form_date};
use crate::pages::session::Visitor;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use passerelle_domain::agreements::amendment::AmendmentAction;
use passerelle_store::agreements::{AmendmentAct, PendingAmendment};
use serde::Deserialize;
use uuid::Uuid;

use crate::state::AppState;

#[derive(Deserialize)]
pub struct AmendmentForm {
    #[serde(default)]
    on: String,
}

/// The French path word of each step (« signer », « refuser », « retirer »).
fn step(word: &str) -> Option<AmendmentAction> {
    match word {
        "signer" => Some(AmendmentAction::Sign),
        "refuser" => Some(AmendmentAction::Decline),
        "retirer" => Some(AmendmentAction::Withdraw),
        _ => None,
    }
}

/// Signs, refuses or withdraws the pending avenant; a refusal comes back to the page with its reason.
pub async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, word)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<AmendmentForm>,
) -> PageResult {
    let id = parse_id(&id)?;
    let action = step(&word).ok_or_else(|| ApiError::not_found("page"))?;
    let result = async {
        let on = form_date("date", &form.on).map_err(|e| e.on("on"))?;
        let act = AmendmentAct {
            action,
            on,
            organisation_id: None,
        };
        Ok::<_, ApiError>(state.store.agreements(&visitor.ctx).decide_amendment(id, act).await?)
    };
    match result.await {
        Ok((a, _)) => {
            let notice = match action {
                // The last signature put the avenant in force: no avenant pends any more.
                AmendmentAction::Sign if a.pending_amendment.is_none() => Notice::AmendmentAdopted,
                AmendmentAction::Sign => Notice::AmendmentSigned,
                AmendmentAction::Decline => Notice::AmendmentDeclined,
                _ => Notice::AmendmentWithdrawn,
            };
            Ok(notice.redirect(&state, &format!("/conventions/{id}")))
        }
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            page(&state, &visitor, id, Some(e.message), None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What the visitor may do to the pending avenant, for its buttons: sign and refuse for a party they
/// administer that has not signed it, withdraw for its proposer.
pub struct Choices {
    pub sign: bool,
    pub withdraw: bool,
}

pub fn choices(p: &PendingAmendment, admin_of: impl Fn(Uuid) -> bool) -> Choices {
    Choices {
        sign: p
            .signatures
            .iter()
            .any(|s| s.signed_on.is_none() && admin_of(s.organisation_id)),
        withdraw: admin_of(p.proposed_by_organisation_id),
    }
}
