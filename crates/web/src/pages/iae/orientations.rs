//! Orientations (docs/iae.md, « Orientation »): from a person's page, any structure that follows the person
//! orients them to an authorised prescriber (`/personnes/{id}/orienter`); the prescriber finds them in its
//! to-do list and on `/orientations`, where it takes the person on or refuses with a reason; the orienting
//! structure reads the answer on the person's page. Every refused form comes back with its values and the
//! message under its field (422).

use crate::error::ApiError;
use crate::pages::kit::{Crumbs, CsrfForm, FormError, Notice, PageResult, filters, parse_id, refused_again};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use passerelle_domain::pathways::iae::orientation::{AnswerInput, SOURCE, Status};
use passerelle_store::Membership;
use passerelle_store::pathways::iae::orientation::{NewOrientation, Orientation, Prescriber};
use passerelle_store::pathways::iae::referral::Direction;
use passerelle_store::person::Person;
use serde::Deserialize;
use uuid::Uuid;

/// The orientation form as typed: kept as text so that a refused value comes back exactly as it was.
#[derive(Deserialize, Default)]
pub struct OrientForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    prescriber_id: String,
    #[serde(default)]
    message: String,
    /// A ticked box sends `on`; an unticked one sends nothing.
    person_consent: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "orient.html")]
pub struct OrientPage {
    nav: Nav,
    person: Person,
    organisations: Vec<Membership>,
    prescribers: Vec<Prescriber>,
    form: OrientForm,
    error: FormError,
    source: &'static str,
}

async fn orient_page(
    state: &AppState,
    visitor: &Visitor,
    person_id: Uuid,
    form: OrientForm,
    error: FormError,
) -> Result<OrientPage, ApiError> {
    let person = state.store.persons(&visitor.ctx).get(person_id).await?;
    // The visitor's structures that follow the person: they orient in their own name.
    let organisations: Vec<Membership> = visitor
        .ctx
        .memberships()
        .iter()
        .filter(|m| person.followers.iter().any(|f| f.organisation_id == m.organisation_id))
        .cloned()
        .collect();
    let prescribers = state
        .store
        .orientation_prescribers(&visitor.ctx)
        .await?
        .into_iter()
        .filter(|p| organisations.iter().all(|m| m.organisation_id != p.id))
        .collect();
    Ok(OrientPage {
        nav: visitor.nav("personnes").trail(
            Crumbs::person(person.id, &person.first_name, &person.last_name)
                .here("Orienter vers un prescripteur habilité"),
        ),
        person,
        organisations,
        prescribers,
        form,
        error,
        source: SOURCE,
    })
}

pub async fn orient_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult<OrientPage> {
    let id = parse_id(&id, "Personne")?;
    Ok(orient_page(&state, &visitor, id, OrientForm::default(), FormError::default()).await?)
}

/// A choice of the form, parsed at the edge; nothing chosen is a message under its field.
fn chosen(value: &str, field: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(value.trim())
        .map_err(|_| ApiError::bad_request("field_required", format!("Choisissez {what}.")).on(field))
}

pub async fn orient(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<OrientForm>,
) -> PageResult {
    let person_id = parse_id(&id, "Personne")?;
    let result = async {
        let new = NewOrientation {
            organisation_id: chosen(&form.organisation_id, "organisation_id", "la structure qui oriente")?,
            person_id,
            prescriber_id: chosen(&form.prescriber_id, "prescriber_id", "le prescripteur habilité")?,
            message: form.message.clone(),
            person_consent: form.person_consent.is_some(),
        };
        Ok::<_, ApiError>(state.store.create_orientation(&visitor.ctx, new, None).await?)
    };
    match result.await {
        Ok(_) => Ok(Notice::OrientationSent.redirect(&state, &format!("/personnes/{person_id}"))),
        Err(e) => refused_again(e, |error| orient_page(&state, &visitor, person_id, form, error)).await,
    }
}

/// The answer form as typed.
#[derive(Deserialize, Default)]
pub struct AnswerForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    /// The refusal's confirmation box: a refusal is final.
    confirm: Option<String>,
}

/// A refusal is recorded only with its box ticked: one click must not close an orientation.
fn confirmed(form: &AnswerForm) -> Result<(), ApiError> {
    if form.decision.trim() != Status::Refused.code() || form.confirm.is_some() {
        return Ok(());
    }
    Err(ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "confirmation_required",
        "Cochez la case de confirmation pour refuser l'orientation : ce refus ne pourra pas être annulé.",
    )
    .on("confirm"))
}

#[derive(Template, WebTemplate)]
#[template(path = "orientations.html")]
pub struct OrientationsPage {
    nav: Nav,
    received: Vec<Orientation>,
    sent: Vec<Orientation>,
    /// The orientation whose answer came back refused, with what was typed.
    refused: Option<Uuid>,
    typed: AnswerForm,
    error: FormError,
}

impl OrientationsPage {
    fn waiting(o: &Orientation) -> bool {
        o.status == Status::Sent
    }

    fn accepted(o: &Orientation) -> bool {
        o.status == Status::Accepted
    }

    /// The error under a field of `o`'s answer form, when that form came back refused.
    fn error_on(&self, o: &Orientation, field: &str) -> Option<&str> {
        if self.refused == Some(o.id) {
            self.error.on(field)
        } else {
            None
        }
    }

    /// The reason typed in `o`'s answer form, when it came back refused.
    fn typed_reason(&self, o: &Orientation) -> &str {
        if self.refused == Some(o.id) {
            &self.typed.reason
        } else {
            ""
        }
    }
}

async fn orientations_page(
    state: &AppState,
    visitor: &Visitor,
    refused: Option<Uuid>,
    typed: AnswerForm,
    error: FormError,
) -> Result<OrientationsPage, ApiError> {
    let store = &state.store;
    Ok(OrientationsPage {
        nav: visitor.nav("orientations"),
        received: store.orientations(&visitor.ctx, Direction::Received, None).await?,
        sent: store.orientations(&visitor.ctx, Direction::Sent, None).await?,
        refused,
        typed,
        error,
    })
}

pub async fn orientations(State(state): State<AppState>, visitor: Visitor) -> PageResult<OrientationsPage> {
    Ok(orientations_page(&state, &visitor, None, AnswerForm::default(), FormError::default()).await?)
}

pub async fn answer(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> PageResult {
    let id = parse_id(&id, "Orientation")?;
    let input = AnswerInput {
        decision: form.decision.clone(),
        reason: Some(form.reason.clone()),
    };
    let result = async {
        confirmed(&form)?;
        Ok::<_, ApiError>(state.store.answer_orientation(&visitor.ctx, id, &input, None).await?)
    };
    match result.await {
        Ok(o) if o.status == Status::Accepted => {
            Ok(Notice::OrientationAccepted.redirect(&state, &format!("/personnes/{}", o.person_id)))
        }
        Ok(_) => Ok(Notice::OrientationRefused.redirect(&state, "/orientations")),
        Err(e) => refused_again(e, |error| orientations_page(&state, &visitor, Some(id), form, error)).await,
    }
}
