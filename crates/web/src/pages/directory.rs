//! The directory pages: search and an organisation's sheet; on an SIAE's sheet, its DDETS (or DREETS) records
//! its State convention (conventionnement), whose end makes its local cooperation conventions lapse
//! (docs/agreements.md, « Conventionnement de la SIAE »); on the sheet of an ESAT or a supported-employment
//! service, its administrators enter its FINESS number (docs/data-inclusion.md, « Numéro FINESS »).

use super::kit::{
    Crumbs, CsrfForm, FormError, Notice, PageError, PageResult, filters, form_date, parse_id, refused_again,
};
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::inputs::OrganisationQuery;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use passerelle_domain::directory::finess::holds_finess;
use passerelle_domain::directory::{DEPARTMENTS, Department, OrganisationKind};
use passerelle_store::directory::{Authorisation, Contact, Organisation, RoleAssignment};
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "directory.html")]
struct DirectoryPage {
    nav: Nav,
    q: String,
    kind: String,
    department: String,
    kinds: &'static [OrganisationKind],
    departments: &'static [Department],
    items: Vec<Organisation>,
    total: i64,
    page: u32,
    pages: u32,
    prev_url: String,
    next_url: String,
    error: Option<String>,
}

fn page_url(q: &OrganisationQuery, page: u32) -> String {
    let params = [
        ("q", q.q.clone().unwrap_or_default()),
        ("kind", q.kind.clone().unwrap_or_default()),
        ("department", q.department.clone().unwrap_or_default()),
        ("page", page.to_string()),
    ];
    format!("/annuaire?{}", serde_urlencoded::to_string(params).unwrap_or_default())
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    query: Result<Query<OrganisationQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Ok(Query(q)) = query else {
        return Err(PageError(ApiError::bad_request(
            "invalid_query",
            "Filtres de recherche invalides.",
        )));
    };
    let mut page = DirectoryPage {
        nav: visitor.nav("annuaire"),
        q: q.q.clone().unwrap_or_default(),
        kind: q.kind.clone().unwrap_or_default(),
        department: q.department.clone().unwrap_or_default(),
        kinds: OrganisationKind::ALL,
        departments: DEPARTMENTS,
        items: Vec::new(),
        total: 0,
        page: 1,
        pages: 1,
        prev_url: String::new(),
        next_url: String::new(),
        error: None,
    };
    let result = match q.filter() {
        Ok(filter) => state
            .store
            .list_organisations(&visitor.ctx, &filter)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(p) => {
            page.pages = p.pages();
            page.prev_url = page_url(&q, p.page.saturating_sub(1).max(1));
            page.next_url = page_url(&q, p.page + 1);
            page.items = p.items;
            page.total = p.total;
            page.page = p.page;
        }
        Err(e) if e.status.is_client_error() => page.error = Some(e.message),
        Err(e) => return Err(e.into()),
    }
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "organisation.html")]
pub struct OrganisationPage {
    nav: Nav,
    org: Organisation,
    parent: Option<Organisation>,
    contacts: Vec<Contact>,
    roles: Vec<RoleAssignment>,
    authorisations: Vec<Authorisation>,
    /// The visitor is of a State service (DDETS, DREETS) and the structure an SIAE: the State convention form.
    records_state_convention: bool,
    form: StateConventionForm,
    error: FormError,
    /// The visitor administers the structure and it is an establishment of the FINESS file: the FINESS form.
    records_finess: bool,
    finess: FinessForm,
    finess_error: FormError,
}

/// The FINESS form as typed.
#[derive(Deserialize, Default)]
pub struct FinessForm {
    #[serde(default)]
    finess: String,
}

/// A form of the sheet sent back with its values and what was refused.
enum Refused {
    StateConvention(StateConventionForm, FormError),
    Finess(FinessForm, FormError),
}

/// The State convention form as typed, kept as text so that a refused value comes back as it was.
#[derive(Deserialize, Default)]
pub struct StateConventionForm {
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    reference: String,
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult<OrganisationPage> {
    let id = parse_id(&id, "Structure")?;
    Ok(organisation_page(&state, &visitor, id, None).await?)
}

async fn organisation_page(
    state: &AppState,
    visitor: &Visitor,
    id: uuid::Uuid,
    refused: Option<Refused>,
) -> Result<OrganisationPage, ApiError> {
    let store = &state.store;
    let ctx = &visitor.ctx;
    let loaded = async {
        let org = store.organisation(ctx, id).await?;
        let parent = match org.parent_id {
            Some(p) => Some(store.organisation(ctx, p).await?),
            None => None,
        };
        let contacts = store.contacts(ctx, id).await?;
        let roles = store.roles(ctx, id).await?;
        let authorisations = store
            .authorisations(ctx, id, passerelle_store::infra::clock::now().date())
            .await?;
        let state_service = visitor
            .ctx
            .memberships()
            .iter()
            .any(|m| matches!(m.kind, OrganisationKind::Ddets | OrganisationKind::Dreets));
        let (mut form, mut error) = (
            StateConventionForm {
                ends_on: org.state_convention_ends_on.map(|d| d.to_string()).unwrap_or_default(),
                reference: org.state_convention_reference.clone().unwrap_or_default(),
            },
            FormError::default(),
        );
        let (mut finess, mut finess_error) = (
            FinessForm {
                finess: org.finess.clone().unwrap_or_default(),
            },
            FormError::default(),
        );
        match refused {
            Some(Refused::StateConvention(f, e)) => (form, error) = (f, e),
            Some(Refused::Finess(f, e)) => (finess, finess_error) = (f, e),
            None => {}
        }
        Ok::<_, passerelle_store::StoreError>(OrganisationPage {
            nav: visitor
                .nav("annuaire")
                .trail(Crumbs::list("Annuaire", "/annuaire").here(org.name.clone())),
            records_state_convention: state_service && org.kind.is_siae(),
            records_finess: ctx.is_admin_of(id) && holds_finess(org.kind),
            finess,
            finess_error,
            org,
            parent,
            contacts,
            roles,
            authorisations,
            form,
            error,
        })
    };
    Ok(loaded.await?)
}

pub async fn record_state_convention(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StateConventionForm>,
) -> PageResult {
    let id = parse_id(&id, "Structure")?;
    let result = async {
        let refused = |e: ApiError| {
            e.on("ends_on")
                .with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY)
        };
        let ends_on = form_date("fin du conventionnement", &form.ends_on)
            .map_err(refused)?
            .ok_or_else(|| {
                refused(ApiError::bad_request(
                    "field_required",
                    "Indiquez le dernier jour du conventionnement.",
                ))
            })?;
        Ok::<_, ApiError>(
            state
                .store
                .record_state_convention(&visitor.ctx, id, ends_on, &form.reference)
                .await?,
        )
    };
    match result.await {
        Ok(_) => Ok(Notice::StateConventionRecorded.redirect(&state, &format!("/annuaire/{id}"))),
        Err(e) => {
            refused_again(e, |error| {
                organisation_page(&state, &visitor, id, Some(Refused::StateConvention(form, error)))
            })
            .await
        }
    }
}

/// An administrator of an ESAT or a supported-employment service records (or clears) its FINESS number: 422
/// `finess_invalid` for a malformed number, 409 `finess_taken` when another structure has it.
pub async fn record_finess(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<FinessForm>,
) -> PageResult {
    let id = parse_id(&id, "Structure")?;
    let result = async {
        let current = state.store.organisation(&visitor.ctx, id).await?;
        if !visitor.ctx.is_admin_of(id) {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden",
                "Seuls les administrateurs de la structure peuvent la modifier.",
            ));
        }
        let mut input = current.to_input();
        input.finess = Some(form.finess.clone());
        let fields = input.validate()?;
        Ok::<_, ApiError>(
            state
                .store
                .update_organisation(&visitor.ctx, id, fields, current.parent_id)
                .await?,
        )
    };
    match result.await {
        Ok(_) => Ok(Notice::FinessRecorded.redirect(&state, &format!("/annuaire/{id}"))),
        Err(e) => {
            refused_again(e.on("finess"), |error| {
                organisation_page(&state, &visitor, id, Some(Refused::Finess(form, error)))
            })
            .await
        }
    }
}

/// The directory pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/annuaire", get(list))
        .route("/annuaire/{id}", get(show))
        .route(
            "/annuaire/{id}/conventionnement",
            axum::routing::post(record_state_convention),
        )
        .route("/annuaire/{id}/finess", axum::routing::post(record_finess))
}
