//! Benefit simulations saved in a person's record (docs/benefits.md, « Simulations enregistrées »): the
//! simulator's fields and the summary the server computes from them, saved by an organisation following the
//! person. The same rules as the pages: the store checks who may save, see and delete.

use super::idempotency::{IdempotencyHeader, create_once};
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath};
use crate::pages::simulator::saved::summarise;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use passerelle_store::person::simulations::{NewSimulation, SavedSimulation};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// The simulations saved in the record that the caller may see, newest first; the read is journaled.
#[utoipa::path(get, path = "/api/v1/persons/{id}/simulations", tag = "benefits", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<SavedSimulation>),
        (status = 404, body = crate::error::ErrorBody, description = "`not_found` : personne inconnue ou hors de vos structures")))]
pub async fn list_simulations(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<SavedSimulation>>> {
    Ok(Json(state.store.persons(&ctx).simulations(id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSimulation {
    /// The caller's organisation following the person, on whose behalf the simulation is saved.
    pub organisation_id: Uuid,
    /// The simulator's fields as the page names them (`birth_date`, `incapacity`, `rsdae`, `couple`,
    /// `partner_earnings`, `current_kind`, `current_pay`, `first_month`, `horizon`, `s1_kind`, `s1_hours`,
    /// `s1_pay`, `s1_start`, `s1_end`, ... up to `s3_`), as typed; a ticked box is `on`.
    #[schema(example = json!({"birth_date": "1985-05-15", "incapacity": "80", "current_kind": "esat",
        "current_pay": "750", "first_month": "2026-01", "s1_kind": "ordinary", "s1_hours": "24", "s1_start": "2026-03"}))]
    pub inputs: BTreeMap<String, String>,
}

/// Simulates the fields and saves them with the summary computed (months, totals) in the person's record.
#[utoipa::path(post, path = "/api/v1/persons/{id}/simulations", tag = "benefits", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Une même clé n'enregistre qu'une fois")),
    request_body = CreateSimulation, security(("bearer" = [])),
    responses((status = 201, body = SavedSimulation),
        (status = 403, body = crate::error::ErrorBody, description = "`not_a_member` : au nom d'une structure qui n'est pas la vôtre ; \
            `not_a_follower` : votre structure ne suit pas la personne"),
        (status = 404, body = crate::error::ErrorBody, description = "`not_found` : personne inconnue ou hors de vos structures"),
        (status = 422, body = crate::error::ErrorBody, description = "`simulation_invalid` : un champ que le simulateur refuse \
            (le message du simulateur, `field` = `inputs.<champ>`) ; `simulation_field_unknown` ; `simulation_inputs_invalid`")))]
pub async fn create_simulation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateSimulation>,
) -> ApiResult<(StatusCode, HeaderMap, Json<SavedSimulation>)> {
    let summary = summarise(&b.inputs)?;
    let scope = state.store.persons(&ctx);
    let new = NewSimulation {
        organisation_id: b.organisation_id,
        inputs: b.inputs,
        summary,
    };
    create_once(
        &state.store,
        &ctx,
        idempotency,
        ("benefit_simulations", StatusCode::CREATED),
        |key| scope.save_simulation(id, new, key),
        |simulation| scope.simulation(id, simulation),
    )
    .await
}

/// One saved simulation; the read is journaled.
#[utoipa::path(get, path = "/api/v1/persons/{id}/simulations/{simulation_id}", tag = "benefits",
    params(("id" = Uuid, Path), ("simulation_id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = SavedSimulation),
        (status = 404, body = crate::error::ErrorBody, description = "`not_found` : simulation inconnue, supprimée ou hors de vos structures")))]
pub async fn get_simulation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath((id, simulation_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<SavedSimulation>> {
    Ok(Json(state.store.persons(&ctx).simulation(id, simulation_id).await?))
}

/// Deletes a saved simulation (the organisation that saved it only); the journal keeps what it was.
#[utoipa::path(delete, path = "/api/v1/persons/{id}/simulations/{simulation_id}", tag = "benefits",
    params(("id" = Uuid, Path), ("simulation_id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Supprimée"),
        (status = 403, body = crate::error::ErrorBody, description = "`not_the_saving_organisation` : seule la structure qui l'a enregistrée la supprime"),
        (status = 404, body = crate::error::ErrorBody, description = "`not_found` : simulation inconnue, déjà supprimée ou hors de vos structures")))]
pub async fn delete_simulation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath((id, simulation_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    state.store.persons(&ctx).delete_simulation(id, simulation_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_simulations, create_simulation))
        .routes(routes!(get_simulation, delete_simulation))
}
