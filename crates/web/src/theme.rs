//! The look of the pages (docs/themes.md): Passerelle's own neutral theme by default, or the State design system
//! (DSFR), whose terms reserve it to State services, when the operator declares a State deployment. One set of
//! templates: `base.html` alone switches its head, header, footer and scripts on the page's [`Frame`].

use crate::state::AppState;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Theme {
    /// Passerelle's own stylesheet and script (`/static/neutral.css`, `/static/neutral.js`), system fonts.
    Neutral,
    /// The DSFR, its `dist` folder served under `/dsfr`.
    Dsfr { dir: PathBuf },
}

/// What every page shows around its content: the theme's assets and whose service it is.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// The DSFR's assets, Marianne and the « République française » block; else the neutral theme's.
    pub dsfr: bool,
    /// The organisation running the instance, named in the neutral header (the DSFR's names the State).
    pub operator: Arc<str>,
}

tokio::task_local! {
    /// The frame of the page being answered. A task-local rather than an argument: the navigation of a page is
    /// built in many places that know nothing of the server's state (anonymous pages, error pages).
    static FRAME: Frame;
}

impl Frame {
    pub fn of(state: &AppState) -> Frame {
        Frame {
            dsfr: matches!(state.theme, Theme::Dsfr { .. }),
            operator: state.operator.name.as_str().into(),
        }
    }

    /// The frame of the request being answered ([`framed`] sets it on every request).
    pub fn current() -> Frame {
        FRAME.try_with(Frame::clone).unwrap_or_default()
    }
}

/// Middleware: answers the request within the instance's frame.
pub async fn framed(frame: Frame, request: Request, next: Next) -> Response {
    FRAME.scope(frame, next.run(request)).await
}
