//! The roll-up of the published grain (migration 0013): indicator x month, quarter or year x department x SIAE
//! kind, with the facts, the sum of their values, the distinct people and the distinct people whose fact says
//! yes, kept by a trigger on `indicator_facts`. It answers the requests along exactly these two dimensions over
//! whole periods, without an « as of » date; every other request reads the facts.

use super::{Origin, Request};
use crate::infra::sql::{Query, query};
use passerelle_domain::indicators::{Dimension, Granularity, Period, PeriodRange};
use time::Date;

/// The cells of the request, one row each with the columns of the facts' GROUP BY (`period`, `d0`, `d1`,
/// `indicator`, `n`, `total`, `people`, `people_yes`), or `None` when the roll-up does not serve it.
pub(super) fn query_for(req: &Request, origin: Origin, fact_codes: &[&str]) -> Option<Query> {
    let grain = grain(req, origin)?;
    let columns: Vec<&str> = req
        .dimensions
        .iter()
        .map(|d| match d {
            Dimension::Department => "r.department",
            _ => "r.siae_kind",
        })
        .collect();
    let mut q = query(format!(
        "SELECT r.period AS period, {} AS d0, {} AS d1, r.indicator AS indicator, r.facts AS n, r.total AS total, \
         r.people AS people, r.people_yes AS people_yes FROM indicator_rollup r",
        columns[0], columns[1]
    ));
    q.push_bound(" WHERE r.grain = {}", grain);
    q.push_sql(" AND r.period IN (");
    for (i, p) in req.range.periods(req.granularity).iter().enumerate() {
        q.push_bound(if i == 0 { "{}" } else { ", {}" }, p.label());
    }
    q.push_sql(") AND r.indicator IN (");
    for (i, code) in fact_codes.iter().enumerate() {
        q.push_bound(if i == 0 { "{}" } else { ", {}" }, *code);
    }
    q.push_sql(")");
    Some(q)
}

/// The grain of the roll-up that answers the request, if any.
fn grain(req: &Request, origin: Origin) -> Option<&'static str> {
    let grain = match req.granularity {
        Granularity::Month => "month",
        Granularity::Quarter => "quarter",
        Granularity::Year => "year",
        Granularity::Whole => return None,
    };
    let dims = &req.dimensions;
    let along = dims.len() == 2 && dims.contains(&Dimension::Department) && dims.contains(&Dimension::SiaeKind);
    let whole = |day: Date| {
        Period::containing(
            day,
            req.granularity,
            PeriodRange {
                from: Date::MIN,
                to: Date::MAX,
            },
        )
    };
    let aligned = whole(req.range.from).from == req.range.from && whole(req.range.to).to == req.range.to;
    (origin == Origin::Facts && req.as_of.is_none() && along && aligned).then_some(grain)
}
