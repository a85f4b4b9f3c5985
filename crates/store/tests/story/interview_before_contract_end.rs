//! The tripartite interview prepares the earlier of the contract's end and the PASS IAE's
//! (Accord régional BFC 2016, fiche 7, read 2026-12-07: « Réaliser des entretiens tripartites, 2 à 3 mois avant
//! la fin du contrat ou de l'agrément »). The to-do list already read the contract's end; the reminders (the
//! deadlines engine's obligation, its notification) and the missed-interview indicator read the PASS IAE's only,
//! and fell after a short CDDI had ended. The demo hired Durand at the ACI on 2026-10-05 (PASS IAE until
//! 2028-10-03); the ACI records his first CDDI, 2026-10-05 to 2027-04-04.

use super::{postgres_demo, sqlite_demo};
use passerelle_domain::pathways::iae::approval::Period;
use passerelle_domain::pathways::iae::contract::Cddi;
use passerelle_store::Store;
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::obligations::{Due, Source, Window};
use time::macros::{date, datetime};
use uuid::Uuid;

async fn interview_due(store: &Store, ctx: &passerelle_store::AccessContext) -> Due {
    let list = store
        .deadlines(ctx, date!(2026 - 01 - 01), date!(2029 - 12 - 31), date!(2026 - 12 - 06))
        .await
        .unwrap();
    let mut interviews = list.into_iter().filter(|d| d.source == Source::TripartiteInterview);
    let due = interviews.next().expect("Durand's interview is due");
    assert!(interviews.next().is_none());
    due
}

/// Durand (hired by the demo at the ACI on 2026-10-05), the ACI and its staff's access.
pub(super) async fn durand_at_the_aci(store: &Store) -> (Uuid, Uuid, passerelle_store::AccessContext) {
    let mut db = store.pool().clone();
    let id = async |db: &mut passerelle_store::infra::sql::Pool, sql: &str| -> Uuid {
        db.fetch_one(query(sql)).await.unwrap().get("id").unwrap()
    };
    let durand = id(&mut db, "SELECT id FROM persons WHERE last_name = 'Durand'").await;
    let aci_id = id(
        &mut db,
        "SELECT id FROM organisations WHERE name = 'Les Jardins de la Combe'",
    )
    .await;
    let aci = store.login_context_for("aci-jardins@passerelle.test").await.unwrap();
    (durand, aci_id, aci)
}

/// Durand's first CDDI at the ACI, 2026-10-05 to 2027-04-04, 26 hours a week.
pub(super) fn first_cddi() -> Cddi {
    Cddi {
        period: Period {
            from: date!(2026 - 10 - 05),
            to: date!(2027 - 04 - 04),
        },
        weekly_hours: 26,
        hours_derogation: false,
        exception: None,
    }
}

async fn scenario(store: Store) {
    let mut db = store.pool().clone();
    let (durand, aci_id, aci) = durand_at_the_aci(&store).await;

    // Before any contract: 2 months before the end of the PASS IAE.
    assert_eq!(interview_due(&store, &aci).await.due_on, date!(2028 - 08 - 03));

    store
        .create_contract(&aci, durand, aci_id, first_cddi(), None)
        .await
        .unwrap();

    // The daily scan moves the interview to 2 months before the contract's end, with the rule that says so.
    let scan = |today, now| store.scan_deadlines(today, Window::default(), now);
    scan(date!(2026 - 12 - 06), datetime!(2026-12-06 6:00 UTC))
        .await
        .unwrap();
    let due = interview_due(&store, &aci).await;
    assert_eq!(due.due_on, date!(2027 - 02 - 04), "{due:?}");
    assert!(due.rule.contains("fin du contrat"), "{}", due.rule);

    // The reminder comes before the contract ends: the ACI is told when the due date nears.
    let told = async |db: &mut passerelle_store::infra::sql::Pool| -> i64 {
        db.fetch_one(
            query("SELECT COUNT(*) AS n FROM notifications WHERE subject_type = 'obligation' AND subject_id = $1")
                .bind(due.id),
        )
        .await
        .unwrap()
        .get("n")
        .unwrap()
    };
    assert_eq!(told(&mut db).await, 0);
    scan(date!(2027 - 01 - 25), datetime!(2027-01-25 6:00 UTC))
        .await
        .unwrap();
    assert_eq!(told(&mut db).await, 1);

    // Not held by its due date: the missed interview is recorded the day after, dated by that due date, while
    // the contract still runs (before the fix, not before 2028-08-04).
    let report = scan(date!(2027 - 02 - 05), datetime!(2027-02-05 6:00 UTC))
        .await
        .unwrap();
    assert_eq!(report.missed_interviews, 1);
    let missed: time::Date = db
        .fetch_one(query("SELECT due_on FROM missed_interviews WHERE person_id = $1").bind(durand))
        .await
        .unwrap()
        .get("due_on")
        .unwrap();
    assert_eq!(missed, date!(2027 - 02 - 04));
}

#[tokio::test]
async fn interview_before_a_short_contract_ends_on_sqlite() {
    scenario(sqlite_demo().await).await;
}

#[tokio::test]
async fn interview_before_a_short_contract_ends_on_postgres() {
    scenario(postgres_demo().await).await;
}
