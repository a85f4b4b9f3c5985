//! The SIAE's offers: the list by department, job and town, publishing (with the ROME job picker when the
//! referential is loaded), closing and reopening, the CSV export.

use super::siae_memberships;
use crate::error::ApiError;
use crate::pages::kit::{CsrfForm, Notice, PageResult, TokenOnly, parse_id};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use passerelle_domain::pathways::iae::offer::OfferInput;
use passerelle_store::Membership;
use passerelle_store::pathways::iae::offer::{Offer, OfferFilter};
use passerelle_store::rome::RomeVersion;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Template, WebTemplate)]
#[template(path = "offers.html")]
struct OffersPage {
    nav: Nav,
    filters: OffersQuery,
    /// The same filters for the CSV export's address.
    export_query: String,
    rome: Option<RomeVersion>,
    offers: Vec<Offer>,
    own: Vec<Offer>,
    siae: Vec<Membership>,
    form: OfferForm,
    error: Option<String>,
}

#[derive(Deserialize, Serialize, Default)]
pub struct OffersQuery {
    #[serde(default)]
    department: String,
    /// A ROME code or words of the job.
    #[serde(default)]
    job: String,
    #[serde(default)]
    town: String,
}

impl OffersQuery {
    fn filter(&self) -> OfferFilter {
        let given = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        OfferFilter {
            department: given(&self.department),
            job: given(&self.job),
            town: given(&self.town),
            ..Default::default()
        }
    }
}

#[derive(Deserialize, Default)]
pub struct OfferForm {
    #[serde(default)]
    siae_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    rome_code: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    weekly_hours: String,
    #[serde(default)]
    positions: String,
    #[serde(default)]
    prerequisites: String,
}

async fn offers_page(
    state: &AppState,
    visitor: &Visitor,
    filters: OffersQuery,
    form: OfferForm,
    error: Option<String>,
) -> PageResult {
    let siae = siae_memberships(visitor);
    let offers = state.store.offers(&visitor.ctx, &filters.filter()).await?;
    let mut own = Vec::new();
    for m in &siae {
        let mine = OfferFilter {
            siae_id: Some(m.organisation_id),
            include_closed: true,
            ..Default::default()
        };
        own.extend(state.store.offers(&visitor.ctx, &mine).await?);
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = OffersPage {
        nav: visitor.nav("offres"),
        export_query: serde_urlencoded::to_string(&filters).unwrap_or_default(),
        filters,
        rome: state.store.rome_version().await?,
        offers,
        own,
        siae,
        form,
        error,
    };
    Ok((status, page).into_response())
}

pub async fn offers(State(state): State<AppState>, visitor: Visitor, Query(q): Query<OffersQuery>) -> PageResult {
    offers_page(&state, &visitor, q, OfferForm::default(), None).await
}

pub async fn create_offer(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<OfferForm>,
) -> PageResult {
    let result = async {
        let number = |field: &'static str, v: &str| -> Result<Option<i64>, ApiError> {
            match v.trim() {
                "" => Ok(None),
                n => n.parse().map(Some).map_err(|_| {
                    ApiError::bad_request(
                        "number_invalid",
                        format!("« {n} » ({field}) doit être un nombre entier."),
                    )
                }),
            }
        };
        let siae_id = Uuid::parse_str(&form.siae_id)
            .map_err(|_| ApiError::bad_request("siae_invalid", "Choisissez la SIAE qui publie l'offre."))?;
        let fields = OfferInput {
            title: form.title.clone(),
            rome_code: Some(form.rome_code.clone()),
            place: form.place.clone(),
            weekly_hours: number("heures hebdomadaires", &form.weekly_hours)?,
            positions: number("nombre de postes", &form.positions)?.unwrap_or(0),
            prerequisites: Some(form.prerequisites.clone()),
            ..Default::default()
        }
        .validate(passerelle_store::today())?;
        Ok::<_, ApiError>(state.store.create_offer(&visitor.ctx, siae_id, fields, None).await?)
    };
    match result.await {
        Ok(_) => Ok(Notice::OfferPublished.redirect(&state, "/offres")),
        Err(e) if e.status.is_client_error() => {
            offers_page(&state, &visitor, OffersQuery::default(), form, Some(e.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn export_offers(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<OffersQuery>,
) -> PageResult {
    Ok(crate::respond::offers_csv(
        &state.store.offers(&visitor.ctx, &q.filter()).await?,
    ))
}

pub async fn toggle_offer(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    _: CsrfForm<TokenOnly>,
) -> PageResult {
    let id = parse_id(&id, "Offre")?;
    let open = match action.as_str() {
        "ouvrir" => true,
        "fermer" => false,
        _ => return Err(ApiError::not_found("Page").into()),
    };
    state.store.set_offer_open(&visitor.ctx, id, open).await?;
    Ok(Redirect::to("/offres").into_response())
}
