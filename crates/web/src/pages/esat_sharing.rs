//! The ESAT follow-up shared with the SPE (seed 000, questions 10-11): the workers a France Travail, Cap emploi,
//! Mission locale or Team TH organisation follows with an ESAT under a convention in force, with the worker's
//! consent, and each one's follow-up, read-only. The store decides who sees what (403 for those who are not the
//! SPE, 404 for a worker not shared with the caller).

use super::kit::crumbs::full_name;
use super::kit::{Crumbs, PageResult, filters, parse_id};
use super::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use passerelle_store::pathways::esat::{SharedWorker, Worker};

#[derive(Template, WebTemplate)]
#[template(path = "esat_shared.html")]
pub struct SharedPage {
    nav: Nav,
    workers: Vec<SharedWorker>,
}

/// `GET /esat-suivis-partages`: the ESAT workers followed with the caller's SPE organisations.
pub async fn shared(State(state): State<AppState>, visitor: Visitor) -> PageResult<SharedPage> {
    let workers = state.store.esat(&visitor.ctx).shared_with_spe().await?;
    Ok(SharedPage {
        nav: visitor.nav("esat-partage"),
        workers,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "esat_shared_worker.html")]
pub struct SharedWorkerPage {
    nav: Nav,
    w: Worker,
}

/// `GET /esat-suivis-partages/{id}`: one worker's follow-up, as the ESAT shares it.
pub async fn shared_worker(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult<SharedWorkerPage> {
    let id = parse_id(&id, "Travailleur d'ESAT")?;
    let w = state.store.esat(&visitor.ctx).get_shared(id).await?;
    let trail = Crumbs::list("Travailleurs d'ESAT suivis avec vous", "/esat-suivis-partages")
        .here(full_name(&w.summary.first_name, &w.summary.last_name));
    Ok(SharedWorkerPage {
        nav: visitor.nav("esat-partage").trail(trail),
        w,
    })
}

/// The shared follow-up's routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/esat-suivis-partages", get(shared))
        .route("/esat-suivis-partages/{id}", get(shared_worker))
}
