//! The pages every French public digital service owes its users, readable without an account and linked from
//! the footer of every page: the accessibility statement (RGAA 4.1), the legal notice and the personal data
//! page. What differs from one instance to the next (the operator, its contact) comes from [`Operator`].

use super::session::{Nav, Visitor, nav_of};
use crate::pages::kit::filters;
use crate::state::{AppState, Operator};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use passerelle_store::auth::password_reset::RESET_LINK_SECS;
use passerelle_store::auth::{ATTEMPT_WINDOW_SECS, MAX_ATTEMPTS};
use passerelle_store::privacy::retention::{DEFAULT_INACTIVE_DAYS, MIN_INACTIVE_DAYS};
use std::sync::Arc;
use time::Date;
use time::macros::date;

/// The day the accessibility statement was written, after the checks it reports; a new statement after an
/// audit moves it.
pub const ACCESSIBILITY_STATEMENT_DATE: Date = date!(2026 - 12 - 07);

/// The legal pages' routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accessibilite", get(accessibility))
        .route("/mentions-legales", get(legal_notice))
        .route("/donnees-personnelles", get(personal_data))
}

#[derive(Template, WebTemplate)]
#[template(path = "legal/accessibility.html")]
struct Accessibility {
    nav: Nav,
    operator: Arc<Operator>,
    established: Date,
}

async fn accessibility(State(state): State<AppState>, visitor: Option<Visitor>) -> Accessibility {
    Accessibility {
        nav: nav_of(visitor.as_ref(), ""),
        operator: state.operator.clone(),
        established: ACCESSIBILITY_STATEMENT_DATE,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "legal/notice.html")]
struct LegalNotice {
    nav: Nav,
    operator: Arc<Operator>,
}

async fn legal_notice(State(state): State<AppState>, visitor: Option<Visitor>) -> LegalNotice {
    LegalNotice {
        nav: nav_of(visitor.as_ref(), ""),
        operator: state.operator.clone(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "legal/personal_data.html")]
struct PersonalData {
    nav: Nav,
    operator: Arc<Operator>,
    /// The retention the code applies, read from its constants so that the page cannot drift from them.
    inactive_years: u32,
    min_inactive_days: u32,
    max_attempts: i64,
    attempt_window_minutes: i64,
    reset_link_minutes: i64,
}

async fn personal_data(State(state): State<AppState>, visitor: Option<Visitor>) -> PersonalData {
    PersonalData {
        nav: nav_of(visitor.as_ref(), ""),
        operator: state.operator.clone(),
        inactive_years: DEFAULT_INACTIVE_DAYS / 365,
        min_inactive_days: MIN_INACTIVE_DAYS,
        max_attempts: MAX_ATTEMPTS,
        attempt_window_minutes: ATTEMPT_WINDOW_SECS / 60,
        reset_link_minutes: RESET_LINK_SECS / 60,
    }
}
