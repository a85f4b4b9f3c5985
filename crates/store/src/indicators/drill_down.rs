//! From a figure to the people behind it: the members of the organisation the figure is about see the list
//! of its pathways (people and the facts counted); nobody else does (NotFound, as for any record out of
//! scope). The read is journaled like any read of personal data.

use super::{esat, supported};
use crate::Store;
use crate::access::AccessContext;
use crate::directory::push_in;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{self, Event};
use crate::infra::sql::{Executor, query};
use passerelle_domain::indicators::{IndicatorCode, PeriodRange};
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

/// One person counted in a figure.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Counted {
    pub person_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// The day of each counted fact.
    pub dates: Vec<Date>,
}

/// The people behind `code` for `organisation_id` over `range`; the caller must be a member of it.
pub async fn people(
    store: &Store,
    ctx: &AccessContext,
    code: IndicatorCode,
    organisation_id: Uuid,
    range: PeriodRange,
) -> Result<Vec<Counted>> {
    if ctx.membership(organisation_id).is_none() {
        return Err(StoreError::not_found("structure"));
    }
    let fact = match code {
        IndicatorCode::Trainees => IndicatorCode::TrainingHours.code(),
        c => c.code(),
    };
    let mut tx = store.begin().await?;
    // (person, first name, last name, day counted), in the order of the list.
    let mut rows: Vec<(Uuid, String, String, Date)> = Vec::new();
    if esat::computes(code) {
        // The ESAT's workers behind the figure, by the rules of the figure itself.
        let facts = esat::load(&mut store.pool.clone(), None).await?;
        let counted: Vec<(Uuid, Date)> = facts
            .counted(code, range.from, range.to)
            .iter()
            .filter(|c| facts.esat(c) == Some(organisation_id))
            .filter_map(|c| facts.person(c).map(|p| (p, c.on)))
            .collect();
        let ids: Vec<Uuid> = counted.iter().map(|(p, _)| *p).collect();
        let mut names: HashMap<Uuid, (String, String)> = HashMap::new();
        if !ids.is_empty() {
            let mut q = query("SELECT id, first_name, last_name FROM persons WHERE");
            push_in(&mut q, "id", &ids);
            for r in tx.fetch_all(q).await? {
                names.insert(r.get("id")?, (r.get("first_name")?, r.get("last_name")?));
            }
        }
        for (person, on) in counted {
            if let Some((first, last)) = names.get(&person) {
                rows.push((person, first.clone(), last.clone(), on));
            }
        }
        rows.sort_by(|a, b| (&a.2, &a.1, a.0, a.3).cmp(&(&b.2, &b.1, b.0, b.3)));
    } else {
        let q = if supported::computes(code) {
            // The people accompanied by the scheme during the range (the population of every figure of supported
            // employment, whose rule is `supported::Entry::accompanied_during`), dated by their entry.
            query(
                "SELECT p.id, p.first_name, p.last_name, e.entered_on AS occurred_on FROM supported_entries e \
                 JOIN persons p ON p.id = e.person_id WHERE e.scheme_id = $1 AND e.entered_on <= $2 \
                 AND (e.exited_on IS NULL OR e.exited_on > $3) ORDER BY p.last_name, p.first_name, p.id, e.entered_on",
            )
            .bind(organisation_id)
            .bind(range.to)
            .bind(range.from)
        } else {
            query(
                "SELECT p.id, p.first_name, p.last_name, f.occurred_on FROM indicator_facts f \
                 JOIN persons p ON p.id = f.person_id WHERE f.indicator = $1 AND f.organisation_id = $2 \
                 AND f.occurred_on >= $3 AND f.occurred_on <= $4 ORDER BY p.last_name, p.first_name, p.id, f.occurred_on",
            )
            .bind(fact)
            .bind(organisation_id)
            .bind(range.from)
            .bind(range.to)
        };
        for r in tx.fetch_all(q).await? {
            rows.push((
                r.get("id")?,
                r.get("first_name")?,
                r.get("last_name")?,
                r.get("occurred_on")?,
            ));
        }
    }
    let mut out: Vec<Counted> = Vec::new();
    for (id, first_name, last_name, on) in rows {
        match out.last_mut() {
            Some(last) if last.person_id == id => last.dates.push(on),
            _ => out.push(Counted {
                person_id: id,
                first_name,
                last_name,
                dates: vec![on],
            }),
        }
    }
    let ids: Vec<Uuid> = out.iter().map(|c| c.person_id).collect();
    let event = Event::new("organisation", organisation_id, "indicator.people_read")
        .by(Some(organisation_id))
        .after(&serde_json::json!({"indicator": code.code(), "from": range.from, "to": range.to, "persons": ids}));
    events::commit_with(tx, ctx, event).await?;
    Ok(out)
}
