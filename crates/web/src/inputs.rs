//! Inputs the API and the pages read alike: the directory's query string, an agreement action's code, the
//! token of a shared skills record.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use passerelle_domain::agreements::lifecycle::Action;
use passerelle_domain::directory::OrganisationKind;
use passerelle_store::directory::OrganisationFilter;
use passerelle_store::pathways::skills_record::SkillsRecord;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Organisation kind code (`aci`, `esat`, `cap_emploi`, ...).
    pub kind: Option<String>,
    /// Department code: organisations located in it or covering it.
    pub department: Option<String>,
    /// Words to find in the name, commune or SIRET.
    pub q: Option<String>,
    pub include_archived: Option<bool>,
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

impl OrganisationQuery {
    pub fn filter(&self) -> ApiResult<OrganisationFilter> {
        Ok(OrganisationFilter {
            kind: self
                .kind
                .as_deref()
                .filter(|k| !k.is_empty())
                .map(OrganisationKind::parse)
                .transpose()?,
            department: self.department.clone().filter(|d| !d.is_empty()),
            text: self.q.clone(),
            include_archived: self.include_archived.unwrap_or(false),
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(50),
        })
    }
}

pub fn parse_action(code: &str) -> Result<Action, passerelle_domain::invalid::Invalid> {
    Action::ALL
        .iter()
        .copied()
        .find(|a| a.code() == code.trim())
        .ok_or_else(|| {
            passerelle_domain::invalid::Invalid::new(
                "action_unknown",
                format!("« {} » n'est pas une action connue.", code.trim()),
            )
            .on("action")
        })
}

/// The record behind a token, which is checked for its shape before any look-up.
pub async fn shared_record(state: &AppState, token: &str) -> ApiResult<SkillsRecord> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::not_found("Carnet"));
    }
    Ok(state.store.skills_record_by_link(token).await?)
}
