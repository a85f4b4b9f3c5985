//! Errors as the API answers them: `{"error": {"code", "message", "field"}}` with a stable code.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use passerelle_domain::invalid::Invalid;
use passerelle_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub retry_after: Option<i64>,
}

/// The body of every error answer.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, documented in docs/api.md.
    pub code: String,
    /// What is wrong and what to do, in French.
    pub message: String,
    /// The field concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentification requise : fournissez un jeton « Authorization: Bearer ».",
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} introuvable."))
    }

    pub fn on(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn body_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "Le corps de la requête dépasse la taille acceptée (1 Mo ; 10 Mo pour un document de réunion).",
        )
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl From<Invalid> for ApiError {
    fn from(i: Invalid) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: i.code,
            message: i.message,
            field: i.field,
            retry_after: None,
        }
    }
}

impl From<passerelle_app::AppError> for ApiError {
    fn from(e: passerelle_app::AppError) -> Self {
        match e {
            passerelle_app::AppError::Invalid(i) => i.into(),
            passerelle_app::AppError::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(i) => i.into(),
            StoreError::NotFound { entity } => {
                let mut chars = entity.chars();
                let capitalised: String = chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
                Self::not_found(&capitalised)
            }
            StoreError::Forbidden { code, message } => Self::new(StatusCode::FORBIDDEN, code, message),
            StoreError::Conflict { code, message } => Self::new(StatusCode::CONFLICT, code, message),
            StoreError::BadCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "Adresse électronique ou mot de passe incorrect.",
            ),
            StoreError::SecondFactorRequired => Self::new(
                StatusCode::UNAUTHORIZED,
                "second_factor_required",
                "Saisissez le code à 6 chiffres de votre application d'authentification.",
            ),
            StoreError::SecondFactorInvalid => Self::new(
                StatusCode::UNAUTHORIZED,
                "second_factor_invalid",
                "Code de vérification incorrect, expiré ou déjà utilisé.",
            ),
            StoreError::TooManyAttempts { retry_after_secs } => Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    format!(
                        "Trop de tentatives : réessayez dans {} minute(s).",
                        (retry_after_secs + 59) / 60
                    ),
                )
            },
            e @ StoreError::Database(_) if e.is_busy() => {
                tracing::warn!(error = %e, "database busy");
                Self {
                    retry_after: Some(2),
                    ..Self::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "service_busy",
                        "Le service est momentanément surchargé : l'opération n'a pas été enregistrée, réessayez dans \
                         quelques secondes.",
                    )
                }
            }
            StoreError::Database(e) => {
                tracing::error!(error = %e, "database error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "Erreur interne : l'opération n'a pas été enregistrée.",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                field: self.field,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(v) = self
            .retry_after
            .and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_asks_to_retry() {
        let busy = ApiError::from(StoreError::Database(sqlx::Error::PoolTimedOut));
        assert_eq!(
            (busy.status, busy.code, busy.retry_after),
            (StatusCode::SERVICE_UNAVAILABLE, "service_busy", Some(2))
        );
        let broken = ApiError::from(StoreError::Database(sqlx::Error::RowNotFound));
        assert_eq!(
            (broken.status, broken.code),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
        );
    }
}
