//! Persons: visible only to the organisations that follow them; reads are journaled.

use crate::error::{ApiError, ApiResult, ErrorDetail};
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery, double_option};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passerelle_app::persons::{self, PersonChange};
use passerelle_domain::person::PersonInput;
use passerelle_store::directory::Page;
use passerelle_store::person::{Creation, Person};
use passerelle_store::today;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PersonQuery {
    /// Words of the person's name.
    pub q: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    /// The caller's organisation that follows the person; by default the caller's first one.
    pub organisation_id: Option<Uuid>,
    #[schema(max_length = 100, example = "Camille")]
    pub first_name: String,
    #[schema(max_length = 100, example = "Martin")]
    pub last_name: String,
    pub birth_date: Option<Date>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune: Option<String>,
    #[serde(default)]
    pub consent_data_sharing: bool,
    pub consent_date: Option<Date>,
    /// Creates the person even though persons the caller follows have the same name and birth date (the answer
    /// 409 `person_possible_duplicate` lists them): the caller checked that it is someone else.
    #[serde(default)]
    pub confirmed_new: bool,
}

/// The answer 409 `person_possible_duplicate`: nothing was created; the persons the caller follows who have the
/// same name and birth date.
#[derive(Serialize, ToSchema)]
pub struct PossibleDuplicate {
    pub error: ErrorDetail,
    pub persons: Vec<Person>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct UpdatePerson {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub birth_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub address_line: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub commune: Option<Option<String>>,
    pub consent_data_sharing: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    pub consent_date: Option<Option<Date>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddFollower {
    pub organisation_id: Uuid,
}

/// The persons the caller's organisations follow.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(PersonQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Person>)))]
pub async fn list_persons(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> ApiResult<Json<Page<Person>>> {
    Ok(Json(
        state
            .store
            .persons(&ctx)
            .list(q.q.as_deref(), q.page.unwrap_or(1), q.per_page.unwrap_or(50))
            .await?,
    ))
}

/// Creates a person followed by one of the caller's organisations. When persons the caller follows have the same
/// name and birth date (accents and case aside), nothing is created and they are answered (409) unless
/// `confirmed_new`; persons the caller does not follow are not looked at.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = CreatePerson, security(("bearer" = [])),
    responses((status = 201, body = Person),
        (status = 409, body = PossibleDuplicate, description = "Même nom et même date de naissance qu'une personne déjà suivie (`person_possible_duplicate`) : rien n'est créé")))]
pub async fn create_person(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(body): ApiJson<CreatePerson>,
) -> ApiResult<Response> {
    let organisation_id = match body
        .organisation_id
        .or(ctx.default_organisation().map(|m| m.organisation_id))
    {
        Some(id) => id,
        None => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "not_a_member",
                "Votre compte n'est rattaché à aucune structure.",
            ));
        }
    };
    let input = PersonInput {
        first_name: body.first_name,
        last_name: body.last_name,
        birth_date: body.birth_date,
        email: body.email,
        phone: body.phone,
        address_line: body.address_line,
        postal_code: body.postal_code,
        commune: body.commune,
        consent_data_sharing: body.consent_data_sharing,
        consent_date: body.consent_date,
    };
    let fields = input.validate(today())?;
    let scope = state.store.persons(&ctx);
    let creation = if body.confirmed_new {
        Creation::Created(scope.create(organisation_id, fields).await?)
    } else {
        scope.create_unless_known(organisation_id, fields).await?
    };
    Ok(match creation {
        Creation::Created(p) => (StatusCode::CREATED, Json(p)).into_response(),
        Creation::PossibleDuplicates { why, persons } => {
            let error = ErrorDetail {
                code: why.code.to_owned(),
                message: why.message,
                field: Some("confirmed_new".to_owned()),
            };
            (StatusCode::CONFLICT, Json(PossibleDuplicate { error, persons })).into_response()
        }
    })
}

/// One person; 404 when the caller's organisations do not follow them.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Person)))]
pub async fn get_person(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Person>> {
    Ok(Json(state.store.persons(&ctx).get(id).await?))
}

/// Changes a person's record (any organisation following them): the fields sent replace theirs, `null` empties an
/// optional one, the whole record is validated again; the change is journaled with the record before and after.
#[utoipa::path(patch, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = Uuid, Path)), request_body = UpdatePerson,
    security(("bearer" = [])),
    responses((status = 200, body = Person)))]
pub async fn update_person(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UpdatePerson>,
) -> ApiResult<Json<Person>> {
    let change = PersonChange {
        first_name: body.first_name,
        last_name: body.last_name,
        birth_date: body.birth_date,
        email: body.email,
        phone: body.phone,
        address_line: body.address_line,
        postal_code: body.postal_code,
        commune: body.commune,
        consent_data_sharing: body.consent_data_sharing,
        consent_date: body.consent_date,
    };
    Ok(Json(
        persons::update_person(&state.store, &ctx, &passerelle_app::SystemClock, id, change).await?,
    ))
}

/// Shares the person with another organisation of the pathway; needs the person's consent.
#[utoipa::path(post, path = "/api/v1/persons/{id}/followers", tag = "persons", params(("id" = Uuid, Path)), request_body = AddFollower,
    security(("bearer" = [])),
    responses((status = 200, body = Person)))]
pub async fn add_follower(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AddFollower>,
) -> ApiResult<Json<Person>> {
    Ok(Json(
        state.store.persons(&ctx).add_follower(id, body.organisation_id).await?,
    ))
}

/// The persons routes (with the person file) and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_persons, create_person))
        .routes(routes!(get_person, update_person))
        .routes(routes!(add_follower))
        .routes(routes!(super::person_file::person_file))
}
