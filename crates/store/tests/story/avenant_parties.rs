//! Who an avenant comes from and who a CCL binds, on the demo territory and both databases.
//!
//! Accord régional BFC 2016, article 5: « Le présent accord peut être modifié par voie d'avenant sur proposition
//! du comité de pilotage. » The demo's avenant came from the regional steering committee's meeting; another one
//! needs a held meeting of that committee, not of the CTA that also follows the agreement, not one to come.
//! Guide de la CCL Pôle emploi – SIAE: a CCL is between « le Pôle emploi local » and « la SIAE ».

use super::{demo_ctx, postgres_demo, sqlite_demo};
use passerelle_domain::agreements::amendment::AmendmentAction;
use passerelle_domain::agreements::content::Party;
use passerelle_domain::agreements::lifecycle::Action;
use passerelle_domain::agreements::{AgreementContent, AgreementKind};
use passerelle_domain::calendar::add_days;
use passerelle_domain::governance::CommitteeKind;
use passerelle_store::agreements::{Act, AmendmentAct};
use passerelle_store::governance::meetings::NewMeeting;
use passerelle_store::{AccessContext, Store, StoreError};
use time::macros::date;
use uuid::Uuid;

fn code(e: StoreError) -> (&'static str, Option<String>) {
    match e {
        StoreError::Invalid(i) => (i.code, i.field),
        StoreError::Forbidden { code, .. } | StoreError::Conflict { code, .. } => (code, None),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn org(ctx: &AccessContext) -> Uuid {
    ctx.memberships()[0].organisation_id
}

async fn committee(store: &Store, ctx: &AccessContext, kind: CommitteeKind) -> Uuid {
    store
        .committees(ctx)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == kind)
        .unwrap()
        .id
}

async fn regional_avenant(store: Store) {
    let today = passerelle_store::infra::clock::now().date();
    let (ddets, ft_region, reseau) = (
        demo_ctx(&store, "ddets-21").await,
        demo_ctx(&store, "ft-dt21").await,
        demo_ctx(&store, "reseau-iae").await,
    );
    let scope = store.agreements(&ddets);
    let regional = scope
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.kind == AgreementKind::Regional)
        .unwrap()
        .id;

    // The demo's avenant came from the steering committee's meeting of 20 November 2018, and says so.
    let a = scope.get(regional).await.unwrap();
    let origin = a.versions[1].committee_meeting.clone().expect("the avenant's meeting");
    assert_eq!(origin.held_on, date!(2018 - 11 - 20));
    assert!(a.versions[0].committee_meeting.is_none());
    assert_eq!(scope.steering_meetings(regional).await.unwrap(), vec![origin.clone()]);

    let propose = |meeting: Option<Uuid>| Act {
        action: Action::Amend,
        on: Some(today),
        organisation_id: None,
        reason: Some("Avenant n° 2 : feuille de route de l'année".into()),
        content: Some(a.content.clone()),
        committee_meeting_id: meeting,
    };
    let refused = |r: passerelle_store::infra::error::Result<_>| code(r.expect_err("refused"));
    let field = Some("committee_meeting_id".to_owned());

    // Without a meeting, with one of the CTA, with an unknown one: refused, nothing pends.
    let missing = scope.propose_amendment(regional, propose(None)).await;
    assert_eq!(refused(missing), ("committee_proposal_missing", field.clone()));
    let cta = store
        .committee(&ddets, committee(&store, &ddets, CommitteeKind::Cta).await)
        .await
        .unwrap();
    let cta_meeting = cta.meetings.iter().find(|m| m.status == "held").unwrap().id;
    let not_steering = scope.propose_amendment(regional, propose(Some(cta_meeting))).await;
    assert_eq!(refused(not_steering), ("committee_meeting_not_steering", field.clone()));
    let unknown = scope.propose_amendment(regional, propose(Some(Uuid::new_v4()))).await;
    assert_eq!(refused(unknown).0, "committee_meeting_not_steering");

    // A steering meeting still to come has proposed nothing yet.
    let steering = committee(&store, &ft_region, CommitteeKind::RegionalSteering).await;
    let plan = NewMeeting {
        held_on: add_days(today, 30),
        start_time: "14:00".into(),
        end_time: "16:00".into(),
        place: Some("Dijon".into()),
        video_link: None,
        extraordinary: false,
        termination_agreement_id: None,
    };
    let coming = store.create_meeting(&ft_region, steering, plan, None).await.unwrap();
    let not_held = scope.propose_amendment(regional, propose(Some(coming.id))).await;
    assert_eq!(refused(not_held), ("committee_meeting_not_held", field.clone()));
    // Nor can an avenant be dated before the meeting that proposed it.
    let before = Act {
        on: Some(date!(2018 - 11 - 19)),
        ..propose(Some(origin.id))
    };
    assert_eq!(
        refused(scope.propose_amendment(regional, before).await).0,
        "committee_meeting_after_proposal"
    );
    assert!(scope.get(regional).await.unwrap().pending_amendment.is_none());

    // From the held meeting: proposed, then signed by every party; the new version keeps its origin.
    let (pending, _) = scope
        .propose_amendment(regional, propose(Some(origin.id)))
        .await
        .unwrap();
    let p = pending.pending_amendment.expect("pending");
    assert_eq!(p.committee_meeting.as_ref(), Some(&origin));
    for ctx in [&ddets, &ft_region, &reseau] {
        let sign = AmendmentAct {
            action: AmendmentAction::Sign,
            on: Some(today),
            organisation_id: None,
        };
        store.agreements(ctx).decide_amendment(regional, sign).await.unwrap();
    }
    let after = scope.get(regional).await.unwrap();
    assert_eq!(after.current_version, 3);
    assert_eq!(after.versions[2].committee_meeting.as_ref(), Some(&origin));

    // A CCL is amended on a party's proposal: it names no meeting, and has no committee to choose from.
    let ft = demo_ctx(&store, "ft-dijon").await;
    let ccl = store
        .agreements(&ft)
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.kind == AgreementKind::LocalCooperation)
        .unwrap()
        .id;
    assert!(store.agreements(&ft).steering_meetings(ccl).await.unwrap().is_empty());
}

async fn create(
    store: &Store,
    ctx: &AccessContext,
    parties: Vec<Party>,
) -> passerelle_store::infra::error::Result<passerelle_store::agreements::Agreement> {
    store
        .agreements(ctx)
        .create(
            AgreementKind::LocalCooperation,
            None,
            AgreementContent {
                title: "Convention de coopération locale".into(),
                parties,
                ..Default::default()
            },
        )
        .await
}

async fn ccl_parties(store: Store) {
    let (ft, cap, aci, ei) = (
        demo_ctx(&store, "ft-dijon").await,
        demo_ctx(&store, "cap-emploi").await,
        demo_ctx(&store, "aci-jardins").await,
        demo_ctx(&store, "ei-recyclage").await,
    );
    let ml = demo_ctx(&store, "ml-dijon").await;
    let party = |ctx: &AccessContext, name: &str| Party {
        organisation_id: org(ctx),
        name: name.into(),
        representative: "La direction".into(),
        capacity: "Directeur".into(),
        presentation: String::new(),
    };
    let before = store.agreements(&ft).list().await.unwrap().len();
    let cases = [
        (&ft, vec![party(&ft, "Agence"), party(&aci, "ACI"), party(&ei, "EI")]),
        (&ft, vec![party(&ft, "Agence"), party(&cap, "Cap emploi")]),
        (&aci, vec![party(&aci, "ACI"), party(&ei, "EI")]),
    ];
    for (ctx, parties) in cases {
        let e = create(&store, ctx, parties).await.expect_err("refused");
        assert_eq!(code(e), ("ccl_parties_invalid", Some("parties".to_owned())));
    }
    assert_eq!(store.agreements(&ft).list().await.unwrap().len(), before);
    // The Mission locale is of the SPE: with an SIAE, it makes a CCL.
    let ok = create(&store, &ml, vec![party(&ml, "Mission locale"), party(&ei, "EI")])
        .await
        .unwrap();
    assert_eq!(ok.parties.len(), 2);
    // A draft cannot become a CCL of three afterwards either.
    let mut c = ok.content.clone();
    c.parties.push(party(&aci, "ACI"));
    let e = store.agreements(&ml).update_draft(ok.id, c).await.expect_err("refused");
    assert_eq!(code(e).0, "ccl_parties_invalid");
    // While it is written it may lack its SIAE (a party is replaced by removing it first), but it goes to
    // the signatures with both.
    let mut c = ok.content.clone();
    c.parties.retain(|p| p.organisation_id == org(&ml));
    store.agreements(&ml).update_draft(ok.id, c).await.unwrap();
    let submit = Act {
        action: Action::Submit,
        on: None,
        organisation_id: None,
        reason: None,
        content: None,
        committee_meeting_id: None,
    };
    let e = store.agreements(&ml).act(ok.id, submit).await.expect_err("refused");
    assert_eq!(code(e), ("ccl_parties_invalid", Some("parties".to_owned())));
}

#[tokio::test]
async fn a_regional_avenant_comes_from_its_steering_committee_on_sqlite() {
    regional_avenant(sqlite_demo().await).await;
}

#[tokio::test]
async fn a_regional_avenant_comes_from_its_steering_committee_on_postgres() {
    regional_avenant(postgres_demo().await).await;
}

#[tokio::test]
async fn a_ccl_binds_an_spe_organisation_and_an_siae_on_sqlite() {
    ccl_parties(sqlite_demo().await).await;
}

#[tokio::test]
async fn a_ccl_binds_an_spe_organisation_and_an_siae_on_postgres() {
    ccl_parties(postgres_demo().await).await;
}
