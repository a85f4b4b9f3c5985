//! The reminder to register again as a job seeker at the end of a CDDI (Guide de la CCL Pôle emploi – SIAE I.3.a,
//! read 2026-12-07: « réinscription fin de CDDI »; Accord régional BFC 2016, fiche action 5). The demo hired
//! Durand at the ACI on 2026-10-05; the ACI records his first CDDI, then its renewal, then his exit.

use super::{postgres_demo, sqlite_demo};
use passerelle_domain::pathways::iae::approval::Period;
use passerelle_domain::pathways::iae::contract::Cddi;
use passerelle_domain::pathways::iae::exit::ExitOutcome;
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::obligations::{Due, Source};
use passerelle_store::pathways::iae::exit::NewExitReview;
use passerelle_store::{AccessContext, Store};
use time::Date;
use time::macros::date;
use uuid::Uuid;

async fn reminders(store: &Store, ctx: &AccessContext) -> Vec<Due> {
    store
        .deadlines(ctx, date!(2026 - 01 - 01), date!(2029 - 12 - 31), date!(2026 - 12 - 06))
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.source == Source::Reregistration)
        .collect()
}

fn cddi(from: Date, to: Date) -> Cddi {
    Cddi {
        period: Period { from, to },
        weekly_hours: 26,
        hours_derogation: false,
        exception: None,
    }
}

async fn scenario(store: Store) {
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
    assert!(reminders(&store, &aci).await.is_empty(), "no contract, no reminder");

    store
        .create_contract(
            &aci,
            durand,
            aci_id,
            cddi(date!(2026 - 10 - 05), date!(2027 - 04 - 04)),
            None,
        )
        .await
        .unwrap();
    let list = reminders(&store, &aci).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        (list[0].due_on, list[0].organisation_id),
        (date!(2027 - 04 - 04), aci_id)
    );
    assert_eq!(
        list[0].title,
        "Réinscription à France Travail de Kevin D. à la fin de son CDDI"
    );
    assert!(
        list[0].rule.contains("Guide de la CCL Pôle emploi – SIAE I.3.a"),
        "{}",
        list[0].rule
    );

    // The renewal moves the reminder to the new last day: still one.
    store
        .create_contract(
            &aci,
            durand,
            aci_id,
            cddi(date!(2027 - 04 - 05), date!(2027 - 10 - 04)),
            None,
        )
        .await
        .unwrap();
    let list = reminders(&store, &aci).await;
    assert_eq!(
        list.iter().map(|d| d.due_on).collect::<Vec<_>>(),
        [date!(2027 - 10 - 04)]
    );

    // The exit review settles what comes next: the reminder is closed.
    let review = NewExitReview {
        exit_on: date!(2026 - 11 - 30),
        outcome: ExitOutcome::Cdi,
        skills: "Maraîchage, travail en équipe",
        recommendations: None,
    };
    store.record_exit(&aci, durand, review, None).await.unwrap();
    assert!(reminders(&store, &aci).await.is_empty());
}

#[tokio::test]
async fn reregistration_at_the_end_of_a_cddi_on_sqlite() {
    scenario(sqlite_demo().await).await;
}

#[tokio::test]
async fn reregistration_at_the_end_of_a_cddi_on_postgres() {
    scenario(postgres_demo().await).await;
}
