//! Notices: a confirmation shown once, on the page a form redirects to (POST/redirect/GET). The redirect
//! sets a short-lived cookie naming the notice; the next page shows it and clears the cookie. Only the code
//! travels, so the words shown are always the project's own.

use crate::pages::session::{cookie, set_cookie};
use crate::state::AppState;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

pub const NOTICE_COOKIE: &str = "passerelle_notice";

/// How long a notice waits for its page, in seconds.
const NOTICE_SECONDS: i64 = 60;

/// What a form confirms after it succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    AgreementCreated,
    AgreementSaved,
    OfferPublished,
}

impl Notice {
    const ALL: [Notice; 3] = [Self::AgreementCreated, Self::AgreementSaved, Self::OfferPublished];

    fn code(self) -> &'static str {
        match self {
            Self::AgreementCreated => "agreement_created",
            Self::AgreementSaved => "agreement_saved",
            Self::OfferPublished => "offer_published",
        }
    }

    /// The words the page shows.
    pub fn message(self) -> &'static str {
        match self {
            Self::AgreementCreated => "Convention créée : complétez sa rédaction.",
            Self::AgreementSaved => "Convention enregistrée.",
            Self::OfferPublished => "Offre publiée.",
        }
    }

    /// The notice a request carries back from the redirect, if any.
    pub fn carried(headers: &HeaderMap) -> Option<Self> {
        let code = cookie(headers, NOTICE_COOKIE)?;
        Self::ALL.into_iter().find(|n| n.code() == code)
    }

    /// A redirect (303) to `to` whose page will show this notice.
    pub fn redirect(self, state: &AppState, to: &str) -> Response {
        let mut response = Redirect::to(to).into_response();
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(state, NOTICE_COOKIE, self.code(), NOTICE_SECONDS),
        );
        response
    }
}
