//! The prescription form (`/personnes/{id}/prescrire`, diagnosis and prescription in one). The SIAE comes first:
//! a search by name, town or job of its open offers narrows the list (a plain GET, no script needed), the SIAE
//! chosen is kept in the address (`?siae=`), and the offers offered are that SIAE's open ones. The store refuses
//! an offer of another SIAE; the refused form comes back with every value kept and the message under its field.

use crate::error::ApiError;
use crate::pages::kit::{Crumbs, CsrfForm, FormError, Notice, PageResult, parse_id};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use passerelle_domain::pathways::iae::Criterion;
use passerelle_store::Membership;
use passerelle_store::directory::Organisation;
use passerelle_store::pathways::iae::offer::Offer;
use passerelle_store::pathways::iae::referral::NewPrescription;
use passerelle_store::person::Person;
use serde::Deserialize;
use uuid::Uuid;

/// The form as typed: empty, from the address, or as posted.
#[derive(Default)]
struct Typed {
    search: String,
    prescriber_id: String,
    siae_id: String,
    offer_id: String,
    criteria: Vec<String>,
    message: String,
    person_consent: bool,
    waiting_period_waived: bool,
}

impl Typed {
    /// The posted form (`criteria` is repeated, which a plain struct cannot hold).
    fn posted(pairs: &[(String, String)]) -> Self {
        let field = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        Self {
            search: field("recherche"),
            prescriber_id: field("prescriber_id"),
            siae_id: field("siae_id"),
            offer_id: field("offer_id"),
            criteria: pairs
                .iter()
                .filter(|(k, _)| k == "criteria")
                .map(|(_, v)| v.clone())
                .collect(),
            message: field("message"),
            person_consent: field("person_consent") == "on",
            waiting_period_waived: field("waiting_period_waived") == "on",
        }
    }
}

/// An SIAE as the picker names it: « Les Jardins de Cocagne – Dijon (atelier et chantier d'insertion) ».
struct SiaeChoice {
    id: String,
    label: String,
}

impl SiaeChoice {
    fn of(o: &Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            label: format!("{} – {} ({})", o.name, o.commune, o.kind.label()),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "prescribe.html")]
struct PrescribePage {
    nav: Nav,
    person: Person,
    prescribers: Vec<Membership>,
    /// The SIAE the search finds, and the one chosen with its open offers.
    siae: Vec<SiaeChoice>,
    chosen: Option<SiaeChoice>,
    offers: Vec<Offer>,
    criteria: &'static [Criterion],
    typed: Typed,
    error: FormError,
}

async fn prescribe_page(
    state: &AppState,
    visitor: &Visitor,
    person_id: Uuid,
    typed: Typed,
    mut error: FormError,
    status: StatusCode,
) -> PageResult {
    let person = state.store.persons(&visitor.ctx).get(person_id).await?;
    let search = (!typed.search.is_empty()).then_some(typed.search.as_str());
    let found = state.store.siae_with_offers(&visitor.ctx, search).await?;
    let chosen_id = Uuid::parse_str(&typed.siae_id).ok();
    let mut chosen = found.iter().find(|(o, _)| Some(o.id) == chosen_id).cloned();
    if chosen.is_none() && chosen_id.is_some() {
        // Chosen before the search changed: it stays chosen.
        let all = state.store.siae_with_offers(&visitor.ctx, None).await?;
        chosen = all.into_iter().find(|(o, _)| Some(o.id) == chosen_id);
    }
    let mut status = status;
    if chosen.is_none() && !typed.siae_id.is_empty() && error.message.is_none() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
        error = FormError {
            message: Some("Cette SIAE est introuvable : choisissez-la dans la liste.".to_owned()),
            field: Some("siae".to_owned()),
        };
    }
    let (chosen, offers) = match chosen {
        Some((o, offers)) => (Some(SiaeChoice::of(&o)), offers),
        None => (None, Vec::new()),
    };
    let page = PrescribePage {
        nav: visitor
            .nav("personnes")
            .trail(Crumbs::person(person.id, &person.first_name, &person.last_name).here("Prescrire")),
        person,
        prescribers: visitor
            .ctx
            .memberships()
            .iter()
            .filter(|m| m.kind.holds_names().is_ok())
            .cloned()
            .collect(),
        siae: found.iter().map(|(o, _)| SiaeChoice::of(o)).collect(),
        chosen,
        offers,
        criteria: Criterion::ALL,
        typed,
        error,
    };
    Ok((status, page).into_response())
}

#[derive(Deserialize, Default)]
pub struct PickerQuery {
    #[serde(default)]
    recherche: String,
    #[serde(default)]
    siae: String,
    /// `recherche` when the search button was pressed: the SIAE is to choose again among those found.
    #[serde(default)]
    etape: String,
}

/// `GET /personnes/{id}/prescrire[?recherche=…][&siae=…]`.
pub async fn prescribe_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<PickerQuery>,
) -> PageResult {
    let id = parse_id(&id, "Personne")?;
    let typed = Typed {
        search: q.recherche.trim().to_owned(),
        siae_id: if q.etape == "recherche" {
            String::new()
        } else {
            q.siae.trim().to_owned()
        },
        ..Typed::default()
    };
    prescribe_page(&state, &visitor, id, typed, FormError::default(), StatusCode::OK).await
}

/// `POST /personnes/{id}/prescrire`.
pub async fn prescribe(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let person_id = parse_id(&id, "Personne")?;
    let typed = Typed::posted(&pairs);
    let result = async {
        let uuid = |value: &str, field: &str, what: &str| {
            Uuid::parse_str(value)
                .map_err(|_| ApiError::bad_request("field_required", format!("Choisissez {what}.")).on(field))
        };
        let prescriber_id = uuid(&typed.prescriber_id, "prescriber_id", "la structure qui prescrit")?;
        let siae_id = uuid(&typed.siae_id, "siae_id", "la SIAE")?;
        let offer_id = match typed.offer_id.as_str() {
            "" => None,
            offer => Some(uuid(offer, "offer_id", "une offre de la liste")?),
        };
        let criteria = typed
            .criteria
            .iter()
            .map(|c| serde_json::from_value::<Criterion>(c.as_str().into()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ApiError::bad_request("criterion_unknown", "Critère d'éligibilité inconnu.").on("criteria"))?;
        let new = NewPrescription {
            prescriber_id,
            person_id,
            siae_id,
            offer_id,
            diagnosis_id: None,
            message: typed.message.clone(),
            person_consent: typed.person_consent,
            waiting_period_waived: typed.waiting_period_waived,
        };
        // One transaction: a prescription refused leaves no diagnosis behind.
        Ok::<_, ApiError>(state.store.diagnose_and_prescribe(&visitor.ctx, new, criteria).await?)
    };
    match result.await {
        Ok(p) => Ok(Notice::ReferralSent.redirect(&state, &format!("/prescriptions/{}", p.id))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = if e.status == StatusCode::FORBIDDEN {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            prescribe_page(&state, &visitor, person_id, typed, FormError::from_api(e), status).await
        }
        Err(e) => Err(e.into()),
    }
}
