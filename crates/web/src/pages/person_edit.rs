//! `/personnes/{id}/modifier`: a person's record (identity, contact, consent to data sharing) edited through the
//! same use case as `PATCH /api/v1/persons/{id}`, with the record's history as the journal holds it.
//! A refused form comes back with every value typed and the message under its field; a saved one redirects to
//! the person's page with a notice.

use super::kit::{Crumbs, CsrfForm, FormError, Notice, PageResult, filters, form_date, parse_id, refused_again};
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use passerelle_app::persons::{PersonChange, update_person};
use passerelle_store::person::Person;
use passerelle_store::person::history::{RecordAction, RecordChange};
use serde::Deserialize;
use uuid::Uuid;

/// The form as typed: kept as text so that a refused value comes back exactly as it was.
#[derive(Deserialize, Default)]
pub struct PersonEditForm {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address_line: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    commune: String,
    /// A ticked box sends `on`; an unticked one sends nothing.
    consent_data_sharing: Option<String>,
    #[serde(default)]
    consent_date: String,
}

impl PersonEditForm {
    fn of(p: &Person) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        Self {
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            birth_date: date(p.birth_date),
            email: text(&p.email),
            phone: text(&p.phone),
            address_line: text(&p.address_line),
            postal_code: text(&p.postal_code),
            commune: text(&p.commune),
            consent_data_sharing: p.consent_data_sharing.then(|| "on".to_owned()),
            consent_date: date(p.consent_date),
        }
    }

    /// The whole record as the form sends it (an empty field empties it); the dates read as date inputs send them.
    fn change(&self) -> Result<PersonChange, ApiError> {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(PersonChange {
            first_name: Some(self.first_name.clone()),
            last_name: Some(self.last_name.clone()),
            birth_date: Some(form_date("date de naissance", &self.birth_date).map_err(|e| e.on("birth_date"))?),
            email: Some(text(&self.email)),
            phone: Some(text(&self.phone)),
            address_line: Some(text(&self.address_line)),
            postal_code: Some(text(&self.postal_code)),
            commune: Some(text(&self.commune)),
            consent_data_sharing: Some(self.consent_data_sharing.is_some()),
            consent_date: Some(
                form_date("date du consentement", &self.consent_date).map_err(|e| e.on("consent_date"))?,
            ),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "person_edit.html")]
pub struct PersonEditPage {
    nav: Nav,
    person: Person,
    form: PersonEditForm,
    error: FormError,
    history: Vec<RecordChange>,
}

impl PersonEditPage {
    /// What an entry of the history says was done, in French.
    fn done(c: &RecordChange) -> String {
        let by = |what: &str| match &c.organisation_name {
            Some(o) => format!("{what} par {} ({o})", c.author),
            None => format!("{what} par {}", c.author),
        };
        match c.action {
            RecordAction::Created => by("Fiche créée"),
            RecordAction::Updated => by("Fiche modifiée"),
            RecordAction::Shared => match &c.organisation_name {
                Some(o) => format!("Dossier partagé avec {o} par {}", c.author),
                None => format!("Dossier partagé par {}", c.author),
            },
        }
    }
}

async fn edit_page(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    form: Option<PersonEditForm>,
    error: FormError,
) -> Result<PersonEditPage, ApiError> {
    let scope = state.store.persons(&visitor.ctx);
    let person = scope.get(id).await?;
    Ok(PersonEditPage {
        nav: visitor
            .nav("personnes")
            .trail(Crumbs::person(person.id, &person.first_name, &person.last_name).here("Modifier la fiche")),
        form: form.unwrap_or_else(|| PersonEditForm::of(&person)),
        person,
        error,
        history: scope.changes(id).await?,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult<PersonEditPage> {
    let id = parse_id(&id, "Personne")?;
    Ok(edit_page(&state, &visitor, id, None, FormError::default()).await?)
}

pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PersonEditForm>,
) -> PageResult {
    let id = parse_id(&id, "Personne")?;
    let result = async {
        let change = form.change()?;
        Ok::<_, ApiError>(update_person(&state.store, &visitor.ctx, &passerelle_app::SystemClock, id, change).await?)
    };
    match result.await {
        Ok(p) => Ok(Notice::PersonUpdated.redirect(&state, &format!("/personnes/{}", p.id))),
        Err(e) => refused_again(e, |error| edit_page(&state, &visitor, id, Some(form), error)).await,
    }
}

/// The edit page's route.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/personnes/{id}/modifier", get(edit_form).post(save))
}
