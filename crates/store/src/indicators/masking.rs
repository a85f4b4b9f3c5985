//! Masking of the computed rows: each (indicator, period) is a table whose rows are the combinations of all
//! dimensions but the last and whose columns are the values of the last, with the totals of rows and columns
//! taken as published (they are, by a breakdown along fewer dimensions). The algorithm is the domain's.

use super::{Request, Row, Viewer};
use passerelle_domain::indicators::{Cell, Dimension, IndicatorCode, definition, mask};
use std::collections::HashMap;

pub(super) fn apply(rows: &mut [Row], req: &Request) {
    let own: &[uuid::Uuid] = match &req.viewer {
        Viewer::Public => &[],
        Viewer::Members(orgs) => orgs,
    };
    let organisation_at = req.dimensions.iter().position(|d| *d == Dimension::Organisation);
    let mut tables: HashMap<(&'static str, String), Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let counts_people = IndicatorCode::parse(r.indicator).is_some_and(|c| definition(c).counts_people);
        if counts_people {
            tables.entry((r.indicator, r.period.clone())).or_default().push(i);
        }
    }
    let dims: Vec<&'static str> = req.dimensions.iter().map(|d| d.code()).collect();
    for members in tables.into_values() {
        let mut row_keys: HashMap<Vec<String>, usize> = HashMap::new();
        let mut col_keys: HashMap<String, usize> = HashMap::new();
        let cells: Vec<Cell> = members
            .iter()
            .map(|&i| {
                let values: Vec<String> = dims.iter().map(|d| rows[i].dimensions[d].clone()).collect();
                let (head, last) = match values.split_last() {
                    Some((last, head)) => (head.to_vec(), last.clone()),
                    None => (Vec::new(), String::new()),
                };
                let n = row_keys.len();
                let row = *row_keys.entry(head).or_insert(n);
                let n = col_keys.len();
                let col = *col_keys.entry(last).or_insert(n);
                let exempt = organisation_at.is_some_and(|at| own.iter().any(|o| o.to_string() == values[at]));
                Cell {
                    row,
                    col,
                    people: rows[i].people,
                    exempt,
                }
            })
            .collect();
        for (&i, reason) in members.iter().zip(mask(&cells, req.threshold)) {
            if reason.is_some() {
                rows[i].value = None;
                rows[i].masked = true;
            }
        }
    }
}
