//! Request extractors: JSON bodies and query strings with precise errors, the API caller's context.

use crate::error::ApiError;
use crate::rejection::french_reason;
use crate::state::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use passerelle_store::AccessContext;
use passerelle_store::auth::SessionKind;
use serde::de::DeserializeOwned;

/// The body limit of the routes that take a meeting document (10 MB, as the store checks) with some room for
/// the request around it: the API's and the meeting page's form.
pub const DOCUMENT_BODY_BYTES: usize = passerelle_store::governance::meetings::MAX_DOCUMENT_BYTES + 64 * 1024;

/// A JSON body; a malformed or mistyped body answers 400 with `malformed_json` or `invalid_body`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::bad_request(
                "malformed_json",
                format!(
                    "Le corps de la requête n'est pas du JSON valide : {}.",
                    french_reason(&e.body_text())
                ),
            )),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::bad_request(
                "invalid_body",
                format!(
                    "Le corps de la requête ne correspond pas au format attendu : {}.",
                    french_reason(&e.body_text())
                ),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Le corps doit être envoyé avec l'en-tête « Content-Type: application/json ».",
            )),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::body_too_large()),
            Err(e) => Err(ApiError::bad_request(
                "invalid_body",
                format!("Corps de requête illisible : {}.", french_reason(&e.body_text())),
            )),
        }
    }
}

/// A raw body (an uploaded file); one larger than the route's limit answers 413 `body_too_large`.
pub struct ApiBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => Ok(Self(b)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::body_too_large()),
            Err(e) => Err(ApiError::bad_request(
                "invalid_body",
                format!("Corps de requête illisible : {}.", french_reason(&e.body_text())),
            )),
        }
    }
}

/// Query-string parameters; an unknown or mistyped parameter answers 400 `invalid_query`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|e: QueryRejection| {
                ApiError::bad_request(
                    "invalid_query",
                    format!("Paramètres de recherche invalides : {}.", french_reason(&e.body_text())),
                )
            })
    }
}

/// The authenticated API caller, from `Authorization: Bearer <token>`.
pub struct ApiCaller(pub AccessContext);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthenticated)?;
        match state.store.authenticate(token, SessionKind::Api).await? {
            Some((ctx, _)) => Ok(Self(ctx)),
            None => Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "invalid_token",
                "Jeton inconnu ou expiré : reconnectez-vous avec POST /api/v1/auth/login.",
            )),
        }
    }
}

/// A path parameter; a malformed identifier answers 400 `invalid_path`.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|e| {
                ApiError::bad_request(
                    "invalid_path",
                    format!(
                        "Identifiant invalide dans l'adresse : {}.",
                        french_reason(&e.body_text())
                    ),
                )
            })
    }
}

/// For PATCH bodies: a field absent keeps its value (`None`), `null` clears it (`Some(None)`).
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(d).map(Some)
}
