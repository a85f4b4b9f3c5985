//! The indicators' page `/indicateurs`: a filter form (dates, period cut, one dimension),
//! the figures of each family as a table and as a bar chart drawn on the server (with the same data as a
//! table), masked cells shown « < 5 », links to the people behind the caller's own figures and to the
//! exports with the same filters. Each role opens on its own view: an SIAE or ESAT its organisation, France
//! Travail and the DDETS their department by SIAE kind and quarter, a supported-employment scheme the Journées nationales de l'emploi accompagné 2020
//! family.

use super::kit::{Crumbs, PageResult};
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use passerelle_app::indicators::export::{self as indicators_export, Format, MINIMUM_THRESHOLD, Query as ExportQuery};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::french;
use passerelle_domain::indicators::{
    DEFINITIONS, Dimension, Family, Granularity, IndicatorCode, TargetStatus, definition,
};
use passerelle_domain::pathways::esat::Situation;
use passerelle_domain::pathways::iae::exit::ExitOutcome;
use passerelle_store::indicators::drill_down::{self, Counted};
use passerelle_store::indicators::{self, Request, Row, Viewer};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

const SECTION: &str = "indicateurs";

/// The filters, as the form sends them (every field optional: the role's default fills the rest).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub from: String,
    pub to: String,
    /// month, quarter, year or range.
    pub granularity: String,
    /// One dimension, or empty.
    pub dimension: String,
    /// Only this department's figures.
    pub department: String,
    /// Only this organisation's figures.
    pub organisation: String,
    /// Only this family of indicators.
    pub family: String,
    /// csv, xlsx or json (the export route).
    pub format: String,
}

impl Filters {
    /// The role's default view when the form has not been sent.
    fn with_defaults(mut self, visitor: &Visitor) -> Self {
        if !self.from.is_empty() || !self.to.is_empty() {
            return self;
        }
        let year = passerelle_store::today().year();
        self = self.department_table(None, year);
        let ms = visitor.ctx.memberships();
        if let Some(m) = ms.iter().find(|m| m.kind.is_siae() || m.kind == OrganisationKind::Esat) {
            self.organisation = m.organisation_id.to_string();
        } else if let Some(m) = ms.iter().find(|m| {
            matches!(
                m.kind,
                OrganisationKind::FranceTravailAgency
                    | OrganisationKind::FranceTravailTerritorial
                    | OrganisationKind::Ddets
            )
        }) {
            self = self.department_table(Some(&m.department), year);
        } else if let Some(m) = ms.iter().find(|m| m.kind == OrganisationKind::SupportedEmployment) {
            self.family = Family::SupportedEmployment.code().into();
            self.organisation = m.organisation_id.to_string();
        }
        self
    }

    /// A year by quarter; with a department, its Annex 1 table by SIAE kind (Accord régional BFC 2016): the default view of the
    /// State and the public employment service, and what a CTA opens its meeting with.
    fn department_table(mut self, department: Option<&str>, year: i32) -> Self {
        self.from = format!("{year}-01-01");
        self.to = format!("{year}-12-31");
        self.granularity = "quarter".into();
        if let Some(d) = department {
            self.department = d.into();
            self.dimension = "siae_kind".into();
        }
        self
    }

    /// The page's address for a department's Annex 1 table over a year.
    pub fn department_table_link(department: &str, year: i32) -> String {
        format!(
            "/indicateurs?{}",
            Self::default().department_table(Some(department), year).query_string()
        )
    }

    fn query_string(&self) -> String {
        serde_urlencoded::to_string(
            [
                ("from", &self.from),
                ("to", &self.to),
                ("granularity", &self.granularity),
                ("dimension", &self.dimension),
                ("department", &self.department),
                ("organisation", &self.organisation),
                ("family", &self.family),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect::<Vec<_>>(),
        )
        .unwrap_or_default()
    }

    /// The request for the engine: the chosen dimension, plus the department or organisation the view is
    /// restricted to (dropped again from what is shown).
    fn request(&self, visitor: &Visitor) -> Result<(Request, Vec<Dimension>), ApiError> {
        let granularity = match self.granularity.as_str() {
            "" => Granularity::Whole,
            g => Granularity::parse(g).ok_or_else(|| {
                ApiError::bad_request("granularity_unknown", format!("Découpe de période inconnue : « {g} »."))
            })?,
        };
        let mut shown = Vec::new();
        if !self.dimension.is_empty() {
            shown.push(Dimension::parse(&self.dimension).ok_or_else(|| {
                ApiError::bad_request(
                    "dimension_unknown",
                    format!("Dimension inconnue : « {} ».", self.dimension),
                )
            })?);
        }
        let mut by: Vec<&str> = shown.iter().map(|d| d.code()).collect();
        if !self.department.is_empty() && !shown.contains(&Dimension::Department) {
            by.push(Dimension::Department.code());
        }
        if !self.organisation.is_empty() && !shown.contains(&Dimension::Organisation) {
            by.push(Dimension::Organisation.code());
        }
        if granularity != Granularity::Whole {
            by.push(granularity.code());
        }
        let indicators = match Family::parse(&self.family) {
            Some(f) => DEFINITIONS
                .iter()
                .filter(|d| d.family == f)
                .map(|d| d.code.code())
                .collect::<Vec<_>>()
                .join(","),
            None => String::new(),
        };
        let q = ExportQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            by: Some(by.join(",")),
            indicators: Some(indicators),
            ..Default::default()
        };
        let own = visitor.ctx.memberships().iter().map(|m| m.organisation_id).collect();
        Ok((q.request(Viewer::Members(own), MINIMUM_THRESHOLD)?, shown))
    }

    /// Whether a row is in the restricted view.
    fn keeps(&self, row: &Row) -> bool {
        (self.department.is_empty() || row.dimensions.get("department") == Some(&self.department))
            && (self.organisation.is_empty() || row.dimensions.get("organisation") == Some(&self.organisation))
    }
}

/// One figure on the page.
pub struct Line {
    pub period: String,
    pub dimension: String,
    pub value: String,
    pub masked: bool,
    /// The drill-down page, for the caller's own figures.
    pub people: Option<String>,
    /// Bar length in the chart (pixels).
    pub width: i64,
    /// Top of the line in the chart (pixels).
    pub y: i64,
}

pub struct Block {
    pub code: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub lines: Vec<Line>,
    /// Top of the indicator's heading in the chart (pixels).
    pub y: i64,
}

pub struct FamilyView {
    pub code: &'static str,
    pub label: &'static str,
    pub blocks: Vec<Block>,
    /// Chart height (pixels).
    pub height: i64,
    pub pending: Vec<&'static str>,
}

/// Chart geometry: a label line then a bar for each figure.
pub const BAR_MAX: i64 = 400;
pub const LINE_HEIGHT: i64 = 44;

/// The DSFR badge of a target's status.
pub fn badge(status: &Option<TargetStatus>) -> &'static str {
    match status {
        Some(TargetStatus::Achieved | TargetStatus::OnTrack) => "fr-badge--success",
        Some(TargetStatus::Behind) => "fr-badge--warning",
        Some(TargetStatus::Missed) => "fr-badge--error",
        Some(TargetStatus::NotStarted) | None => "fr-badge--info",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "indicators.html")]
pub struct Page {
    nav: Nav,
    filters: Filters,
    query: String,
    dimension_label: String,
    families: Vec<FamilyView>,
    dimensions: &'static [Dimension],
    granularities: &'static [Granularity],
    scope: String,
    /// Filters the engine refused: the form comes back with them, and says what to correct.
    error: Option<String>,
}

pub async fn page(State(state): State<AppState>, visitor: Visitor, Query(filters): Query<Filters>) -> PageResult {
    let nav = visitor.nav(SECTION);
    let filters = filters.with_defaults(&visitor);
    let (request, shown) = match filters.request(&visitor) {
        Ok(request) => request,
        Err(e) if e.status.is_client_error() => {
            let page = Page {
                nav,
                query: filters.query_string(),
                dimension_label: String::new(),
                scope: scope(&filters, |v| v.to_owned()),
                filters,
                families: Vec::new(),
                dimensions: Dimension::ALL,
                granularities: Granularity::ALL,
                error: Some(e.message),
            };
            return Ok((e.status, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let table = indicators::compute(&state.store, &request).await?;
    // Only the organisations and agreements the page shows are named.
    let ids = |dimension: &str| -> BTreeSet<Uuid> {
        table
            .rows
            .iter()
            .filter(|r| filters.keeps(r))
            .filter_map(|r| r.dimensions.get(dimension))
            .chain((dimension == "organisation").then_some(&filters.organisation))
            .filter_map(|v| Uuid::parse_str(v).ok())
            .collect()
    };
    let names = indicators::labels::names(&state.store, &visitor.ctx, &ids("organisation"), &ids("agreement")).await?;
    let periods: HashMap<String, (String, String)> = request
        .range
        .periods(request.granularity)
        .iter()
        .map(|p| (p.label(), (p.from.to_string(), p.to.to_string())))
        .collect();
    let outcome = |v: &str| {
        (shown.first() == Some(&Dimension::ExitOutcome))
            .then(|| outcome_label(v))
            .flatten()
    };
    let name = |v: &str| {
        names
            .get(v)
            .cloned()
            .or_else(|| outcome(v).map(str::to_owned))
            .unwrap_or_else(|| v.to_owned())
    };
    let mut families = Vec::new();
    for family in Family::ALL {
        let mut blocks = Vec::new();
        let mut pending = Vec::new();
        for d in DEFINITIONS.iter().filter(|d| d.family == *family) {
            if table.pending.contains(&d.code) {
                pending.push(d.code.label());
                continue;
            }
            let rows: Vec<&Row> = table
                .rows
                .iter()
                .filter(|r| r.indicator == d.code.code() && filters.keeps(r))
                .collect();
            if rows.is_empty() {
                continue;
            }
            let max = rows.iter().filter_map(|r| r.value).fold(0.0, f64::max);
            let lines = rows
                .iter()
                .map(|r| {
                    let organisation = r.dimensions.get("organisation").and_then(|o| Uuid::parse_str(o).ok());
                    let people = match (organisation, periods.get(&r.period)) {
                        (Some(o), Some((from, to)))
                            if d.counts_people && !r.masked && visitor.ctx.membership(o).is_some() =>
                        {
                            Some(format!(
                                "/indicateurs/{}/personnes?{}",
                                d.code.code(),
                                serde_urlencoded::to_string([
                                    ("organisation", o.to_string()),
                                    ("from", from.clone()),
                                    ("to", to.clone())
                                ])
                                .unwrap_or_default()
                            ))
                        }
                        _ => None,
                    };
                    Line {
                        period: r.period.clone(),
                        dimension: shown
                            .first()
                            .and_then(|dim| r.dimensions.get(dim.code()))
                            .map(|v| name(v))
                            .unwrap_or_default(),
                        value: r
                            .value
                            .map_or_else(|| "< 5".to_owned(), |v| french::indicator_value(v, d.unit)),
                        masked: r.masked,
                        people,
                        y: 0,
                        width: match r.value {
                            Some(v) if max > 0.0 => (v / max * BAR_MAX as f64).round() as i64,
                            _ => 0,
                        },
                    }
                })
                .collect();
            blocks.push(Block {
                code: d.code.code(),
                label: d.code.label(),
                unit: d.unit.label(),
                lines,
                y: 0,
            });
        }
        if blocks.is_empty() && pending.is_empty() {
            continue;
        }
        let mut y = 10;
        for b in &mut blocks {
            b.y = y;
            y += LINE_HEIGHT / 2;
            for l in &mut b.lines {
                l.y = y;
                y += LINE_HEIGHT;
            }
        }
        families.push(FamilyView {
            code: family.code(),
            label: family.label(),
            height: y,
            blocks,
            pending,
        });
    }
    Ok(Page {
        nav,
        query: filters.query_string(),
        dimension_label: shown.first().map_or("", |d| d.label()).to_owned(),
        scope: scope(&filters, name),
        filters,
        families,
        dimensions: Dimension::ALL,
        granularities: Granularity::ALL,
        error: None,
    }
    .into_response())
}

/// The French label of an exit outcome: an IAE exit review's, or the situation an ESAT worker entered.
fn outcome_label(code: &str) -> Option<&'static str> {
    ExitOutcome::parse(code)
        .map(ExitOutcome::label)
        .or_else(|| Situation::parse(code).map(Situation::short_label))
}

/// What the figures cover, as the page's first sentence says it.
fn scope(filters: &Filters, name: impl Fn(&str) -> String) -> String {
    if !filters.organisation.is_empty() {
        format!("Structure : {}", name(&filters.organisation))
    } else if !filters.department.is_empty() {
        format!("Département : {}", filters.department)
    } else {
        "Tous les départements".to_owned()
    }
}

/// The same figures as a file (`format=csv|xlsx|json`), with the same filters.
pub async fn export(State(state): State<AppState>, visitor: Visitor, Query(filters): Query<Filters>) -> PageResult {
    let filters = filters.with_defaults(&visitor);
    let format = Format::parse(&filters.format)?;
    let (request, _) = filters.request(&visitor)?;
    let mut table = indicators::compute(&state.store, &request).await?;
    table.rows.retain(|r| filters.keeps(r));
    Ok(crate::attachment::attachment(indicators_export::download(
        &table,
        &request.dimensions,
        format,
    )))
}

#[derive(Deserialize)]
pub struct PeopleFilters {
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "indicator_people.html")]
pub struct PeoplePage {
    nav: Nav,
    label: &'static str,
    from: String,
    to: String,
    people: Vec<Counted>,
}

/// The people behind one figure of the caller's own organisation (journaled by the store).
pub async fn people(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    Query(q): Query<PeopleFilters>,
) -> PageResult<PeoplePage> {
    let (Some(code), Ok(organisation)) = (IndicatorCode::parse(&code), Uuid::parse_str(&q.organisation)) else {
        return Err(ApiError::not_found("indicateur").into());
    };
    let range = ExportQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        ..Default::default()
    }
    .request(Viewer::Public, MINIMUM_THRESHOLD)?
    .range;
    let people = drill_down::people(&state.store, &visitor.ctx, code, organisation, range).await?;
    let label = definition(code).code.label();
    Ok(PeoplePage {
        nav: visitor
            .nav(SECTION)
            .trail(Crumbs::list("Indicateurs", "/indicateurs").here(label)),
        label,
        from: q.from,
        to: q.to,
        people,
    })
}

/// The indicators pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/indicateurs", get(page))
        .route("/indicateurs/export", get(export))
        .route("/indicateurs/{code}/personnes", get(people))
}
