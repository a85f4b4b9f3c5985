//! Forms posted from a page carry the session's CSRF token in a `csrf` field; [`CsrfForm`] decodes the form
//! and refuses it (403, « Formulaire expiré ») when the token is not the session's, before the handler runs
//! and before the rest of the form is read.

use super::error::PageError;
use crate::error::ApiError;
use crate::pages::session::constant_time_eq;
use axum::Form;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The CSRF token of the signed-in visitor's session, left in the request by the `Visitor` extractor.
#[derive(Clone)]
pub struct SessionCsrf(pub String);

/// A form whose CSRF token has been checked against the session's; the handler also takes the `Visitor`,
/// listed before it.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    csrf: String,
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let session = request.extensions().get::<SessionCsrf>().cloned();
        let method = request.method().clone();
        let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        // The body is decoded as `Form` would (same refusals), once for the handler and once for the token.
        let decode = |body: Bytes| {
            let mut request = Request::new(Body::from(body));
            *request.method_mut() = method.clone();
            if let Some(v) = &content_type {
                request.headers_mut().insert(header::CONTENT_TYPE, v.clone());
            }
            request
        };
        // The token first: a forged form is refused whatever it holds.
        let Form(token) = Form::<Token>::from_request(decode(body.clone()), state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !session.is_some_and(|SessionCsrf(expected)| constant_time_eq(expected.as_bytes(), token.csrf.as_bytes())) {
            return Err(PageError(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf_invalid",
                "Formulaire expiré : rechargez la page et recommencez.",
            ))
            .into_response());
        }
        let Form(form) = Form::<T>::from_request(decode(body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self(form))
    }
}

/// A form that carries nothing but its token (a button).
#[derive(Deserialize)]
pub struct TokenOnly {}
