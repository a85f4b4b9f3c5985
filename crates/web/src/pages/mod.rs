//! The French HTML pages, built on the State design system (DSFR).

mod account;
mod agreements;
mod audit;
mod directory;
mod esat;
mod esat_sharing;
mod governance;
mod home;
mod iae;
mod immersion_link;
mod immersions;
pub(crate) mod indicators;
pub mod kit;
// The accessibility statement, legal notice and personal data pages, open to all.
mod legal;
mod login;
// « Mot de passe oublié » and the page of its e-mailed link.
mod password;
mod pathways;
mod person_edit;
mod persons;
// « S'identifier avec ProConnect ».
pub mod proconnect;
pub mod session;
pub(crate) mod simulator;
// Supported employment and the skills record.
pub(crate) mod supported;
pub mod waiting;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
pub use kit::error_page;
use session::Nav;

/// Every page, area by area, with the kit's middleware (error pages, notices).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .merge(login::router())
        .merge(proconnect::router())
        .merge(legal::router())
        .merge(password::router())
        .merge(directory::router())
        .merge(persons::router())
        .merge(person_edit::router())
        .merge(agreements::router())
        .merge(iae::router())
        .merge(esat::router())
        .merge(esat_sharing::router())
        .merge(immersions::router())
        .merge(immersion_link::router())
        .merge(supported::router())
        .merge(pathways::router())
        .merge(governance::router())
        .merge(indicators::router())
        .merge(simulator::router())
        .merge(account::router())
        .merge(audit::router())
        .layer(axum::middleware::from_fn(kit::visit::pages))
}

/// The page for an address that matches no route.
pub async fn not_found() -> Response {
    error_page(&Nav::anonymous(), ApiError::not_found("Page"))
}
