//! A termination request of the regional agreement opens, for every party, the obligation to meet the
//! extraordinary steering committee during the notice (Accord régional BFC 2016 article 6, read 2026-12-07: « Un
//! préavis de 3 mois doit être respecté … au cours duquel un comité de pilotage extraordinaire est réuni pour
//! examiner la demande »). Planning that meeting fulfils it; cancelling the meeting opens it again. The demo's
//! CTA, run by the France Travail agency, steers the regional agreement.

use super::{demo_ctx, postgres_demo, sqlite_demo};
use passerelle_domain::agreements::lifecycle::{Action, Status};
use passerelle_domain::calendar::{add_days, add_months};
use passerelle_domain::governance::CommitteeKind;
use passerelle_store::agreements::Act;
use passerelle_store::governance::meetings::NewMeeting;
use passerelle_store::obligations::Due;
use passerelle_store::{AccessContext, Store};

async fn committee_due(store: &Store, ctx: &AccessContext, today: time::Date) -> Vec<Due> {
    store
        .deadlines(ctx, today, add_months(today, 4), today)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.rule.contains("article 6") && d.title.contains("comité de pilotage extraordinaire"))
        .collect()
}

async fn scenario(store: Store) {
    let today = passerelle_store::infra::clock::now().date();
    let ddets = demo_ctx(&store, "ddets-21").await;
    let reseau = demo_ctx(&store, "reseau-iae").await;
    let ft = demo_ctx(&store, "ft-dijon").await;
    let regional = store
        .agreements(&ddets)
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.kind.code() == "regional")
        .unwrap()
        .id;
    assert!(committee_due(&store, &reseau, today).await.is_empty());

    let notice = Act {
        action: Action::GiveNotice,
        on: Some(today),
        organisation_id: None,
        reason: None,
        content: None,
        committee_meeting_id: None,
    };
    let (after, _) = store.agreements(&ddets).act(regional, notice).await.unwrap();
    assert_eq!(after.status, Status::Terminating);
    let effect = after.terminates_on.unwrap();
    // Every party has it, due by the notice's last day; the agreement page lists it too.
    for ctx in [&ddets, &reseau] {
        let due = committee_due(&store, ctx, today).await;
        assert_eq!(
            due.iter().map(|d| d.due_on).collect::<Vec<_>>(),
            [add_days(effect, -1)],
            "{due:?}"
        );
    }
    assert!(
        after
            .deadlines
            .iter()
            .any(|d| d.explanation.code == "extraordinary_committee")
    );

    // The CTA's secretary plans the extraordinary meeting that examines the request: done.
    let cta = store
        .committees(&ft)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == CommitteeKind::Cta)
        .unwrap();
    let plan = NewMeeting {
        held_on: add_days(today, 20),
        start_time: "09:30".into(),
        end_time: "12:00".into(),
        place: Some("Dijon".into()),
        video_link: None,
        extraordinary: true,
        termination_agreement_id: Some(regional),
    };
    let meeting = store.create_meeting(&ft, cta.id, plan, None).await.unwrap();
    assert!(committee_due(&store, &reseau, today).await.is_empty());

    // Called off: the committee is to be met again.
    store
        .cancel_meeting(&ft, meeting.id, passerelle_store::infra::clock::now())
        .await
        .unwrap();
    assert_eq!(committee_due(&store, &reseau, today).await.len(), 1);
}

#[tokio::test]
async fn termination_needs_its_extraordinary_committee_on_sqlite() {
    scenario(sqlite_demo().await).await;
}

#[tokio::test]
async fn termination_needs_its_extraordinary_committee_on_postgres() {
    scenario(postgres_demo().await).await;
}
