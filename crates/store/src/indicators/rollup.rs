//! The roll-ups of the published grids, kept as counters by triggers on `indicator_facts`: department x SIAE
//! kind (migration 0013), region x SIAE kind (0046) and agreement (0047), each by month, quarter and year, with
//! the facts, the sum of their values, the distinct people and the distinct people whose fact says yes. They
//! answer the requests along exactly one of these grids over whole periods (or a whole range that is exactly
//! one month, quarter or year), without an « as of » date; every other request reads the facts.

use super::{Origin, Request};
use crate::infra::sql::{Query, query};
use passerelle_domain::indicators::{Dimension, Granularity, Period, PeriodRange};
use time::Date;

/// The counters of one grid: their table and the column of each of its dimensions.
struct Grid {
    table: &'static str,
    columns: &'static [(Dimension, &'static str)],
}

const GRIDS: &[Grid] = &[
    Grid {
        table: "indicator_rollup",
        columns: &[
            (Dimension::Department, "department"),
            (Dimension::SiaeKind, "siae_kind"),
        ],
    },
    Grid {
        table: "indicator_region_rollup",
        columns: &[(Dimension::Region, "region"), (Dimension::SiaeKind, "siae_kind")],
    },
    Grid {
        table: "indicator_agreement_rollup",
        columns: &[(Dimension::Agreement, "agreement_id")],
    },
];

/// The cells of the request, one row each with the columns of the facts' GROUP BY (`period`, `d0`, ...,
/// `indicator`, `n`, `total`, `people`, `people_yes`), or `None` when no roll-up serves it.
pub(super) fn query_for(req: &Request, origin: Origin, fact_codes: &[&str]) -> Option<Query> {
    if origin != Origin::Facts || req.as_of.is_some() {
        return None;
    }
    let (grain, periods) = grain(req)?;
    let grid = GRIDS.iter().find(|g| {
        g.columns.len() == req.dimensions.len() && g.columns.iter().all(|(d, _)| req.dimensions.contains(d))
    })?;
    let mut columns = String::new();
    for (i, d) in req.dimensions.iter().enumerate() {
        let column = grid.columns.iter().find(|(g, _)| g == d).map(|(_, c)| *c)?;
        columns.push_str(&format!("r.{column} AS d{i}, "));
    }
    // The whole range is one period of the grain: its key is the facts' one for the whole range.
    let period = if req.granularity == Granularity::Whole {
        "'all'"
    } else {
        "r.period"
    };
    let mut q = query(format!(
        "SELECT {period} AS period, {columns}r.indicator AS indicator, r.facts AS n, r.total AS total, \
         r.people AS people, r.people_yes AS people_yes FROM {} r",
        grid.table
    ));
    q.push_bound(" WHERE r.grain = {}", grain.code());
    q.push_sql(" AND r.period IN (");
    for (i, p) in periods.iter().enumerate() {
        q.push_bound(if i == 0 { "{}" } else { ", {}" }, p.label());
    }
    q.push_sql(") AND r.indicator IN (");
    for (i, code) in fact_codes.iter().enumerate() {
        q.push_bound(if i == 0 { "{}" } else { ", {}" }, *code);
    }
    q.push_sql(")");
    Some(q)
}

/// The grain of the counters that answers the request and its periods, if any: the requested cut when the
/// range starts and ends on its periods' bounds; for the whole range, the month, quarter or year it is exactly.
fn grain(req: &Request) -> Option<(Granularity, Vec<Period>)> {
    let aligned = |granularity| {
        let whole = |day: Date| {
            Period::containing(
                day,
                granularity,
                PeriodRange {
                    from: Date::MIN,
                    to: Date::MAX,
                },
            )
        };
        whole(req.range.from).from == req.range.from && whole(req.range.to).to == req.range.to
    };
    let grain = match req.granularity {
        Granularity::Whole => [Granularity::Year, Granularity::Quarter, Granularity::Month]
            .into_iter()
            .find(|g| aligned(*g) && req.range.periods(*g).len() == 1)?,
        g => aligned(g).then_some(g)?,
    };
    Some((grain, req.range.periods(grain)))
}
