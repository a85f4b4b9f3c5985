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
    Dimension, Granularity, PeriodRange, TargetStatus, definition, indicator_of, period_of, progress,
};
use serde::Serialize;
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

/// The progress of each target of an agreement already read by the caller.
pub async fn progress_of(
    store: &Store,
    ctx: &AccessContext,
    agreement: &Agreement,
    today: Date,
) -> Result<Vec<TargetProgress>> {
    let party = agreement
        .parties
        .iter()
        .any(|p| ctx.membership(p.organisation_id).is_some());
    let mut out = Vec::new();
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
        let (Some(code), Some((from, to))) = (code, range) else {
            p.status_label = if code.is_none() {
                "indicateur non reconnu (écrire son code ou son libellé, voir /indicateurs)".into()
            } else {
                "période non reconnue (AAAA, AAAA-T1, AAAA-MM, AAAA-AAAA ou AAAA-MM-JJ/AAAA-MM-JJ)".into()
            };
            out.push(p);
            continue;
        };
        let d = definition(code);
        if !d.source.is_recorded() {
            p.status_label = "source à venir".into();
        } else if !d.allows(Dimension::Agreement) {
            p.status_label = "ne se calcule pas par convention".into();
        } else {
            let Ok(range) = PeriodRange::new(from, to) else {
                p.status_label = "période trop longue (dix ans au plus)".into();
                out.push(p);
                continue;
            };
            let request = Request {
                range,
                granularity: Granularity::Whole,
                dimensions: vec![Dimension::Agreement],
                indicators: vec![code],
                as_of: None,
                threshold: if party { 1 } else { DEFAULT_THRESHOLD },
                viewer: Viewer::Members(ctx.memberships().iter().map(|m| m.organisation_id).collect()),
            };
            let table = compute(store, &request).await?;
            let id = agreement.id.to_string();
            let row = table.rows.iter().find(|r| r.dimensions.get("agreement") == Some(&id));
            p.masked = row.is_some_and(|r| r.masked);
            if p.masked {
                p.status_label = "petit effectif masqué".into();
            } else {
                let actual = row.and_then(|r| r.value).unwrap_or(0.0);
                let pr = progress(actual, t.value as f64, from, to, today);
                p.actual = Some(actual);
                p.expected = Some((pr.expected * 10.0).round() / 10.0);
                p.percent = Some((pr.percent * 10.0).round() / 10.0);
                p.status = Some(pr.status);
                p.status_label = pr.status.label().into();
            }
        }
        out.push(p);
    }
    Ok(out)
}
