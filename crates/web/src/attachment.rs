//! A file from a use case answered as a download.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use passerelle_app::Download;

/// `file` as an attachment, under its proposed name.
pub fn attachment(file: Download) -> Response {
    (
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.file_name),
            ),
        ],
        file.bytes,
    )
        .into_response()
}
