//! The event journal: who did what to which record, with the state before and after.
//!
//! An event is always written with the [`Executor`] of the change it describes, so that both are
//! committed together or not at all.

use crate::access::AccessContext;
use crate::infra::error::Result;
pub use crate::infra::event::Event;
use crate::infra::sql::{Executor, Pool, Tx, query};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// Writes `event` in the journal on behalf of `ctx`.
pub async fn record(ex: &mut impl Executor, ctx: &AccessContext, event: Event) -> Result<()> {
    ex.execute(
        query(
            "INSERT INTO events (occurred_at, actor_user_id, actor_label, entity_type, entity_id, action, \
             organisation_id, before_data, after_data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(crate::infra::clock::now())
        .bind(ctx.user_id())
        .bind(ctx.actor_label())
        .bind(event.entity_type)
        .bind(event.entity_id)
        .bind(event.action)
        .bind(event.organisation_id)
        .bind(event.before)
        .bind(event.after),
    )
    .await?;
    Ok(())
}

/// Writes `event` and commits the transaction whose change it describes: both or neither.
pub async fn commit_with(mut tx: Tx, ctx: &AccessContext, event: Event) -> Result<()> {
    record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// A written event, as shown in a record's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JournalEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub actor_label: String,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub action: String,
    /// The state before and after, as each kind of event writes it: an object, a list, an identifier, a count.
    /// Described as any JSON value (schemathesis found an `after` of `0` where an object was described).
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The events of one entity, oldest first.
pub async fn history(ex: &mut impl Executor, entity_type: &str, entity_id: Uuid) -> Result<Vec<JournalEntry>> {
    let rows = ex
        .fetch_all(
            query(
                "SELECT id, occurred_at, actor_label, entity_type, entity_id, action, before_data, after_data \
                 FROM events WHERE entity_type = $1 AND entity_id = $2 ORDER BY id",
            )
            .bind(entity_type)
            .bind(entity_id),
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(JournalEntry {
                id: r.get("id")?,
                occurred_at: r.get("occurred_at")?,
                actor_label: r.get("actor_label")?,
                entity_type: r.get("entity_type")?,
                entity_id: r.get("entity_id")?,
                action: r.get("action")?,
                before: r.json("before_data")?,
                after: r.json("after_data")?,
            })
        })
        .collect()
}

/// How many events the journal holds with this action (all actions when `None`).
pub async fn count(ex: &mut impl Executor, action: Option<&str>) -> Result<i64> {
    let row = match action {
        Some(a) => {
            ex.fetch_one(query("SELECT COUNT(*) AS n FROM events WHERE action = $1").bind(a))
                .await?
        }
        None => ex.fetch_one(query("SELECT COUNT(*) AS n FROM events")).await?,
    };
    Ok(row.get("n")?)
}

/// Journals what a read-only transaction showed, once the reading is over, and returns when the entries are
/// committed: the caller answers nothing unless they are written. Entries of concurrent reads share one
/// transaction ([`crate::infra::sql::read_journal`]); a long list never holds SQLite's write lock.
pub async fn journal_reads(pool: &Pool, ctx: &AccessContext, events: Vec<Event>) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    Ok(pool.read_journal().write(pool, ctx, events).await?)
}
