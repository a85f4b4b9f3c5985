//! The page of an immersion's signature link (docs/esat.md, « Signature by link »), for the person or the host
//! company's tutor, who have no account. Opening it shows the convention and a « Signer la convention » button and
//! signs nothing: mail scanners open the links they find. Pressing the button posts the form, which signs.
//!
//! The token is the only credential (256 random bits, single use, 14 days): a forged form cannot carry it, so the
//! form needs no session nor double-submit token. The page shows the convention only, never the person's file.

use super::kit::{PageResult, filters};
use super::session::Nav;
use crate::error::ApiError;
use crate::source::Source;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Router};
use passerelle_domain::pathways::esat::french_hours;
use passerelle_domain::pathways::immersion::convention::WEEKDAY_NAMES;
use passerelle_store::pathways::immersion::{LINK_PATH, LinkedConvention};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    use axum::routing::get;
    Router::new().route(LINK_PATH, get(open).post(sign))
}

#[derive(Template, WebTemplate)]
#[template(path = "immersion_link.html")]
struct LinkPage {
    nav: Nav,
    token: String,
    c: LinkedConvention,
    days: Vec<(&'static str, String)>,
    /// Just signed from this link: the confirmation.
    signed: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "immersion_link_refused.html")]
struct Refused {
    nav: Nav,
    reason: String,
}

#[derive(Deserialize)]
struct LinkQuery {
    #[serde(default)]
    jeton: String,
}

fn page(token: String, c: LinkedConvention, signed: bool) -> Response {
    let days = c
        .immersion
        .schedule
        .0
        .iter()
        .enumerate()
        .filter(|(_, m)| **m > 0)
        .map(|(d, m)| (WEEKDAY_NAMES[d], french_hours(*m)))
        .collect();
    LinkPage {
        nav: Nav::anonymous(),
        token,
        c,
        days,
        signed,
    }
    .into_response()
}

/// A link that is unknown (404), expired, used or whose convention no longer awaits it (410): what to do.
fn refused(e: ApiError) -> PageResult {
    let status = match e.code {
        "signature_link_unknown" => StatusCode::NOT_FOUND,
        code if code.starts_with("signature_link_") => StatusCode::GONE,
        _ => return Err(e.into()),
    };
    Ok((
        status,
        Refused {
            nav: Nav::anonymous(),
            reason: e.message,
        },
    )
        .into_response())
}

/// `GET /signature-immersion?jeton=…`: the convention and the button; journaled as a read, signs nothing.
async fn open(State(state): State<AppState>, Query(q): Query<LinkQuery>) -> PageResult {
    match state.store.signature_link(&q.jeton).await {
        Ok(c) => Ok(page(q.jeton, c, false)),
        Err(e) => refused(e.into()),
    }
}

/// `POST /signature-immersion`: signs with the link, once.
async fn sign(State(state): State<AppState>, Source(source): Source, Form(q): Form<LinkQuery>) -> PageResult {
    match state.store.sign_by_link(&q.jeton, &source).await {
        Ok(c) => Ok(page(String::new(), c, true)),
        Err(e) => refused(e.into()),
    }
}
