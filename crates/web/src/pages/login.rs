//! The login form and logout.

use super::session::{LOGIN_CSRF_COOKIE, Nav, SESSION_COOKIE, Visitor, constant_time_eq, cookie, set_cookie};
use crate::error::ApiError;
use crate::source::Source;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use passerelle_store::auth::SessionKind;
use passerelle_store::auth::random_token as token;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    csrf: String,
    next: String,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    suite: Option<String>,
}

/// Only local paths are followed after login, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn page(state: &AppState, status: StatusCode, next: String, email: String, error: Option<String>) -> Response {
    let csrf = token();
    let mut response = (
        status,
        LoginPage {
            nav: Nav::anonymous(),
            csrf: csrf.clone(),
            next,
            email,
            error,
        },
    )
        .into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, LOGIN_CSRF_COOKIE, &csrf, 3600));
    response
}

pub async fn form(State(state): State<AppState>, Query(q): Query<LoginQuery>) -> Response {
    page(
        &state,
        StatusCode::OK,
        safe_next(q.suite.as_deref()),
        String::new(),
        None,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    next: Option<String>,
    email: String,
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Source(source): Source,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), f.csrf.as_bytes()) {
        let msg = "Le formulaire a expiré : saisissez à nouveau vos identifiants.".to_owned();
        return page(&state, StatusCode::FORBIDDEN, next, f.email, Some(msg));
    }
    match state
        .store
        .login_with_code(&f.email, &f.password, Some(&f.code), &source, SessionKind::Web)
        .await
    {
        Ok(session) => {
            // A new token at every login: a session id planted before login is never reused.
            let mut response = Redirect::to(&next).into_response();
            let headers = response.headers_mut();
            headers.append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &session.token, 8 * 3600),
            );
            headers.append(header::SET_COOKIE, set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0));
            response
        }
        Err(e) => {
            let e = ApiError::from(e);
            page(&state, e.status, next, f.email, Some(e.message))
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

pub async fn logout(State(state): State<AppState>, visitor: Visitor, Form(f): Form<LogoutForm>) -> Response {
    if !visitor.csrf_ok(&f.csrf) {
        return super::error_page(
            &visitor.nav(""),
            ApiError::new(StatusCode::FORBIDDEN, "csrf_invalid", "Formulaire expiré."),
        );
    }
    if let Err(e) = state.store.logout(&visitor.token).await {
        return super::error_page(&visitor.nav(""), e.into());
    }
    let mut response = Redirect::to("/connexion").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&state, SESSION_COOKIE, "", 0));
    response
}
