//! The columns of an immersion's presence (migration 0049): the listed days of a discontinuous immersion and
//! the aided contract whose duration caps the immersions (`domain::pathways::immersion::aided`).

use super::decode;
use crate::infra::error::Result;
use crate::infra::sql::{Query, Row};
use passerelle_domain::pathways::immersion::{AidedContract, AidedContractKind, ConventionFields, Schedule};
use time::Date;

/// Binds, in this order, the listed days (NULL when none) and the aided contract's kind, start and end.
pub(super) fn bind(q: Query, f: &ConventionFields) -> Query {
    let dates = (!f.attendance_dates.is_empty()).then(|| serde_json::to_value(&f.attendance_dates).unwrap_or_default());
    let contract = f.aided_contract;
    q.bind(dates)
        .bind(contract.map(|c| c.kind.code()))
        .bind(contract.map(|c| c.starts_on))
        .bind(contract.map(|c| c.ends_on))
}

/// The listed days of presence (empty for an immersion that repeats its week).
pub(super) fn attendance_dates(r: &Row) -> Result<Vec<Date>> {
    match r.json("attendance_dates")? {
        None => Ok(Vec::new()),
        Some(v) => serde_json::from_value(v).map_err(|_| decode("jours de présence", "?")),
    }
}

/// The days of presence: the listed days, else the days the schedule has hours.
pub(super) fn presence_days(dates: &[Date], schedule: Schedule, starts_on: Date, ends_on: Date) -> i64 {
    match dates.len() {
        0 => schedule.attendance_days(starts_on, ends_on),
        n => i64::try_from(n).unwrap_or(i64::MAX),
    }
}

pub(super) fn aided_contract(r: &Row) -> Result<Option<AidedContract>> {
    let Some(kind) = r.get::<Option<String>>("aided_contract_kind")? else {
        return Ok(None);
    };
    Ok(Some(AidedContract {
        kind: AidedContractKind::parse(&kind).ok_or_else(|| decode("contrat aidé", &kind))?,
        starts_on: r.get("aided_contract_starts_on")?,
        ends_on: r.get("aided_contract_ends_on")?,
    }))
}
