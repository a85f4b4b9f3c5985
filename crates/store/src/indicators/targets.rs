//! The quantified targets of an agreement (its content's `targets`) against the values the
//! indicator engine computes for the agreement's scope: the facts of its parties (dimension `agreement`)
//! over the target's period. The members of a party see the actual values unmasked (they are accountable for
//! them); anyone else who may read the agreement sees small counts masked, as in any published table.

use super::{Request, Viewer, compute};
use crate::Store;
use crate::access::AccessContext;
use crate::agreements::Agreement;
use crate::directory::push_in;
use crate::infra::error::Result;
use crate::infra::sql::{Executor, query};
use passerelle_domain::agreements::Level;
use passerelle_domain::directory::department::{department, region};
use passerelle_domain::indicators::MINIMUM_THRESHOLD;
use passerelle_domain::indicators::{
    Dimension, Granularity, IndicatorCode, PeriodRange, TargetStatus, definition, indicator_of, period_of, progress,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    if party { 1 } else { MINIMUM_THRESHOLD }
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
    let territory = territory_of(store, agreement).await?;
    // The targets still to compute: their place in `out`, indicator, period, and whether it is measured over
    // the agreement's territory rather than its parties.
    let mut to_compute: Vec<(usize, IndicatorCode, Date, Date, bool)> = Vec::new();
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
                } else if PeriodRange::new(from, to).is_err() {
                    p.status_label = "période trop longue (dix ans au plus)".into();
                } else if d.allows(Dimension::Agreement) {
                    to_compute.push((out.len(), code, from, to, false));
                } else if territory
                    .as_ref()
                    .is_some_and(|t| t.dimensions.iter().all(|x| d.allows(*x)))
                {
                    to_compute.push((out.len(), code, from, to, true));
                } else {
                    p.status_label = "ne se calcule pas par convention".into();
                }
            }
        }
        out.push(p);
    }
    let mut periods: BTreeMap<(bool, Date, Date), Vec<IndicatorCode>> = BTreeMap::new();
    for (_, code, from, to, territorial) in &to_compute {
        periods.entry((*territorial, *from, *to)).or_default().push(*code);
    }
    let parties = Territory {
        dimensions: vec![Dimension::Agreement],
        key: Some(("agreement", agreement.id.to_string())),
        name: String::new(),
    };
    // Per period and indicator: the value and whether it is masked (no row: nothing counted).
    let mut values: HashMap<(Date, Date, &'static str), (Option<f64>, bool)> = HashMap::new();
    for ((territorial, from, to), codes) in periods {
        // Nothing is counted before the period starts.
        let Ok(range) = PeriodRange::new(from, to.min(day)) else {
            continue;
        };
        let scope = match &territory {
            Some(t) if territorial => t,
            _ => &parties,
        };
        let request = Request {
            range,
            granularity: Granularity::Whole,
            dimensions: scope.dimensions.clone(),
            indicators: codes,
            as_of: None,
            threshold: threshold_for(ctx, agreement),
            viewer: Viewer::Members(ctx.memberships().iter().map(|m| m.organisation_id).collect()),
        };
        for r in compute(store, &request).await?.rows {
            if scope.key.as_ref().is_none_or(|(d, v)| r.dimensions.get(d) == Some(v)) {
                values.insert((from, to, r.indicator), (r.value, r.masked));
            }
        }
    }
    for (at, code, from, to, territorial) in to_compute {
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
        p.status_label = match &territory {
            Some(t) if territorial => format!("{} ({})", pr.status.label(), t.name),
            _ => pr.status.label().into(),
        };
    }
    Ok(out)
}

/// Where a target is measured: the dimensions of the request, the cell kept (none: the only one) and, for a
/// territory, its name as users read it.
struct Territory {
    dimensions: Vec<Dimension>,
    key: Option<(&'static str, String)>,
    name: String,
}

/// The territory over which a regional or national agreement's targets that its parties cannot carry alone
/// are measured (the share of SIAE with an SPE referent, Accord régional BFC 2016 annex 1, is the region's, not the
/// signatories'): a national framework's whole country, a regional agreement's region, that of its parties'
/// departments when they all lie in one. A local agreement has none.
async fn territory_of(store: &Store, agreement: &Agreement) -> Result<Option<Territory>> {
    match agreement.kind.level() {
        Level::Local => Ok(None),
        Level::National => Ok(Some(Territory {
            dimensions: Vec::new(),
            key: None,
            name: "mesuré sur toute la France".into(),
        })),
        Level::Regional => {
            let ids: Vec<Uuid> = agreement.parties.iter().map(|p| p.organisation_id).collect();
            if ids.is_empty() {
                return Ok(None);
            }
            let mut q = query("SELECT DISTINCT department FROM organisations WHERE");
            push_in(&mut q, "id", &ids);
            let mut regions = BTreeSet::new();
            for r in store.pool().clone().fetch_all(q).await? {
                let code: Option<String> = r.get("department")?;
                regions.insert(code.as_deref().and_then(|c| department(c).ok()).map(|d| d.region_code));
            }
            Ok(match regions.into_iter().collect::<Vec<_>>()[..] {
                [Some(code)] => Some(Territory {
                    dimensions: vec![Dimension::Region],
                    key: Some(("region", code.to_owned())),
                    name: format!("mesuré sur la région {}", region(code).map_or(code, |r| r.name)),
                }),
                _ => None,
            })
        }
    }
}
