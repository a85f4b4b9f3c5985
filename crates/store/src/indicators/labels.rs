//! Names for the values of the dimensions shown on the indicators' page: organisations by name (the
//! directory is public), agreements by title when the caller may read them (others keep their identifier).
//! Only the identifiers shown are looked up: a national table by organisation names a few thousand of them,
//! a department's a few dozen.

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::Result;
use crate::infra::sql::{Executor, query};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// Identifiers bound in one query, well under the bound parameters both databases accept.
const CHUNK: usize = 1_000;

/// Identifier (as the rows carry it) -> name, for the `organisations` and `agreements` given.
pub async fn names(
    store: &Store,
    ctx: &AccessContext,
    organisations: &BTreeSet<Uuid>,
    agreements: &BTreeSet<Uuid>,
) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    let ids: Vec<Uuid> = organisations.iter().copied().collect();
    let mut pool = store.pool.clone();
    for chunk in ids.chunks(CHUNK) {
        let mut q = query("SELECT id, name FROM organisations WHERE id IN (");
        for (i, id) in chunk.iter().enumerate() {
            q.push_bound(if i == 0 { "{}" } else { ", {}" }, *id);
        }
        q.push_sql(")");
        for r in pool.fetch_all(q).await? {
            out.insert(r.get::<Uuid>("id")?.to_string(), r.get::<String>("name")?);
        }
    }
    if !agreements.is_empty() {
        for a in store.agreements(ctx).list().await? {
            if agreements.contains(&a.id) {
                out.insert(a.id.to_string(), a.title);
            }
        }
    }
    Ok(out)
}
