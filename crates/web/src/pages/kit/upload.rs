//! A form that sends a file (`multipart/form-data`): [`CsrfUpload`] checks its CSRF token as [`super::CsrfForm`]
//! does and hands the handler the one file it carries, or why it could not be read (too large, malformed), so
//! that the page comes back with the message under its file field.

use super::csrf::SessionCsrf;
use super::error::PageError;
use crate::error::ApiError;
use crate::pages::session::constant_time_eq;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The field of the form that carries the file.
pub const FILE_FIELD: &str = "file";

/// A file as the browser sent it: its name, its declared type and its bytes.
pub struct UploadedFile {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A file form whose CSRF token has been checked: the file, or the refusal to show under its field.
pub struct CsrfUpload(pub Result<UploadedFile, ApiError>);

impl<S: Send + Sync> FromRequest<S> for CsrfUpload {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let session = request.extensions().get::<SessionCsrf>().cloned();
        let expired = || {
            PageError(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf_invalid",
                "Formulaire expiré : rechargez la page et recommencez.",
            ))
            .into_response()
        };
        let mut multipart = Multipart::from_request(request, state).await.map_err(|_| expired())?;
        let mut token_ok = false;
        let mut file = None;
        // The page puts the token before the file: a body cut short by its size limit still has its token read.
        let read = async {
            while let Some(field) = multipart.next_field().await? {
                match field.name() {
                    Some("csrf") => {
                        let token = field.text().await?;
                        token_ok = session.as_ref().is_some_and(|SessionCsrf(expected)| {
                            constant_time_eq(expected.as_bytes(), token.as_bytes())
                        });
                    }
                    Some(FILE_FIELD) => {
                        let file_name = field.file_name().unwrap_or_default().to_owned();
                        let content_type = field.content_type().unwrap_or_default().to_owned();
                        let content = field.bytes().await?.to_vec();
                        file = Some(UploadedFile {
                            file_name,
                            content_type,
                            content,
                        });
                    }
                    _ => {}
                }
            }
            Ok::<_, MultipartError>(())
        };
        let read = read.await;
        if !token_ok {
            return Err(expired());
        }
        Ok(Self(match read {
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "document_too_large",
                "Le document dépasse 10 Mo : joignez un fichier plus petit.",
            )
            .on(FILE_FIELD)),
            Err(_) => Err(ApiError::bad_request(
                "upload_unreadable",
                "Le document n'a pas pu être lu : choisissez-le de nouveau et recommencez.",
            )
            .on(FILE_FIELD)),
            Ok(()) => file.filter(|f| !f.file_name.is_empty()).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "document_missing",
                    "Choisissez le document à joindre.",
                )
                .on(FILE_FIELD)
            }),
        }))
    }
}
