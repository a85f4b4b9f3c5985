//! The JSON API under `/api/v1`, described by the OpenAPI document served at `/api/openapi.json`.
//! Routes are registered with `utoipa_axum::routes!`, so a route cannot exist without its description.

pub mod agreements;
pub mod audit;
pub mod auth;
pub mod benefits;
pub mod directory;
pub mod esat;
pub mod follow_up;
pub mod governance;
pub mod iae;
pub mod idempotency;
pub mod immersions;
pub mod indicators;
pub mod person_file;
pub mod persons;
pub mod reference;
// Issue 6: supported employment and the skills record.
pub mod supported;

use crate::state::AppState;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Passerelle", description = "API de Passerelle : annuaire, comptes, personnes accompagnées, conventions et simulateur de droits. \
        Les erreurs ont la forme {\"error\": {\"code\", \"message\"}} ; les codes sont stables (voir docs/api.md)."),
    modifiers(&BearerAuth),
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

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
    }
}

/// Every operation that takes a body may refuse it before its handler runs: 413 `body_too_large` above the
/// route's limit, 415 `unsupported_media_type` for a JSON body sent without its content type (found by
/// scripts/schemathesis: these answers were not in the description).
/// Applied to the whole description, once every route is in it.
pub fn describe_body_refusals(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{RefOr, ResponseBuilder, content::Content};
    let refusal = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    Content::new(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody"))),
                )
                .build(),
        )
    };
    for item in openapi.paths.paths.values_mut() {
        for operation in [&mut item.post, &mut item.put, &mut item.patch].into_iter().flatten() {
            let Some(body) = &operation.request_body else { continue };
            let json = matches!(body, RefOr::T(b) if b.content.contains_key("application/json"));
            let responses = &mut operation.responses.responses;
            responses
                .entry("413".into())
                .or_insert_with(|| refusal("Corps trop grand"));
            if json {
                responses
                    .entry("415".into())
                    .or_insert_with(|| refusal("Corps sans Content-Type JSON"));
            }
        }
    }
}

/// The API routes and their OpenAPI description, built together.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(reference::departments))
        .routes(routes!(reference::organisation_kinds))
        .routes(routes!(directory::list_organisations, directory::create_organisation))
        .routes(routes!(directory::get_organisation, directory::update_organisation))
        .routes(routes!(directory::archive_organisation))
        .routes(routes!(audit::personal_data_reads))
        .routes(routes!(directory::list_contacts, directory::create_contact))
        .routes(routes!(directory::update_contact))
        .routes(routes!(directory::archive_contact))
        .routes(routes!(directory::list_roles, directory::assign_role))
        .routes(routes!(directory::update_role))
        .routes(routes!(directory::list_authorisations, directory::create_authorisation))
        .routes(routes!(persons::list_persons, persons::create_person))
        .routes(routes!(persons::get_person, persons::update_person))
        .routes(routes!(person_file::person_file))
        .routes(routes!(persons::add_follower))
        .routes(routes!(agreements::agreement_kinds))
        .routes(routes!(agreements::list_deadlines))
        .routes(routes!(agreements::list_agreements, agreements::create_agreement))
        .routes(routes!(agreements::export_agreements))
        .routes(routes!(agreements::get_agreement))
        .routes(routes!(agreements::update_content))
        .routes(routes!(agreements::get_checklist))
        .routes(routes!(agreements::act))
        .routes(routes!(agreements::get_version))
        .routes(routes!(agreements::compare))
        .routes(routes!(agreements::render_document))
        .routes(routes!(benefits::simulate))
        .routes(routes!(indicators::list_definitions))
        .routes(routes!(indicators::get_indicators))
        .routes(routes!(indicators::people))
        .routes(routes!(indicators::agreement_targets))
        .routes(routes!(indicators::agreement_report))
        .routes(routes!(iae::list_offers, iae::create_offer))
        .routes(routes!(iae::export_offers))
        .routes(routes!(iae::get_offer))
        .routes(routes!(iae::close_offer))
        .routes(routes!(iae::open_offer))
        .routes(routes!(iae::list_diagnoses, iae::create_diagnosis))
        .routes(routes!(iae::list_prescriptions, iae::create_prescription))
        .routes(routes!(iae::get_prescription))
        .routes(routes!(iae::add_step))
        .routes(routes!(iae::referral_refusals))
        .routes(routes!(iae::list_notifications))
        .routes(routes!(iae::read_notifications))
        .routes(routes!(iae::approval::get_approval))
        .routes(routes!(iae::approval::suspend))
        .routes(routes!(iae::approval::request_prolongation))
        .routes(routes!(iae::approval::decide_prolongation))
        .routes(routes!(iae::approval::request_agrement))
        .routes(routes!(iae::approval::decide_agrement))
        .routes(routes!(iae::employment::get_employment))
        .routes(routes!(iae::employment::create_contract))
        .routes(routes!(iae::employment::create_assignment))
        .routes(routes!(iae::employment::create_waiver))
        .routes(routes!(follow_up::get_follow_up))
        .routes(routes!(follow_up::add_action))
        .routes(routes!(follow_up::add_registration))
        .routes(routes!(follow_up::hold_interview))
        .routes(routes!(follow_up::record_exit))
        .routes(routes!(follow_up::record_exit_follow_up))
        .routes(routes!(follow_up::people_in_pathway))
        .routes(routes!(follow_up::referent_dashboard))
        .routes(routes!(follow_up::todo))
        .routes(routes!(follow_up::skills_document))
        // Governance and deadlines (issue 7).
        .routes(routes!(governance::list_committees, governance::create_committee))
        .routes(routes!(governance::get_committee))
        .routes(routes!(governance::add_member))
        .routes(routes!(governance::create_meeting))
        .routes(routes!(governance::get_meeting))
        .routes(routes!(governance::invitation))
        .routes(routes!(governance::propose_agenda_item))
        .routes(routes!(governance::decide_agenda_item))
        .routes(routes!(governance::get_document))
        .routes(routes!(governance::send_invitations))
        .routes(routes!(governance::cancel_meeting))
        .routes(routes!(governance::record_attendance))
        .routes(routes!(governance::write_minutes))
        .routes(routes!(governance::validate_minutes))
        .routes(routes!(governance::transmit_minutes))
        .routes(routes!(governance::set_action_status))
        .routes(routes!(governance::list_deadlines))
        .routes(routes!(governance::deadlines_calendar))
        .routes(routes!(
            governance::list_mutual_knowledge,
            governance::create_mutual_knowledge
        ))
        .routes(routes!(governance::count_mutual_knowledge))
        // ESAT pathways, immersions and passerelles (issue 6 part 1).
        .routes(routes!(esat::list_workers, esat::create_worker))
        .routes(routes!(esat::get_worker, esat::update_worker))
        .routes(routes!(esat::move_worker))
        .routes(routes!(esat::add_support_convention))
        .routes(routes!(esat::person_pathway))
        .routes(routes!(immersions::list_immersions, immersions::create_immersion))
        .routes(routes!(immersions::get_immersion, immersions::update_immersion))
        .routes(routes!(immersions::submit_immersion))
        .routes(routes!(immersions::sign_immersion))
        .routes(routes!(immersions::assess_immersion))
        .routes(routes!(immersions::cancel_immersion))
        // Issue 6: supported employment and the skills record.
        .routes(routes!(supported::get_supported, supported::create_entry))
        .routes(routes!(supported::create_convention))
        .routes(routes!(supported::create_activity))
        .routes(routes!(supported::create_job))
        .routes(routes!(supported::exit_entry))
        .routes(routes!(supported::set_counsellor_time))
        .routes(routes!(supported::dashboard))
        .routes(routes!(supported::get_skills_record))
        .routes(routes!(supported::skills_record_pdf))
        .routes(routes!(supported::list_links, supported::create_link))
        .routes(routes!(supported::revoke_link))
        .routes(routes!(supported::shared_record))
        // Meeting documents are the one body larger than the server's default limit.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(governance::attach_document))
                .layer(axum::extract::DefaultBodyLimit::max(DOCUMENT_BODY_BYTES)),
        )
}

/// A meeting document (10 MB, as the store checks) and some room for the request around it.
const DOCUMENT_BODY_BYTES: usize = passerelle_store::governance::meetings::MAX_DOCUMENT_BYTES + 64 * 1024;
