//! The indicators counted from the facts: one GROUP BY over `indicator_facts` for all of them (and one more
//! for the median), along the requested periods and dimensions.

use super::{Origin, Request, Row, rollup};
use crate::infra::error::Result;
use crate::infra::sql::{Executor, Pool, Query, query};
use passerelle_domain::directory::department::DEPARTMENTS;
use passerelle_domain::indicators::{Dimension, Granularity, IndicatorCode, Period};
use std::collections::{BTreeMap, HashMap};
use time::Date;
use uuid::Uuid;

/// How a value is made from the facts of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    /// One per fact.
    Facts,
    /// The sum of the facts' values (hours).
    Sum,
    /// Distinct people.
    People,
    /// Distinct people whose fact says yes, over distinct people, in percent.
    PeopleShare,
    /// Median of the facts' values.
    Median,
}

/// The fact an indicator counts and how.
fn measure(code: IndicatorCode) -> (&'static str, Measure) {
    use IndicatorCode as I;
    match code {
        I::Trainees => ("training_hours", Measure::People),
        I::TrainingHours => ("training_hours", Measure::Sum),
        I::SpeRegisteredShare | I::SpeRegistered6MonthsShare | I::InterviewsOnTimeShare => {
            (code.code(), Measure::PeopleShare)
        }
        I::MedianDaysToHiring => (code.code(), Measure::Median),
        _ => (code.code(), Measure::Facts),
    }
}

/// What one GROUP BY cell holds.
#[derive(Debug, Clone, Copy, Default)]
struct Aggregate {
    facts: i64,
    total: i64,
    people: i64,
    people_yes: i64,
}

type Key = (String, String, Vec<String>);

pub(super) async fn rows(pool: &mut Pool, req: &Request, codes: &[IndicatorCode], origin: Origin) -> Result<Vec<Row>> {
    let mut fact_codes: Vec<&'static str> = codes.iter().map(|c| measure(*c).0).collect();
    fact_codes.sort_unstable();
    fact_codes.dedup();
    let backend = pool.backend();
    let select = Select::new(req, backend, origin);

    let q = match rollup::query_for(req, origin, &fact_codes) {
        Some(q) => q,
        None => {
            let mut q = select.query(
                "f.indicator, COUNT(*) AS n, CAST(SUM(f.value) AS BIGINT) AS total, \
                 COUNT(DISTINCT f.person_id) AS people, \
                 COUNT(DISTINCT CASE WHEN f.value > 0 THEN f.person_id END) AS people_yes",
            );
            select.filter(&mut q, req, &fact_codes);
            q.push_sql(&select.group_by(1));
            q
        }
    };
    let mut cells: HashMap<Key, Aggregate> = HashMap::new();
    for r in pool.fetch_all(q).await? {
        let key = (
            r.get::<String>("indicator")?,
            r.get::<String>("period")?,
            select.read_dims(&r)?,
        );
        cells.insert(
            key,
            Aggregate {
                facts: r.get("n")?,
                total: r.get::<Option<i64>>("total")?.unwrap_or(0),
                people: r.get("people")?,
                people_yes: r.get("people_yes")?,
            },
        );
    }

    let medians = if codes.contains(&IndicatorCode::MedianDaysToHiring) {
        medians(pool, req, &select).await?
    } else {
        HashMap::new()
    };

    let labels = period_labels(req);
    let mut out = Vec::new();
    for code in codes {
        let (fact, how) = measure(*code);
        let mut keys: Vec<&Key> = cells.keys().filter(|k| k.0 == fact).collect();
        keys.sort();
        for key in keys {
            let agg = cells[key];
            let (value, people) = match how {
                Measure::Facts => (agg.facts as f64, agg.people),
                Measure::Sum => (agg.total as f64, agg.people),
                Measure::People => (agg.people as f64, agg.people),
                Measure::PeopleShare => (share(agg.people_yes, agg.people), agg.people),
                // The people behind a median are those of the hirings it measures: at least the cell's people
                // less one per hiring left out, so that masking never counts someone the median did not.
                Measure::Median => match medians.get(&(key.1.clone(), key.2.clone())) {
                    Some(&(m, measured)) => (m, agg.people - (agg.facts - measured)),
                    None => continue,
                },
            };
            let period = labels.get(&key.1).cloned().unwrap_or_else(|| key.1.clone());
            out.push(Row::cell(req, *code, period, &key.2, value, people.max(0) as u64));
        }
    }
    Ok(out)
}

/// A share in percent, with one decimal.
pub(super) fn share(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// The median of each cell, from the histogram of its values (one row per distinct value: the days between
/// prescription and hiring take few values, so the histogram is small whatever the number of hirings).
/// A hiring dated before its prescription was entered after the fact (a pathway taken over from before
/// Passerelle): it measures no delay and is left out. Each median comes with the number of hirings measured.
async fn medians(
    pool: &mut Pool,
    req: &Request,
    select: &Select,
) -> Result<HashMap<(String, Vec<String>), (f64, i64)>> {
    let mut q = select.query("f.value, COUNT(*) AS n");
    select.filter(&mut q, req, &[IndicatorCode::MedianDaysToHiring.code()]);
    q.push_sql(" AND f.value >= 0");
    q.push_sql(&select.group_by(1));
    let mut histograms: HashMap<(String, Vec<String>), BTreeMap<i64, i64>> = HashMap::new();
    for r in pool.fetch_all(q).await? {
        let key = (r.get::<String>("period")?, select.read_dims(&r)?);
        histograms.entry(key).or_default().insert(r.get("value")?, r.get("n")?);
    }
    Ok(histograms
        .into_iter()
        .map(|(k, h)| {
            let measured = h.values().sum();
            (k, (median(&h), measured))
        })
        .collect())
}

/// The median of a histogram (value -> count): the middle value, or the mean of the two middle ones.
fn median(histogram: &BTreeMap<i64, i64>) -> f64 {
    let n: i64 = histogram.values().sum();
    let nth = |rank: i64| {
        let mut seen = 0;
        for (value, count) in histogram {
            seen += count;
            if seen > rank {
                return *value as f64;
            }
        }
        0.0
    };
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        nth(n / 2)
    } else {
        (nth(n / 2 - 1) + nth(n / 2)) / 2.0
    }
}

/// The labels of the periods, from the SQL period keys (clipped periods and the whole range carry the
/// domain's label).
fn period_labels(req: &Request) -> HashMap<String, String> {
    req.range
        .periods(req.granularity)
        .iter()
        .map(|p: &Period| {
            let key = match req.granularity {
                Granularity::Whole => "all".to_owned(),
                _ => p.label(),
            };
            (key, p.label())
        })
        .collect()
}

/// The shared parts of the SELECT: period expression, dimension columns and their joins.
struct Select {
    period: &'static str,
    dims: Vec<(Dimension, &'static str)>,
    from: String,
}

impl Select {
    fn new(req: &Request, backend: &str, origin: Origin) -> Self {
        let pg = backend == "postgres";
        let period = match (req.granularity, pg) {
            (Granularity::Month, false) => "substr(f.occurred_on, 1, 7)",
            (Granularity::Month, true) => "to_char(f.occurred_on, 'YYYY-MM')",
            (Granularity::Quarter, false) => {
                "substr(f.occurred_on, 1, 4) || '-T' || ((CAST(substr(f.occurred_on, 6, 2) AS INTEGER) + 2) / 3)"
            }
            (Granularity::Quarter, true) => "to_char(f.occurred_on, 'YYYY') || '-T' || to_char(f.occurred_on, 'Q')",
            (Granularity::Year, false) => "substr(f.occurred_on, 1, 4)",
            (Granularity::Year, true) => "to_char(f.occurred_on, 'YYYY')",
            (Granularity::Whole, _) => "'all'",
        };
        let mut from = format!(" FROM {} f", origin.relation());
        let mut dims = Vec::new();
        for d in &req.dimensions {
            let column = match d {
                Dimension::Department => "f.department",
                Dimension::Region => {
                    from.push_str(&region_join());
                    "r.region"
                }
                Dimension::Organisation => "f.organisation_id",
                Dimension::SiaeKind => "f.siae_kind",
                Dimension::Agreement => {
                    from.push_str(" JOIN agreement_parties ap ON ap.organisation_id = f.organisation_id");
                    "ap.agreement_id"
                }
                Dimension::ExitOutcome => "f.detail",
            };
            dims.push((*d, column));
        }
        Self { period, dims, from }
    }

    /// `SELECT <period>, <dims>, <measures> FROM ...`.
    fn query(&self, measures: &str) -> Query {
        let mut sql = format!("SELECT {} AS period", self.period);
        for (i, (_, column)) in self.dims.iter().enumerate() {
            sql.push_str(&format!(", {column} AS d{i}"));
        }
        sql.push_str(", ");
        sql.push_str(measures);
        sql.push_str(&self.from);
        query(sql)
    }

    fn filter(&self, q: &mut Query, req: &Request, fact_codes: &[&str]) {
        let to = match req.as_of {
            Some(t) => req.range.to.min(t.date()),
            None => req.range.to,
        };
        q.push_bound(" WHERE f.occurred_on >= {}", req.range.from);
        q.push_bound(" AND f.occurred_on <= {}", to);
        if let Some(t) = req.as_of {
            q.push_bound(" AND f.recorded_at <= {}", t);
        }
        q.push_sql(" AND f.indicator IN (");
        for (i, code) in fact_codes.iter().enumerate() {
            q.push_bound(if i == 0 { "{}" } else { ", {}" }, *code);
        }
        q.push_sql(")");
    }

    /// `GROUP BY` the period, the dimensions and `extra` more leading measure columns.
    fn group_by(&self, extra: usize) -> String {
        let n = 1 + self.dims.len() + extra;
        let cols: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
        format!(" GROUP BY {}", cols.join(", "))
    }

    fn read_dims(&self, r: &crate::infra::sql::Row) -> std::result::Result<Vec<String>, sqlx::Error> {
        self.dims
            .iter()
            .enumerate()
            .map(|(i, (d, _))| {
                let col = format!("d{i}");
                Ok(match d {
                    Dimension::Organisation | Dimension::Agreement => {
                        r.get::<Option<Uuid>>(&col)?.map(|u| u.to_string()).unwrap_or_default()
                    }
                    _ => r.get::<Option<String>>(&col)?.unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// The department -> region table as an inline VALUES list (the same SQL on both databases).
fn region_join() -> String {
    let values: Vec<String> = DEPARTMENTS
        .iter()
        .map(|d| format!("('{}', '{}')", d.code, d.region_code))
        .collect();
    format!(
        " JOIN (SELECT column1 AS department, column2 AS region FROM (VALUES {}) AS v) r ON r.department = f.department",
        values.join(", ")
    )
}

/// Today's date on the server, for ranges that end today.
pub(super) fn end_of(day: Date) -> time::OffsetDateTime {
    day.with_hms(23, 59, 59)
        .map_or(crate::infra::clock::now(), |t| t.assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_histograms() {
        let h = |pairs: &[(i64, i64)]| pairs.iter().copied().collect::<BTreeMap<i64, i64>>();
        assert_eq!(median(&h(&[(10, 1)])), 10.0);
        assert_eq!(median(&h(&[(10, 1), (20, 1)])), 15.0);
        assert_eq!(median(&h(&[(3, 2), (7, 1), (40, 2)])), 7.0);
        assert_eq!(median(&h(&[])), 0.0);
    }
}
