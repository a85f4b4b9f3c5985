//! Migration 0019: a tripartite interview due and never held counts as not on time in
//! `interviews_on_time_share` (Accord régional BFC 2016 fiche 7; RULES.md 1.8: due 2 months before the end of the PASS IAE).
//! The daily deadlines scan records it once its due date has passed; the share, read from the facts, the roll-up
//! and the plain union of the sources, and as of a moment before the scan.

use super::indicator_supported::{held_interview, interview, obligation, organisation, person, request};
use super::{postgres_store, sqlite_store};
use passerelle_domain::indicators::{Dimension, Granularity, IndicatorCode as I};
use passerelle_store::Store;
use passerelle_store::indicators::{self, Origin, Request};
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::obligations::Window;
use time::macros::{date, datetime};

/// The share of the only cell with a value (the scenario's SIAE), `None` when there is none.
async fn share(store: &Store, req: &Request, origin: Origin) -> Option<f64> {
    let table = indicators::compute_from(store, req, origin).await.unwrap();
    let values: Vec<f64> = table.rows.iter().filter_map(|r| r.value).collect();
    assert!(values.len() <= 1, "{table:?}");
    values.first().copied()
}

async fn scenario(store: Store) {
    let mut db = store.pool().clone();
    let db = &mut db;
    let siae = organisation(db, "ei", "39").await;
    // 2031: a year no other fact of this database touches.
    let year = request(
        date!(2031 - 01 - 01),
        date!(2031 - 12 - 31),
        &[I::InterviewsOnTimeShare],
    );
    // The Annex 1 grain over a whole year without « as of »: read from the roll-up.
    let rollup = Request {
        granularity: Granularity::Year,
        dimensions: vec![Dimension::Department, Dimension::SiaeKind],
        ..year.clone()
    };
    let scan = |today, now| store.scan_deadlines(today, Window::default(), now);

    // One interview held by its due date; another person's interview due on 30 April is never held.
    interview(db, siae, date!(2031 - 03 - 20), Some(date!(2031 - 03 - 31))).await;
    let missed = person(db, siae).await;
    obligation(db, siae, missed, date!(2031 - 04 - 30), false).await;
    // On the due date itself the interview can still be held on time: nothing is missed yet.
    assert_eq!(
        scan(date!(2031 - 04 - 30), datetime!(2031-04-30 6:00 UTC))
            .await
            .unwrap()
            .missed_interviews,
        0
    );
    assert_eq!(share(&store, &year, Origin::Facts).await, Some(100.0));

    // The day after, the scan records it: one person on time out of two.
    let scanned = datetime!(2031-05-01 6:00 UTC);
    assert_eq!(scan(date!(2031 - 05 - 01), scanned).await.unwrap().missed_interviews, 1);
    for (req, origin) in [
        (&year, Origin::Facts),
        (&rollup, Origin::Facts),
        (&year, Origin::Sources),
    ] {
        assert_eq!(
            share(&store, req, origin).await,
            Some(50.0),
            "{origin:?} {:?}",
            req.granularity
        );
    }
    // Recorded once: a second scan, even days later, adds nothing.
    assert_eq!(
        scan(date!(2031 - 05 - 05), passerelle_store::infra::clock::now())
            .await
            .unwrap()
            .missed_interviews,
        0
    );
    let facts = db
        .fetch_one(query(
            "SELECT COUNT(*) AS n FROM indicator_facts WHERE indicator = 'interviews_on_time_share' AND value = 0",
        ))
        .await
        .unwrap()
        .get::<i64>("n")
        .unwrap();
    assert_eq!(facts, 1);
    assert_eq!(share(&store, &rollup, Origin::Facts).await, Some(50.0));

    // As of a moment before the scan, the missed interview was not known.
    let before = Request {
        as_of: Some(scanned - time::Duration::hours(1)),
        ..year.clone()
    };
    assert_eq!(share(&store, &before, Origin::Facts).await, Some(100.0));

    // Held late, the interview is a late fact of its own: the person is still not on time.
    held_interview(db, siae, missed, date!(2031 - 05 - 12)).await;
    assert_eq!(share(&store, &year, Origin::Facts).await, Some(50.0));
    assert_eq!(share(&store, &rollup, Origin::Facts).await, Some(50.0));
}

#[tokio::test]
async fn missed_interviews_on_sqlite() {
    scenario(sqlite_store().await).await;
}

#[tokio::test]
async fn missed_interviews_on_postgres() {
    scenario(postgres_store().await).await;
}
