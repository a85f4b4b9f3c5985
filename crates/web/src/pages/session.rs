//! Browser sessions: the session cookie, the CSRF token of forms, and the signed-in page visitor.

use super::kit::Crumb;
use super::kit::csrf::SessionCsrf;
use super::kit::error_page;
use super::kit::notice::{NOTICE_COOKIE, Notice};
use super::kit::visit::Visit;
use super::waiting::{Count, Freshness, MenuCounts};
use crate::state::AppState;
use crate::theme::Frame;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use passerelle_domain::directory::OrganisationKind;
use passerelle_store::auth::SessionKind;
use passerelle_store::{AccessContext, MemberRole};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "passerelle_session";
/// Double-submit token of the login form, before any session exists.
pub const LOGIN_CSRF_COOKIE: &str = "passerelle_login_csrf";

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure behind HTTPS; `max_age` 0 deletes it.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// What the navigation shows: the user's name and the CSRF token of the logout form.
pub struct Nav {
    pub user: Option<String>,
    pub csrf: String,
    pub section: &'static str,
    /// The user belongs to a France Travail, Cap emploi or Mission locale organisation: the referent's page.
    pub spe: bool,
    /// The user belongs to an ESAT: the ESAT workers' page.
    pub esat: bool,
    /// The user may prescribe an immersion (PMSMP) or hosts them as an employer: the immersions' page.
    pub immersions: bool,
    /// The user administers an organisation: the journal of its members' reads.
    pub admin: bool,
    /// The user belongs to a DDETS or a DREETS: the AI's waiver requests to decide.
    pub state: bool,
    /// The user belongs to a supported-employment scheme: the counsellors' dashboard.
    pub supported: bool,
    /// The confirmation of the form that led here, shown once.
    pub notice: Option<&'static str>,
    /// Unread notifications of the user's organisations, on the menu.
    pub unread: i64,
    /// What waits on each page of the « Personnes » menu, as the home counts it.
    pub waiting: MenuCounts,
    /// The breadcrumb trail of a page under a list; empty elsewhere.
    pub crumbs: Vec<Crumb>,
    /// The theme and the operator's name around the page.
    pub frame: Frame,
}

impl Nav {
    /// The page is one of the « Personnes » menu's: the menu is marked current.
    pub fn in_people(&self) -> bool {
        matches!(
            self.section,
            "personnes"
                | "parcours"
                | "candidatures"
                | "orientations"
                | "referent"
                | "esat"
                | "immersions"
                | "emploi-accompagne"
                | "esat-partage"
        )
    }

    /// The page is one of the « Partenariats » menu's.
    pub fn in_partnerships(&self) -> bool {
        matches!(self.section, "conventions" | "instances" | "echeances" | "derogations")
    }

    /// The page sits under a list: its breadcrumb trail (built with [`super::kit::Crumbs`]).
    pub fn trail(self, crumbs: Vec<Crumb>) -> Self {
        Self { crumbs, ..self }
    }

    pub fn anonymous() -> Self {
        Self {
            user: None,
            csrf: String::new(),
            section: "",
            spe: false,
            esat: false,
            immersions: false,
            admin: false,
            state: false,
            supported: false,
            notice: None,
            unread: 0,
            waiting: MenuCounts::default(),
            crumbs: Vec::new(),
            frame: Frame::current(),
        }
    }
}

/// A signed-in visitor; without a valid session cookie the visitor is sent to the login page.
pub struct Visitor {
    pub ctx: AccessContext,
    pub csrf: String,
    pub token: String,
    /// The notice the previous form left for this page.
    pub notice: Option<Notice>,
    /// Unread notifications of the visitor's organisations.
    pub unread: i64,
    /// What waits for the visitor's organisations, by kind (the home's list, the menu's counts).
    pub waiting: Arc<Vec<Count>>,
}

impl Visitor {
    /// Whether one of the visitor's organisations may prescribe an immersion, and so draft its convention.
    pub fn drafts_immersions(&self) -> bool {
        self.ctx
            .memberships()
            .iter()
            .any(|m| passerelle_domain::pathways::immersion::convention::check_prescriber(m.kind).is_ok())
    }

    pub fn nav(&self, section: &'static str) -> Nav {
        Nav {
            user: Some(self.ctx.display_name().to_owned()),
            csrf: self.csrf.clone(),
            section,
            spe: self.ctx.memberships().iter().any(|m| m.kind.is_spe()),
            esat: self.ctx.memberships().iter().any(|m| m.kind == OrganisationKind::Esat),
            immersions: self.drafts_immersions()
                || self
                    .ctx
                    .memberships()
                    .iter()
                    .any(|m| passerelle_domain::pathways::immersion::convention::only_hosts(m.kind)),
            admin: self.ctx.memberships().iter().any(|m| m.role == MemberRole::Admin),
            state: self
                .ctx
                .memberships()
                .iter()
                .any(|m| matches!(m.kind, OrganisationKind::Ddets | OrganisationKind::Dreets)),
            supported: self
                .ctx
                .memberships()
                .iter()
                .any(|m| m.kind == passerelle_domain::directory::OrganisationKind::SupportedEmployment),
            notice: self.notice.map(Notice::message),
            unread: self.unread,
            waiting: MenuCounts::new(&self.waiting),
            crumbs: Vec::new(),
            frame: Frame::current(),
        }
    }
}

/// The double-submit check of the forms posted before any session exists (login, password reset): the token of
/// the form must be the one the page set in the cookie `name`.
pub fn double_submit_ok(headers: &HeaderMap, name: &str, token: &str) -> bool {
    let expected = cookie(headers, name).unwrap_or("");
    !expected.is_empty() && constant_time_eq(expected.as_bytes(), token.as_bytes())
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let login = || {
            let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let query = serde_urlencoded::to_string([("suite", next)]).unwrap_or_default();
            Redirect::to(&format!("/connexion?{query}")).into_response()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned) else {
            return Err(login());
        };
        match state.store.authenticate(&token, SessionKind::Web).await {
            Ok(Some((ctx, csrf))) => {
                let unread = match state.store.unread_notifications(&ctx).await {
                    Ok(n) => n,
                    Err(e) => return Err(error_page(&Nav::anonymous(), crate::error::ApiError::from(e))),
                };
                let waiting = match state.waiting.of(&state.store, &ctx, freshness(parts)).await {
                    Ok(counts) => counts,
                    Err(e) => return Err(error_page(&Nav::anonymous(), e)),
                };
                let visitor = Self {
                    ctx,
                    csrf,
                    token,
                    notice: Notice::carried(&parts.headers),
                    unread,
                    waiting,
                };
                // Left for the page kit: the token its form extractor checks, the navigation of an error page,
                // and the notice to clear once shown.
                parts.extensions.insert(SessionCsrf(visitor.csrf.clone()));
                if let Some(visit) = parts.extensions.get::<Visit>() {
                    visit.navigation(visitor.nav(""));
                    if visitor.notice.is_some() {
                        visit.notice_shown(set_cookie(state, NOTICE_COOKIE, "", 0));
                    }
                }
                Ok(visitor)
            }
            Ok(None) => Err(login()),
            Err(e) => Err(error_page(&Nav::anonymous(), crate::error::ApiError::from(e))),
        }
    }
}

/// A form the user posts may change what waits; the home counts it afresh; other pages show the counts kept
/// for the menu.
fn freshness(parts: &Parts) -> Freshness {
    if !matches!(parts.method, Method::GET | Method::HEAD) {
        Freshness::Acting
    } else if parts.uri.path() == "/" {
        Freshness::Afresh
    } else {
        Freshness::Kept
    }
}

/// On the pages anyone may read (legal pages, password reset), a signed-in visitor keeps their navigation and
/// anyone else reads the page without being sent to the login.
impl OptionalFromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        Ok(<Self as FromRequestParts<AppState>>::from_request_parts(parts, state)
            .await
            .ok())
    }
}

/// The navigation of a page anyone may read: the signed-in visitor's, or the anonymous one.
pub fn nav_of(visitor: Option<&Visitor>, section: &'static str) -> Nav {
    visitor.map_or_else(Nav::anonymous, |v| v.nav(section))
}
