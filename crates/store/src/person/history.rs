//! The history of a person's record, as the journal already holds it: its creation, each change of its fields
//! (`person.updated` keeps the record before and after) and each sharing with another organisation, with the
//! names of who did it. Nothing new is written for it but the journal of its reading.

use super::PersonScope;
use crate::infra::error::Result;
use crate::infra::events::{Event, journal_reads};
use crate::infra::sql::{Executor, query};
use passerelle_domain::person::changes::{FieldChange, changed_fields};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

/// What was done to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordAction {
    Created,
    Updated,
    Shared,
}

/// One entry of the record's history.
#[derive(Debug, Clone)]
pub struct RecordChange {
    pub occurred_at: OffsetDateTime,
    pub action: RecordAction,
    /// The name of the account that made it (an operator's label for a command).
    pub author: String,
    /// The organisation the journal names: the one that created the record, or the one it was shared with.
    pub organisation_name: Option<String>,
    /// The fields written (all those given, for a creation), their values as a person reads them; a change
    /// that left every field as it was is not listed.
    pub fields: Vec<FieldChange>,
}

impl PersonScope<'_> {
    /// The history of a record the caller sees, oldest first; 404 out of scope like the record itself. Reading
    /// it shows personal data (the values before and after), so it is journaled (`person_history.read`).
    pub async fn changes(&self, id: Uuid) -> Result<Vec<RecordChange>> {
        let mut tx = self.store.pool.begin_read().await?;
        self.load(&mut tx, id).await?;
        let rows = tx
            .fetch_all(
                query(
                    "SELECT e.occurred_at, e.action, e.actor_label, u.display_name, o.name AS organisation_name, \
                     e.before_data, e.after_data FROM events e LEFT JOIN users u ON u.id = e.actor_user_id \
                     LEFT JOIN organisations o ON o.id = e.organisation_id WHERE e.entity_type = 'person' \
                     AND e.entity_id = $1 AND e.action IN ('person.created', 'person.updated', \
                     'person.follower_added') ORDER BY e.id",
                )
                .bind(id),
            )
            .await?;
        tx.commit().await?;
        let mut changes = Vec::with_capacity(rows.len());
        for r in rows {
            let action = match r.get::<String>("action")?.as_str() {
                "person.created" => RecordAction::Created,
                "person.updated" => RecordAction::Updated,
                _ => RecordAction::Shared,
            };
            let (before, after) = (r.json("before_data")?, r.json("after_data")?);
            let fields = match action {
                RecordAction::Shared => Vec::new(),
                _ => changed_fields(&before.unwrap_or(Value::Null), &after.unwrap_or(Value::Null)),
            };
            if action == RecordAction::Updated && fields.is_empty() {
                // Saved as it was: nothing a reader would see changed.
                continue;
            }
            changes.push(RecordChange {
                occurred_at: r.get("occurred_at")?,
                action,
                author: r
                    .get::<Option<String>>("display_name")?
                    .map_or_else(|| r.get("actor_label"), Ok)?,
                organisation_name: r.get("organisation_name")?,
                fields,
            });
        }
        journal_reads(
            &self.store.pool,
            self.ctx,
            vec![Event::new("person", id, "person_history.read").after(&changes.len())],
        )
        .await?;
        Ok(changes)
    }
}
