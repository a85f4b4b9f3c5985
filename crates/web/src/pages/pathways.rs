//! The lists of people in pathway: the SIAE's and prescriber's page `/parcours` (with the to-do list) and the
//! SPE referent's dashboard `/referent`, both paged and filtered like `GET /api/v1/pathways`.

use super::kit::PageResult;
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use passerelle_store::infra::paging::Page;
use passerelle_store::pathways::lists::{
    DEFAULT_PER_PAGE, PathwayFilter, PathwayRow, PathwayStatus, ReferentDashboard, TodoItem,
};
use serde::Deserialize;

/// The filters as a form sends them (an empty select or an unticked box sends nothing or an empty value).
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    interview_due: String,
    page: Option<u32>,
}

impl ListQuery {
    fn filter(&self) -> Result<PathwayFilter, ApiError> {
        let status = match self.status.trim() {
            "" => None,
            s => Some(PathwayStatus::ALL.into_iter().find(|x| x.code() == s).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_query",
                    format!("« {s} » : statut attendu en cours, suspendu ou terminé."),
                )
            })?),
        };
        Ok(PathwayFilter {
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
            status,
            interview_due: !self.interview_due.is_empty(),
            page: self.page.unwrap_or(1),
            per_page: DEFAULT_PER_PAGE,
        })
    }
}

/// A page of people in pathway with its filters and the links of the pagination.
pub struct PathwayList {
    page: Page<PathwayRow>,
    q: String,
    status: String,
    interview_due: bool,
    statuses: [PathwayStatus; 3],
    pages: u32,
    prev_url: String,
    next_url: String,
    /// The page the filter form posts to.
    action: &'static str,
}

impl PathwayList {
    fn new(action: &'static str, q: &ListQuery, page: Page<PathwayRow>) -> Self {
        let url = |n: u32| {
            let params = [
                ("q", q.q.clone()),
                ("status", q.status.clone()),
                ("interview_due", q.interview_due.clone()),
                ("page", n.to_string()),
            ];
            format!("{action}?{}", serde_urlencoded::to_string(params).unwrap_or_default())
        };
        Self {
            pages: page.pages(),
            prev_url: url(page.page.saturating_sub(1).max(1)),
            next_url: url(page.page + 1),
            page,
            q: q.q.clone(),
            status: q.status.clone(),
            interview_due: !q.interview_due.is_empty(),
            statuses: PathwayStatus::ALL,
            action,
        }
    }
}

type ListQueryResult = Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>;

fn list_query(query: ListQueryResult) -> Result<(ListQuery, PathwayFilter), ApiError> {
    let Ok(Query(q)) = query else {
        return Err(ApiError::bad_request(
            "invalid_query",
            "Filtres de recherche invalides.",
        ));
    };
    let filter = q.filter()?;
    Ok((q, filter))
}

#[derive(Template, WebTemplate)]
#[template(path = "pathways.html")]
pub struct PathwaysPage {
    nav: Nav,
    list: PathwayList,
    todo: Vec<TodoItem>,
}

pub async fn pathways(
    State(state): State<AppState>,
    visitor: Visitor,
    query: ListQueryResult,
) -> PageResult<PathwaysPage> {
    let (q, filter) = list_query(query)?;
    let (page, todo) = state.store.pathways_and_todo(&visitor.ctx, &filter).await?;
    Ok(PathwaysPage {
        nav: visitor.nav("parcours"),
        list: PathwayList::new("/parcours", &q, page),
        todo,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "referent.html")]
pub struct ReferentPage {
    nav: Nav,
    d: ReferentDashboard,
    list: PathwayList,
}

pub async fn referent(
    State(state): State<AppState>,
    visitor: Visitor,
    query: ListQueryResult,
) -> PageResult<ReferentPage> {
    let (q, filter) = list_query(query)?;
    let mut d = state.store.referent_dashboard(&visitor.ctx, &filter).await?;
    let people = std::mem::replace(&mut d.people, Page::of(Vec::new(), 1, 1));
    Ok(ReferentPage {
        nav: visitor.nav("referent"),
        d,
        list: PathwayList::new("/referent", &q, people),
    })
}

/// The pathway lists pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/parcours", get(pathways))
        .route("/referent", get(referent))
}
