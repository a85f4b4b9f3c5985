//! Login and logout for API clients, and who the caller is.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiCaller, ApiJson};
use crate::source::Source;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use passerelle_store::Membership;
use passerelle_store::auth::SessionKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "ft-dijon@passerelle.test", max_length = 254)]
    pub email: String,
    #[schema(max_length = 1000)]
    pub password: String,
    /// The 6-digit code of the account's authenticator application when its second factor is on, or one of its
    /// recovery codes (each accepted once).
    #[serde(default)]
    #[schema(max_length = 20, example = "123456")]
    pub totp: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send it back as `Authorization: Bearer <token>`; valid 24 hours.
    pub token: String,
    pub expires_in: i64,
    pub user: Me,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub email: Option<String>,
    pub display_name: String,
    pub platform_admin: bool,
    pub memberships: Vec<Membership>,
}

impl Me {
    pub fn of(ctx: &passerelle_store::AccessContext) -> Self {
        Self {
            email: ctx.email().map(str::to_owned),
            display_name: ctx.display_name().to_owned(),
            platform_admin: ctx.is_platform_admin(),
            memberships: ctx.memberships().to_vec(),
        }
    }
}

/// Opens an API session.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Source(source): Source,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    if body.email.len() > 254 || body.password.len() > 1000 || body.totp.as_ref().is_some_and(|c| c.len() > 20) {
        return Err(passerelle_domain::invalid::Invalid::new(
            "field_too_long",
            "Adresse, mot de passe ou code trop long.",
        )
        .into());
    }
    let session = state
        .store
        .login_with_code(
            &body.email,
            &body.password,
            body.totp.as_deref(),
            &source,
            SessionKind::Api,
        )
        .await?;
    Ok(Json(LoginResponse {
        token: session.token,
        expires_in: 24 * 3600,
        user: Me::of(&session.context),
    }))
}

/// Closes the API session of the token sent.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, _caller: ApiCaller, headers: HeaderMap) -> ApiResult<StatusCode> {
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        state.store.logout(token.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The caller and their organisations.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me)))]
pub async fn me(ApiCaller(ctx): ApiCaller) -> Json<Me> {
    Json(Me::of(&ctx))
}

/// The sign-in routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}
