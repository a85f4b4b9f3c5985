//! `/journal-des-consultations`: an organisation's administrators review who of their members read which
//! personal data (the same look-up as `GET /api/v1/organisations/{id}/personal-data-reads`).

use super::kit::{PageResult, Pager, filters, form_date};
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use passerelle_store::MemberRole;
use passerelle_store::infra::paging::Page;
use passerelle_store::privacy::audit::{ReadEntry, ReadFilter};
use serde::Deserialize;

/// The filters as the form sends them: empty date fields send empty strings.
#[derive(Deserialize, Default)]
pub struct JournalQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<u32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct JournalPage {
    nav: Nav,
    organisation: String,
    from: String,
    to: String,
    page: Page<ReadEntry>,
    pager: Pager,
}

impl JournalPage {
    /// The page of the record read. Not its name: naming a person here would be a read of its own, by an
    /// administrator who may not follow that person; the link opens the record under the usual rules, journaled.
    fn record(&self, r: &ReadEntry) -> Option<String> {
        let path = match r.entity_type.as_str() {
            "person" => "personnes",
            "prescription" => "prescriptions",
            "immersion" => "immersions",
            "esat_worker" => "esat",
            "organisation" => "annuaire",
            _ => return None,
        };
        Some(format!("/{path}/{}", r.entity_id))
    }
}

pub async fn journal(
    State(state): State<AppState>,
    visitor: Visitor,
    query: Result<Query<JournalQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult<JournalPage> {
    let Ok(Query(q)) = query else {
        return Err(ApiError::bad_request("invalid_query", "Filtres invalides.").into());
    };
    let filter = ReadFilter {
        from: form_date("du", &q.from)?,
        to: form_date("au", &q.to)?,
        ..ReadFilter::default()
    };
    let Some(admin) = visitor.ctx.memberships().iter().find(|m| m.role == MemberRole::Admin) else {
        return Err(passerelle_store::StoreError::forbidden(
            "admin_only",
            "Le journal des consultations est réservé aux administrateurs d'une structure.",
        )
        .into());
    };
    let page = state
        .store
        .personal_data_reads(&visitor.ctx, admin.organisation_id, &filter, q.page.unwrap_or(1), 50)
        .await?;
    let url = |n: u32| {
        let params = [("from", q.from.clone()), ("to", q.to.clone()), ("page", n.to_string())];
        format!(
            "/journal-des-consultations?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    };
    Ok(JournalPage {
        nav: visitor.nav("journal"),
        organisation: admin.organisation_name.clone(),
        from: q.from.clone(),
        to: q.to.clone(),
        pager: Pager::new(&page, url),
        page,
    })
}

/// The reads journal pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::get;
    axum::Router::new().route("/journal-des-consultations", get(journal))
}
