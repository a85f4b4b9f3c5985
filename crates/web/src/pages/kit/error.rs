//! Errors as pages: a handler returns `PageResult` and uses `?`; the failure becomes the French error page
//! with the status and message of the API error it comes from, under the visitor's navigation
//! ([`super::visit`]).

use crate::error::ApiError;
use crate::pages::session::Nav;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use passerelle_domain::invalid::Invalid;
use passerelle_store::StoreError;

/// A page handler's failure.
#[derive(Debug)]
pub struct PageError(pub ApiError);

pub type PageResult<T = Response> = Result<T, PageError>;

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        Self(e)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        Self(e.into())
    }
}

impl From<passerelle_app::AppError> for PageError {
    fn from(e: passerelle_app::AppError) -> Self {
        Self(e.into())
    }
}

impl From<Invalid> for PageError {
    fn from(e: Invalid) -> Self {
        Self(e.into())
    }
}

/// Carried by the response until the kit's middleware, which knows the visitor, writes the page.
#[derive(Clone)]
pub(super) struct Failure(pub(super) ApiError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = self.0.status.into_response();
        response.extensions_mut().insert(Failure(self.0));
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    nav: &'a Nav,
    title: &'a str,
    message: &'a str,
}

/// An error as a page, with the status of the API error it comes from.
pub fn error_page(nav: &Nav, e: ApiError) -> Response {
    let title = match e.status {
        StatusCode::NOT_FOUND => "Page introuvable",
        StatusCode::FORBIDDEN => "Accès refusé",
        s if s.is_server_error() => "Erreur du service",
        _ => "Demande invalide",
    };
    let html = ErrorPage {
        nav,
        title,
        message: &e.message,
    }
    .render()
    .unwrap_or_else(|_| e.message.clone());
    (e.status, Html(html)).into_response()
}
