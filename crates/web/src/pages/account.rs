//! `/compte/securite`: the account's optional second factor (TOTP). Turning it on shows a key to type (or an
//! `otpauth://` address to open) in an authenticator application, then asks for a first code; turning it off
//! asks for a current code.

use super::error_page;
use super::iae::csrf_refused;
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use passerelle_domain::totp;
use passerelle_store::second_factor::SecondFactor;
use serde::Deserialize;

const SECTION: &str = "compte";

#[derive(Template, WebTemplate)]
#[template(path = "account_security.html")]
struct SecurityPage {
    nav: Nav,
    enabled: bool,
    /// The key being enrolled, in groups of four for typing, and its address.
    key: Option<(String, String)>,
    error: Option<String>,
}

async fn render(state: &AppState, visitor: &Visitor, status: StatusCode, error: Option<String>) -> Response {
    let nav = visitor.nav(SECTION);
    let factor = match state.store.second_factor(&visitor.ctx).await {
        Ok(f) => f,
        Err(e) => return error_page(&nav, e.into()),
    };
    let key = match &factor {
        SecondFactor::Enrolling { secret } => {
            let account = visitor.ctx.email().unwrap_or("compte");
            let typed = totp::base32_encode(secret)
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            Some((typed, totp::otpauth_uri(secret, "Passerelle", account)))
        }
        _ => None,
    };
    let page = SecurityPage {
        nav,
        enabled: factor == SecondFactor::On,
        key,
        error,
    };
    (status, page).into_response()
}

pub async fn page(State(state): State<AppState>, visitor: Visitor) -> Response {
    render(&state, &visitor, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct SecurityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

pub async fn act(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(action): Path<String>,
    Form(form): Form<SecurityForm>,
) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf, SECTION) {
        return r;
    }
    let store = &state.store;
    let result = match action.as_str() {
        "activer" => store.start_second_factor(&visitor.ctx).await.map(|_| ()),
        "confirmer" => store.confirm_second_factor(&visitor.ctx, &form.code).await,
        "desactiver" => store.disable_second_factor(&visitor.ctx, &form.code).await,
        _ => return error_page(&visitor.nav(SECTION), ApiError::not_found("Action")),
    };
    match result {
        Ok(()) => Redirect::to("/compte/securite").into_response(),
        Err(e) => {
            let e = ApiError::from(e);
            render(&state, &visitor, e.status, Some(e.message)).await
        }
    }
}
