//! The directory API: organisations, contacts, roles and authorisations.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery, double_option};
use crate::inputs::OrganisationQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use passerelle_domain::directory::{ContactInput, ContactRole, OrganisationInput};
use passerelle_store::directory::{Authorisation, Contact, Organisation, Page, RoleAssignment};
use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// A new organisation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisation {
    #[schema(max_length = 200, example = "Les Jardins de la Combe")]
    pub name: String,
    #[schema(example = "aci")]
    pub kind: String,
    #[schema(example = "13000548100010")]
    pub siret: Option<String>,
    /// FINESS number (9 characters: department, 7 digits), for an ESAT, a supported-employment service, a SAVS
    /// or a SAMSAH only; 422 `finess_invalid` otherwise, 409 `finess_taken` when another organisation has it.
    #[schema(example = "210987654")]
    pub finess: Option<String>,
    pub address_line: Option<String>,
    #[schema(example = "21000")]
    pub postal_code: Option<String>,
    #[schema(example = "Dijon")]
    pub commune: String,
    pub commune_code: Option<String>,
    #[schema(example = "21")]
    pub department: String,
    #[serde(default)]
    pub territories: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub parent_id: Option<Uuid>,
}

/// A partial change: absent fields are kept, `null` clears an optional field.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisation {
    pub name: Option<String>,
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub siret: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub finess: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub address_line: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub postal_code: Option<Option<String>>,
    pub commune: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub commune_code: Option<Option<String>>,
    pub department: Option<String>,
    pub territories: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub parent_id: Option<Option<Uuid>>,
}

impl UpdateOrganisation {
    fn merge(self, current: &Organisation) -> (OrganisationInput, Option<Uuid>) {
        let mut i = current.to_input();
        macro_rules! keep_or {
            ($($f:ident),*) => {$( if let Some(v) = self.$f { i.$f = v; } )*};
        }
        keep_or!(
            name,
            kind,
            siret,
            finess,
            address_line,
            postal_code,
            commune,
            commune_code,
            department,
            territories,
            email,
            phone,
            website,
            description
        );
        (i, self.parent_id.unwrap_or(current.parent_id))
    }
}

/// Searches the directory.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "directory", params(OrganisationQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Organisation>)))]
pub async fn list_organisations(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<OrganisationQuery>,
) -> ApiResult<Json<Page<Organisation>>> {
    Ok(Json(state.store.list_organisations(&ctx, &q.filter()?).await?))
}

/// Creates an organisation (platform administrators, or administrators of the parent).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "directory", request_body = CreateOrganisation, security(("bearer" = [])),
    responses((status = 201, body = Organisation)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(body): ApiJson<CreateOrganisation>,
) -> ApiResult<(StatusCode, Json<Organisation>)> {
    let input = OrganisationInput {
        name: body.name,
        kind: body.kind,
        siret: body.siret,
        finess: body.finess,
        address_line: body.address_line,
        postal_code: body.postal_code,
        commune: body.commune,
        commune_code: body.commune_code,
        department: body.department,
        territories: body.territories,
        email: body.email,
        phone: body.phone,
        website: body.website,
        description: body.description,
    };
    let org = state
        .store
        .create_organisation(&ctx, input.validate()?, body.parent_id)
        .await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Organisation)))]
pub async fn get_organisation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Organisation>> {
    Ok(Json(state.store.organisation(&ctx, id).await?))
}

/// Changes an organisation (its administrators).
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = Uuid, Path)), request_body = UpdateOrganisation,
    security(("bearer" = [])),
    responses((status = 200, body = Organisation)))]
pub async fn update_organisation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UpdateOrganisation>,
) -> ApiResult<Json<Organisation>> {
    let current = state.store.organisation(&ctx, id).await?;
    if !ctx.is_admin_of(id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Seuls les administrateurs de la structure peuvent la modifier.",
        ));
    }
    let (input, parent) = body.merge(&current);
    Ok(Json(
        state
            .store
            .update_organisation(&ctx, id, input.validate()?, parent)
            .await?,
    ))
}

/// Archives an organisation (nothing is deleted).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/archive", tag = "directory", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Organisation)))]
pub async fn archive_organisation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Organisation>> {
    Ok(Json(state.store.archive_organisation(&ctx, id).await?))
}

/// An SIAE's State convention (conventionnement), as the DDETS records it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateConventionBody {
    /// Last day of the State convention: the SIAE's local cooperation conventions lapse the day after.
    pub ends_on: Date,
    #[schema(max_length = 200, example = "Convention IAE 21-2026-014")]
    pub reference: String,
}

/// The DDETS (or DREETS) of the SIAE's department records its State convention's end date and reference (403
/// `not_state_service_of_department` for anyone else, 422 `not_an_siae`). The SIAE's local cooperation
/// conventions lapse the day after that end; their parties are reminded three months before.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/state-convention", tag = "directory", params(("id" = Uuid, Path)),
    request_body = StateConventionBody, security(("bearer" = [])),
    responses((status = 200, body = Organisation)))]
pub async fn record_state_convention(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<StateConventionBody>,
) -> ApiResult<Json<Organisation>> {
    Ok(Json(
        state
            .store
            .record_state_convention(&ctx, id, b.ends_on, &b.reference)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    #[schema(max_length = 200)]
    pub first_name: String,
    #[schema(max_length = 200)]
    pub last_name: String,
    pub function: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl ContactBody {
    fn input(self) -> ContactInput {
        ContactInput {
            first_name: self.first_name,
            last_name: self.last_name,
            function: self.function,
            email: self.email,
            phone: self.phone,
        }
    }
}

/// The active contacts of an organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/contacts", tag = "directory", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<Contact>)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Contact>>> {
    Ok(Json(state.store.contacts(&ctx, id).await?))
}

/// Adds a contact to an organisation (its administrators).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/contacts", tag = "directory", params(("id" = Uuid, Path)), request_body = ContactBody,
    security(("bearer" = [])),
    responses((status = 201, body = Contact)))]
pub async fn create_contact(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ContactBody>,
) -> ApiResult<(StatusCode, Json<Contact>)> {
    let fields = body.input().validate()?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_contact(&ctx, id, fields).await?),
    ))
}

/// Replaces a contact's details (administrators of its organisation).
#[utoipa::path(put, path = "/api/v1/contacts/{id}", tag = "directory", params(("id" = Uuid, Path)), request_body = ContactBody,
    security(("bearer" = [])),
    responses((status = 200, body = Contact)))]
pub async fn update_contact(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ContactBody>,
) -> ApiResult<Json<Contact>> {
    let fields = body.input().validate()?;
    Ok(Json(state.store.update_contact(&ctx, id, fields).await?))
}

/// Archives a contact who holds no role.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/archive", tag = "directory", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Contact)))]
pub async fn archive_contact(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Contact>> {
    Ok(Json(state.store.archive_contact(&ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRole {
    #[schema(example = "spe_referent")]
    pub role: String,
    pub holder_id: Uuid,
    pub substitute_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRole {
    pub holder_id: Uuid,
    pub substitute_id: Option<Uuid>,
    /// While true, the substitute acts for the holder (degraded mode).
    pub holder_absent: bool,
}

/// The roles of an organisation, with who acts today.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/roles", tag = "directory", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<RoleAssignment>)))]
pub async fn list_roles(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<RoleAssignment>>> {
    Ok(Json(state.store.roles(&ctx, id).await?))
}

/// Names the holder and substitute of a role.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/roles", tag = "directory", params(("id" = Uuid, Path)), request_body = AssignRole,
    security(("bearer" = [])),
    responses((status = 201, body = RoleAssignment)))]
pub async fn assign_role(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AssignRole>,
) -> ApiResult<(StatusCode, Json<RoleAssignment>)> {
    let role = ContactRole::parse(&body.role)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .assign_role(&ctx, id, role, body.holder_id, body.substitute_id)
                .await?,
        ),
    ))
}

/// Changes a role's holder, substitute or the holder's absence.
#[utoipa::path(put, path = "/api/v1/roles/{id}", tag = "directory", params(("id" = Uuid, Path)), request_body = UpdateRole, security(("bearer" = [])),
    responses((status = 200, body = RoleAssignment)))]
pub async fn update_role(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UpdateRole>,
) -> ApiResult<Json<RoleAssignment>> {
    Ok(Json(
        state
            .store
            .update_role(&ctx, id, body.holder_id, body.substitute_id, body.holder_absent)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAuthorisation {
    #[schema(example = "Préfet de la Côte-d'Or")]
    pub issuer: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
}

/// The prescriber authorisations of an organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/authorisations", tag = "directory", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<Authorisation>)))]
pub async fn list_authorisations(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Authorisation>>> {
    Ok(Json(
        state
            .store
            .authorisations(&ctx, id, passerelle_store::infra::clock::now().date())
            .await?,
    ))
}

/// Records a prescriber authorisation (the DDETS of the department, or platform administrators).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/authorisations", tag = "directory", params(("id" = Uuid, Path)),
    request_body = CreateAuthorisation, security(("bearer" = [])),
    responses((status = 201, body = Authorisation)))]
pub async fn create_authorisation(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CreateAuthorisation>,
) -> ApiResult<(StatusCode, Json<Authorisation>)> {
    let a = state
        .store
        .create_authorisation(
            &ctx,
            id,
            &body.issuer,
            body.starts_on,
            body.ends_on,
            passerelle_store::infra::clock::now().date(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// The directory routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_organisations, create_organisation))
        .routes(routes!(get_organisation, update_organisation))
        .routes(routes!(archive_organisation))
        .routes(routes!(record_state_convention))
        .routes(routes!(list_contacts, create_contact))
        .routes(routes!(update_contact))
        .routes(routes!(archive_contact))
        .routes(routes!(list_roles, assign_role))
        .routes(routes!(update_role))
        .routes(routes!(list_authorisations, create_authorisation))
}
