//! Names for the values of the dimensions shown on the indicators' page: organisations by name (the
//! directory is public), agreements by title when the caller may read them (others keep their identifier).

use crate::Store;
use crate::access::AccessContext;
use crate::error::Result;
use crate::sql::{Executor, query};
use std::collections::HashMap;
use uuid::Uuid;

/// Identifier (as the rows carry it) -> name.
pub async fn names(store: &Store, ctx: &AccessContext) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    for r in store
        .pool
        .clone()
        .fetch_all(query("SELECT id, name FROM organisations"))
        .await?
    {
        out.insert(r.get::<Uuid>("id")?.to_string(), r.get::<String>("name")?);
    }
    for a in store.agreements(ctx).list().await? {
        out.insert(a.id.to_string(), a.title);
    }
    Ok(out)
}
