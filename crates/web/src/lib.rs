//! Passerelle's HTTP server: the JSON API under `/api/v1` (described at `/api/openapi.json`) and the French
//! pages, in Passerelle's neutral theme or the State design system (DSFR) (docs/themes.md).

pub mod annual_report;
pub mod api;
pub mod attachment;
pub mod error;
pub mod extract;
pub mod inputs;
pub mod pages;
pub mod rejection;
pub mod respond;
pub mod security;
pub mod source;
pub mod state;
pub mod theme;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use state::AppState;
use std::path::PathBuf;
use tower_http::services::ServeDir;

/// The largest request body accepted (imports go through the command line).
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The application with all its routes, and the OpenAPI document describing the API.
pub fn app(state: AppState) -> (Router, utoipa::openapi::OpenApi) {
    let (api, mut openapi) = api::router().split_for_parts();
    utoipa::Modify::modify(&api::answers::CommonAnswers, &mut openapi);
    // Serialized once: the router is cloned for every connection, and a handler capturing the document itself
    // would copy its ~600 KB of small allocations each time (measured: a burst of 200 logins left the server at
    // 1.1 GB in debug, 0.74 GB without the copies; docs/reliability.md). Bytes are shared.
    let spec = match serde_json::to_vec(&openapi) {
        Ok(json) => Ok(axum::body::Bytes::from(json)),
        Err(e) => Err(e.to_string()),
    };
    let static_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/static");
    let mut router = Router::new()
        .merge(api)
        .merge(pages::router())
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(move || async move { openapi_json(spec) }))
        .nest_service("/static", ServeDir::new(static_dir));
    // The DSFR's files only for a State deployment: elsewhere its terms forbid them (docs/themes.md).
    if let theme::Theme::Dsfr { dir } = &state.theme {
        router = router.nest_service("/dsfr", ServeDir::new(dir));
    }
    let frame = theme::Frame::of(&state);
    let router = router
        .fallback(fallback)
        .layer(axum::middleware::from_fn(rejection::in_french))
        .layer(axum::middleware::from_fn(security::same_origin))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(move |request, next| {
            theme::framed(frame.clone(), request, next)
        }))
        .with_state(state);
    (router, openapi)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    let mut db = state.store.pool().clone();
    match passerelle_store::infra::sql::Executor::fetch_one(
        &mut db,
        passerelle_store::infra::sql::query("SELECT 1 AS ok"),
    )
    .await
    {
        Ok(_) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "database": state.store.pool().backend()})),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "database_unavailable"})),
        ),
    }
}

/// The OpenAPI document, serialized at start-up.
fn openapi_json(spec: Result<axum::body::Bytes, String>) -> axum::response::Response {
    match spec {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    }
}

/// Unknown addresses: JSON under `/api`, a page elsewhere.
async fn fallback(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        error::ApiError::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            format!("Aucune route {}.", uri.path()),
        )
        .into_response()
    } else {
        pages::not_found().await
    }
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let (router, _) = app(state);
    // The peer's address is kept for the login lockout (`source::Source`).
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown()).await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
