//! An ESAT worker's follow-up shared with the SPE (seed 000, questions 10-11), on both databases: nothing without
//! both a convention in force and the worker's consent; the SPE party reads the follow-up and its list, every
//! read journaled; another SPE organisation, another ESAT or an SIAE see nothing; withdrawn consent closes it.

use super::esat::esat_spe_convention;
use super::{count, demo_ctx, postgres_demo, sqlite_demo};
use passerelle_domain::agreements::content::WorkerSituation;
use passerelle_domain::calendar::add_days;
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::{Store, StoreError};
use uuid::Uuid;

async fn journaled(store: &Store, action: &str) -> i64 {
    let mut db = store.pool().clone();
    db.fetch_one(query("SELECT COUNT(*) AS n FROM events WHERE action = $1").bind(action.to_owned()))
        .await
        .unwrap()
        .get::<i64>("n")
        .unwrap()
}

fn not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound { .. }))
}

async fn story(store: Store) {
    let today = passerelle_store::infra::clock::now().date();
    let esat = demo_ctx(&store, "esat-suzon").await;
    let cap = demo_ctx(&store, "cap-emploi").await;
    let ft = demo_ctx(&store, "ft-dijon").await;
    let other_esat = demo_ctx(&store, "esat-ouche").await;
    let siae = demo_ctx(&store, "aci-jardins").await;
    let esat_id = esat.memberships()[0].organisation_id;
    let cap_id = cap.memberships()[0].organisation_id;
    let workers = store.esat(&esat).list(Some(esat_id)).await.unwrap();
    let (w, other) = (workers[0].id, workers[1].id);
    let scope = store.esat(&esat);
    assert!(!scope.get(w).await.unwrap().spe_consent.in_force);

    // No convention, no consent: Cap emploi sees nobody; the worker is « not found ».
    assert!(store.esat(&cap).shared_with_spe().await.unwrap().is_empty());
    assert!(not_found(store.esat(&cap).get_shared(w).await));

    // The consent is the ESAT's to record, dated, not in the future.
    let refused = scope.give_spe_consent(w, Some(add_days(today, 1))).await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref i) if i.code == "esat_consent_in_future"));
    assert!(matches!(
        scope.give_spe_consent(w, None).await,
        Err(StoreError::Invalid(ref i)) if i.code == "field_required"
    ));
    assert!(not_found(store.esat(&cap).give_spe_consent(w, Some(today)).await));
    let given = journaled(&store, "esat_worker.spe_consent_given").await;
    let after = scope.give_spe_consent(w, Some(add_days(today, -2))).await.unwrap();
    assert!(after.spe_consent.in_force);
    assert_eq!(after.spe_consent.given_on, Some(add_days(today, -2)));
    assert_eq!(journaled(&store, "esat_worker.spe_consent_given").await, given + 1);
    assert!(matches!(
        scope.give_spe_consent(w, Some(today)).await,
        Err(StoreError::Conflict {
            code: "esat_consent_already_given",
            ..
        })
    ));

    // Consent without a convention in force opens nothing.
    assert!(store.esat(&cap).shared_with_spe().await.unwrap().is_empty());
    assert!(not_found(store.esat(&cap).get_shared(w).await));

    // With the convention ESAT – Cap emploi in force: Cap emploi lists the consenting worker only, and reads the
    // follow-up with the actions planned; each read is journaled.
    let agreement = esat_spe_convention(
        &store,
        &esat,
        (esat_id, cap_id, "Cap emploi"),
        &WorkerSituation::ALL
            .iter()
            .map(|s| ("Suivi individuel partagé", *s))
            .collect::<Vec<_>>(),
        today,
    )
    .await;
    let listed = store.esat(&cap).shared_with_spe().await.unwrap();
    let ids: Vec<Uuid> = listed.iter().map(|s| s.summary.id).collect();
    assert_eq!(ids, [w]);
    assert_eq!(listed[0].consent_given_on, add_days(today, -2));
    assert!(not_found(store.esat(&cap).get_shared(other).await));
    let reads = journaled(&store, "esat_worker.read_by_spe").await;
    let shared = store.esat(&cap).get_shared(w).await.unwrap();
    assert_eq!(shared.summary.id, w);
    assert!(shared.allowed_moves.is_empty());
    assert_eq!(shared.planned_actions.conventions[0].agreement_id, agreement);
    assert_eq!(journaled(&store, "esat_worker.read_by_spe").await, reads + 1);
    let mut db = store.pool().clone();
    let by = db
        .fetch_one(
            query("SELECT organisation_id FROM events WHERE action = 'esat_worker.read_by_spe' AND entity_id = $1")
                .bind(w),
        )
        .await
        .unwrap()
        .get::<Option<Uuid>>("organisation_id")
        .unwrap();
    assert_eq!(by, Some(cap_id));
    // Cap emploi still cannot change the record, nor read it the ESAT's way.
    assert!(not_found(store.esat(&cap).get(w).await));
    assert!(not_found(store.esat(&cap).withdraw_spe_consent(w).await));

    // France Travail is no party to that convention; another ESAT and an SIAE are not the SPE.
    assert!(store.esat(&ft).shared_with_spe().await.unwrap().is_empty());
    assert!(not_found(store.esat(&ft).get_shared(w).await));
    for ctx in [&other_esat, &siae] {
        assert!(matches!(
            store.esat(ctx).shared_with_spe().await,
            Err(StoreError::Forbidden {
                code: "not_an_spe_member",
                ..
            })
        ));
        assert!(not_found(store.esat(ctx).get_shared(w).await));
    }

    // Withdrawn: nothing more, from the next read on; a second withdrawal is refused.
    let events = count(&store, "events").await;
    let after = scope.withdraw_spe_consent(w).await.unwrap();
    assert!(!after.spe_consent.in_force);
    assert_eq!(after.spe_consent.withdrawn_on, Some(today));
    assert_eq!(count(&store, "events").await, events + 1, "the withdrawal journaled");
    assert!(store.esat(&cap).shared_with_spe().await.unwrap().is_empty());
    assert!(not_found(store.esat(&cap).get_shared(w).await));
    assert!(matches!(
        scope.withdraw_spe_consent(w).await,
        Err(StoreError::Conflict {
            code: "esat_consent_not_given",
            ..
        })
    ));
    // Given again: shared again.
    scope.give_spe_consent(w, Some(today)).await.unwrap();
    assert_eq!(store.esat(&cap).shared_with_spe().await.unwrap().len(), 1);
    store.pool().close().await;
}

#[tokio::test]
async fn esat_follow_up_shared_with_the_spe_on_sqlite() {
    story(sqlite_demo().await).await;
}

#[tokio::test]
async fn esat_follow_up_shared_with_the_spe_on_postgres() {
    story(postgres_demo().await).await;
}
