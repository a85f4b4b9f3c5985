//! The journal of reads, written by group commit (issue 20). Every read of personal data is journaled before it
//! is answered; so that a read costs a share of a commit rather than a write transaction of its own (on SQLite,
//! a turn of its single writer; on PostgreSQL, a flush of the WAL), one writer task per pool takes the entries
//! of every request that arrived while it was committing, writes them with multi-row inserts in one
//! transaction, and only then releases each request, with the commit's outcome: an answered read always has
//! its entry (`crash.rs` of `passerelle-load` checks it across SIGKILLs).

use crate::access::AccessContext;
use crate::infra::event::Event;
use crate::infra::sql::{Executor, Pool, Query, query};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// Rows per `INSERT`: 9 placeholders each, far below both databases' limits (SQLite 32,766, PostgreSQL 65,535).
const ROWS_PER_INSERT: usize = 500;
/// Requests taken into one transaction at most, so that one commit stays short under a burst.
const REQUESTS_PER_COMMIT: usize = 1_000;

/// The pool's line to its writer task, started at the first read and again if its runtime is gone (tests run
/// one runtime each). The task holds the pool's connections but not this line: dropping the last clone of the
/// pool closes the line and ends the task.
#[derive(Clone, Debug, Default)]
pub struct ReadJournal(Arc<Mutex<Option<mpsc::UnboundedSender<Request>>>>);

/// One entry, dated and signed when the read is made.
#[derive(Debug)]
struct Row {
    occurred_at: OffsetDateTime,
    actor_user_id: Option<Uuid>,
    actor_label: String,
    event: Event,
}

/// The entries of one request and where to tell it they are committed.
#[derive(Debug)]
struct Request {
    rows: Vec<Row>,
    done: oneshot::Sender<Result<(), Failure>>,
}

/// Why a commit failed, for each of its waiters: busy (a retry may pass: 503) or anything else.
#[derive(Clone, Debug)]
enum Failure {
    Busy,
    Other(Arc<str>),
}

impl From<Failure> for sqlx::Error {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Busy => sqlx::Error::PoolTimedOut,
            Failure::Other(message) => sqlx::Error::Protocol(message.to_string()),
        }
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        let error = crate::infra::error::StoreError::Database(e);
        if error.is_busy() {
            Failure::Busy
        } else {
            Failure::Other(error.to_string().into())
        }
    }
}

impl ReadJournal {
    /// Journals `events` as read by `ctx` and returns once they are committed.
    pub(crate) async fn write(&self, pool: &Pool, ctx: &AccessContext, events: Vec<Event>) -> Result<(), sqlx::Error> {
        let occurred_at = crate::infra::clock::now();
        let rows = events
            .into_iter()
            .map(|event| Row {
                occurred_at,
                actor_user_id: ctx.user_id(),
                actor_label: ctx.actor_label(),
                event,
            })
            .collect();
        let (done, committed) = oneshot::channel();
        let mut request = Request { rows, done };
        loop {
            let line = self.line(pool);
            match line.send(request) {
                Ok(()) => break,
                // The writer's runtime ended since the check: start another on this one.
                Err(mpsc::error::SendError(back)) => {
                    request = back;
                    self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
                }
            }
        }
        committed
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
            .map_err(sqlx::Error::from)
    }

    fn line(&self, pool: &Pool) -> mpsc::UnboundedSender<Request> {
        let mut line = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match line.as_ref().filter(|l| !l.is_closed()) {
            Some(l) => l.clone(),
            None => {
                let (sender, receiver) = mpsc::unbounded_channel();
                tokio::spawn(writer(pool.without_read_journal(), receiver));
                *line = Some(sender.clone());
                sender
            }
        }
    }
}

/// Commits what waits, batch after batch, until the pool is dropped.
async fn writer(pool: Pool, mut requests: mpsc::UnboundedReceiver<Request>) {
    let mut batch = Vec::new();
    while requests.recv_many(&mut batch, REQUESTS_PER_COMMIT).await > 0 {
        let (rows, waiters): (Vec<_>, Vec<_>) = batch.drain(..).map(|r| (r.rows, r.done)).unzip();
        let outcome = commit(&pool, rows.into_iter().flatten().collect()).await;
        for waiter in waiters {
            // A request whose client went away no longer waits: its entries are written all the same.
            let _ = waiter.send(outcome.clone());
        }
    }
}

async fn commit(pool: &Pool, rows: Vec<Row>) -> Result<(), Failure> {
    let mut tx = pool.begin_append_only().await?;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        tx.execute(insert(rows.by_ref().take(ROWS_PER_INSERT))).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn insert(rows: impl Iterator<Item = Row>) -> Query {
    let mut q = query(
        "INSERT INTO events (occurred_at, actor_user_id, actor_label, entity_type, entity_id, action, \
         organisation_id, before_data, after_data) VALUES ",
    );
    for (i, row) in rows.enumerate() {
        q.push_bound(if i == 0 { "({}" } else { ", ({}" }, row.occurred_at);
        q.push_bound(", {}", row.actor_user_id);
        q.push_bound(", {}", row.actor_label);
        q.push_bound(", {}", row.event.entity_type);
        q.push_bound(", {}", row.event.entity_id);
        q.push_bound(", {}", row.event.action);
        q.push_bound(", {}", row.event.organisation_id);
        q.push_bound(", {}", row.event.before);
        q.push_bound(", {})", row.event.after);
    }
    q
}
