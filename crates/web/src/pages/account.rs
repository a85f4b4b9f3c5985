//! `/compte/securite`: the account's optional second factor (TOTP). Turning it on shows a key to type (or an
//! `otpauth://` address to open) in an authenticator application, then asks for a first code and shows the
//! recovery codes once; replacing the recovery codes or turning the factor off asks for a current code.

use super::kit::{CsrfForm, PageResult};
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use passerelle_domain::totp;
use passerelle_store::auth::second_factor::SecondFactor;
use serde::Deserialize;

const SECTION: &str = "compte";

#[derive(Template, WebTemplate)]
#[template(path = "account_security.html")]
struct SecurityPage {
    nav: Nav,
    /// Recovery codes not used yet, when the factor is on.
    enabled: Option<i64>,
    /// The key being enrolled, in groups of four for typing, and its address.
    key: Option<(String, String)>,
    /// Recovery codes just drawn: shown this once (only their hashes are kept).
    codes: Vec<String>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    error: Option<String>,
    codes: Vec<String>,
) -> PageResult {
    let nav = visitor.nav(SECTION);
    let factor = state.store.second_factor(&visitor.ctx).await?;
    let key = match &factor {
        SecondFactor::Enrolling { secret } => {
            let account = visitor.ctx.email().unwrap_or("compte");
            let typed = totp::in_groups_of_four(&totp::base32_encode(secret), " ");
            Some((typed, totp::otpauth_uri(secret, "Passerelle", account)))
        }
        _ => None,
    };
    let page = SecurityPage {
        nav,
        enabled: match factor {
            SecondFactor::On { recovery_codes_left } => Some(recovery_codes_left),
            _ => None,
        },
        key,
        codes,
        error,
    };
    // The key being enrolled and the recovery codes are secrets: no cache keeps them.
    let mut response = (status, page).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn page(State(state): State<AppState>, visitor: Visitor) -> PageResult {
    render(&state, &visitor, StatusCode::OK, None, Vec::new()).await
}

#[derive(Deserialize)]
pub struct SecurityForm {
    #[serde(default)]
    code: String,
}

pub async fn act(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(action): Path<String>,
    CsrfForm(form): CsrfForm<SecurityForm>,
) -> PageResult {
    let store = &state.store;
    // New recovery codes are answered in the page itself, not after a redirect: they are shown once.
    let result = match action.as_str() {
        "activer" => store.start_second_factor(&visitor.ctx).await.map(|_| Vec::new()),
        "confirmer" => store.confirm_second_factor(&visitor.ctx, &form.code).await,
        "codes-de-secours" => store.regenerate_recovery_codes(&visitor.ctx, &form.code).await,
        "desactiver" => store
            .disable_second_factor(&visitor.ctx, &form.code)
            .await
            .map(|_| Vec::new()),
        _ => return Err(ApiError::not_found("Action").into()),
    };
    match result {
        Ok(codes) if codes.is_empty() => Ok(Redirect::to("/compte/securite").into_response()),
        Ok(codes) => render(&state, &visitor, StatusCode::OK, None, codes).await,
        Err(e) => {
            let e = ApiError::from(e);
            render(&state, &visitor, e.status, Some(e.message), Vec::new()).await
        }
    }
}

/// The account security pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/compte/securite", get(page))
        .route("/compte/securite/{action}", post(act))
}
