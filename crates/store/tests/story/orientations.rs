//! Orientations on the demo territory, on both databases: an ESAT orients a worker to the Mission locale (an
//! authorised prescriber by right), which sees it in its to-do list and takes the person on; another prescriber
//! refuses with a reason; who may not orient, to whom, and who may not see or answer.

use super::{demo_ctx, postgres_demo, sqlite_demo, step};
use passerelle_domain::pathways::iae::orientation::{AnswerInput, Status};
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::pathways::iae::orientation::NewOrientation;
use passerelle_store::pathways::iae::referral::Direction;
use passerelle_store::{AccessContext, Store, StoreError};
use uuid::Uuid;

fn code(e: StoreError) -> (&'static str, Option<String>) {
    match e {
        StoreError::Invalid(i) => (i.code, i.field),
        StoreError::Forbidden { code, .. } | StoreError::Conflict { code, .. } => (code, None),
        StoreError::NotFound { .. } => ("not_found", None),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn org(ctx: &AccessContext) -> Uuid {
    ctx.memberships()[0].organisation_id
}

async fn person(store: &Store, ctx: &AccessContext, name: &str) -> Uuid {
    store.persons(ctx).list(Some(name), 1, 10).await.unwrap().items[0].id
}

async fn events(store: &Store, action: &str) -> i64 {
    let mut db = store.pool().clone();
    db.fetch_one(query("SELECT COUNT(*) AS n FROM events WHERE action = $1").bind(action))
        .await
        .unwrap()
        .get("n")
        .unwrap()
}

fn answer(decision: &str, reason: Option<&str>) -> AnswerInput {
    AnswerInput {
        decision: decision.into(),
        reason: reason.map(Into::into),
    }
}

async fn story(store: Store) {
    let esat = demo_ctx(&store, "esat-ouche").await;
    let ml = demo_ctx(&store, "ml-dijon").await;
    let cap = demo_ctx(&store, "cap-emploi").await;
    let aci = demo_ctx(&store, "aci-jardins").await;
    let other_esat = demo_ctx(&store, "esat-suzon").await;
    let caron = person(&store, &esat, "Caron").await;
    let new = |prescriber_id: Uuid| NewOrientation {
        organisation_id: org(&esat),
        person_id: caron,
        prescriber_id,
        message: "Souhaite travailler en milieu ordinaire ; un parcours en chantier d'insertion peut convenir.".into(),
        person_consent: true,
    };

    step("the prescribers a person may be oriented to");
    let prescribers = store.orientation_prescribers(&esat).await.unwrap();
    let ids: Vec<Uuid> = prescribers.iter().map(|p| p.id).collect();
    assert!(ids.contains(&org(&ml)) && ids.contains(&org(&cap)));
    assert!(!ids.contains(&org(&aci)) && !ids.contains(&org(&esat)));

    step("refusals before anything is written");
    let refused = store.create_orientation(&esat, new(org(&aci)), None).await.unwrap_err();
    assert_eq!(
        code(refused),
        ("orientation_target_invalid", Some("prescriber_id".into()))
    );
    let refused = store
        .create_orientation(
            &esat,
            NewOrientation {
                person_consent: false,
                ..new(org(&ml))
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(code(refused), ("consent_required", Some("person_consent".into())));
    let refused = store
        .create_orientation(
            &esat,
            NewOrientation {
                message: "  ".into(),
                ..new(org(&ml))
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(code(refused).0, "field_required");
    // On behalf of another structure; of a person the ESAT does not follow; to itself.
    let not_member = NewOrientation {
        organisation_id: org(&ml),
        ..new(org(&cap))
    };
    assert_eq!(
        code(store.create_orientation(&esat, not_member, None).await.unwrap_err()).0,
        "not_a_member"
    );
    let durand = person(&store, &aci, "Durand").await;
    let unseen = NewOrientation {
        person_id: durand,
        ..new(org(&ml))
    };
    assert_eq!(
        code(store.create_orientation(&esat, unseen, None).await.unwrap_err()).0,
        "not_found"
    );
    let marchal = person(&store, &ml, "Marchal").await;
    let itself = NewOrientation {
        organisation_id: org(&ml),
        person_id: marchal,
        ..new(org(&ml))
    };
    assert_eq!(
        code(store.create_orientation(&ml, itself, None).await.unwrap_err()).0,
        "orientation_to_itself"
    );
    assert_eq!(events(&store, "orientation.created").await, 0);

    step("the ESAT orients the worker to the Mission locale");
    let o = store.create_orientation(&esat, new(org(&ml)), None).await.unwrap();
    assert_eq!(
        (o.status, o.prescriber_id, o.organisation_id),
        (Status::Sent, org(&ml), org(&esat))
    );
    assert_eq!(o.person_name, "David Caron");
    assert_eq!(events(&store, "orientation.created").await, 1);
    let again = store.create_orientation(&esat, new(org(&ml)), None).await.unwrap_err();
    assert_eq!(code(again).0, "orientation_waiting");

    step("the Mission locale sees it in its to-do list, not yet the person's record");
    let counts = store.todo_counts(&ml).await.unwrap();
    assert!(
        counts
            .iter()
            .any(|(what, n, _)| what == "orientation_answer" && *n == 1),
        "{counts:?}"
    );
    let todo = store.todo(&ml).await.unwrap();
    assert!(
        todo.iter()
            .any(|i| i.what == "orientation_answer" && i.person_id == caron && i.link == "/orientations")
    );
    let received = store.orientations(&ml, Direction::Received, None).await.unwrap();
    assert_eq!(received.iter().map(|x| x.id).collect::<Vec<_>>(), vec![o.id]);
    assert!(events(&store, "orientation.listed").await >= 1);
    assert!(matches!(
        store.persons(&ml).get(caron).await,
        Err(StoreError::NotFound { .. })
    ));
    let notified = store.notifications(&ml).await.unwrap();
    assert!(
        notified
            .iter()
            .any(|n| n.message.contains("David Caron") && n.link == "/orientations")
    );

    step("another structure neither sees nor answers it; the orienting one does not answer it");
    assert!(
        store
            .orientations(&other_esat, Direction::All, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        code(store.orientation(&other_esat, o.id).await.unwrap_err()).0,
        "not_found"
    );
    let e = store
        .answer_orientation(&other_esat, o.id, &answer("accepted", None), None)
        .await;
    assert_eq!(code(e.unwrap_err()).0, "not_found");
    let e = store
        .answer_orientation(&esat, o.id, &answer("accepted", None), None)
        .await;
    assert_eq!(code(e.unwrap_err()).0, "not_the_prescriber");
    assert!(
        store
            .todo_counts(&esat)
            .await
            .unwrap()
            .iter()
            .all(|(what, ..)| what != "orientation_answer")
    );

    step("a refusal needs its reason; then the Mission locale takes the person on");
    let e = store
        .answer_orientation(&ml, o.id, &answer("refused", Some(" ")), None)
        .await;
    assert_eq!(code(e.unwrap_err()), ("field_required", Some("reason".into())));
    let taken = store
        .answer_orientation(&ml, o.id, &answer("accepted", None), None)
        .await
        .unwrap();
    assert_eq!(taken.status, Status::Accepted);
    assert!(taken.answered_on.is_some() && taken.answered_by.is_some() && taken.refusal_reason.is_none());
    assert_eq!(events(&store, "orientation.accepted").await, 1);
    let e = store
        .answer_orientation(&ml, o.id, &answer("refused", Some("non")), None)
        .await;
    assert_eq!(code(e.unwrap_err()).0, "orientation_already_answered");
    // It follows the person now, so that it may diagnose and prescribe; its to-do item is done.
    let record = store.persons(&ml).get(caron).await.unwrap();
    assert!(record.followers.iter().any(|f| f.organisation_id == org(&ml)));
    assert!(
        store
            .todo_counts(&ml)
            .await
            .unwrap()
            .iter()
            .all(|(what, ..)| what != "orientation_answer")
    );
    let told = store.notifications(&esat).await.unwrap();
    assert!(
        told.iter()
            .any(|n| n.message.contains("prise en charge") && n.link == format!("/personnes/{caron}"))
    );

    step("Cap emploi refuses another orientation with its reason, which the ESAT reads");
    let second = store.create_orientation(&esat, new(org(&cap)), None).await.unwrap();
    let reason = "La personne est déjà accompagnée par la Mission locale.";
    let refused = store
        .answer_orientation(&cap, second.id, &answer("refused", Some(reason)), None)
        .await
        .unwrap();
    assert_eq!(
        (refused.status, refused.refusal_reason.as_deref()),
        (Status::Refused, Some(reason))
    );
    assert!(matches!(
        store.persons(&cap).get(caron).await,
        Err(StoreError::NotFound { .. })
    ));
    let seen = store.orientations(&esat, Direction::Sent, Some(caron)).await.unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().any(|x| x.refusal_reason.as_deref() == Some(reason)));
    assert_eq!(events(&store, "orientation.refused").await, 1);
}

#[tokio::test]
async fn orientations_on_sqlite() {
    story(sqlite_demo().await).await;
}

#[tokio::test]
async fn orientations_on_postgres() {
    story(postgres_demo().await).await;
}
