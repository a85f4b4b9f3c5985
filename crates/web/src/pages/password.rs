//! « Mot de passe oublié » (docs/security.md, « Password reset »): the form that asks for the address and
//! answers the same whether or not an account has it, and the page of the e-mailed link that sets a new
//! password. Both are posted before any session exists, so they carry a double-submit token like the login.

use super::kit::{FormError, Notice, PageResult};
use super::session::{Nav, double_submit_ok, set_cookie};
use crate::error::ApiError;
use crate::source::Source;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Router};
use passerelle_store::auth::password_reset::RESET_PATH;
use passerelle_store::auth::{MIN_PASSWORD_CHARS, random_token};
use serde::Deserialize;

/// The double-submit token of the two forms, apart from the login's so that a login page opened in another
/// tab does not expire them.
const RESET_CSRF_COOKIE: &str = "passerelle_reset_csrf";
const FORGOTTEN_PATH: &str = "/mot-de-passe-oublie";

pub fn router() -> Router<AppState> {
    use axum::routing::get;
    Router::new()
        .route(FORGOTTEN_PATH, get(forgotten).post(request))
        .route(RESET_PATH, get(choose).post(reset))
}

/// The error shown when the token of a form is not the one its page set.
fn expired_form() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf_invalid",
        "Le formulaire a expiré : saisissez à nouveau et recommencez.",
    )
}

/// `page` with `status` and a fresh double-submit token in its form and cookie.
fn with_token<T: IntoResponse>(state: &AppState, status: StatusCode, page: impl FnOnce(String) -> T) -> Response {
    let csrf = random_token();
    let mut response = (status, page(csrf.clone())).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, RESET_CSRF_COOKIE, &csrf, 3600));
    response
}

#[derive(Template, WebTemplate)]
#[template(path = "password/forgotten.html")]
struct Forgotten {
    nav: Nav,
    csrf: String,
    email: String,
    error: FormError,
}

fn forgotten_page(state: &AppState, status: StatusCode, email: String, error: FormError) -> Response {
    with_token(state, status, |csrf| Forgotten {
        nav: Nav::anonymous(),
        csrf,
        email,
        error,
    })
}

async fn forgotten(State(state): State<AppState>) -> Response {
    forgotten_page(&state, StatusCode::OK, String::new(), FormError::default())
}

#[derive(Deserialize)]
struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

async fn request(
    State(state): State<AppState>,
    Source(source): Source,
    headers: HeaderMap,
    Form(f): Form<RequestForm>,
) -> PageResult {
    let refusal = if double_submit_ok(&headers, RESET_CSRF_COOKIE, &f.csrf) {
        match state
            .store
            .request_password_reset(&f.email, &source, &state.operator.public_url)
            .await
        {
            // Whether a mail left or not, the same redirect and the same words.
            Ok(_) => return Ok(Notice::PasswordResetRequested.redirect(&state, "/connexion")),
            Err(e) => ApiError::from(e),
        }
    } else {
        expired_form()
    };
    if refusal.status.is_server_error() {
        return Err(refusal.into());
    }
    Ok(forgotten_page(
        &state,
        refusal.status,
        f.email,
        FormError::from_api(refusal),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "password/new.html")]
struct Choose {
    nav: Nav,
    csrf: String,
    token: String,
    min_chars: usize,
    error: FormError,
    /// Why the link does not open the form; the page then offers a new link instead.
    refused: Option<String>,
}

fn choose_page(state: &AppState, status: StatusCode, token: String, error: FormError) -> Response {
    with_token(state, status, |csrf| Choose {
        nav: Nav::anonymous(),
        csrf,
        token,
        min_chars: MIN_PASSWORD_CHARS,
        error,
        refused: None,
    })
}

/// The page of a link that is expired (410), already used (410) or unknown (404).
fn refused_link(e: ApiError) -> Response {
    let status = if e.code == "reset_link_unknown" {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::GONE
    };
    let page = Choose {
        nav: Nav::anonymous(),
        csrf: String::new(),
        token: String::new(),
        min_chars: MIN_PASSWORD_CHARS,
        error: FormError::default(),
        refused: Some(e.message),
    };
    (status, page).into_response()
}

fn is_link_refusal(e: &ApiError) -> bool {
    e.code.starts_with("reset_link_")
}

#[derive(Deserialize)]
struct LinkQuery {
    #[serde(default)]
    jeton: String,
}

async fn choose(State(state): State<AppState>, Query(q): Query<LinkQuery>) -> PageResult {
    match state.store.check_password_reset(&q.jeton).await.map_err(ApiError::from) {
        Ok(()) => Ok(choose_page(&state, StatusCode::OK, q.jeton, FormError::default())),
        Err(e) if is_link_refusal(&e) => Ok(refused_link(e)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    jeton: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

async fn reset(
    State(state): State<AppState>,
    Source(source): Source,
    headers: HeaderMap,
    Form(f): Form<ResetForm>,
) -> PageResult {
    let refusal = if !double_submit_ok(&headers, RESET_CSRF_COOKIE, &f.csrf) {
        expired_form()
    } else if f.password != f.confirmation {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "password_mismatch",
            "Les deux saisies du mot de passe diffèrent : saisissez le même mot de passe dans les deux champs.",
        )
        .on("confirmation")
    } else {
        match state.store.reset_password(&f.jeton, &f.password, &source).await {
            Ok(()) => return Ok(Notice::PasswordChanged.redirect(&state, "/connexion")),
            Err(e) => ApiError::from(e),
        }
    };
    if is_link_refusal(&refusal) {
        return Ok(refused_link(refusal));
    }
    if refusal.status.is_server_error() {
        return Err(refusal.into());
    }
    // The link is kept; the passwords are not written back into the page, as no form of the site does.
    Ok(choose_page(
        &state,
        refusal.status,
        f.jeton,
        FormError::from_api(refusal),
    ))
}
