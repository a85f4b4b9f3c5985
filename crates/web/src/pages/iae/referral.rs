//! A prescription's referral sheet, seen from both sides (the SIAE and the prescriber), with the steps the
//! viewer may add.

use crate::error::ApiError;
use crate::pages::kit::{Crumbs, CsrfForm, Notice, PageResult, filters, form_date, parse_id};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passerelle_domain::pathways::iae::referral::{Motive, Side, StepInput};
use passerelle_store::pathways::iae::referral::Prescription;
use serde::Deserialize;

/// A step the viewer may add, for the form.
struct NextStep {
    code: &'static str,
    label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "prescription.html")]
struct PrescriptionPage {
    nav: Nav,
    p: Prescription,
    side_label: &'static str,
    next: Vec<NextStep>,
    motives: Vec<Motive>,
    /// The step form as posted, when it comes back refused.
    typed: StepForm,
    error: Option<String>,
}

fn viewer_side(visitor: &Visitor, p: &Prescription) -> Option<Side> {
    match (
        visitor.ctx.membership(p.siae_id).is_some(),
        visitor.ctx.membership(p.prescriber_id).is_some(),
    ) {
        (true, _) => Some(Side::Siae),
        (false, true) => Some(Side::Prescriber),
        _ => None,
    }
}

fn sheet_page(visitor: &Visitor, p: Prescription, typed: StepForm, error: Option<String>) -> Response {
    let side = viewer_side(visitor, &p);
    let both = visitor.ctx.membership(p.siae_id).is_some() && visitor.ctx.membership(p.prescriber_id).is_some();
    let next = p
        .status
        .next()
        .iter()
        .filter(|s| both || Some(s.side()) == side)
        .map(|s| NextStep {
            code: s.code(),
            label: s.label(),
        })
        .collect();
    let motives = Motive::ALL
        .iter()
        .copied()
        .filter(|m| both || side.is_some_and(|s| m.allowed_for(s)))
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PrescriptionPage {
        nav: visitor
            .nav("candidatures")
            .trail(Crumbs::list("Candidatures et prescriptions", "/prescriptions").here(p.person_name.clone())),
        p,
        side_label: match side {
            Some(Side::Siae) => "la SIAE",
            Some(Side::Prescriber) => "le prescripteur",
            None => "",
        },
        next,
        motives,
        typed,
        error,
    };
    (status, page).into_response()
}

pub async fn prescription(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "Prescription")?;
    Ok(sheet_page(
        &visitor,
        state.store.prescription(&visitor.ctx, id).await?,
        StepForm::default(),
        None,
    ))
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    motive: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    date: String,
}

pub async fn add_step(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> PageResult {
    let id = parse_id(&id, "Prescription")?;
    let result = async {
        let input = StepInput {
            status: form.status.clone(),
            motive: Some(form.motive.clone()),
            comment: Some(form.comment.clone()),
            date: form_date("date", &form.date)?,
        };
        Ok::<_, ApiError>(state.store.add_referral_step(&visitor.ctx, id, &input, None).await?)
    };
    match result.await {
        Ok(_) => Ok(Notice::StepRecorded.redirect(&state, &format!("/prescriptions/{id}"))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let p = state.store.prescription(&visitor.ctx, id).await?;
            Ok(sheet_page(&visitor, p, form, Some(e.message)))
        }
        Err(e) => Err(e.into()),
    }
}
