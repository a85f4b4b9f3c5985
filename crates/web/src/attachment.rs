//! A file from a use case answered as a download.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use passerelle_app::Download;

/// `file` as an attachment, under its proposed name.
pub fn attachment(file: Download) -> Response {
    file_answer(file.content_type, &file.file_name, file.bytes)
}

/// `body` as an attachment of `content_type` named `file_name`: every download of the API and the pages.
pub fn file_answer(content_type: impl Into<String>, file_name: &str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.into()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
