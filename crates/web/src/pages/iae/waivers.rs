//! The DDETS's waiver requests (docs/iae.md, « Dérogation au plafond des 480 heures »): an AI requests the
//! préfet's waiver of the 480-hour cap from the person's pathway page; the DDETS (or DREETS) of the AI's
//! department finds it on `/derogations` and decides on `/derogations/{id}`: granted for 3 years at most under
//! its decision's reference, or refused with its reasons (a refusal is confirmed: it is final). The State
//! services hold no names: the request shows the AI, never the person.

use crate::error::ApiError;
use crate::pages::kit::{Crumbs, CsrfForm, FormError, Notice, PageResult, filters, form_date, parse_id, refused_again};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use passerelle_domain::pathways::iae::approval::Period;
use passerelle_domain::pathways::iae::waiver::{Decision, WaiverStatus};
use passerelle_store::pathways::iae::waiver::WaiverRequest;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template, WebTemplate)]
#[template(path = "waivers.html")]
pub struct WaiversPage {
    nav: Nav,
    requests: Vec<WaiverRequest>,
}

pub async fn waivers(State(state): State<AppState>, visitor: Visitor) -> PageResult<WaiversPage> {
    Ok(WaiversPage {
        nav: visitor.nav("derogations"),
        requests: state.store.waiver_requests(&visitor.ctx).await?,
    })
}

/// The decision form as typed, kept as text so that a refused value comes back as it was.
#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    decision_reference: String,
    #[serde(default)]
    refusal_reason: String,
    /// The refusal's confirmation box: a refusal is final.
    confirm: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "waiver_decision.html")]
pub struct DecisionPage {
    nav: Nav,
    request: WaiverRequest,
    form: DecisionForm,
    error: FormError,
}

async fn decision_page(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    form: DecisionForm,
    error: FormError,
) -> Result<DecisionPage, ApiError> {
    let request = state
        .store
        .waiver_requests(&visitor.ctx)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::not_found("Demande de dérogation"))?;
    let form = DecisionForm {
        starts_on: if form.starts_on.is_empty() && form.decision.is_empty() {
            request.starts_on.to_string()
        } else {
            form.starts_on
        },
        ends_on: if form.ends_on.is_empty() && form.decision.is_empty() {
            request.ends_on.to_string()
        } else {
            form.ends_on
        },
        ..form
    };
    Ok(DecisionPage {
        nav: visitor.nav("derogations").trail(
            Crumbs::list("Dérogations à décider", "/derogations").here(format!("Demande de {}", request.siae_name)),
        ),
        request,
        form,
        error,
    })
}

pub async fn decision_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult<DecisionPage> {
    let id = parse_id(&id, "Demande de dérogation")?;
    Ok(decision_page(&state, &visitor, id, DecisionForm::default(), FormError::default()).await?)
}

const UNPROCESSABLE: axum::http::StatusCode = axum::http::StatusCode::UNPROCESSABLE_ENTITY;

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(UNPROCESSABLE, code, message)
}

/// The decision asked by the form, or what is missing under its field.
fn decision(form: &DecisionForm) -> Result<Decision, ApiError> {
    let refused = WaiverStatus::Refused.code();
    match form.decision.trim() {
        d if d == WaiverStatus::Granted.code() => {
            let date = |label: &str, field: &str, value: &str| {
                form_date(label, value)
                    .map_err(|e| e.on(field).with_status(UNPROCESSABLE))?
                    .ok_or_else(|| unprocessable("field_required", format!("Indiquez la date de {label}.")).on(field))
            };
            Ok(Decision::Grant {
                period: Period {
                    from: date("début", "starts_on", &form.starts_on)?,
                    to: date("fin", "ends_on", &form.ends_on)?,
                },
                reference: form.decision_reference.clone(),
            })
        }
        d if d == refused && form.confirm.is_none() => Err(unprocessable(
            "confirmation_required",
            "Cochez la case de confirmation pour refuser la dérogation : ce refus est définitif.",
        )
        .on("confirm")),
        d if d == refused => Ok(Decision::Refuse {
            reason: form.refusal_reason.clone(),
        }),
        _ => Err(unprocessable("field_required", "Choisissez d'accorder ou de refuser la dérogation.").on("decision")),
    }
}

pub async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let id = parse_id(&id, "Demande de dérogation")?;
    let result = async {
        let d = decision(&form)?;
        Ok::<_, ApiError>(state.store.decide_waiver(&visitor.ctx, id, d).await?)
    };
    match result.await {
        Ok(w) if w.status == WaiverStatus::Granted => Ok(Notice::WaiverGranted.redirect(&state, "/derogations")),
        Ok(_) => Ok(Notice::WaiverRefused.redirect(&state, "/derogations")),
        Err(e) => refused_again(e, |error| decision_page(&state, &visitor, id, form, error)).await,
    }
}
