//! The journal of reads under concurrency (issue 20): entries of concurrent reads share commits, and every read
//! that answered has its entry; a failed commit fails every read it carried.

use super::{demo_ctx, postgres_demo, sqlite_demo};
use passerelle_store::Store;
use passerelle_store::infra::events::{self, Event, journal_reads};
use passerelle_store::infra::sql::{Executor, query};
use std::sync::Arc;
use uuid::Uuid;

const READS: usize = 64;

async fn reads_of(store: &Store, id: Uuid) -> i64 {
    let q = query("SELECT COUNT(*) AS n FROM events WHERE action = 'person.read' AND entity_id = $1").bind(id);
    store.pool().clone().fetch_one(q).await.unwrap().get("n").unwrap()
}

async fn every_read_journaled(store: Store) {
    let store = Arc::new(store);
    let ctx = Arc::new(demo_ctx(&store, "ft-dijon").await);
    let page = store.persons(&ctx).list(None, 1, 20).await.unwrap();
    let id = page.items[0].id;
    let listed_before = events::count(&mut store.pool().clone(), Some("person.listed"))
        .await
        .unwrap();
    let before = reads_of(&store, id).await;
    // 64 records and 16 lists read at once, from as many tasks: each answers only once its entry is committed.
    let reads: Vec<_> = (0..READS)
        .map(|i| {
            let (store, ctx) = (store.clone(), ctx.clone());
            tokio::spawn(async move {
                if i % 4 == 0 {
                    store.persons(&ctx).list(None, 1, 20).await.map(|_| ())
                } else {
                    store.persons(&ctx).get(id).await.map(|_| ())
                }
            })
        })
        .collect();
    for read in reads {
        read.await.unwrap().unwrap();
    }
    assert_eq!(reads_of(&store, id).await - before, (READS - READS / 4) as i64);
    let listed = events::count(&mut store.pool().clone(), Some("person.listed"))
        .await
        .unwrap();
    assert_eq!(listed - listed_before, (READS / 4) as i64);

    // A commit that cannot be made fails the read instead of answering it unjournaled.
    store.pool().close().await;
    let refused = journal_reads(store.pool(), &ctx, vec![Event::new("person", id, "person.read")]).await;
    assert!(refused.is_err(), "a read answered without its journal entry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_read_journaled_on_sqlite() {
    every_read_journaled(sqlite_demo().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_read_journaled_on_postgres() {
    every_read_journaled(postgres_demo().await).await;
}
