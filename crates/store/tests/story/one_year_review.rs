//! A one-year local cooperation convention gets its yearly review among its parties'
//! obligations. Guide de rédaction de la convention de coopération locale Pôle emploi – SIAE, partie II.b (read
//! 2026-12-07): « La présente convention est conclue du 01/01/20xx au 31/12/xx. Elle est examinée annuellement
//! dans le cadre du comité de suivi ». Its anniversary falls the day after its end, so the review was never
//! scheduled; it now falls due by its last day. The demo's local convention (in signature) is set in force for
//! the guide's one year.

use super::{postgres_demo, sqlite_demo};
use passerelle_store::Store;
use passerelle_store::infra::sql::{Executor, query};
use time::Date;
use time::macros::date;
use uuid::Uuid;

async fn scenario(store: Store) {
    let mut db = store.pool().clone();
    let ccl: Uuid = db
        .fetch_one(query(
            "SELECT id FROM agreements WHERE kind = 'local_cooperation' ORDER BY title LIMIT 1",
        ))
        .await
        .unwrap()
        .get("id")
        .unwrap();
    db.execute(
        query("UPDATE agreements SET status = 'in_force', starts_on = $1, ends_on = $2 WHERE id = $3")
            .bind(date!(2026 - 01 - 01))
            .bind(date!(2026 - 12 - 31))
            .bind(ccl),
    )
    .await
    .unwrap();
    store.refresh_agreement_obligations().await.unwrap();
    let rows = db
        .fetch_all(
            query(
                "SELECT DISTINCT due_on, title FROM obligations WHERE source = 'agreement' AND done_at IS NULL \
                 AND source_key LIKE $1 ORDER BY due_on",
            )
            .bind(format!("{ccl}:annual_review:%")),
        )
        .await
        .unwrap();
    let reviews: Vec<(Date, String)> = rows
        .iter()
        .map(|r| (r.get("due_on").unwrap(), r.get("title").unwrap()))
        .collect();
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    assert_eq!(reviews[0].0, date!(2026 - 12 - 31));
    assert!(
        reviews[0]
            .1
            .contains("Examen annuel de la convention le 31 décembre 2026"),
        "{reviews:?}"
    );
}

#[tokio::test]
async fn one_year_convention_is_reviewed_on_sqlite() {
    scenario(sqlite_demo().await).await;
}

#[tokio::test]
async fn one_year_convention_is_reviewed_on_postgres() {
    scenario(postgres_demo().await).await;
}
