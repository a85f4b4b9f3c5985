//! The figures of supported employment (Journées nationales de l'emploi accompagné 2020) over periods, from the facts of migration 0015. Like the
//! counsellors' dashboard (`store/src/supported.rs`, domain `pathways::supported::figures`), they count a stock:
//! the people accompanied at some moment of the period (entered by its last day, not out by its first), not
//! the facts dated in it, so they are computed here from the entry, exit, job, employer and working-time facts
//! rather than by the GROUP BY of [`super::facts`]. Over a single day they are the dashboard's figures. A person
//! is matched to their jobs and employers by person and scheme, from their entry on (jobs, activities and the
//! convention cannot be dated before the entry).

use super::Origin;
use super::facts::share;
use super::{Request, Row};
use crate::infra::error::Result;
use crate::infra::sql::{Executor, Pool, query};
use passerelle_domain::calendar::add_months;
use passerelle_domain::directory::department::department;
use passerelle_domain::indicators::{Dimension, IndicatorCode, Period};
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The facts read, as written by the views of migration 0015.
const FACTS: &[&str] = &[
    "se_people_accompanied",
    "se_exits",
    "se_jobs",
    "se_employers_accompanied",
    "se_counsellor_fte",
];

pub(super) fn computes(code: IndicatorCode) -> bool {
    use IndicatorCode as I;
    matches!(
        code,
        I::SePeopleAccompanied
            | I::SeEmployersAccompanied
            | I::SePeoplePerCounsellor
            | I::SeInEmploymentShare
            | I::SeEmployedWithin6MonthsShare
    )
}

/// One entry into a scheme.
struct Entry {
    person: Uuid,
    scheme: Uuid,
    department: String,
    entered_on: Date,
    exited_on: Option<Date>,
}

impl Entry {
    /// Accompanied at some moment of `[from, to]` (the dashboard's `accompanied_on` over a range).
    fn accompanied_during(&self, from: Date, to: Date) -> bool {
        self.entered_on <= to && self.exited_on.is_none_or(|out| out > from)
    }
}

/// What the facts say, up to the end of the range (and recorded by the « as of » moment).
struct Facts {
    entries: Vec<Entry>,
    /// Start of each job found, by person and scheme.
    jobs: HashMap<(Uuid, Uuid), Vec<Date>>,
    /// Employer links (date, employer key), by person and scheme.
    employers: HashMap<(Uuid, Uuid), Vec<(Date, String)>>,
    /// Each counsellor's working times (date, hundredths), in the order recorded, by scheme.
    fte: HashMap<Uuid, HashMap<Uuid, Vec<(Date, i64)>>>,
}

/// Reads the facts of supported employment from `origin`, dated by `to` (the working time whatever its date)
/// and recorded by `as_of`.
async fn load(pool: &mut Pool, origin: Origin, to: Date, as_of: Option<OffsetDateTime>) -> Result<Facts> {
    let relation = origin.relation();
    let mut q = query(format!(
        "SELECT f.indicator, f.occurred_on, f.recorded_at, f.organisation_id, f.department, f.person_id, \
         f.source_id, f.detail, f.value FROM {relation} f WHERE f.indicator IN ("
    ));
    for (i, code) in FACTS.iter().enumerate() {
        q.push_bound(if i == 0 { "{}" } else { ", {}" }, *code);
    }
    q.push_bound(") AND (f.occurred_on <= {} OR f.indicator = 'se_counsellor_fte')", to);
    if let Some(t) = as_of {
        q.push_bound(" AND f.recorded_at <= {}", t);
    }
    q.push_sql(" ORDER BY f.recorded_at");
    let mut entries: HashMap<Uuid, Entry> = HashMap::new();
    let mut exits: Vec<(Uuid, Date)> = Vec::new();
    let mut facts = Facts {
        entries: Vec::new(),
        jobs: HashMap::new(),
        employers: HashMap::new(),
        fte: HashMap::new(),
    };
    for r in pool.fetch_all(q).await? {
        let on: Date = r.get("occurred_on")?;
        let scheme: Uuid = r.get("organisation_id")?;
        let source: Uuid = r.get("source_id")?;
        let person = || r.get::<Option<Uuid>>("person_id").map(|p| p.unwrap_or_default());
        match r.get::<String>("indicator")?.as_str() {
            "se_people_accompanied" => {
                let entry = Entry {
                    person: person()?,
                    scheme,
                    department: r.get("department")?,
                    entered_on: on,
                    exited_on: None,
                };
                entries.insert(source, entry);
            }
            "se_exits" => exits.push((source, on)),
            "se_jobs" => facts.jobs.entry((person()?, scheme)).or_default().push(on),
            "se_employers_accompanied" => {
                let key: Option<String> = r.get("detail")?;
                if let Some(key) = key {
                    facts.employers.entry((person()?, scheme)).or_default().push((on, key));
                }
            }
            _ => facts
                .fte
                .entry(scheme)
                .or_default()
                .entry(source)
                .or_default()
                .push((on, r.get("value")?)),
        }
    }
    for (entry, on) in exits {
        if let Some(e) = entries.get_mut(&entry) {
            e.exited_on = Some(on);
        }
    }
    facts.entries = entries.into_values().collect();
    Ok(facts)
}

impl Facts {
    /// The start of the first job of `entry` by `to`.
    fn first_job(&self, entry: &Entry, to: Date) -> Option<Date> {
        self.jobs
            .get(&(entry.person, entry.scheme))?
            .iter()
            .copied()
            .filter(|j| *j >= entry.entered_on && *j <= to)
            .min()
    }

    /// The scheme's full-time equivalents at the end of `period`, in hundredths: each counsellor's last working
    /// time set by then, else the first set afterwards (the time is a state; a report written after it was
    /// first entered still needs it).
    fn fte_at(&self, scheme: Uuid, to: Date) -> i64 {
        let Some(counsellors) = self.fte.get(&scheme) else {
            return 0;
        };
        counsellors
            .values()
            .filter_map(|times| {
                times
                    .iter()
                    .rev()
                    .find(|(on, _)| *on <= to)
                    .or_else(|| times.iter().filter(|(on, _)| *on > to).min_by_key(|(on, _)| *on))
                    .map(|(_, fte)| *fte)
            })
            .sum()
    }
}

/// What one cell gathers.
#[derive(Default)]
struct Cell {
    people: HashSet<Uuid>,
    employed: HashSet<Uuid>,
    within_6_months: HashSet<Uuid>,
    employers: HashSet<String>,
    people_with_employer: HashSet<Uuid>,
    schemes: HashSet<Uuid>,
}

pub(super) async fn rows(pool: &mut Pool, req: &Request, codes: &[IndicatorCode], origin: Origin) -> Result<Vec<Row>> {
    let to = match req.as_of {
        Some(t) => req.range.to.min(t.date()),
        None => req.range.to,
    };
    let facts = load(pool, origin, to, req.as_of).await?;
    let mut out = Vec::new();
    for period in req.range.periods(req.granularity) {
        let cells = cells(&facts, req, &period, to);
        for code in codes {
            for (key, cell) in &cells {
                let Some((value, people)) = value(*code, cell, &facts, period.to.min(to)) else {
                    continue;
                };
                out.push(Row::cell(req, *code, period.label(), key, value, people as u64));
            }
        }
    }
    Ok(out)
}

fn cells(facts: &Facts, req: &Request, period: &Period, to: Date) -> BTreeMap<Vec<String>, Cell> {
    let end = period.to.min(to);
    let mut cells: BTreeMap<Vec<String>, Cell> = BTreeMap::new();
    for e in facts.entries.iter().filter(|e| e.accompanied_during(period.from, end)) {
        let key = req
            .dimensions
            .iter()
            .map(|d| match d {
                Dimension::Region => department(&e.department)
                    .map(|dep| dep.region_code.to_owned())
                    .unwrap_or_default(),
                Dimension::Organisation => e.scheme.to_string(),
                _ => e.department.clone(),
            })
            .collect();
        let cell = cells.entry(key).or_default();
        cell.people.insert(e.person);
        cell.schemes.insert(e.scheme);
        if let Some(job) = facts.first_job(e, end) {
            cell.employed.insert(e.person);
            if job <= add_months(e.entered_on, 6) {
                cell.within_6_months.insert(e.person);
            }
        }
        for (on, employer) in facts.employers.get(&(e.person, e.scheme)).into_iter().flatten() {
            if *on >= e.entered_on && *on <= end {
                cell.employers.insert(employer.clone());
                cell.people_with_employer.insert(e.person);
            }
        }
    }
    cells
}

/// The value of `code` in `cell` and the people it is about (for masking); `None` when there is nothing to
/// measure (no employer, no one in employment, no working time recorded).
fn value(code: IndicatorCode, cell: &Cell, facts: &Facts, end: Date) -> Option<(f64, usize)> {
    use IndicatorCode as I;
    let people = cell.people.len();
    let count = |set: &HashSet<Uuid>| set.len() as i64;
    match code {
        I::SePeopleAccompanied => Some((people as f64, people)),
        I::SeEmployersAccompanied => {
            (!cell.employers.is_empty()).then_some((cell.employers.len() as f64, cell.people_with_employer.len()))
        }
        I::SeInEmploymentShare => Some((share(count(&cell.employed), people as i64), people)),
        I::SeEmployedWithin6MonthsShare => (!cell.employed.is_empty()).then(|| {
            (
                share(count(&cell.within_6_months), count(&cell.employed)),
                cell.employed.len(),
            )
        }),
        _ => {
            let fte: i64 = cell.schemes.iter().map(|s| facts.fte_at(*s, end)).sum();
            (fte > 0).then(|| ((people as f64 * 1000.0 / fte as f64).round() / 10.0, people))
        }
    }
}
