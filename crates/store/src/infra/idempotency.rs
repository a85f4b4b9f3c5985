//! Idempotency keys of creations: a retried request with the same `Idempotency-Key`
//! answers the record the first one created, and creates nothing twice.
//!
//! A creation claims its key in its own transaction ([`claim`]), so that the key and the record are
//! committed together; before creating, the caller asks [`Store::replayed`] whether the key already
//! created something.

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, Tx, query};
use passerelle_domain::invalid::Invalid;
use uuid::Uuid;

/// A key sent by a client for one kind of creation (`scope`), e.g. `prescriptions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    scope: &'static str,
    key: String,
}

impl IdempotencyKey {
    /// 1 to 200 visible ASCII characters (a UUID is the usual choice).
    pub fn new(scope: &'static str, key: &str) -> Result<Self, Invalid> {
        let key = key.trim();
        if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Invalid::new(
                "idempotency_key_invalid",
                "L'en-tête « Idempotency-Key » doit comporter de 1 à 200 caractères ASCII visibles (un UUID par exemple).",
            )
            .on("Idempotency-Key"));
        }
        Ok(Self {
            scope,
            key: key.to_owned(),
        })
    }
}

/// Writes `key` for the record `entity_id`, in the transaction that creates it. A key already taken (a
/// concurrent retry won the race) answers `idempotency_key_in_use`; the caller then replays.
pub(crate) async fn claim(
    ex: &mut impl Executor,
    ctx: &AccessContext,
    key: Option<&IdempotencyKey>,
    entity_id: Uuid,
) -> Result<()> {
    let (Some(key), Some(user)) = (key, ctx.user_id()) else {
        return Ok(());
    };
    let inserted = ex
        .execute(
            query(
                "INSERT INTO idempotency_keys (user_id, scope, key, entity_id, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(user)
            .bind(key.scope)
            .bind(key.key.as_str())
            .bind(entity_id)
            .bind(crate::infra::clock::now()),
        )
        .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::conflict(
            "idempotency_key_in_use",
            "Cette clé d'idempotence vient d'être utilisée par une requête concurrente : réessayez.",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Ends a creation: claims its key, journals `event` and commits, all or nothing.
pub(crate) async fn commit_created(
    mut tx: Tx,
    ctx: &AccessContext,
    key: Option<&IdempotencyKey>,
    entity_id: Uuid,
    event: Event,
) -> Result<()> {
    claim(&mut tx, ctx, key, entity_id).await?;
    record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(())
}

impl Store {
    /// The record a key already created for this user, if any.
    pub async fn replayed(&self, ctx: &AccessContext, key: &IdempotencyKey) -> Result<Option<Uuid>> {
        let Some(user) = ctx.user_id() else {
            return Ok(None);
        };
        let mut db = self.pool.clone();
        let row = db
            .fetch_optional(
                query("SELECT entity_id FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3")
                    .bind(user)
                    .bind(key.scope)
                    .bind(key.key.as_str()),
            )
            .await?;
        Ok(row.map(|r| r.get("entity_id")).transpose()?)
    }
}
