//! The referrals list (`/prescriptions`): the prescriptions the visitor's organisations sent or received,
//! filtered by direction, status and the day received, sorted, 50 a page.

use crate::error::ApiError;
use crate::pages::kit::list_filters::count;
use crate::pages::kit::{FilterForm, FormError, ListFilters, PageResult, Pager, StatusChoice, filter_error, filters};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use passerelle_domain::pathways::iae::referral::Status;
use passerelle_store::infra::paging::Page;
use passerelle_store::pathways::iae::referral::{Direction, Prescription, PrescriptionFilter};
use serde::Deserialize;

/// Prescriptions a page of the list shows.
const PER_PAGE: u32 = 50;

/// The directions of the list, as the address and the form name them.
const DIRECTIONS: &[(&str, &str)] = &[
    ("recues", "Reçues par ma structure"),
    ("envoyees", "Envoyées par ma structure"),
];

#[derive(Deserialize)]
pub struct ReferralsQuery {
    #[serde(default)]
    sens: String,
    #[serde(flatten)]
    filters: ListFilters,
}

#[derive(Template, WebTemplate)]
#[template(path = "prescriptions.html")]
pub struct PrescriptionsPage {
    nav: Nav,
    lf: FilterForm,
    items: Vec<Prescription>,
    count: String,
    total: i64,
    pager: Pager,
}

fn direction(code: &str) -> Result<Direction, ApiError> {
    match code.trim() {
        "" => Ok(Direction::All),
        "recues" => Ok(Direction::Received),
        "envoyees" => Ok(Direction::Sent),
        _ => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "direction_unknown",
            "Choisissez un sens dans la liste.",
        )
        .on("sens")),
    }
}

/// `GET /prescriptions`.
pub async fn prescriptions(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ReferralsQuery>,
) -> PageResult {
    let chosen = direction(&q.sens).and_then(|d| Ok((d, q.filters.chosen(Status::parse)?)));
    let (page, error) = match chosen {
        Ok((direction, c)) => {
            let filter = PrescriptionFilter {
                direction,
                status: c.status,
                from: c.from,
                to: c.to,
                oldest_first: c.oldest_first,
                page: c.page,
                per_page: PER_PAGE,
            };
            (
                state.store.prescriptions_page(&visitor.ctx, &filter).await?,
                FormError::default(),
            )
        }
        Err(e) => (Page::of(Vec::new(), 1, PER_PAGE), filter_error(e)?),
    };
    let sens = q.sens.trim().to_owned();
    let pager = Pager::new(&page, |n| q.filters.url("/prescriptions", &[("sens", sens.clone())], n));
    let lf = FilterForm {
        list_path: "/prescriptions",
        filters: q.filters,
        statuses: Status::ALL
            .iter()
            .map(|s| StatusChoice {
                code: s.code(),
                label: s.label(),
            })
            .collect(),
        status_label: "Étape",
        date_label: "reçue le",
        directions: DIRECTIONS,
        direction: sens,
        error,
    };
    Ok((
        lf.status(),
        PrescriptionsPage {
            nav: visitor.nav("candidatures"),
            lf,
            count: count(page.total, "candidature", "candidatures"),
            total: page.total,
            pager,
            items: page.items,
        },
    )
        .into_response())
}
