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

use super::kit::PageResult;
use super::session::{Nav, Visitor};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use form::{SimulatorForm, plan};
use passerelle_domain::benefits::Month;
use results::{Results, run};

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
}

/// `GET /simulateur`: the form alone, or with the results of the simulation it describes.
pub async fn page(visitor: Visitor, RawQuery(query): RawQuery) -> PageResult {
    render(visitor.nav("simulateur"), query, "/simulateur", false)
}

/// `GET /simulateur-public`: the same, for anyone, without an account; nothing is kept.
pub async fn public_page(RawQuery(query): RawQuery) -> PageResult {
    render(Nav::anonymous(), query, "/simulateur-public", true)
}

fn render(nav: Nav, query: Option<String>, action: &'static str, public: bool) -> PageResult {
    let now = passerelle_store::infra::clock::now().date();
    let Some(today) = Month::new(now.year(), now.month() as u8) else {
        return Err(crate::error::ApiError::bad_request("clock_invalid", "Horloge du serveur invalide.").into());
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
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
}
