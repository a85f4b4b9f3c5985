//! One page request as the kit sees it: the `Visitor` extractor leaves the visitor's navigation and the notice
//! it shows in a [`Visit`]; the kit's middleware then writes a failed handler's error page under that
//! navigation, and clears a notice once its page has been shown.

use super::error::{Failure, error_page};
use crate::pages::session::Nav;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Left {
    nav: Option<Nav>,
    clear_notice: Option<HeaderValue>,
}

/// What the handling of one request leaves for the middleware.
#[derive(Clone, Default)]
pub struct Visit(Arc<Mutex<Left>>);

impl Visit {
    /// The signed-in visitor's navigation, for an error page.
    pub fn navigation(&self, nav: Nav) {
        if let Ok(mut left) = self.0.lock() {
            left.nav = Some(nav);
        }
    }

    /// The `Set-Cookie` that clears the notice shown, sent with the page that shows it.
    pub fn notice_shown(&self, clear: HeaderValue) {
        if let Ok(mut left) = self.0.lock() {
            left.clear_notice = Some(clear);
        }
    }

    fn take(&self) -> Left {
        self.0
            .lock()
            .map(|mut left| std::mem::take(&mut *left))
            .unwrap_or_default()
    }
}

/// Middleware of the pages (see the module's documentation).
pub async fn pages(mut request: Request, next: Next) -> Response {
    let visit = Visit::default();
    request.extensions_mut().insert(visit.clone());
    let section = section_of(request.uri().path());
    let mut response = next.run(request).await;
    let left = visit.take();
    if let Some(Failure(error)) = response.extensions_mut().remove::<Failure>() {
        let nav = left.nav.map_or_else(Nav::anonymous, |nav| Nav { section, ..nav });
        return error_page(&nav, error);
    }
    if let Some(clear) = left.clear_notice.filter(|_| response.status().is_success()) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

/// The navigation entry an address belongs to, as the navigation bar links them.
fn section_of(path: &str) -> &'static str {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    match first {
        "annuaire" => "annuaire",
        "personnes" => "personnes",
        "conventions" => "conventions",
        "simulateur" => "simulateur",
        "offres" => "offres",
        "parcours" => "parcours",
        "referent" => "referent",
        "esat" => "esat",
        "immersions" => "immersions",
        "emploi-accompagne" => "emploi-accompagne",
        "prescriptions" => "candidatures",
        "instances" | "reunions" | "interconnaissance" => "instances",
        "echeances" | "echeances.ics" => "echeances",
        "notifications" => "notifications",
        "indicateurs" => "indicateurs",
        "journal-des-consultations" => "journal",
        "compte" => "compte",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_light_their_navigation_entry() {
        assert_eq!(section_of("/prescriptions/abc"), "candidatures");
        assert_eq!(section_of("/reunions/abc/annuler"), "instances");
        assert_eq!(section_of("/personnes/abc/carnet"), "personnes");
        assert_eq!(section_of("/carnet/abc"), "");
        assert_eq!(section_of("/"), "");
    }
}
