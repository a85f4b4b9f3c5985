//! The quantified targets of an agreement (its content's `targets`, issue 5) against the values the
//! indicator engine computes for the agreement's scope: the facts of its parties (dimension `agreement`)
//! over the target's period. The members of a party see the actual values unmasked (they are accountable for
//! them); anyone else who may read the agreement sees small counts masked, as in any published table.

use super::{DEFAULT_THRESHOLD, Request, Viewer, compute};
use crate::Store;
use crate::access::AccessContext;
use crate::agreements::Agreement;
use crate::error::Result;
use passerelle_domain::indicators::{
    Dimension, Granularity, IndicatorCode, PeriodRange, TargetStatus, definition, indicator_of, period_of, progress,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use time::Date;
use uuid::Uuid;

/// One target and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TargetProgress {
    /// The indicator as the agreement names it.
    pub indicator: String,
    /// The recognised indicator's code, if any.
    pub code: Option<&'static str>,
    /// The recognised indicator's label, or the agreement's text.
    pub label: String,
    /// The period as the agreement names it.
    pub period: String,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub target: i64,
    pub unit: String,
    /// The computed value; `null` when masked or not computed.
    pub actual: Option<f64>,
    pub masked: bool,
    /// The value expected by today if the target were reached evenly over its period.
    pub expected: Option<f64>,
    /// Actual over target, in percent.
    pub percent: Option<f64>,
    #[schema(value_type = Option<String>)]
    pub status: Option<TargetStatus>,
    /// The status in French, or why no value is computed.
    pub status_label: String,
}

/// The targets of the agreement `id` (404 out of the caller's scope) and their progress on `today`.
pub async fn of_agreement(
    store: &Store,
    ctx: &AccessContext,
    id: Uuid,
    today: Date,
) -> Result<(Agreement, Vec<TargetProgress>)> {
    let agreement = store.agreements(ctx).get(id).await?;
    let targets = progress_of(store, ctx, &agreement, today).await?;
    Ok((agreement, targets))
}

/// The masking threshold of the agreement's figures for the caller: none for the members of a party, who are
/// accountable for them; the published one for anyone else.
pub(super) fn threshold_for(ctx: &AccessContext, agreement: &Agreement) -> u64 {
    let party = agreement
        .parties
        .iter()
        .any(|p| ctx.membership(p.organisation_id).is_some());
    if party { 1 } else { DEFAULT_THRESHOLD }
}

/// The progress of each target of an agreement already read by the caller, on `day`: the facts of each
/// target's period up to that day. Targets over the same period are computed together (one pass of the
/// engine per distinct period, not per target).
pub async fn progress_of(
    store: &Store,
    ctx: &AccessContext,
    agreement: &Agreement,
    day: Date,
) -> Result<Vec<TargetProgress>> {
    progress_at(store, ctx, agreement, day, false).await
}

/// The progress of each target on `day`; when the day is `over` (the last of a closed year), a target ending
/// by then and not reached is missed, not behind.
pub(super) async fn progress_at(
    store: &Store,
    ctx: &AccessContext,
    agreement: &Agreement,
    day: Date,
    over: bool,
) -> Result<Vec<TargetProgress>> {
    let mut out = Vec::new();
    // The targets still to compute: their place in `out`, indicator and period.
    let mut to_compute: Vec<(usize, IndicatorCode, Date, Date)> = Vec::new();
    for t in &agreement.content.targets {
        let code = indicator_of(&t.indicator);
        let range = period_of(&t.period, agreement.starts_on, agreement.ends_on);
        let mut p = TargetProgress {
            indicator: t.indicator.clone(),
            code: code.map(|c| c.code()),
            label: code.map_or_else(|| t.indicator.clone(), |c| c.label().to_owned()),
            period: t.period.clone(),
            from: range.map(|r| r.0),
            to: range.map(|r| r.1),
            target: t.value,
            unit: t.unit.clone(),
            actual: None,
            masked: false,
            expected: None,
            percent: None,
            status: None,
            status_label: String::new(),
        };
        match (code, range) {
            (None, _) => {
                p.status_label = "indicateur non reconnu (écrire son code ou son libellé, voir /indicateurs)".into()
            }
            (_, None) => {
                p.status_label =
                    "période non reconnue (AAAA, AAAA-T1, AAAA-MM, AAAA-AAAA ou AAAA-MM-JJ/AAAA-MM-JJ)".into()
            }
            (Some(code), Some((from, to))) => {
                let d = definition(code);
                if !d.source.is_recorded() {
                    p.status_label = "source à venir".into();
                } else if !d.allows(Dimension::Agreement) {
                    p.status_label = "ne se calcule pas par convention".into();
                } else if PeriodRange::new(from, to).is_err() {
                    p.status_label = "période trop longue (dix ans au plus)".into();
                } else {
                    to_compute.push((out.len(), code, from, to));
                }
            }
        }
        out.push(p);
    }
    let mut periods: BTreeMap<(Date, Date), Vec<IndicatorCode>> = BTreeMap::new();
    for (_, code, from, to) in &to_compute {
        periods.entry((*from, *to)).or_default().push(*code);
    }
    let id = agreement.id.to_string();
    // Per period and indicator: the value and whether it is masked (no row: nothing counted).
    let mut values: HashMap<(Date, Date, &'static str), (Option<f64>, bool)> = HashMap::new();
    for ((from, to), codes) in periods {
        // Nothing is counted before the period starts.
        let Ok(range) = PeriodRange::new(from, to.min(day)) else {
            continue;
        };
        let request = Request {
            range,
            granularity: Granularity::Whole,
            dimensions: vec![Dimension::Agreement],
            indicators: codes,
            as_of: None,
            threshold: threshold_for(ctx, agreement),
            viewer: Viewer::Members(ctx.memberships().iter().map(|m| m.organisation_id).collect()),
        };
        for r in compute(store, &request).await?.rows {
            if r.dimensions.get("agreement") == Some(&id) {
                values.insert((from, to, r.indicator), (r.value, r.masked));
            }
        }
    }
    for (at, code, from, to) in to_compute {
        let p = &mut out[at];
        let (value, masked) = values
            .get(&(from, to, code.code()))
            .copied()
            .unwrap_or((Some(0.0), false));
        p.masked = masked;
        if masked {
            p.status_label = "petit effectif masqué".into();
            continue;
        }
        let actual = value.unwrap_or(0.0);
        let judged_on = if over && to <= day {
            day.next_day().unwrap_or(day)
        } else {
            day
        };
        let pr = progress(actual, p.target as f64, from, to, judged_on);
        p.actual = Some(actual);
        p.expected = Some((pr.expected * 10.0).round() / 10.0);
        p.percent = Some((pr.percent * 10.0).round() / 10.0);
        p.status = Some(pr.status);
        p.status_label = pr.status.label().into();
    }
    Ok(out)
}
