//! Benefit simulations saved in a person's record, on both databases: Cap emploi saves one for Mélanie Arnaud
//! (followed by Cap emploi and the ESAT de la Suzon, who consented to sharing); the ESAT reads it but may not
//! delete it; the Mission locale, which does not follow her, neither saves nor reads; once the consent is
//! withdrawn the ESAT no longer sees it; Cap emploi deletes it. Every read and change is in the journal.

use super::{demo_ctx, postgres_demo, sqlite_demo, step};
use passerelle_store::infra::idempotency::IdempotencyKey;
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::person::simulations::{NewSimulation, SeriesSummary, SimulationSummary};
use passerelle_store::{AccessContext, Store, StoreError};
use std::collections::BTreeMap;
use uuid::Uuid;

fn code(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid(i) => i.code,
        StoreError::Forbidden { code, .. } | StoreError::Conflict { code, .. } => code,
        StoreError::NotFound { .. } => "not_found",
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn org(ctx: &AccessContext) -> Uuid {
    ctx.memberships()[0].organisation_id
}

async fn events(store: &Store, action: &str) -> i64 {
    let mut db = store.pool().clone();
    db.fetch_one(query("SELECT COUNT(*) AS n FROM events WHERE action = $1").bind(action))
        .await
        .unwrap()
        .get("n")
        .unwrap()
}

async fn rows(store: &Store) -> i64 {
    let mut db = store.pool().clone();
    db.fetch_one(query("SELECT COUNT(*) AS n FROM benefit_simulations"))
        .await
        .unwrap()
        .get("n")
        .unwrap()
}

fn simulation(organisation_id: Uuid) -> NewSimulation {
    let inputs: BTreeMap<String, String> = [
        ("birth_date", "1985-09-30"),
        ("incapacity", "80"),
        ("current_kind", "esat"),
        ("current_pay", "750"),
        ("s1_kind", "ordinary"),
        ("s1_hours", "24"),
        ("s1_start", "2026-03"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let series = |title: &str, total: i64, difference: Option<i64>| SeriesSummary {
        title: title.into(),
        description: "Emploi en milieu ordinaire".into(),
        monthly_totals_cents: vec![total / 2, total - total / 2],
        total_cents: total,
        difference_cents: difference,
        warnings: Vec::new(),
    };
    NewSimulation {
        organisation_id,
        inputs,
        summary: SimulationSummary {
            first_month: "2026-01".into(),
            months: 2,
            series: vec![
                series("Sans changement", 360_000, None),
                series("Scénario 1", 410_000, Some(50_000)),
            ],
        },
    }
}

async fn story(store: Store) {
    let cap = demo_ctx(&store, "cap-emploi").await;
    let esat = demo_ctx(&store, "esat-suzon").await;
    let ml = demo_ctx(&store, "ml-dijon").await;
    let arnaud = store.persons(&cap).list(Some("Arnaud"), 1, 10).await.unwrap().items[0].id;

    step("refused before anything is written: another structure, a structure not following, empty inputs");
    let scope = store.persons(&cap);
    assert_eq!(
        code(
            scope
                .save_simulation(arnaud, simulation(org(&ml)), None)
                .await
                .unwrap_err()
        ),
        "not_a_member"
    );
    assert_eq!(
        code(
            store
                .persons(&ml)
                .save_simulation(arnaud, simulation(org(&ml)), None)
                .await
                .unwrap_err()
        ),
        "not_found"
    );
    let empty = NewSimulation {
        inputs: BTreeMap::new(),
        ..simulation(org(&cap))
    };
    assert_eq!(
        code(scope.save_simulation(arnaud, empty, None).await.unwrap_err()),
        "simulation_inputs_invalid"
    );
    assert_eq!(rows(&store).await, 0);
    assert_eq!(events(&store, "benefit_simulation.saved").await, 0);

    step("Cap emploi saves a simulation, once per idempotency key");
    let key = IdempotencyKey::new("benefit_simulations", "cle-1").unwrap();
    let saved = scope
        .save_simulation(arnaud, simulation(org(&cap)), Some(key.clone()))
        .await
        .unwrap();
    assert_eq!(saved.organisation_id, org(&cap));
    assert_eq!(saved.inputs["s1_hours"], "24");
    assert_eq!(saved.summary, simulation(org(&cap)).summary);
    assert_eq!(store.replayed(&cap, &key).await.unwrap(), Some(saved.id));
    assert_eq!(events(&store, "benefit_simulation.saved").await, 1);

    step("reads are journaled; the ESAT sees it through the person's consent, the Mission locale does not");
    let reads = events(&store, "benefit_simulations.read").await;
    assert_eq!(scope.simulations(arnaud).await.unwrap(), vec![saved.clone()]);
    assert_eq!(store.persons(&esat).simulations(arnaud).await.unwrap().len(), 1);
    assert_eq!(events(&store, "benefit_simulations.read").await, reads + 2);
    assert_eq!(scope.simulation(arnaud, saved.id).await.unwrap(), saved);
    assert_eq!(events(&store, "benefit_simulation.read").await, 1);
    assert_eq!(
        code(store.persons(&ml).simulations(arnaud).await.unwrap_err()),
        "not_found"
    );
    assert_eq!(
        code(store.persons(&ml).simulation(arnaud, saved.id).await.unwrap_err()),
        "not_found"
    );
    // Under another person's address it is not found.
    let ouche = demo_ctx(&store, "esat-ouche").await;
    let caron = store.persons(&ouche).list(Some("Caron"), 1, 10).await.unwrap().items[0].id;
    assert_eq!(
        code(store.persons(&ouche).simulation(caron, saved.id).await.unwrap_err()),
        "not_found"
    );

    step("only the structure that saved it deletes it");
    assert_eq!(
        code(
            store
                .persons(&esat)
                .delete_simulation(arnaud, saved.id)
                .await
                .unwrap_err()
        ),
        "not_the_saving_organisation"
    );

    step("without the person's consent, the ESAT no longer sees Cap emploi's simulation");
    let mut input = store.persons(&cap).get(arnaud).await.unwrap().to_input();
    input.consent_data_sharing = false;
    input.consent_date = None;
    let fields = input.validate(passerelle_store::today()).unwrap();
    store.persons(&cap).update(arnaud, fields).await.unwrap();
    assert!(store.persons(&esat).simulations(arnaud).await.unwrap().is_empty());
    assert_eq!(
        code(store.persons(&esat).simulation(arnaud, saved.id).await.unwrap_err()),
        "not_found"
    );

    step("Cap emploi deletes it: gone from the lists, kept in the table and the journal");
    scope.delete_simulation(arnaud, saved.id).await.unwrap();
    assert!(scope.simulations(arnaud).await.unwrap().is_empty());
    assert_eq!(
        code(scope.delete_simulation(arnaud, saved.id).await.unwrap_err()),
        "not_found"
    );
    assert_eq!(rows(&store).await, 1);
    assert_eq!(events(&store, "benefit_simulation.deleted").await, 1);
}

#[tokio::test]
async fn benefit_simulations_on_sqlite() {
    story(sqlite_demo().await).await;
}

#[tokio::test]
async fn benefit_simulations_on_postgres() {
    story(postgres_demo().await).await;
}
