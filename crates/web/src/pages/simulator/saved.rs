//! Simulations saved in a person's record (docs/benefits.md, « Simulations enregistrées »). A counsellor opens
//! the simulator from the person's page (`/simulateur?personne=`), simulates, and saves the results there
//! (`POST /personnes/{id}/simulations`) on behalf of one of their organisations following the person; the page
//! lists them, each opened again in the simulator with its fields (`/personnes/{id}/simulations/{sid}`) or
//! deleted after a confirmation (`.../supprimer`). The summary kept is computed on the server from the fields,
//! never taken from the browser. The public simulator has none of this.

use super::form::{SimulatorForm, plan};
use super::results::{Results, month_name, run};
use super::{pairs_of, render, this_month};
use crate::error::ApiError;
use crate::pages::kit::crumbs::full_name;
use crate::pages::kit::{Crumbs, CsrfForm, Notice, PageResult, parse_id};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use passerelle_domain::benefits::{Cents, Month};
use passerelle_domain::french;
use passerelle_store::Membership;
use passerelle_store::person::simulations::{NewSimulation, SavedSimulation, SeriesSummary, SimulationSummary};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The box of the simulator that saves the results in a person's record.
pub struct Saving {
    pub person_id: Uuid,
    pub person_name: String,
    /// The visitor's organisations that follow the person: they save in their own name.
    pub organisations: Vec<Membership>,
    /// The organisation chosen in a refused form.
    pub organisation_id: String,
    /// When and by whom the simulation shown was saved, for one opened from the record.
    pub saved: Option<String>,
    /// Why saving was refused.
    pub error: Option<String>,
    /// The simulator's fields, as the address holds them, sent with the save form.
    pub inputs: String,
}

impl Saving {
    /// The box for a person the visitor sees (404 otherwise: the read is the person's, journaled).
    pub(super) async fn for_person(state: &AppState, visitor: &Visitor, person_id: Uuid) -> Result<Self, ApiError> {
        let person = state.store.persons(&visitor.ctx).get(person_id).await?;
        let organisations = visitor
            .ctx
            .memberships()
            .iter()
            .filter(|m| person.followers.iter().any(|f| f.organisation_id == m.organisation_id))
            .cloned()
            .collect();
        Ok(Self {
            person_id,
            person_name: full_name(&person.first_name, &person.last_name),
            organisations,
            organisation_id: String::new(),
            saved: None,
            error: None,
            inputs: String::new(),
        })
    }
}

/// The simulator's fields a saved simulation keeps: as typed, the empty ones left out.
pub(crate) fn inputs_of(pairs: &[(String, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Simulates the fields again and keeps the figures: a field the simulator does not have, or one it refuses,
/// is a 422 with the simulator's own message.
pub(crate) fn summarise(inputs: &BTreeMap<String, String>) -> Result<SimulationSummary, ApiError> {
    let known = SimulatorForm::names();
    if let Some(unknown) = inputs.keys().find(|k| !known.contains(k)) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "simulation_field_unknown",
            format!("Le simulateur n'a pas de champ « {unknown} » : retirez-le de la simulation."),
        )
        .on("inputs"));
    }
    let pairs: Vec<(String, String)> = inputs.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let (now, today) = this_month()?;
    let mut form = SimulatorForm::from_pairs(&pairs);
    let results = plan(&mut form, today).and_then(|p| run(&mut form, &p, now));
    match results {
        Some(r) => Ok(summary_of(&r)),
        None => {
            let (field, message) = form.errors().into_iter().next().unwrap_or_default();
            let e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "simulation_invalid", message);
            Err(if field.is_empty() {
                e
            } else {
                e.on(format!("inputs.{field}"))
            })
        }
    }
}

fn summary_of(r: &Results) -> SimulationSummary {
    SimulationSummary {
        first_month: r.first_month.to_string(),
        months: r.months.len() as u32,
        series: r
            .series
            .iter()
            .map(|s| SeriesSummary {
                title: s.title.clone(),
                description: s.summary.clone(),
                monthly_totals_cents: s.monthly_totals.iter().map(|c| c.0).collect(),
                total_cents: s.total_cents.0,
                difference_cents: s.difference.map(|d| d.0),
                warnings: s.warnings.clone(),
            })
            .collect(),
    }
}

/// A saved simulation as the person's page lists it.
pub struct SimulationLine {
    pub id: Uuid,
    pub saved: String,
    pub period: String,
    pub series: Vec<String>,
    pub warned: bool,
}

impl SimulationLine {
    pub fn of(s: &SavedSimulation) -> Self {
        let period = match s.summary.first_month.parse::<Month>() {
            Ok(first) => format!("{} mois à partir de {}", s.summary.months, month_name(first)),
            Err(()) => format!("{} mois", s.summary.months),
        };
        let series = s
            .summary
            .series
            .iter()
            .map(|x| {
                let compared = match x.difference_cents.map(Cents) {
                    Some(d) if d > Cents::ZERO => format!(", {d} de plus que sans changement"),
                    Some(d) if d < Cents::ZERO => format!(", {} de moins que sans changement", Cents(-d.0)),
                    Some(_) => ", autant que sans changement".to_owned(),
                    None => String::new(),
                };
                format!(
                    "{} ({}) : {} sur la période{compared}",
                    x.title,
                    x.description,
                    Cents(x.total_cents)
                )
            })
            .collect();
        Self {
            id: s.id,
            saved: format!("Enregistrée {}", saved_by(s)),
            period,
            series,
            warned: s.summary.series.iter().any(|x| !x.warnings.is_empty()),
        }
    }
}

/// `le 7 décembre 2026 à 14 h 05 par Cap emploi (Claire Moreau)`.
fn saved_by(s: &SavedSimulation) -> String {
    format!(
        "le {} par {}{}",
        french::moment(s.created_at),
        s.organisation_name,
        s.author.as_deref().map_or(String::new(), |a| format!(" ({a})"))
    )
}

#[derive(Deserialize, Default)]
pub struct SaveForm {
    #[serde(default)]
    inputs: String,
    #[serde(default)]
    organisation_id: String,
}

/// `POST /personnes/{id}/simulations`: saves the simulation in the record, then back to the person's page.
pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<SaveForm>,
) -> PageResult {
    let person_id = parse_id(&id, "Personne")?;
    let pairs = pairs_of(Some(&form.inputs));
    let result = async {
        let inputs = inputs_of(&pairs);
        let summary = summarise(&inputs)?;
        let organisation_id = Uuid::parse_str(form.organisation_id.trim()).map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "field_required",
                "Choisissez la structure au nom de laquelle enregistrer la simulation.",
            )
            .on("organisation_id")
        })?;
        let new = NewSimulation {
            organisation_id,
            inputs,
            summary,
        };
        Ok::<_, ApiError>(
            state
                .store
                .persons(&visitor.ctx)
                .save_simulation(person_id, new, None)
                .await?,
        )
    };
    match result.await {
        Ok(_) => Ok(Notice::SimulationSaved.redirect(&state, &format!("/personnes/{person_id}#simulations"))),
        Err(e) if matches!(e.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN) || e.status.is_server_error() => {
            Err(e.into())
        }
        Err(e) => {
            // The simulator again, with its fields and the reason, for the counsellor to correct.
            let mut saving = Saving::for_person(&state, &visitor, person_id).await?;
            saving.error = Some(e.message);
            saving.organisation_id = form.organisation_id;
            let page = render(visitor.nav("simulateur"), pairs, ("/simulateur", false), Some(saving))?;
            Ok((e.status, page).into_response())
        }
    }
}

fn ids(person: &str, simulation: &str) -> Result<(Uuid, Uuid), ApiError> {
    Ok((parse_id(person, "Personne")?, parse_id(simulation, "Simulation")?))
}

/// `GET /personnes/{id}/simulations/{sid}`: the simulator opened again with the saved fields.
pub async fn open(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((person, simulation)): Path<(String, String)>,
) -> PageResult {
    let (person_id, id) = ids(&person, &simulation)?;
    let saved = state.store.persons(&visitor.ctx).simulation(person_id, id).await?;
    let mut saving = Saving::for_person(&state, &visitor, person_id).await?;
    saving.saved = Some(format!("simulation enregistrée {}", saved_by(&saved)));
    let pairs = saved.inputs.into_iter().collect();
    render(visitor.nav("simulateur"), pairs, ("/simulateur", false), Some(saving))
}

#[derive(Template, WebTemplate)]
#[template(path = "simulation_delete.html")]
pub struct DeletePage {
    nav: Nav,
    person_id: Uuid,
    person_name: String,
    simulation: SimulationLine,
}

/// `GET /personnes/{id}/simulations/{sid}/supprimer`: what will be deleted, and the button that does it.
pub async fn confirm_delete(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((person, simulation)): Path<(String, String)>,
) -> PageResult<DeletePage> {
    let (person_id, id) = ids(&person, &simulation)?;
    let scope = state.store.persons(&visitor.ctx);
    let p = scope.get(person_id).await?;
    let saved = scope.simulation(person_id, id).await?;
    Ok(DeletePage {
        nav: visitor
            .nav("personnes")
            .trail(Crumbs::person(p.id, &p.first_name, &p.last_name).here("Supprimer une simulation")),
        person_id,
        person_name: full_name(&p.first_name, &p.last_name),
        simulation: SimulationLine::of(&saved),
    })
}

#[derive(Deserialize)]
pub struct DeleteForm {}

/// `POST /personnes/{id}/simulations/{sid}/supprimer`: deletes it, then back to the person's page.
pub async fn delete(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((person, simulation)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<DeleteForm>,
) -> PageResult {
    let (person_id, id) = ids(&person, &simulation)?;
    state
        .store
        .persons(&visitor.ctx)
        .delete_simulation(person_id, id)
        .await
        .map_err(ApiError::from)?;
    Ok(Notice::SimulationDeleted.redirect(&state, &format!("/personnes/{person_id}#simulations")))
}

/// The routes of saved simulations.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/personnes/{id}/simulations", post(save))
        .route("/personnes/{id}/simulations/{sid}", get(open))
        .route(
            "/personnes/{id}/simulations/{sid}/supprimer",
            get(confirm_delete).post(delete),
        )
}
