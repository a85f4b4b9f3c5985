//! Prescriptions and their referral sheets, seen from both sides (the SIAE and the prescriber): a
//! sheet with the steps the viewer may add, and the prescription form (diagnosis and prescription in one).

use crate::error::ApiError;
use crate::pages::kit::{CsrfForm, Notice, PageResult, filters, form_date, parse_id};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passerelle_domain::pathways::iae::Criterion;
use passerelle_domain::pathways::iae::referral::{Motive, Side, StepInput};
use passerelle_store::Membership;
use passerelle_store::directory::{Organisation, OrganisationFilter};
use passerelle_store::pathways::iae::offer::{Offer, OfferFilter};
use passerelle_store::pathways::iae::referral::{NewPrescription, Prescription};
use passerelle_store::person::Person;
use serde::Deserialize;
use uuid::Uuid;

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
        nav: visitor.nav("candidatures"),
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

#[derive(Template, WebTemplate)]
#[template(path = "prescribe.html")]
struct PrescribePage {
    nav: Nav,
    person: Person,
    prescribers: Vec<Membership>,
    siae: Vec<Organisation>,
    offers: Vec<Offer>,
    criteria: &'static [Criterion],
    chosen: Vec<String>,
    message: String,
    error: Option<String>,
}

async fn prescribe_page(
    state: &AppState,
    visitor: &Visitor,
    person_id: Uuid,
    chosen: Vec<String>,
    message: String,
    error: Option<String>,
) -> PageResult {
    let person = state.store.persons(&visitor.ctx).get(person_id).await?;
    let mut siae = Vec::new();
    for kind in passerelle_domain::directory::OrganisationKind::ALL
        .iter()
        .filter(|k| k.is_siae())
    {
        let filter = OrganisationFilter {
            kind: Some(*kind),
            page: 1,
            per_page: 200,
            ..Default::default()
        };
        siae.extend(state.store.list_organisations(&visitor.ctx, &filter).await?.items);
    }
    let offers = state.store.offers(&visitor.ctx, &OfferFilter::default()).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PrescribePage {
        nav: visitor.nav("personnes"),
        person,
        prescribers: visitor
            .ctx
            .memberships()
            .iter()
            .filter(|m| m.kind.holds_names().is_ok())
            .cloned()
            .collect(),
        siae,
        offers,
        criteria: Criterion::ALL,
        chosen,
        message,
        error,
    };
    Ok((status, page).into_response())
}

pub async fn prescribe_form(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "Personne")?;
    prescribe_page(&state, &visitor, id, Vec::new(), String::new(), None).await
}

/// The form posts repeated `criteria` fields, which a plain struct cannot hold.
pub async fn prescribe(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let person_id = parse_id(&id, "Personne")?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let chosen: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "criteria")
        .map(|(_, v)| v.clone())
        .collect();
    let result = async {
        let uuid = |name: &str, what: &str| {
            Uuid::parse_str(&field(name))
                .map_err(|_| ApiError::bad_request("field_required", format!("Choisissez {what}.")))
        };
        let prescriber_id = uuid("prescriber_id", "la structure qui prescrit")?;
        let siae_id = uuid("siae_id", "la SIAE")?;
        let offer_id = Uuid::parse_str(&field("offer_id")).ok();
        let criteria = chosen
            .iter()
            .map(|c| serde_json::from_value::<Criterion>(c.as_str().into()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ApiError::bad_request("criterion_unknown", "Critère d'éligibilité inconnu."))?;
        let new = NewPrescription {
            prescriber_id,
            person_id,
            siae_id,
            offer_id,
            diagnosis_id: None,
            message: field("message"),
            person_consent: field("person_consent") == "on",
            waiting_period_waived: field("waiting_period_waived") == "on",
        };
        // One transaction: a prescription refused leaves no diagnosis behind.
        Ok::<_, ApiError>(state.store.diagnose_and_prescribe(&visitor.ctx, new, criteria).await?)
    };
    match result.await {
        Ok(p) => Ok(Notice::ReferralSent.redirect(&state, &format!("/prescriptions/{}", p.id))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            prescribe_page(&state, &visitor, person_id, chosen, field("message"), Some(e.message)).await
        }
        Err(e) => Err(e.into()),
    }
}
