//! Indicators: the declared definitions, the computed table (JSON, CSV or XLSX) and, for the
//! members of an organisation, the pathways behind one of its figures.

use crate::annual_report;
use crate::attachment::attachment;
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use passerelle_app::indicators::export::{Format, MINIMUM_THRESHOLD, Query, download};
use passerelle_domain::indicators::{DEFINITIONS, Definition, IndicatorCode};
use passerelle_domain::invalid::Invalid;
use passerelle_store::indicators::drill_down::{self, Counted};
use passerelle_store::indicators::targets::{self, TargetProgress};
use passerelle_store::indicators::{self, Table, Viewer};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A declared indicator, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DefinitionView {
    pub code: &'static str,
    pub label: &'static str,
    pub family: &'static str,
    pub family_label: &'static str,
    pub unit: &'static str,
    pub counts: &'static str,
    pub events: &'static str,
    pub reference: &'static str,
    pub source: &'static str,
    /// False while the source's facts are not recorded yet (« source à venir »).
    pub computed: bool,
    pub dimensions: Vec<&'static str>,
}

impl From<&Definition> for DefinitionView {
    fn from(d: &Definition) -> Self {
        Self {
            code: d.code.code(),
            label: d.code.label(),
            family: d.family.code(),
            family_label: d.family.label(),
            unit: d.unit.code(),
            counts: d.counts,
            events: d.events,
            reference: d.reference,
            source: d.source.code(),
            computed: d.source.is_recorded(),
            dimensions: d.dimensions.iter().map(|x| x.code()).collect(),
        }
    }
}

/// Every declared indicator, computed or still waiting for its source.
#[utoipa::path(get, path = "/api/v1/indicators/definitions", tag = "indicators", security(("bearer" = [])),
    responses((status = 200, body = Vec<DefinitionView>)))]
pub async fn list_definitions(ApiCaller(_ctx): ApiCaller) -> ApiResult<Json<Vec<DefinitionView>>> {
    Ok(Json(DEFINITIONS.iter().map(DefinitionView::from).collect()))
}

/// The indicators over a date range, broken down along `by` (dimensions and at most one period cut);
/// cells counting fewer people than the threshold (5, which a caller may raise, never lower) are masked
/// except those of the caller's own organisations. `format=csv|xlsx` downloads the same table (XLSX: a sheet per family of indicators).
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", params(Query), security(("bearer" = [])),
    responses((status = 200, description = "The table (JSON), or the file (CSV, XLSX)",
            content((Table = "application/json"), (String = "text/csv"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
pub async fn get_indicators(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiQuery(q): ApiQuery<Query>,
) -> ApiResult<Response> {
    let own = ctx.memberships().iter().map(|m| m.organisation_id).collect();
    let request = q.request(Viewer::Members(own), MINIMUM_THRESHOLD)?;
    let format = q.format()?;
    let table = indicators::compute(&state.store, &request).await?;
    if format == Format::Json {
        return Ok(Json(table).into_response());
    }
    Ok(attachment(download(&table, &request.dimensions, format)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// The organisation whose figure it is (the caller must be one of its members).
    pub organisation: Uuid,
    /// First day, AAAA-MM-JJ.
    pub from: String,
    /// Last day, AAAA-MM-JJ.
    pub to: String,
}

/// The people counted in one figure of the caller's own organisation (drill-down); journaled.
#[utoipa::path(get, path = "/api/v1/indicators/{code}/people", tag = "indicators", params(("code" = String, Path), PeopleQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Counted>)))]
pub async fn people(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<Vec<Counted>>> {
    let code = IndicatorCode::parse(&code)
        .ok_or_else(|| Invalid::new("indicator_unknown", format!("indicateur inconnu : « {code} »")).on("code"))?;
    let range = Query {
        from: q.from,
        to: q.to,
        ..Default::default()
    }
    .request(Viewer::Public, MINIMUM_THRESHOLD)?
    .range;
    Ok(Json(
        drill_down::people(&state.store, &ctx, code, q.organisation, range).await?,
    ))
}

/// The quantified targets of an agreement against the values computed for its parties over each target's
/// period: actual, expected by today, status (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/agreements/{id}/targets", tag = "indicators", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<TargetProgress>)))]
pub async fn agreement_targets(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<TargetProgress>>> {
    let (_, targets) = targets::of_agreement(&state.store, &ctx, id, passerelle_store::today()).await?;
    Ok(Json(targets))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The year, AAAA (this year by default).
    pub year: Option<String>,
}

/// The annual « état des lieux » of an agreement as a PDF: its targets for the year, its parties' indicators
/// by quarter (aggregates, small counts masked except for the parties' members), the actions of its roadmap
/// (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/v1/agreements/{id}/report", tag = "indicators", params(("id" = Uuid, Path), ReportQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The report (PDF)")))]
pub async fn agreement_report(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    annual_report::response(&state.store, &ctx, id, q.year.as_deref()).await
}

/// The indicators routes and their description.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list_definitions))
        .routes(routes!(get_indicators))
        .routes(routes!(people))
        .routes(routes!(agreement_targets))
        .routes(routes!(agreement_report))
}
