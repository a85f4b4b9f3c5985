//! The persons pages: the caller's list, a person's sheet, and the creation form.

use super::error_page;
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use passerelle_domain::person::PersonInput;
use passerelle_store::Membership;
use passerelle_store::person::Person;
use serde::Deserialize;
use time::macros::format_description;
use uuid::Uuid;

#[derive(Template, WebTemplate)]
#[template(path = "persons.html")]
struct PersonsPage {
    nav: Nav,
    q: String,
    items: Vec<Person>,
    total: i64,
    can_create: bool,
}

#[derive(Deserialize)]
pub struct PersonsQuery {
    q: Option<String>,
}

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

pub async fn list(State(state): State<AppState>, visitor: Visitor, Query(q): Query<PersonsQuery>) -> Response {
    match state.store.persons(&visitor.ctx).list(q.q.as_deref(), 1, 200).await {
        Ok(p) => PersonsPage {
            nav: visitor.nav("personnes"),
            q: q.q.unwrap_or_default(),
            items: p.items,
            total: p.total,
            can_create: !recording_organisations(&visitor).is_empty(),
        }
        .into_response(),
        Err(e) => error_page(&visitor.nav("personnes"), e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "person.html")]
struct PersonPage {
    nav: Nav,
    person: Person,
}

pub async fn show(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> Response {
    let nav = visitor.nav("personnes");
    let Ok(id) = Uuid::parse_str(&id) else {
        return error_page(&nav, ApiError::not_found("Personne"));
    };
    match state.store.persons(&visitor.ctx).get(id).await {
        Ok(person) => PersonPage { nav, person }.into_response(),
        Err(e) => error_page(&nav, e.into()),
    }
}

/// Everything held about the person, as a PDF to hand over (right of access).
pub async fn file_pdf(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> Response {
    let nav = visitor.nav("personnes");
    let Ok(id) = Uuid::parse_str(&id) else {
        return error_page(&nav, ApiError::not_found("Personne"));
    };
    match passerelle_app::privacy::person_file_pdf(&state.store, &visitor.ctx, id).await {
        Ok(pdf) => crate::attachment::attachment(pdf),
        Err(e) => error_page(&nav, e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct PersonForm {
    #[serde(default)]
    csrf: String,
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
}

#[derive(Template, WebTemplate)]
#[template(path = "person_new.html")]
struct NewPersonPage {
    nav: Nav,
    organisations: Vec<Membership>,
    form: PersonForm,
    error: Option<String>,
}

pub async fn new_form(visitor: Visitor) -> Response {
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
        return error_page(&visitor.nav("personnes"), e);
    }
    NewPersonPage {
        nav: visitor.nav("personnes"),
        organisations,
        form: PersonForm::default(),
        error: None,
    }
    .into_response()
}

pub async fn create(State(state): State<AppState>, visitor: Visitor, Form(form): Form<PersonForm>) -> Response {
    if !visitor.csrf_ok(&form.csrf) {
        return error_page(
            &visitor.nav("personnes"),
            ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf_invalid",
                "Formulaire expiré : rechargez la page et recommencez.",
            ),
        );
    }
    let today = passerelle_store::infra::clock::now().date();
    let result = async {
        let organisation_id = Uuid::parse_str(&form.organisation_id).map_err(|_| {
            ApiError::bad_request("organisation_invalid", "Choisissez la structure qui suit la personne.")
        })?;
        let birth_date = match form.birth_date.trim() {
            "" => None,
            d => Some(
                time::Date::parse(d, format_description!("[year]-[month]-[day]")).map_err(|_| {
                    ApiError::bad_request(
                        "birth_date_invalid",
                        format!("La date de naissance « {d} » doit être au format AAAA-MM-JJ."),
                    )
                })?,
            ),
        };
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
        Ok::<_, ApiError>(
            state
                .store
                .persons(&visitor.ctx)
                .create(organisation_id, fields)
                .await?,
        )
    };
    match result.await {
        Ok(p) => Redirect::to(&format!("/personnes/{}", p.id)).into_response(),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            let page = NewPersonPage {
                nav: visitor.nav("personnes"),
                organisations: recording_organisations(&visitor),
                form,
                error: Some(e.message),
            };
            (status, page).into_response()
        }
        Err(e) => error_page(&visitor.nav("personnes"), e),
    }
}
