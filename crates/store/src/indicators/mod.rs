//! Indicators computed from what was recorded.
//!
//! Every change that an indicator counts writes its facts into `indicator_facts` in its own transaction
//! (triggers of migrations 0010, 0012 and 0015), so that a whole table is one GROUP BY over that narrow table
//! ([`facts`]); the shares of SIAE covered by a local convention come from the agreements' dates ([`coverage`]),
//! and the stock figures of supported employment from its entry, exit, job and working-time facts ([`supported`]),
//! the ESAT figures from the workers' situations and conventions d'appui ([`esat`]). The value
//! as of a past moment counts the facts recorded until then. Small counts are masked ([`masking`]) in any
//! view below the organisation itself. docs/indicators.md explains the choices.

pub mod agreement_report;
mod coverage;
pub mod drill_down;
mod esat;
mod facts;
pub mod labels;
mod masking;
mod rollup;
mod supported;
pub mod targets;

use crate::Store;
use crate::infra::error::Result;
use passerelle_domain::indicators::{
    DEFINITIONS, Definition, Dimension, Granularity, IndicatorCode, PeriodRange, definition,
};
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// Who reads the figures: cells of the viewer's own organisations are shown unmasked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// A published table (exports, the command line): every small cell is masked.
    Public,
    /// Members of these organisations.
    Members(Vec<Uuid>),
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct Request {
    pub range: PeriodRange,
    pub granularity: Granularity,
    pub dimensions: Vec<Dimension>,
    /// The indicators asked for; empty for all.
    pub indicators: Vec<IndicatorCode>,
    /// Counts only the facts recorded until this moment (the value as it was then).
    pub as_of: Option<OffsetDateTime>,
    pub threshold: u64,
    pub viewer: Viewer,
}

/// One value: `{"indicator","period","dimensions","value","masked"}`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Row {
    pub indicator: &'static str,
    pub period: String,
    #[schema(value_type = Object)]
    pub dimensions: BTreeMap<&'static str, String>,
    /// `null` when masked.
    pub value: Option<f64>,
    pub masked: bool,
    /// How many people the value counts (for masking; not published).
    #[serde(skip)]
    pub people: u64,
}

impl Row {
    /// An unmasked value of `code` for `period`, along the request's dimensions (`key` holds their values, in
    /// the request's order).
    pub(super) fn cell(
        req: &Request,
        code: IndicatorCode,
        period: String,
        key: &[String],
        value: f64,
        people: u64,
    ) -> Self {
        Self {
            indicator: code.code(),
            period,
            dimensions: req
                .dimensions
                .iter()
                .map(|d| d.code())
                .zip(key.iter().cloned())
                .collect(),
            value: Some(value),
            masked: false,
            people,
        }
    }
}

/// Where the facts are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The fact table kept by the triggers.
    Facts,
    /// The union of the source views, joined over the recorded tables at query time (the plain GROUP BY).
    Sources,
}

impl Origin {
    fn relation(self) -> &'static str {
        match self {
            Self::Facts => "indicator_facts",
            Self::Sources => "indicator_sources",
        }
    }
}

/// The computed table and what could not be computed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Table {
    pub rows: Vec<Row>,
    /// Declared indicators whose facts are not recorded yet (« source à venir »).
    #[schema(value_type = Vec<String>)]
    pub pending: Vec<IndicatorCode>,
    /// Indicators asked for that do not break down along the requested dimensions.
    #[schema(value_type = Vec<String>)]
    pub not_along: Vec<IndicatorCode>,
}

/// Computes the table from the fact table.
pub async fn compute(store: &Store, req: &Request) -> Result<Table> {
    compute_from(store, req, Origin::Facts).await
}

/// Computes the table from `origin`: the fact table, or the plain union of the sources (the benchmark's
/// comparison, same figures).
pub async fn compute_from(store: &Store, req: &Request, origin: Origin) -> Result<Table> {
    let asked: Vec<&'static Definition> = if req.indicators.is_empty() {
        DEFINITIONS.iter().collect()
    } else {
        req.indicators.iter().map(|c| definition(*c)).collect()
    };
    let mut table = Table {
        rows: Vec::new(),
        pending: Vec::new(),
        not_along: Vec::new(),
    };
    let mut from_facts = Vec::new();
    let mut from_coverage = Vec::new();
    let mut from_supported = Vec::new();
    let mut from_esat = Vec::new();
    for d in asked {
        if !d.source.is_recorded() {
            table.pending.push(d.code);
        } else if !req.dimensions.iter().all(|dim| d.allows(*dim)) {
            table.not_along.push(d.code);
        } else if coverage::computes(d.code) {
            from_coverage.push(d.code);
        } else if supported::computes(d.code) {
            from_supported.push(d.code);
        } else if esat::computes(d.code) {
            from_esat.push(d.code);
        } else {
            from_facts.push(d.code);
        }
    }
    let mut pool = store.pool.clone();
    if !from_facts.is_empty() {
        table
            .rows
            .extend(facts::rows(&mut pool, req, &from_facts, origin).await?);
    }
    if !from_coverage.is_empty() {
        table.rows.extend(coverage::rows(&mut pool, req, &from_coverage).await?);
    }
    if !from_supported.is_empty() {
        table
            .rows
            .extend(supported::rows(&mut pool, req, &from_supported, origin).await?);
    }
    if !from_esat.is_empty() {
        table.rows.extend(esat::rows(&mut pool, req, &from_esat).await?);
    }
    masking::apply(&mut table.rows, req);
    Ok(table)
}
