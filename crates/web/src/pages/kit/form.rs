//! Values typed in forms and addresses, parsed at the edge, and the error a refused form shows.

use super::error::PageResult;
use crate::error::ApiError;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use time::Date;
use uuid::Uuid;

/// The error of a refused form: its message, and the field it concerns when there is one.
#[derive(Default)]
pub struct FormError {
    pub message: Option<String>,
    pub field: Option<String>,
}

impl FormError {
    pub fn from_api(e: ApiError) -> Self {
        Self {
            message: Some(e.message),
            field: e.field,
        }
    }

    /// The message, when it concerns `field`.
    pub fn on(&self, field: &str) -> Option<&str> {
        match (&self.message, &self.field) {
            (Some(m), Some(f)) if f == field => Some(m),
            _ => None,
        }
    }
}

/// An identifier in the address; a malformed one is a page not found.
pub fn parse_id(id: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::not_found(what))
}

/// A date typed in a form (« 31/03/2027 », or what date pickers send, « 2027-03-31 »); empty is `None`. The
/// message names the date by its `label`; forms that show errors under their fields add the field with `.on(..)`.
pub fn form_date(label: &str, value: &str) -> Result<Option<Date>, ApiError> {
    match value.trim() {
        "" => Ok(None),
        d => passerelle_domain::french::parse_date(d).map(Some).ok_or_else(|| {
            ApiError::bad_request(
                "date_invalid",
                format!("La date « {d} » ({label}) doit être au format JJ/MM/AAAA (par exemple 31/03/2027)."),
            )
        }),
    }
}

/// Renders the form's page again with the refusal next to its field, with the refusal's status; a record out of
/// reach, a forbidden act or a failure is an error page.
pub async fn refused_again<T, F, Fut>(e: ApiError, page: F) -> PageResult
where
    T: IntoResponse,
    F: FnOnce(FormError) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let status = e.status;
    if status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN || status.is_server_error() {
        return Err(e.into());
    }
    Ok((status, page(FormError::from_api(e)).await?).into_response())
}
