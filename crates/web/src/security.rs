//! Security headers on every answer, and the same-origin check of unsafe requests.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The security headers, and `Cache-Control: no-store` on every answer but the static assets: pages, API
/// answers and documents may carry personal data (a person, a file, a shared skills record), and telling
/// which do would be one more thing to get wrong; only the design system and the site's own files are
/// cached by browsers and proxies.
pub async fn headers(request: Request, next: Next) -> Response {
    let cacheable = is_static_asset(request.uri().path());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !cacheable {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The files served as they are (`/dsfr`, `/static`), the same for every visitor.
fn is_static_asset(path: &str) -> bool {
    ["/dsfr/", "/static/"].iter().any(|prefix| path.starts_with(prefix))
}

/// Browsers send `Origin` with unsafe requests: a foreign origin is refused before any handler runs,
/// on top of the CSRF token of the forms.
pub async fn same_origin(request: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        let origin = request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let host = request.headers().get(header::HOST).and_then(|v| v.to_str().ok());
        if let (Some(origin), Some(host)) = (origin, host) {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
            if origin_host != host {
                return (StatusCode::FORBIDDEN, "Requête refusée : origine étrangère.").into_response();
            }
        }
    }
    next.run(request).await
}
