//! The annual « état des lieux » of an agreement: for one year, where each target stands
//! at the end of the year (or today for the current year), the indicators of its parties by quarter, and the
//! actions of its roadmap as the steering committees follow them. Aggregates only, masked for the caller as
//! the targets are (`targets::threshold_for`): nothing about a person, so the read is not journaled.

use super::targets::{TargetProgress, progress_at, threshold_for};
use super::{Request, Viewer, compute};
use crate::Store;
use crate::access::AccessContext;
use crate::agreements::Agreement;
use crate::governance::actions::{self, ActionItem};
use crate::infra::error::Result;
use passerelle_domain::indicators::{
    Cell, DEFINITIONS, Dimension, Family, Granularity, IndicatorCode, MaskReason, PeriodRange, Unit, protect,
};
use std::collections::HashMap;
use time::{Date, Month};
use uuid::Uuid;

/// One quarter's figure of an indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Value(f64),
    /// Counts fewer people than the threshold (or would let such a count be recovered).
    Masked,
    /// Nothing recorded in the quarter.
    Nothing,
}

/// One indicator over the quarters of the year.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorYear {
    pub code: IndicatorCode,
    pub unit: Unit,
    /// One per quarter of `AgreementReport::quarters`.
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FamilyYear {
    pub family: Family,
    pub indicators: Vec<IndicatorYear>,
}

#[derive(Debug, Clone)]
pub struct AgreementReport {
    pub agreement: Agreement,
    pub year: i32,
    /// The day the figures are taken at: the last day of the year, or today during the year.
    pub on: Date,
    /// The targets whose period meets the year (and those whose period is not understood).
    pub targets: Vec<TargetProgress>,
    /// The quarters of the year up to `on` (`2026-T1`, ...).
    pub quarters: Vec<String>,
    /// The families of the indicators computed by agreement, with the indicators counting something.
    pub families: Vec<FamilyYear>,
    /// Indicators computed by agreement that counted nothing over the year.
    pub silent: Vec<IndicatorCode>,
    /// Cells counting fewer people are masked (1: nothing is).
    pub threshold: u64,
    pub actions: Vec<ActionItem>,
}

/// The report of the agreement `id` (404 outside the caller's scope) for `year`, on `today`. `year` must not
/// be after today's (checked by the caller).
pub async fn annual(store: &Store, ctx: &AccessContext, id: Uuid, year: i32, today: Date) -> Result<AgreementReport> {
    let agreement = store.agreements(ctx).get(id).await?;
    let first = Date::from_calendar_date(year, Month::January, 1).unwrap_or(today);
    let last = Date::from_calendar_date(year, Month::December, 31).unwrap_or(today);
    let on = last.min(today);
    let targets = progress_at(store, ctx, &agreement, on, on < today)
        .await?
        .into_iter()
        .filter(|t| match (t.from, t.to) {
            (Some(from), Some(to)) => from <= last && to >= first,
            _ => true,
        })
        .collect();
    let range = PeriodRange::new(first, on)?;
    let codes: Vec<IndicatorCode> = DEFINITIONS
        .iter()
        .filter(|d| d.source.is_recorded() && d.allows(Dimension::Agreement))
        .map(|d| d.code)
        .collect();
    let threshold = threshold_for(ctx, &agreement);
    let request = Request {
        range,
        granularity: Granularity::Quarter,
        dimensions: vec![Dimension::Agreement],
        indicators: codes.clone(),
        as_of: None,
        threshold,
        viewer: Viewer::Members(ctx.memberships().iter().map(|m| m.organisation_id).collect()),
    };
    let key = id.to_string();
    let mut cells: HashMap<(&'static str, String), Figure> = HashMap::new();
    for r in compute(store, &request).await?.rows {
        if r.dimensions.get("agreement") == Some(&key) {
            let figure = r.value.map_or(Figure::Masked, Figure::Value);
            cells.insert((r.indicator, r.period), figure);
        }
    }
    let quarters: Vec<String> = range.periods(Granularity::Quarter).iter().map(|p| p.label()).collect();
    let mut families: Vec<FamilyYear> = Vec::new();
    let mut silent = Vec::new();
    for code in codes {
        let d = passerelle_domain::indicators::definition(code);
        let mut figures: Vec<Figure> = quarters
            .iter()
            .map(|q| cells.get(&(code.code(), q.clone())).copied().unwrap_or(Figure::Nothing))
            .collect();
        protect_quarters(&mut figures);
        if figures.iter().all(|f| *f == Figure::Nothing) {
            silent.push(code);
            continue;
        }
        let indicator = IndicatorYear {
            code,
            unit: d.unit,
            figures,
        };
        match families.iter_mut().find(|f| f.family == d.family) {
            Some(f) => f.indicators.push(indicator),
            None => families.push(FamilyYear {
                family: d.family,
                indicators: vec![indicator],
            }),
        }
    }
    let actions = actions::of_agreement(&mut store.pool.clone(), id, today).await?;
    Ok(AgreementReport {
        agreement,
        year,
        on,
        targets,
        quarters,
        families,
        silent,
        threshold,
        actions,
    })
}

/// The year's figure of an indicator is published too (a yearly target's actual value): one masked quarter
/// would be the year minus the others. The quarters of an indicator are one line of the domain's secondary
/// masking; a quarter without any fact is a zero everyone knows, out of the line.
fn protect_quarters(figures: &mut [Figure]) {
    let recorded: Vec<usize> = (0..figures.len()).filter(|&i| figures[i] != Figure::Nothing).collect();
    let cells: Vec<Cell> = recorded
        .iter()
        .map(|&i| Cell {
            row: 0,
            col: i,
            people: match figures[i] {
                Figure::Value(v) if v > 0.0 => v.ceil() as u64,
                _ => 0,
            },
            exempt: false,
        })
        .collect();
    let primary = recorded
        .iter()
        .map(|&i| (figures[i] == Figure::Masked).then_some(MaskReason::Primary))
        .collect();
    for (&i, reason) in recorded.iter().zip(protect(&cells, primary)) {
        if reason.is_some() {
            figures[i] = Figure::Masked;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Figure, protect_quarters};

    /// One masked quarter takes the smallest other recorded one with it; quarters without facts stay so.
    #[test]
    fn a_masked_quarter_is_not_the_year_minus_the_others() {
        let mut figures = vec![Figure::Masked, Figure::Value(9.0), Figure::Nothing, Figure::Value(6.0)];
        protect_quarters(&mut figures);
        assert_eq!(
            figures,
            [Figure::Masked, Figure::Value(9.0), Figure::Nothing, Figure::Masked]
        );
        let mut shown = vec![Figure::Value(2.0), Figure::Value(9.0)];
        protect_quarters(&mut shown);
        assert_eq!(shown, [Figure::Value(2.0), Figure::Value(9.0)]);
    }
}
