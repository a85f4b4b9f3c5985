//! The shares of SIAE covered by a local cooperation convention (Accord régional BFC 2016, Annex 1, fiches 2 and 5): a stock
//! measured at the end of each period from the convention's dates and its parties' signatures, so that the
//! value as of a past date is the one that held then. The referent of an SIAE is the SPE party of such a
//! convention (the rule of the referent dashboard, docs/iae.md).

use super::facts::{end_of, share};
use super::{Request, Row};
use crate::infra::error::Result;
use crate::infra::sql::{Executor, Pool, query};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::directory::department::department;
use passerelle_domain::indicators::{Dimension, IndicatorCode};
use passerelle_domain::pathways::iae::SiaeKind;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub(super) fn computes(code: IndicatorCode) -> bool {
    matches!(
        code,
        IndicatorCode::SpeReferentShare | IndicatorCode::LocalConventionsShare
    )
}

struct Siae {
    id: Uuid,
    department: String,
    kind: SiaeKind,
    created_at: OffsetDateTime,
    archived_at: Option<OffsetDateTime>,
}

struct Party {
    agreement: Uuid,
    organisation: Uuid,
    spe: bool,
    signed_on: Option<Date>,
    starts_on: Option<Date>,
    ends_on: Option<Date>,
    terminates_on: Option<Date>,
}

pub(super) async fn rows(pool: &mut Pool, req: &Request, codes: &[IndicatorCode]) -> Result<Vec<Row>> {
    let siae = load_siae(pool).await?;
    let parties = load_parties(pool).await?;
    let mut out = Vec::new();
    for period in req.range.periods(req.granularity) {
        let at = match req.as_of {
            Some(t) if t.date() < period.to => t,
            _ => end_of(period.to),
        };
        let day = at.date();
        let (covered, with_referent) = covered_at(&parties, day);
        // Per cell: SIAE, covered, with a referent.
        let mut cells: BTreeMap<Vec<String>, (i64, i64, i64)> = BTreeMap::new();
        for s in siae
            .iter()
            .filter(|s| s.created_at <= at && s.archived_at.is_none_or(|a| a > at))
        {
            let key = req
                .dimensions
                .iter()
                .map(|d| match d {
                    Dimension::Region => department(&s.department)
                        .map(|dep| dep.region_code.to_owned())
                        .unwrap_or_default(),
                    Dimension::SiaeKind => s.kind.acronym().to_owned(),
                    _ => s.department.clone(),
                })
                .collect();
            let cell = cells.entry(key).or_default();
            cell.0 += 1;
            cell.1 += i64::from(covered.contains(&s.id));
            cell.2 += i64::from(with_referent.contains(&s.id));
        }
        for code in codes {
            for (key, (all, ccl, referent)) in &cells {
                let part = if *code == IndicatorCode::SpeReferentShare {
                    *referent
                } else {
                    *ccl
                };
                out.push(Row::cell(req, *code, period.label(), key, share(part, *all), 0));
            }
        }
    }
    Ok(out)
}

/// The SIAE party to a local convention in force on `day` signed by all its parties, and those among them
/// whose convention has an SPE party.
fn covered_at(parties: &[Party], day: Date) -> (HashSet<Uuid>, HashSet<Uuid>) {
    let mut by_agreement: HashMap<Uuid, Vec<&Party>> = HashMap::new();
    for p in parties {
        by_agreement.entry(p.agreement).or_default().push(p);
    }
    let mut covered = HashSet::new();
    let mut referent = HashSet::new();
    for members in by_agreement.values() {
        let a = members[0];
        let in_force = a.starts_on.is_some_and(|s| s <= day)
            && a.ends_on.is_none_or(|e| e >= day)
            && a.terminates_on.is_none_or(|t| t > day)
            && members.iter().all(|p| p.signed_on.is_some_and(|s| s <= day));
        if !in_force {
            continue;
        }
        let has_spe = members.iter().any(|p| p.spe);
        for p in members {
            covered.insert(p.organisation);
            if has_spe {
                referent.insert(p.organisation);
            }
        }
    }
    (covered, referent)
}

async fn load_siae(pool: &mut Pool) -> Result<Vec<Siae>> {
    let rows = pool
        .fetch_all(query(
            "SELECT id, department, kind, created_at, archived_at FROM organisations \
             WHERE kind IN ('aci', 'ei', 'eiti', 'ai', 'etti')",
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let kind = OrganisationKind::parse(&r.get::<String>("kind")?)
            .ok()
            .and_then(SiaeKind::of);
        if let Some(kind) = kind {
            out.push(Siae {
                id: r.get("id")?,
                department: r.get("department")?,
                kind,
                created_at: r.get("created_at")?,
                archived_at: r.get("archived_at")?,
            });
        }
    }
    Ok(out)
}

async fn load_parties(pool: &mut Pool) -> Result<Vec<Party>> {
    let rows = pool
        .fetch_all(query(
            "SELECT a.id, a.starts_on, a.ends_on, a.terminates_on, p.organisation_id, p.signed_on, o.kind \
             FROM agreements a JOIN agreement_parties p ON p.agreement_id = a.id \
             JOIN organisations o ON o.id = p.organisation_id WHERE a.kind = 'local_cooperation'",
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Party {
                agreement: r.get("id")?,
                organisation: r.get("organisation_id")?,
                spe: OrganisationKind::parse(&r.get::<String>("kind")?).is_ok_and(|k| k.is_spe()),
                signed_on: r.get("signed_on")?,
                starts_on: r.get("starts_on")?,
                ends_on: r.get("ends_on")?,
                terminates_on: r.get("terminates_on")?,
            })
        })
        .collect()
}
