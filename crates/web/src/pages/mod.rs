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
mod persons;
pub mod session;
mod simulator;
// Issue 6: supported employment and the skills record.
pub(crate) mod supported;

use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
pub use kit::error_page;
use passerelle_store::Membership;
use session::{Nav, Visitor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/connexion", get(login::form).post(login::submit))
        .route("/deconnexion", post(login::logout))
        .route("/annuaire", get(directory::list))
        .route("/annuaire/{id}", get(directory::show))
        .route("/personnes", get(persons::list).post(persons::create))
        .route("/personnes/nouvelle", get(persons::new_form))
        .route("/personnes/{id}", get(persons::show))
        .route("/personnes/{id}/donnees.pdf", get(persons::file_pdf))
        .route("/conventions", get(agreements::list).post(agreements::create))
        .route("/conventions/nouvelle", get(agreements::new_form))
        .route("/conventions/export.xlsx", get(agreements::export))
        .route("/conventions/{id}", get(agreements::show))
        .route("/conventions/{id}/actions", post(agreements::act))
        .route("/conventions/{id}/brouillon", post(agreements::save_draft))
        .route("/conventions/{id}/redaction", post(agreements::edit))
        .route("/conventions/{id}/avenant", post(agreements::amend))
        .route("/conventions/{id}/comparaison", get(agreements::compare))
        .route("/conventions/{id}/document", get(agreements::download))
        .route("/conventions/{id}/etat-des-lieux", get(agreements::report))
        .route("/simulateur", get(simulator::page))
        .route(
            "/personnes/{id}/prescrire",
            get(iae::referral::prescribe_form).post(iae::referral::prescribe),
        )
        .route("/personnes/{id}/parcours-iae", get(iae::approval::approval))
        .route(
            "/personnes/{id}/parcours-iae/{action}",
            post(iae::approval::approval_action),
        )
        .route("/offres", get(iae::offers::offers).post(iae::offers::create_offer))
        .route("/offres/export.csv", get(iae::offers::export_offers))
        .route("/offres/{id}/{action}", post(iae::offers::toggle_offer))
        .route("/prescriptions", get(iae::referral::prescriptions))
        .route("/prescriptions/{id}", get(iae::referral::prescription))
        .route("/prescriptions/{id}/etapes", post(iae::referral::add_step))
        .route(
            "/personnes/{id}/document-competences.pdf",
            get(iae::approval::skills_document),
        )
        .route("/parcours", get(pathways::pathways))
        .route("/referent", get(pathways::referent))
        .route("/journal-des-consultations", get(audit::journal))
        .route("/compte/securite", get(account::page))
        .route("/compte/securite/{action}", post(account::act))
        .route("/notifications", get(iae::notifications::notifications))
        .route("/notifications/lues", post(iae::notifications::read_notifications))
        // Governance and deadlines (issue 7).
        .route(
            "/instances",
            get(governance::committees::committees).post(governance::committees::create_committee),
        )
        .route(
            "/interconnaissance",
            post(governance::committees::create_mutual_knowledge),
        )
        .route("/instances/{id}", get(governance::committees::committee))
        .route(
            "/instances/{id}/{action}",
            post(governance::committees::committee_action),
        )
        .route("/reunions/{id}", get(governance::meetings::meeting))
        .route(
            "/reunions/{id}/invitation.ics",
            get(governance::meetings::meeting_invitation),
        )
        .route(
            "/reunions/{id}/documents/{document}",
            get(governance::meetings::meeting_document),
        )
        .route("/reunions/{id}/{action}", post(governance::meetings::meeting_action))
        .route("/echeances", get(governance::deadlines::deadlines))
        .route("/echeances.ics", get(governance::deadlines::deadlines_ics))
        // ESAT pathways, immersions and passerelles (issue 6 part 1).
        .route("/esat", get(esat::workers).post(esat::create_worker))
        .route("/esat/{id}", get(esat::worker))
        .route("/esat/{id}/{action}", post(esat::worker_action))
        .route("/personnes/{id}/parcours-complet", get(esat::person_pathway))
        .route("/immersions", get(immersions::list).post(immersions::create))
        .route("/immersions/{id}", get(immersions::show))
        .route("/immersions/{id}/{action}", post(immersions::act))
        // Issue 6: supported employment and the skills record.
        .route("/emploi-accompagne", get(supported::dashboard))
        .route("/personnes/{id}/emploi-accompagne", get(supported::person))
        .route("/personnes/{id}/emploi-accompagne/{action}", post(supported::act))
        .route("/personnes/{id}/carnet", get(supported::record))
        .route("/personnes/{id}/carnet.pdf", get(supported::record_pdf))
        .route("/personnes/{id}/carnet/{action}", post(supported::link_action))
        .route("/carnet/{token}", get(supported::shared_page))
        .route("/carnet/{token}/pdf", get(supported::shared_pdf))
        .route("/indicateurs", get(indicators::page))
        .route("/indicateurs/export", get(indicators::export))
        .route("/indicateurs/{code}/personnes", get(indicators::people))
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
