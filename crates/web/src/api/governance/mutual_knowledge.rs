//! Mutual-knowledge actions between structures and the public employment service: visits, webinars,
//! information sessions, and their counts for the indicators.

use super::Created;
use crate::api::idempotency::{IdempotencyHeader, create_once};
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use passerelle_domain::invalid::Invalid;
use passerelle_store::governance::mutual_knowledge::{
    MutualKnowledgeAction, MutualKnowledgeCount, NewMutualKnowledgeAction,
};
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMutualKnowledgeAction {
    /// `visit`, `webinar`, `information_session`, `immersion_day`, `other`.
    #[schema(example = "visit")]
    pub kind: String,
    pub held_on: Date,
    pub topic: String,
    pub department: String,
    pub participants: i64,
    /// The first one is one of the caller's organisations.
    pub organisers: Vec<Uuid>,
    #[serde(default)]
    pub participant_organisations: Vec<Uuid>,
}

/// The mutual-knowledge actions the caller's organisations organised or took part in.
#[utoipa::path(get, path = "/api/v1/mutual-knowledge-actions", tag = "governance", security(("bearer" = [])),
    responses((status = 200, body = Vec<MutualKnowledgeAction>)))]
pub async fn list_mutual_knowledge(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> ApiResult<Json<Vec<MutualKnowledgeAction>>> {
    Ok(Json(state.store.mutual_knowledge_actions(&ctx).await?))
}

/// Records a visit, webinar or information session between structures and the SPE (Accord régional BFC 2016 fiche 2).
#[utoipa::path(post, path = "/api/v1/mutual-knowledge-actions", tag = "governance",
    params(("Idempotency-Key" = Option<String>, Header, description = "Une même clé ne crée qu'une fois")),
    request_body = CreateMutualKnowledgeAction, security(("bearer" = [])),
    responses((status = 201, body = MutualKnowledgeAction)))]
pub async fn create_mutual_knowledge(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    idempotency: IdempotencyHeader,
    ApiJson(b): ApiJson<CreateMutualKnowledgeAction>,
) -> ApiResult<Created<MutualKnowledgeAction>> {
    let new = NewMutualKnowledgeAction {
        kind: b.kind,
        held_on: b.held_on,
        topic: b.topic,
        department: b.department,
        participants: b.participants,
        organisers: b.organisers,
        participant_organisations: b.participant_organisations,
    };
    let store = &state.store;
    create_once(
        store,
        &ctx,
        idempotency,
        ("mutual_knowledge_actions", StatusCode::CREATED),
        |key| store.create_mutual_knowledge_action(&ctx, new, key),
        |id| store.mutual_knowledge_action(&ctx, id),
    )
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountQuery {
    pub from: Date,
    pub to: Date,
    /// A department code; every department when absent.
    pub department: Option<String>,
}

/// Mutual-knowledge actions held in the period, by kind (aggregated figures, for the indicators).
#[utoipa::path(get, path = "/api/v1/mutual-knowledge-actions/counts", tag = "governance", params(CountQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<MutualKnowledgeCount>)))]
pub async fn count_mutual_knowledge(
    State(state): State<AppState>,
    ApiCaller(_ctx): ApiCaller,
    ApiQuery(q): ApiQuery<CountQuery>,
) -> ApiResult<Json<Vec<MutualKnowledgeCount>>> {
    if q.to < q.from {
        return Err(
            Invalid::new("period_invalid", "La fin de la période précède son début.")
                .on("to")
                .into(),
        );
    }
    Ok(Json(
        state
            .store
            .count_mutual_knowledge_actions(q.from, q.to, q.department.as_deref())
            .await?,
    ))
}
