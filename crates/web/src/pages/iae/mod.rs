//! The IAE pages: offers, prescriptions and their referral sheets (both sides), notifications, the
//! prescription form, and a person's approval with its timeline and what may come next.

pub mod approval;
pub mod before_hiring;
pub mod notifications;
pub mod offers;
pub mod orientations;
pub mod prescribe;
pub mod referral;
pub mod referral_list;
pub mod waivers;

use super::session::Visitor;
use passerelle_store::Membership;

fn siae_memberships(visitor: &Visitor) -> Vec<Membership> {
    visitor
        .ctx
        .memberships()
        .iter()
        .filter(|m| m.kind.is_siae())
        .cloned()
        .collect()
}

/// The IAE pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/personnes/{id}/prescrire",
            get(prescribe::prescribe_form).post(prescribe::prescribe),
        )
        .route("/personnes/{id}/parcours-iae", get(approval::approval))
        .route("/personnes/{id}/parcours-iae/{action}", post(approval::approval_action))
        .route("/offres", get(offers::offers).post(offers::create_offer))
        .route("/offres/export.csv", get(offers::export_offers))
        .route("/offres/{id}/{action}", post(offers::toggle_offer))
        .route("/prescriptions", get(referral_list::prescriptions))
        .route("/prescriptions/{id}", get(referral::prescription))
        .route("/prescriptions/{id}/etapes", post(referral::add_step))
        .route(
            "/personnes/{id}/document-competences.pdf",
            get(approval::skills_document),
        )
        .route(
            "/personnes/{id}/orienter",
            get(orientations::orient_form).post(orientations::orient),
        )
        .route("/derogations", get(waivers::waivers))
        .route("/derogations/{id}", get(waivers::decision_form).post(waivers::decide))
        .route("/orientations", get(orientations::orientations))
        .route("/orientations/{id}/reponse", post(orientations::answer))
        .route("/notifications", get(notifications::notifications))
        .route("/notifications/lues", post(notifications::read_notifications))
}
