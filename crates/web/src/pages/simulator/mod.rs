//! The benefits simulator page (`/simulateur`): today's situation and up to three scenarios, month by month,
//! with a chart of the total income of each, the reasons of every amount, and a print view. The same page is
//! open to anyone at `/simulateur-public`, without an account, linked from the sign-in page: it keeps nothing
//! (no session, no cookie, nothing written) and says so.
//!
//! The form is sent with GET. The simulation is a pure computation that stores and changes nothing, so it
//! needs no CSRF token (those guard the forms that write); and its address can be reloaded, bookmarked or
//! sent to a colleague (who must be signed in too), and the browser's back button goes to the previous
//! scenario. The address holds the situation (birth date, incapacity rate) but no name; the server logs no
//! query string, the Referrer-Policy (same-origin) keeps it from other sites, and the page is not cached.

mod form;
mod results;
pub(crate) mod saved;

use super::kit::PageResult;
use super::kit::parse_id;
use super::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::RawQuery;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use form::{SimulatorForm, plan};
use passerelle_domain::benefits::Month;
use results::{Results, run};
use saved::Saving;

#[derive(Template, WebTemplate)]
#[template(path = "simulator.html")]
pub struct SimulatorPage {
    nav: Nav,
    /// Where the form is sent: the page itself.
    action: &'static str,
    /// The page anyone may use, without an account.
    public: bool,
    housing_options: &'static [(&'static str, &'static str)],
    current_options: &'static [(&'static str, &'static str)],
    scenario_options: &'static [(&'static str, &'static str)],
    form: SimulatorForm,
    errors: Vec<(String, String)>,
    results: Option<Results>,
    /// For a counsellor who opened the simulator from a person's record: the box that saves it there.
    saving: Option<Saving>,
}

/// `GET /simulateur`: the form alone, or with the results of the simulation it describes; opened from a
/// person's record (`?personne=`), with the box that saves the results there.
pub async fn page(State(state): State<AppState>, visitor: Visitor, RawQuery(query): RawQuery) -> PageResult {
    let mut pairs = pairs_of(query.as_deref());
    let saving = match take_person(&mut pairs) {
        Some(id) => Some(Saving::for_person(&state, &visitor, parse_id(&id, "Personne")?).await?),
        None => None,
    };
    render(visitor.nav("simulateur"), pairs, ("/simulateur", false), saving)
}

/// `GET /simulateur-public`: the same, for anyone, without an account; nothing is kept.
pub async fn public_page(RawQuery(query): RawQuery) -> PageResult {
    let mut pairs = pairs_of(query.as_deref());
    // Nothing about a person on the public page, even when its address names one.
    take_person(&mut pairs);
    render(Nav::anonymous(), pairs, ("/simulateur-public", true), None)
}

/// The fields of the address, as typed.
fn pairs_of(query: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default()
}

/// Takes the person the simulation is for out of the fields (`personne`), the last one named.
fn take_person(pairs: &mut Vec<(String, String)>) -> Option<String> {
    let person = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == PERSON_FIELD)
        .map(|(_, v)| v.clone());
    pairs.retain(|(k, _)| k != PERSON_FIELD);
    person
}

/// The address field naming the person whose record the simulation may be saved in.
const PERSON_FIELD: &str = "personne";

/// The simulated month of today, on the server's clock.
fn this_month() -> Result<(time::Date, Month), crate::error::ApiError> {
    let now = passerelle_store::infra::clock::now().date();
    Month::new(now.year(), now.month() as u8)
        .map(|m| (now, m))
        .ok_or_else(|| crate::error::ApiError::bad_request("clock_invalid", "Horloge du serveur invalide."))
}

pub(super) fn render(
    nav: Nav,
    pairs: Vec<(String, String)>,
    (action, public): (&'static str, bool),
    mut saving: Option<Saving>,
) -> PageResult {
    let (now, today) = this_month()?;
    if let Some(s) = saving.as_mut() {
        s.inputs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    }
    let (form, results) = if pairs.is_empty() {
        (SimulatorForm::defaults(today), None)
    } else {
        let mut form = SimulatorForm::from_pairs(&pairs);
        let results = plan(&mut form, today).and_then(|p| run(&mut form, &p, now));
        (form, results)
    };
    let errors = form.errors();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SimulatorPage {
        nav,
        action,
        public,
        housing_options: &[
            ("tenant", "Locataire"),
            ("owner", "Propriétaire"),
            ("free", "Logé gratuitement"),
        ],
        current_options: &[
            ("esat", "Travail en ESAT"),
            ("ordinary", "Emploi en milieu ordinaire"),
            ("none", "Sans activité"),
        ],
        scenario_options: &[
            ("", "Pas de scénario"),
            ("ordinary", "Emploi en milieu ordinaire (quitte l'activité actuelle)"),
            ("double", "Emploi en milieu ordinaire en plus (double activité)"),
            ("esat", "Travail en ESAT (nouvelle rémunération)"),
        ],
        form,
        errors,
        results,
        saving,
    };
    // `security::headers` adds `Cache-Control: no-store`: the figures describe one person.
    Ok((status, page).into_response())
}

/// The benefits simulator pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/simulateur", get(page))
        .route("/simulateur-public", get(public_page))
        .merge(saved::router())
}
