//! The login form and logout.

use super::kit::notice::NOTICE_COOKIE;
use super::kit::{CsrfForm, Notice, PageResult, TokenOnly};
use super::session::{LOGIN_CSRF_COOKIE, Nav, SESSION_COOKIE, Visitor, double_submit_ok, set_cookie};
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
    /// ProConnect is configured: its button above the password form.
    proconnect: bool,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    suite: Option<String>,
}

/// Only a path of this site is followed after login, never another site; anything else goes home.
pub(super) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if same_origin_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// One leading `/` and no second one right after it (`//host` is another site), no backslash (browsers
/// read `/\host` as `//host`) and no control character (browsers drop tab, CR and LF, turning `/\t/host`
/// into `//host`; a header cannot carry them), in the value and in each of its %-decodings.
fn same_origin_path(path: &str) -> bool {
    let mut current = path.to_owned();
    loop {
        let local = current.starts_with('/')
            && !current.starts_with("//")
            && !current.contains('\\')
            && !current.chars().any(char::is_control);
        if !local {
            return false;
        }
        let decoded = percent_decoded(&current);
        if decoded == current {
            return true;
        }
        current = decoded;
    }
}

/// `value` with its `%XX` escapes decoded once (bytes that are not UTF-8 become U+FFFD).
fn percent_decoded(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn page(state: &AppState, status: StatusCode, next: String, email: String, error: Option<String>) -> Response {
    page_with(state, status, LoginPage::new(next, email, error))
}

impl LoginPage {
    fn new(next: String, email: String, error: Option<String>) -> Self {
        Self {
            nav: Nav::anonymous(),
            csrf: token(),
            next,
            email,
            error,
            proconnect: false,
        }
    }
}

fn page_with(state: &AppState, status: StatusCode, mut login: LoginPage) -> Response {
    login.proconnect = state.proconnect.is_some();
    let csrf = login.csrf.clone();
    let mut response = (status, login).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, LOGIN_CSRF_COOKIE, &csrf, 3600));
    response
}

/// The login form; it shows, once, the notice of the password-reset form that led here.
pub async fn form(State(state): State<AppState>, Query(q): Query<LoginQuery>, headers: HeaderMap) -> Response {
    let mut login = LoginPage::new(safe_next(q.suite.as_deref()), String::new(), None);
    let notice = Notice::carried(&headers);
    login.nav.notice = notice.map(Notice::message);
    let mut response = page_with(&state, StatusCode::OK, login);
    if notice.is_some() {
        response
            .headers_mut()
            .append(header::SET_COOKIE, set_cookie(&state, NOTICE_COOKIE, "", 0));
    }
    response
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
    if !double_submit_ok(&headers, LOGIN_CSRF_COOKIE, &f.csrf) {
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

pub async fn logout(State(state): State<AppState>, visitor: Visitor, _: CsrfForm<TokenOnly>) -> PageResult {
    let id_token = state.store.logout(&visitor.token).await?;
    let next = super::proconnect::after_logout(&state, id_token.as_deref()).await;
    let mut response = Redirect::to(&next).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&state, SESSION_COOKIE, "", 0));
    Ok(response)
}

/// The sign-in and sign-out pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/connexion", get(form).post(submit))
        .route("/deconnexion", post(logout))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    /// Finding 6 of « Integrity and privacy »: after login, only a path of this site is followed.
    #[test]
    fn only_paths_of_this_site() {
        for kept in [
            "/annuaire",
            "/personnes?page=2&q=a%20b",
            "/indicateurs?x=a%2Fb",
            "/carnet/%C3%A9t%C3%A9",
        ] {
            assert_eq!(safe_next(Some(kept)), kept);
        }
        for refused in [
            "/%09/evil.example/x",
            "/\t/evil.example/x",
            "/\r\n/evil.example",
            "/a\nSet-Cookie: x=y",
            "/\u{7f}/evil.example",
            "//evil.example/x",
            "/\\evil.example",
            "/%2F/evil.example",
            "/%252F%252Fevil.example",
            "/%5Cevil.example",
            "/%0d%0aSet-Cookie:x",
            "https://evil.example",
            "evil.example",
            " /annuaire",
            "",
        ] {
            assert_eq!(safe_next(Some(refused)), "/", "{refused:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
