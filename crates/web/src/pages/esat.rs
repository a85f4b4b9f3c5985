//! The ESAT pages: the ESAT's workers with their situation and orientation warnings, a worker's
//! page with the situation moves and the conventions d'appui, and a person's one history (passerelles).
//! A refused form comes back with the rule's explanation next to the field it concerns.

use super::kit::crumbs::full_name;
use super::kit::notice::Notice;
use super::kit::{Crumbs, CsrfForm, FormError, PageResult, filters, form_date, parse_id, refused_again};
use super::session::{Nav, Visitor};
use super::simulator::saved::SimulationLine;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::pathways::esat::{FactInput, FactKind, Situation, WorkerInput};
use passerelle_store::Membership;
use passerelle_store::pathways::esat::{
    FactRecord, NewSupportConvention, NewWorker, SituationChange, Worker, WorkerSummary,
};
use passerelle_store::pathways::person_pathway::PersonPathway;
use passerelle_store::person::Person;
use serde::Deserialize;
use uuid::Uuid;

/// Hours typed in a form ("17,5", "17.5", "17"), as minutes; empty is `None`.
pub fn form_hours(field: &'static str, value: &str) -> Result<Option<i64>, ApiError> {
    let v = value.trim().replace(',', ".");
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(h) if h.is_finite() && (0.0..=168.0).contains(&h) => Ok(Some((h * 60.0).round() as i64)),
        _ => Err(ApiError::bad_request(
            "hours_invalid",
            format!("« {value} » n'est pas un nombre d'heures (par exemple 17,5)."),
        )
        .on(field)),
    }
}

fn esat_memberships(visitor: &Visitor) -> Vec<Membership> {
    visitor
        .ctx
        .memberships()
        .iter()
        .filter(|m| m.kind == OrganisationKind::Esat)
        .cloned()
        .collect()
}

#[derive(Deserialize, Default)]
pub struct WorkerForm {
    #[serde(default)]
    esat_id: String,
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    orientation_decided_on: String,
    #[serde(default)]
    orientation_valid_until: String,
    #[serde(default)]
    contract_started_on: String,
    #[serde(default)]
    professional_project: String,
    #[serde(default)]
    situation: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    esat_hours: String,
    #[serde(default)]
    employer_hours: String,
    #[serde(default)]
    employer_name: String,
    #[serde(default)]
    local_plan: String,
    // Convention d'appui (its own names: both forms are on the worker's page).
    #[serde(default)]
    support_employer_name: String,
    #[serde(default)]
    support_employer_siret: String,
    #[serde(default)]
    support_savs_name: String,
    #[serde(default)]
    support_starts_on: String,
    #[serde(default)]
    support_ends_on: String,
    #[serde(default)]
    renewal_of: String,
    // Sharing the follow-up with the SPE.
    #[serde(default)]
    consent_on: String,
    confirm: Option<String>,
    // A dated fact (its own names: the page has other forms).
    #[serde(default)]
    fact_kind: String,
    #[serde(default)]
    fact_starts_on: String,
    #[serde(default)]
    fact_ends_on: String,
    #[serde(default)]
    fact_detail: String,
}

impl WorkerForm {
    fn situation(&self) -> Result<SituationChange, ApiError> {
        Ok(SituationChange {
            situation: self.situation.clone(),
            since: form_date("depuis le", &self.since).map_err(|e| e.on("since"))?,
            esat_minutes: form_hours("esat_minutes", &self.esat_hours)?,
            employer_minutes: form_hours("employer_minutes", &self.employer_hours)?,
            employer_name: Some(self.employer_name.clone()),
            local_plan: Some(self.local_plan.clone()),
        })
    }

    fn esat(&self) -> Result<Uuid, ApiError> {
        Uuid::parse_str(self.esat_id.trim())
            .map_err(|_| ApiError::bad_request("esat_required", "Choisissez l'ESAT.").on("esat_id"))
    }

    fn fact(&self) -> Result<FactInput, ApiError> {
        Ok(FactInput {
            kind: self.fact_kind.clone(),
            starts_on: form_date("début", &self.fact_starts_on).map_err(|e| e.on("fact_starts_on"))?,
            ends_on: form_date("fin", &self.fact_ends_on).map_err(|e| e.on("fact_ends_on"))?,
            detail: Some(self.fact_detail.clone()),
        })
    }

    fn record(&self) -> Result<WorkerInput, ApiError> {
        Ok(WorkerInput {
            orientation_decided_on: form_date("décision d'orientation", &self.orientation_decided_on)
                .map_err(|e| e.on("orientation_decided_on"))?,
            orientation_valid_until: form_date("fin de validité", &self.orientation_valid_until)
                .map_err(|e| e.on("orientation_valid_until"))?,
            contract_started_on: form_date("début du contrat", &self.contract_started_on)
                .map_err(|e| e.on("contract_started_on"))?,
            professional_project: Some(self.professional_project.clone()),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "esat.html")]
pub struct WorkersPage {
    nav: Nav,
    workers: Vec<WorkerSummary>,
    esats: Vec<Membership>,
    persons: Vec<Person>,
    initial: Vec<Situation>,
    /// Each of the visitor's ESATs with its dated facts (OPCO membership).
    esat_facts: Vec<(Membership, Vec<FactRecord>)>,
    form: WorkerForm,
    error: FormError,
    /// The title of a refusal: what the refused form did not do.
    refused: &'static str,
}

/// The title of a refused worker's record, and of a refused OPCO membership.
const NOT_OPENED: &str = "Le dossier n'a pas été ouvert";
const NOT_RECORDED: &str = "L'adhésion n'a pas été enregistrée";

async fn workers_page(
    state: &AppState,
    visitor: &Visitor,
    form: WorkerForm,
    (error, refused): (FormError, &'static str),
) -> Result<WorkersPage, ApiError> {
    let workers = state.store.esat(&visitor.ctx).list(None).await?;
    let esats = esat_memberships(visitor);
    let persons = if esats.is_empty() {
        Vec::new()
    } else {
        let page = state.store.persons(&visitor.ctx).list(None, 1, 200).await?;
        // Only the persons an ESAT of the caller follows, without a record yet.
        page.items
            .into_iter()
            .filter(|p| {
                p.followers
                    .iter()
                    .any(|f| esats.iter().any(|e| e.organisation_id == f.organisation_id))
                    && !workers.iter().any(|w| w.person_id == p.id)
            })
            .collect()
    };
    let mut esat_facts = Vec::new();
    for m in &esats {
        esat_facts.push((
            m.clone(),
            state.store.esat(&visitor.ctx).esat_facts(m.organisation_id).await?,
        ));
    }
    Ok(WorkersPage {
        esat_facts,
        nav: visitor.nav("esat"),
        workers,
        esats,
        persons,
        initial: Situation::ALL.iter().copied().filter(|s| s.can_start_in()).collect(),
        form,
        error,
        refused,
    })
}

/// `GET /esat`: the workers of the caller's ESATs.
pub async fn workers(State(state): State<AppState>, visitor: Visitor) -> PageResult<WorkersPage> {
    Ok(workers_page(
        &state,
        &visitor,
        WorkerForm::default(),
        (FormError::default(), NOT_OPENED),
    )
    .await?)
}

/// `POST /esat`: opens a worker's record.
pub async fn create_worker(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<WorkerForm>,
) -> PageResult {
    let result = async {
        let esat_id = form.esat()?;
        let person_id = Uuid::parse_str(form.person_id.trim())
            .map_err(|_| ApiError::bad_request("person_required", "Choisissez la personne.").on("person_id"))?;
        let new = NewWorker {
            esat_id,
            person_id,
            fields: form.record()?.validate()?,
            situation: form.situation()?,
        };
        Ok::<_, ApiError>(state.store.esat(&visitor.ctx).create(new, None).await?)
    }
    .await;
    match result {
        Ok(w) => Ok(Redirect::to(&format!("/esat/{}", w.summary.id)).into_response()),
        Err(e) => refused_again(e, |error| workers_page(&state, &visitor, form, (error, NOT_OPENED))).await,
    }
}

/// `POST /esat-faits`: records a dated fact of one of the visitor's ESATs (its OPCO membership).
pub async fn add_esat_fact(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<WorkerForm>,
) -> PageResult {
    let result = async {
        let esat_id = form.esat()?;
        let mut input = form.fact()?;
        input.kind = FactKind::OpcoMembership.code().to_owned();
        state
            .store
            .esat(&visitor.ctx)
            .add_esat_fact(esat_id, input)
            .await
            .map_err(prefixed("fact_"))?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/esat").into_response()),
        Err(e) => refused_again(e, |error| workers_page(&state, &visitor, form, (error, NOT_RECORDED))).await,
    }
}

/// A refusal goes next to the form's field: the forms of the worker's page name theirs with a prefix
/// (`support_*`, `fact_*`), as the page holds several forms.
fn prefixed(prefix: &'static str) -> impl Fn(passerelle_store::StoreError) -> ApiError {
    move |e| {
        let mut e = ApiError::from(e);
        e.field = e.field.map(|f| format!("{prefix}{f}"));
        e
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "esat_worker.html")]
pub struct WorkerPage {
    nav: Nav,
    w: Worker,
    /// The facts a worker may have (the ESAT's own are recorded on the list of workers).
    fact_kinds: Vec<FactKind>,
    form: WorkerForm,
    error: FormError,
    /// The period a renewal would follow: the last one of the current convention.
    last_period: Option<Uuid>,
}

async fn worker_page(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    form: WorkerForm,
    error: FormError,
) -> Result<WorkerPage, ApiError> {
    let w = state.store.esat(&visitor.ctx).get(id).await?;
    let last_period = w.support_conventions.last().map(|c| c.id);
    // The record's form starts from the record.
    let mut form = form;
    if form.orientation_decided_on.is_empty() {
        form.orientation_decided_on = w.summary.orientation_decided_on.to_string();
        form.orientation_valid_until = w.summary.orientation_valid_until.to_string();
        form.contract_started_on = w.contract_started_on.to_string();
        form.professional_project = w.professional_project.clone().unwrap_or_default();
    }
    Ok(WorkerPage {
        nav: visitor.nav("esat").trail(
            Crumbs::list("Travailleurs d'ESAT", "/esat").here(full_name(&w.summary.first_name, &w.summary.last_name)),
        ),
        w,
        fact_kinds: FactKind::ALL.iter().copied().filter(|k| !k.of_the_esat()).collect(),
        form,
        error,
        last_period,
    })
}

/// `GET /esat/{id}`: a worker's page.
pub async fn worker(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult<WorkerPage> {
    let id = parse_id(&id, "Travailleur d'ESAT")?;
    Ok(worker_page(&state, &visitor, id, WorkerForm::default(), FormError::default()).await?)
}

/// `POST /esat/{id}/{action}`: `situation` (a move), `dossier` (the record: a renewed orientation, a new project),
/// `convention-appui` (a period of a convention d'appui), `consentement-spe` or `retrait-consentement-spe` (the
/// worker's consent to share the follow-up with the SPE, given or withdrawn).
pub async fn worker_action(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<WorkerForm>,
) -> PageResult {
    let id = parse_id(&id, "Travailleur d'ESAT")?;
    let scope = state.store.esat(&visitor.ctx);
    let result = async {
        match action.as_str() {
            "consentement-spe" => {
                let on = form_date("date du consentement", &form.consent_on).map_err(|e| e.on("consent_on"))?;
                scope.give_spe_consent(id, on).await?;
                return Ok(Some(Notice::SpeConsentGiven));
            }
            "retrait-consentement-spe" => {
                if form.confirm.is_none() {
                    return Err(ApiError::new(
                        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                        "confirmation_required",
                        "Cochez la case de confirmation pour enregistrer le retrait du consentement.",
                    )
                    .on("confirm"));
                }
                scope.withdraw_spe_consent(id).await?;
                return Ok(Some(Notice::SpeConsentWithdrawn));
            }
            "fait-date" => scope
                .add_worker_fact(id, form.fact()?)
                .await
                .map_err(prefixed("fact_"))?,
            "situation" => scope.move_to(id, form.situation()?).await?,
            "dossier" => scope.update(id, form.record()?.validate()?).await?,
            "convention-appui" => {
                let new = NewSupportConvention {
                    employer_name: form.support_employer_name.clone(),
                    employer_siret: Some(form.support_employer_siret.clone()),
                    savs_name: Some(form.support_savs_name.clone()),
                    starts_on: form_date("début", &form.support_starts_on).map_err(|e| e.on("starts_on"))?,
                    ends_on: form_date("fin", &form.support_ends_on).map_err(|e| e.on("ends_on"))?,
                    renewal_of: Uuid::parse_str(form.renewal_of.trim()).ok(),
                };
                scope
                    .add_support_convention(id, new)
                    .await
                    .map_err(prefixed("support_"))?
            }
            _ => return Err(ApiError::not_found("Action")),
        };
        Ok::<_, ApiError>(None)
    }
    .await;
    match result {
        Ok(Some(notice)) => Ok(notice.redirect(&state, &format!("/esat/{id}"))),
        Ok(None) => Ok(Redirect::to(&format!("/esat/{id}")).into_response()),
        Err(e) => refused_again(e, |error| worker_page(&state, &visitor, id, form, error)).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "person_pathway.html")]
pub struct PathwayPage {
    nav: Nav,
    pathway: PersonPathway,
    /// The benefit simulations saved in the record: what the person would receive on the next steps.
    simulations: Vec<SimulationLine>,
}

/// `GET /personnes/{id}/parcours-complet`: the person's one history across sectors.
pub async fn person_pathway(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult<PathwayPage> {
    let id = parse_id(&id, "Personne")?;
    let pathway = state.store.person_pathway(&visitor.ctx, id).await?;
    let simulations = state.store.persons(&visitor.ctx).simulations(id).await?;
    Ok(PathwayPage {
        simulations: simulations.iter().map(SimulationLine::of).collect(),
        nav: visitor
            .nav("personnes")
            .trail(Crumbs::person(pathway.person_id, &pathway.first_name, &pathway.last_name).here("Parcours complet")),
        pathway,
    })
}

/// The ESAT pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/esat", get(workers).post(create_worker))
        .route("/esat-faits", post(add_esat_fact))
        .route("/esat/{id}", get(worker))
        .route("/esat/{id}/{action}", post(worker_action))
        .route("/personnes/{id}/parcours-complet", get(person_pathway))
}
