//! The French HTML pages, built on the State design system (DSFR).

mod account;
mod agreements;
mod audit;
mod directory;
mod esat;
mod governance;
mod iae;
mod immersions;
pub(crate) mod indicators;
pub mod kit;
mod login;
mod pathways;
mod person_edit;
mod persons;
pub mod session;
mod simulator;
// Supported employment and the skills record.
pub(crate) mod supported;

use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
pub use kit::error_page;
use passerelle_store::Membership;
use session::{Nav, Visitor};

/// Every page, area by area, with the kit's middleware (error pages, notices).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .merge(login::router())
        .merge(directory::router())
        .merge(persons::router())
        .merge(person_edit::router())
        .merge(agreements::router())
        .merge(iae::router())
        .merge(esat::router())
        .merge(immersions::router())
        .merge(supported::router())
        .merge(pathways::router())
        .merge(governance::router())
        .merge(indicators::router())
        .merge(simulator::router())
        .merge(account::router())
        .merge(audit::router())
        .layer(axum::middleware::from_fn(kit::visit::pages))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct Home {
    nav: Nav,
    display_name: String,
    memberships: Vec<Membership>,
}

async fn home(visitor: Visitor) -> Home {
    Home {
        nav: visitor.nav("accueil"),
        display_name: visitor.ctx.display_name().to_owned(),
        memberships: visitor.ctx.memberships().to_vec(),
    }
}

/// The page for an address that matches no route.
pub async fn not_found() -> Response {
    error_page(&Nav::anonymous(), ApiError::not_found("Page"))
}
