//! The ESAT indicators (Questions incontournables ESAT – SPE, question 12), computed from the workers' situations
//! and conventions d'appui as recorded (`pathways::esat`), with the rules of `passerelle_domain::indicators::esat`.
//! Double activity and the conventions in force are stocks over the period (like the figures of supported
//! employment), exits, returns and the conventions concluded are dated moves: both are read here from the
//! ESAT's own tables rather than from the fact table. Each figure is about the ESAT (its department, itself, the
//! agreements it is party to); the value as of a past moment counts what was recorded by then.

use super::{Request, Row};
use crate::infra::error::Result;
use crate::infra::sql::{Executor, Pool, query};
use passerelle_domain::directory::department::department;
use passerelle_domain::indicators::esat::{Spell, exits_to_ordinary_work, support_concluded, support_in_force};
use passerelle_domain::indicators::{Dimension, Family, IndicatorCode, definition};
use passerelle_domain::pathways::esat::Situation;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub(super) fn computes(code: IndicatorCode) -> bool {
    definition(code).family == Family::Esat
}

/// Who a counted fact is about: the worker's person and ESAT.
#[derive(Debug, Clone)]
struct Worker {
    person: Uuid,
    esat: Uuid,
    department: String,
}

/// One situation of a worker's history, in order.
struct SituationRow {
    worker: Uuid,
    seq: i64,
    situation: Situation,
    since: Date,
    is_return: bool,
}

/// One period of a convention d'appui, with the first period of its convention.
struct SupportRow {
    worker: Uuid,
    first: Uuid,
    period_number: i64,
    starts_on: Date,
    ends_on: Date,
}

/// What was recorded by the « as of » moment.
pub(super) struct Facts {
    workers: HashMap<Uuid, Worker>,
    situations: Vec<SituationRow>,
    supports: Vec<SupportRow>,
    /// The agreements each ESAT is party to.
    agreements: HashMap<Uuid, Vec<Uuid>>,
}

/// One thing counted: what it is (counted once per cell), whom it is about, its day and, for an exit, the
/// situation entered.
pub(super) struct Counted {
    what: (Uuid, i64),
    pub(super) worker: Uuid,
    pub(super) on: Date,
    detail: Option<&'static str>,
}

/// Reads the ESAT workers, their situations and conventions d'appui recorded by `as_of`.
pub(super) async fn load(pool: &mut Pool, as_of: Option<OffsetDateTime>) -> Result<Facts> {
    let recorded = |at: OffsetDateTime| as_of.is_none_or(|t| at <= t);
    let mut workers = HashMap::new();
    for r in pool
        .fetch_all(query(
            "SELECT w.id, w.person_id, w.esat_id, o.department, w.created_at FROM esat_workers w \
             JOIN organisations o ON o.id = w.esat_id",
        ))
        .await?
    {
        if recorded(r.get("created_at")?) {
            let department: Option<String> = r.get("department")?;
            let worker = Worker {
                person: r.get("person_id")?,
                esat: r.get("esat_id")?,
                department: department.unwrap_or_default(),
            };
            workers.insert(r.get::<Uuid>("id")?, worker);
        }
    }
    let mut situations = Vec::new();
    for r in pool
        .fetch_all(query(
            "SELECT worker_id, seq, situation, since, is_return, created_at FROM esat_situations \
             ORDER BY worker_id, seq",
        ))
        .await?
    {
        let situation = Situation::parse(&r.get::<String>("situation")?);
        let created: OffsetDateTime = r.get("created_at")?;
        if let Some(situation) = situation.filter(|_| recorded(created)) {
            situations.push(SituationRow {
                worker: r.get("worker_id")?,
                seq: r.get("seq")?,
                situation,
                since: r.get("since")?,
                is_return: r.get("is_return")?,
            });
        }
    }
    let mut supports = Vec::new();
    let mut renews: HashMap<Uuid, Uuid> = HashMap::new();
    for r in pool
        .fetch_all(query(
            "SELECT id, worker_id, period_number, renewal_of, starts_on, ends_on, created_at \
             FROM esat_support_conventions",
        ))
        .await?
    {
        let id: Uuid = r.get("id")?;
        if let Some(previous) = r.get::<Option<Uuid>>("renewal_of")? {
            renews.insert(id, previous);
        }
        if recorded(r.get("created_at")?) {
            supports.push(SupportRow {
                worker: r.get("worker_id")?,
                first: id,
                period_number: r.get("period_number")?,
                starts_on: r.get("starts_on")?,
                ends_on: r.get("ends_on")?,
            });
        }
    }
    // A renewal continues its convention: follow the chain back to the first period (at most three).
    for s in &mut supports {
        while let Some(previous) = renews.get(&s.first) {
            s.first = *previous;
        }
    }
    let mut agreements: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for r in pool
        .fetch_all(query(
            "SELECT p.agreement_id, p.organisation_id FROM agreement_parties p \
             JOIN organisations o ON o.id = p.organisation_id WHERE o.kind = 'esat'",
        ))
        .await?
    {
        agreements
            .entry(r.get("organisation_id")?)
            .or_default()
            .push(r.get("agreement_id")?);
    }
    Ok(Facts {
        workers,
        situations,
        supports,
        agreements,
    })
}

impl Facts {
    /// What `code` counts over `from..=to`.
    pub(super) fn counted(&self, code: IndicatorCode, from: Date, to: Date) -> Vec<Counted> {
        use IndicatorCode as I;
        let within = |on: Date| from <= on && on <= to;
        let mut out = Vec::new();
        match code {
            I::EsatSupportConventionsConcluded | I::EsatSupportConventionsInForce => {
                for s in &self.supports {
                    let counts = if code == I::EsatSupportConventionsConcluded {
                        support_concluded(s.period_number) && within(s.starts_on)
                    } else {
                        support_in_force(s.starts_on, s.ends_on, from, to)
                    };
                    if counts {
                        out.push(Counted {
                            what: (s.first, 0),
                            worker: s.worker,
                            on: s.starts_on,
                            detail: None,
                        });
                    }
                }
            }
            _ => {
                let mut previous: Option<&SituationRow> = None;
                for (i, s) in self.situations.iter().enumerate() {
                    let before = previous.filter(|p| p.worker == s.worker);
                    let next = self.situations.get(i + 1).filter(|n| n.worker == s.worker);
                    let counts = match code {
                        I::EsatExitsToOrdinaryWork => {
                            before.is_some_and(|b| exits_to_ordinary_work(b.situation, s.situation)) && within(s.since)
                        }
                        I::EsatReturns => s.is_return && within(s.since),
                        I::EsatDoubleActivity => {
                            s.situation == Situation::DoubleActivity
                                && Spell {
                                    starts_on: s.since,
                                    ends_before: next.map(|n| n.since),
                                }
                                .overlaps(from, to)
                        }
                        _ => false,
                    };
                    if counts {
                        out.push(Counted {
                            // Double activity counts workers; the moves count each move.
                            what: (s.worker, if code == I::EsatDoubleActivity { 0 } else { s.seq }),
                            worker: s.worker,
                            on: s.since,
                            detail: (code == I::EsatExitsToOrdinaryWork).then(|| s.situation.code()),
                        });
                    }
                    previous = Some(s);
                }
            }
        }
        out.retain(|c| self.workers.contains_key(&c.worker));
        out
    }

    /// The cells a counted fact falls in, along the request's dimensions: one per agreement its ESAT is party
    /// to along `agreement`, none when it is party to none.
    fn keys(&self, req: &Request, c: &Counted) -> Vec<Vec<String>> {
        let Some(w) = self.workers.get(&c.worker) else {
            return Vec::new();
        };
        let mut keys = vec![Vec::new()];
        for d in &req.dimensions {
            let values: Vec<String> = match d {
                Dimension::Department => vec![w.department.clone()],
                Dimension::Region => vec![
                    department(&w.department)
                        .map(|dep| dep.region_code.to_owned())
                        .unwrap_or_default(),
                ],
                Dimension::Organisation => vec![w.esat.to_string()],
                Dimension::Agreement => self
                    .agreements
                    .get(&w.esat)
                    .into_iter()
                    .flatten()
                    .map(Uuid::to_string)
                    .collect(),
                Dimension::ExitOutcome => vec![c.detail.unwrap_or_default().to_owned()],
                Dimension::SiaeKind => vec![String::new()],
            };
            keys = keys
                .into_iter()
                .flat_map(|k| {
                    values.iter().map(move |v| {
                        let mut k = k.clone();
                        k.push(v.clone());
                        k
                    })
                })
                .collect();
        }
        keys
    }

    /// The person a counted fact is about.
    pub(super) fn person(&self, c: &Counted) -> Option<Uuid> {
        self.workers.get(&c.worker).map(|w| w.person)
    }

    /// The ESAT a counted fact is about.
    pub(super) fn esat(&self, c: &Counted) -> Option<Uuid> {
        self.workers.get(&c.worker).map(|w| w.esat)
    }
}

/// What one cell gathers: the things counted and the people they are about.
type Cell = (HashSet<(Uuid, i64)>, HashSet<Uuid>);

pub(super) async fn rows(pool: &mut Pool, req: &Request, codes: &[IndicatorCode]) -> Result<Vec<Row>> {
    let to = match req.as_of {
        Some(t) => req.range.to.min(t.date()),
        None => req.range.to,
    };
    let facts = load(pool, req.as_of).await?;
    let mut out = Vec::new();
    for period in req.range.periods(req.granularity) {
        let end = period.to.min(to);
        if end < period.from {
            continue;
        }
        for code in codes {
            let mut cells: BTreeMap<Vec<String>, Cell> = BTreeMap::new();
            for c in facts.counted(*code, period.from, end) {
                for key in facts.keys(req, &c) {
                    let cell = cells.entry(key).or_default();
                    cell.0.insert(c.what);
                    cell.1.extend(facts.person(&c));
                }
            }
            for (key, (things, people)) in cells {
                out.push(Row::cell(
                    req,
                    *code,
                    period.label(),
                    &key,
                    things.len() as f64,
                    people.len() as u64,
                ));
            }
        }
    }
    Ok(out)
}
