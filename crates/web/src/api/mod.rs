//! The JSON API under `/api/v1`, described by the OpenAPI document served at `/api/openapi.json`.
//! Routes are registered with `utoipa_axum::routes!`, so a route cannot exist without its description.

pub mod agreements;
pub mod answers;
pub mod audit;
pub mod auth;
pub mod benefits;
pub mod directory;
pub mod esat;
pub mod esat_facts;
pub mod follow_up;
pub mod governance;
pub mod iae;
pub mod idempotency;
pub mod immersions;
pub mod indicators;
pub mod person_file;
pub mod persons;
pub mod reference;
pub mod simulations;
// Supported employment and the skills record.
pub mod supported;

use crate::error::ErrorBody;
use crate::state::AppState;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "Passerelle", description = "API de Passerelle : annuaire, comptes, personnes accompagnées, conventions et simulateur de droits. \
        Les erreurs ont la forme {\"error\": {\"code\", \"message\"}} ; les codes sont stables (voir docs/api.md)."),
    components(schemas(ErrorBody)),
    tags((name = "auth", description = "Connexion"), (name = "reference", description = "Listes de référence"),
        (name = "directory", description = "Annuaire"), (name = "persons", description = "Personnes accompagnées"),
        (name = "agreements", description = "Conventions et accords"),
        (name = "benefits", description = "Simulateur de droits : AAH et prime d'activité"),
        (name = "indicators", description = "Indicateurs calculés à partir de ce qui a été enregistré"),
        (name = "iae", description = "Parcours IAE : offres, diagnostics, prescriptions et fiches navette, PASS IAE"),
        (name = "governance", description = "Gouvernance : comités, réunions, actions, interconnaissance et échéances"),
        (name = "esat", description = "Parcours ESAT : situations, double activité, conventions d'appui, droit au retour"),
        (name = "immersions", description = "Immersions (PMSMP) : convention, signatures, bilan"),
        (name = "supported", description = "Emploi accompagné et carnet de parcours et de compétences"))
)]
struct ApiDoc;

/// The API routes and their OpenAPI description, built together, area by area.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(reference::router())
        .merge(directory::router())
        .merge(audit::router())
        .merge(persons::router())
        .merge(agreements::router())
        .merge(benefits::router())
        .merge(simulations::router())
        .merge(indicators::router())
        .merge(iae::router())
        .merge(follow_up::router())
        .merge(governance::router())
        .merge(esat::router())
        .merge(esat_facts::router())
        .merge(immersions::router())
        .merge(supported::router())
}
