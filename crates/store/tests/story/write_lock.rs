//! The SQL layer's guarantees for decisions: write transactions run one at a time on both
//! databases, and a unique constraint hit answers a conflict with a stable code, not a database error.

use super::{postgres_store, sqlite_store};
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::{Store, StoreError};
use std::time::Duration;
use uuid::Uuid;

/// A second write transaction waits until the first one ends, then proceeds.
async fn writes_queue(store: Store) {
    let first = store.pool().begin().await.unwrap();
    let pool = store.pool().clone();
    let second = tokio::spawn(async move { pool.begin().await.unwrap().commit().await.unwrap() });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "a second writer began while the first was open");
    first.commit().await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), second)
        .await
        .expect("the second writer proceeds once the first commits")
        .unwrap();
    // Reads do not wait for a writer.
    let _writer = store.pool().begin().await.unwrap();
    let read = tokio::time::timeout(Duration::from_secs(1), store.pool().begin_read()).await;
    assert!(read.is_ok(), "a read waited for a writer");
}

#[tokio::test]
async fn write_transactions_queue_on_sqlite() {
    writes_queue(sqlite_store().await).await;
}

#[tokio::test]
async fn write_transactions_queue_on_postgres() {
    writes_queue(postgres_store().await).await;
}

async fn insert_user(store: &Store, email: &str) -> Result<u64, StoreError> {
    let q = query(
        "INSERT INTO users (id, email, display_name, password_hash, platform_admin, created_at) \
         VALUES ($1, $2, 'x', '$argon2id$x', FALSE, $3)",
    )
    .bind(Uuid::new_v4())
    .bind(email)
    .bind(passerelle_store::infra::clock::now());
    Ok(store.pool().clone().execute(q).await?)
}

async fn attempt_row(store: &Store) -> Result<u64, StoreError> {
    let q = query("INSERT INTO login_attempts (email, source, attempts, window_start) VALUES ('a', 'b', 1, 0)");
    Ok(store.pool().clone().execute(q).await?)
}

/// A clash named by its table, and one that is not: both conflicts.
async fn unique_clashes(store: Store) {
    insert_user(&store, "double@test.fr").await.unwrap();
    let clash = insert_user(&store, "double@test.fr").await.unwrap_err();
    assert!(
        matches!(
            clash,
            StoreError::Conflict {
                code: "email_taken",
                ..
            }
        ),
        "{clash:?}"
    );
    attempt_row(&store).await.unwrap();
    let clash = attempt_row(&store).await.unwrap_err();
    assert!(
        matches!(
            clash,
            StoreError::Conflict {
                code: "already_recorded",
                ..
            }
        ),
        "{clash:?}"
    );
}

#[tokio::test]
async fn unique_clash_is_a_conflict_on_sqlite() {
    unique_clashes(sqlite_store().await).await;
}

#[tokio::test]
async fn unique_clash_is_a_conflict_on_postgres() {
    unique_clashes(postgres_store().await).await;
}
