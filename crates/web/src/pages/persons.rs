//! The persons pages: the caller's list, a person's sheet, and the creation form.

use super::kit::crumbs::full_name;
use super::kit::{Crumbs, CsrfForm, PageResult, Pager, filters, form_date, parse_id};
use super::session::{Nav, Visitor};
use super::simulator::saved::SimulationLine;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use passerelle_domain::french;
use passerelle_domain::person::PersonInput;
use passerelle_store::Membership;
use passerelle_store::pathways::iae::orientation::Orientation;
use passerelle_store::pathways::iae::referral::Direction;
use passerelle_store::person::{Creation, Person};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template, WebTemplate)]
#[template(path = "persons.html")]
pub struct PersonsPage {
    nav: Nav,
    q: String,
    items: Vec<Person>,
    total: i64,
    pager: Pager,
    can_create: bool,
}

#[derive(Deserialize)]
pub struct PersonsQuery {
    q: Option<String>,
    page: Option<u32>,
}

/// Persons a page of the list shows.
const PER_PAGE: u32 = 50;

/// Organisations through which the visitor may record persons: those of a kind that holds names.
fn recording_organisations(visitor: &Visitor) -> Vec<Membership> {
    visitor
        .ctx
        .memberships()
        .iter()
        .filter(|m| m.kind.holds_names().is_ok())
        .cloned()
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<PersonsQuery>,
) -> PageResult<PersonsPage> {
    let p = state
        .store
        .persons(&visitor.ctx)
        .list(q.q.as_deref(), q.page.unwrap_or(1).max(1), PER_PAGE)
        .await?;
    let search = q.q.unwrap_or_default();
    let pager = Pager::new(&p, |n| {
        let params = [("q", search.clone()), ("page", n.to_string())];
        format!("/personnes?{}", serde_urlencoded::to_string(params).unwrap_or_default())
    });
    Ok(PersonsPage {
        nav: visitor.nav("personnes"),
        q: search,
        pager,
        items: p.items,
        total: p.total,
        can_create: !recording_organisations(&visitor).is_empty(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "person.html")]
pub struct PersonPage {
    nav: Nav,
    person: Person,
    /// The orientations of the person to authorised prescribers that the visitor's structures sent or received.
    orientations: Vec<Orientation>,
    /// The benefit simulations saved in the record that the visitor may see, newest first.
    simulations: Vec<SimulationLine>,
}

/// A person's sheet. Whoever sees it may edit the record (the API's rule: any organisation following the
/// person), so the sheet always links to `/personnes/{id}/modifier`.
pub async fn show(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult<PersonPage> {
    let id = parse_id(&id, "Personne")?;
    let person = state.store.persons(&visitor.ctx).get(id).await?;
    Ok(PersonPage {
        nav: visitor.nav("personnes").trail(
            Crumbs::list("Personnes accompagnées", "/personnes").here(full_name(&person.first_name, &person.last_name)),
        ),
        orientations: state.store.orientations(&visitor.ctx, Direction::All, Some(id)).await?,
        simulations: state
            .store
            .persons(&visitor.ctx)
            .simulations(id)
            .await?
            .iter()
            .map(SimulationLine::of)
            .collect(),
        person,
    })
}

/// Everything held about the person, as a PDF to hand over (right of access).
pub async fn file_pdf(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "Personne")?;
    Ok(crate::attachment::attachment(
        passerelle_app::privacy::person_file_pdf(&state.store, &visitor.ctx, id).await?,
    ))
}

#[derive(Deserialize, Default)]
pub struct PersonForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    commune: String,
    consent_data_sharing: Option<String>,
    /// Sent by the second button, once the persons of the same name and birth date were shown.
    confirmed_new: Option<String>,
}

/// A person the visitor already follows who may be the one being created.
pub struct Known {
    id: Uuid,
    name: String,
    born: String,
    commune: String,
    followers: String,
}

impl Known {
    fn of(p: Person) -> Self {
        Known {
            id: p.id,
            name: format!("{} {}", p.first_name, p.last_name),
            born: p.birth_date.map(french::date).unwrap_or_default(),
            commune: p.commune.unwrap_or_default(),
            followers: p
                .followers
                .iter()
                .map(|f| f.organisation_name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "person_new.html")]
pub struct NewPersonPage {
    nav: Nav,
    organisations: Vec<Membership>,
    form: PersonForm,
    error: Option<String>,
    /// Persons of the same name and birth date: the form asks to open one or to confirm.
    known: Vec<Known>,
    known_message: String,
}

/// The creation form's navigation, under the persons' list.
fn new_person_nav(visitor: &Visitor) -> Nav {
    visitor
        .nav("personnes")
        .trail(Crumbs::list("Personnes accompagnées", "/personnes").here("Nouvelle personne"))
}

pub async fn new_form(visitor: Visitor) -> PageResult<NewPersonPage> {
    let organisations = recording_organisations(&visitor);
    if organisations.is_empty() {
        // The table's reason for the visitor's organisation (a platform administrator has none).
        let e = match visitor
            .ctx
            .default_organisation()
            .and_then(|m| m.kind.holds_names().err())
        {
            Some(no) => ApiError::new(StatusCode::FORBIDDEN, no.code, no.message),
            None => ApiError::new(
                StatusCode::FORBIDDEN,
                "not_a_member",
                "Vous ne pouvez créer une personne qu'au nom de votre structure.",
            ),
        };
        return Err(e.into());
    }
    Ok(NewPersonPage {
        nav: new_person_nav(&visitor),
        organisations,
        form: PersonForm::default(),
        error: None,
        known: Vec::new(),
        known_message: String::new(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> PageResult {
    let today = passerelle_store::infra::clock::now().date();
    let result = async {
        let organisation_id = Uuid::parse_str(&form.organisation_id).map_err(|_| {
            ApiError::bad_request("organisation_invalid", "Choisissez la structure qui suit la personne.")
        })?;
        let birth_date = form_date("date de naissance", &form.birth_date).map_err(|e| ApiError {
            code: "birth_date_invalid",
            ..e
        })?;
        let consent = form.consent_data_sharing.is_some();
        let input = PersonInput {
            first_name: form.first_name.clone(),
            last_name: form.last_name.clone(),
            birth_date,
            commune: Some(form.commune.clone()),
            consent_data_sharing: consent,
            consent_date: consent.then_some(today),
            ..Default::default()
        };
        let fields = input.validate(today)?;
        let scope = state.store.persons(&visitor.ctx);
        Ok::<_, ApiError>(if form.confirmed_new.is_some() {
            Creation::Created(scope.create(organisation_id, fields).await?)
        } else {
            scope.create_unless_known(organisation_id, fields).await?
        })
    };
    let result = result.await;
    let page = |error, known, known_message| NewPersonPage {
        nav: new_person_nav(&visitor),
        organisations: recording_organisations(&visitor),
        form,
        error,
        known,
        known_message,
    };
    match result {
        Ok(Creation::Created(p)) => Ok(Redirect::to(&format!("/personnes/{}", p.id)).into_response()),
        Ok(Creation::PossibleDuplicates { why, persons }) => {
            let known = persons.into_iter().map(Known::of).collect();
            Ok((StatusCode::CONFLICT, page(None, known, why.message)).into_response())
        }
        Err(e) if e.status.is_client_error() => {
            Ok((e.status, page(Some(e.message), Vec::new(), String::new())).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The persons pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/personnes", get(list).post(create))
        .route("/personnes/nouvelle", get(new_form))
        .route("/personnes/{id}", get(show))
        .route("/personnes/{id}/donnees.pdf", get(file_pdf))
}
