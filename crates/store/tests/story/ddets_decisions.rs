//! The State's decisions recorded by the DDETS, on the demo territory (Côte-d'Or):
//! 1. an SIAE's State convention: only the DDETS (or DREETS) of its department records it; the SIAE's CCL is
//!    reminded three months before its end and lapses the day after (Guide de la CCL Pôle emploi – SIAE II.b:
//!    « Cette convention devient caduque en cas de non conventionnement de la SIAE par l'Etat »);
//! 2. the préfet's waiver of an AI's 480-hour cap (L5132-9): the AI requests it, the DDETS of its department
//!    grants it (3 years at most) or refuses it, once.
//!
//! Dates are relative to the story's day.

use super::{demo_ctx, org, postgres_demo, sqlite_demo, step};
use passerelle_domain::agreements::lifecycle::{Action, Status};
use passerelle_domain::calendar::{add_days, add_months, add_years};
use passerelle_domain::pathways::iae::approval::Period;
use passerelle_domain::pathways::iae::waiver::{Decision, WaiverStatus};
use passerelle_store::agreements::Act;
use passerelle_store::auth::{NewUser, Password, SessionKind};
use passerelle_store::{AccessContext, MemberRole, Store, StoreError};

fn code(e: StoreError) -> String {
    match e {
        StoreError::Invalid(i) => format!("invalid {}", i.code),
        StoreError::Forbidden { code, .. } => format!("forbidden {code}"),
        StoreError::Conflict { code, .. } => format!("conflict {code}"),
        other => format!("{other:?}"),
    }
}

/// A DDETS of another department (Doubs), with its administrator.
async fn ddets_of_doubs(store: &Store) -> AccessContext {
    let op = store.operator_context("test");
    let doubs = store
        .create_organisation(
            &op,
            org("DDETS du Doubs", "ddets", None, "25").validate().unwrap(),
            None,
        )
        .await
        .unwrap();
    let (email, password) = ("ddets25@test.fr", passerelle_fixtures::demo::DEMO_PASSWORD);
    let memberships = [(doubs.id, MemberRole::Admin)];
    let user = NewUser {
        email,
        display_name: email,
        password: Password::Typed(password),
        platform_admin: false,
        memberships: &memberships,
    };
    store.create_user(&op, user).await.unwrap();
    let session = store.login(email, password, SessionKind::Api).await.unwrap();
    store
        .authenticate(&session.token, SessionKind::Api)
        .await
        .unwrap()
        .unwrap()
        .0
}

async fn state_convention(store: Store) {
    let today = passerelle_store::infra::clock::now().date();
    let (ddets, aci, ft) = (
        demo_ctx(&store, "ddets-21").await,
        demo_ctx(&store, "aci-jardins").await,
        demo_ctx(&store, "ft-dijon").await,
    );
    let doubs = ddets_of_doubs(&store).await;
    let aci_id = aci.memberships()[0].organisation_id;
    let ft_id = ft.memberships()[0].organisation_id;

    step("The demo CCL, signed by the agency, is signed by the ACI: in force");
    let ccl = store
        .agreements(&aci)
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.kind.code() == "local_cooperation")
        .unwrap()
        .id;
    let sign = Act {
        action: Action::Sign,
        on: Some(today),
        organisation_id: Some(aci_id),
        reason: None,
        content: None,
        committee_meeting_id: None,
    };
    let (signed, _) = store.agreements(&aci).act(ccl, sign).await.unwrap();
    assert_eq!(signed.status, Status::InForce);
    assert_eq!(signed.lapses_on, None);

    step("Only the State service of the SIAE's department records its State convention, for an SIAE");
    let in_six_months = add_months(today, 6);
    for (ctx, id, expected) in [
        (&ft, aci_id, "forbidden not_state_service_of_department"),
        (&aci, aci_id, "forbidden not_state_service_of_department"),
        (&doubs, aci_id, "forbidden not_state_service_of_department"),
        (&ddets, ft_id, "invalid not_an_siae"),
    ] {
        let refused = store
            .record_state_convention(ctx, id, in_six_months, "Convention 21-14")
            .await;
        assert_eq!(code(refused.unwrap_err()), expected);
    }
    let blank = store.record_state_convention(&ddets, aci_id, in_six_months, "  ").await;
    assert_eq!(code(blank.unwrap_err()), "invalid field_required");
    let recorded = store
        .record_state_convention(&ddets, aci_id, in_six_months, "Convention 21-14")
        .await
        .unwrap();
    assert_eq!(recorded.state_convention_ends_on, Some(in_six_months));

    step("The CCL's parties are reminded three months before the end; it lapses the day after");
    let a = store.agreements(&ft).get(ccl).await.unwrap();
    assert_eq!(a.status, Status::InForce);
    assert_eq!(a.lapses_on, Some(add_days(in_six_months, 1)));
    let codes: Vec<(&str, time::Date)> = a.deadlines.iter().map(|d| (d.explanation.code, d.on)).collect();
    assert!(
        codes.contains(&("state_convention_renewal", add_months(in_six_months, -3))),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("state_convention_lapse", add_days(in_six_months, 1))),
        "{codes:?}"
    );
    for ctx in [&ft, &aci] {
        let due = store.deadlines(ctx, today, add_years(today, 1), today).await.unwrap();
        let reminded: Vec<time::Date> = due
            .iter()
            .filter(|d| d.title.contains("faire renouveler ce conventionnement"))
            .map(|d| d.due_on)
            .collect();
        assert_eq!(reminded, [add_months(in_six_months, -3)], "{due:?}");
    }

    step("Recorded as ended yesterday: the CCL is lapsed since today, with its cause; no reminder is left");
    let yesterday = add_days(today, -1);
    store
        .record_state_convention(&ddets, aci_id, yesterday, "Convention 21-14, non renouvelée")
        .await
        .unwrap();
    let a = store.agreements(&ft).get(ccl).await.unwrap();
    assert_eq!(a.status, Status::Lapsed);
    assert_eq!(a.lapses_on, Some(today));
    assert!(
        a.lapse_cause.as_deref().unwrap_or_default().contains("caduque"),
        "{:?}",
        a.lapse_cause
    );
    assert!(
        a.deadlines
            .iter()
            .all(|d| !d.explanation.code.starts_with("state_convention"))
    );
    let due = store.deadlines(&ft, today, add_years(today, 1), today).await.unwrap();
    assert!(due.iter().all(|d| !d.title.contains("conventionnement")), "{due:?}");
    // A lapsed CCL cannot be acted on as if it were in force.
    let review = Act {
        action: Action::OpenReview,
        on: Some(today),
        organisation_id: None,
        reason: None,
        content: None,
        committee_meeting_id: None,
    };
    let refused = store.agreements(&ft).act(ccl, review).await.unwrap_err();
    assert_eq!(code(refused), "conflict transition_not_allowed");
}

async fn waiver(store: Store) {
    let today = passerelle_store::infra::clock::now().date();
    let (ddets, ai, ft) = (
        demo_ctx(&store, "ddets-21").await,
        demo_ctx(&store, "ai-solidarite").await,
        demo_ctx(&store, "ft-dijon").await,
    );
    let doubs = ddets_of_doubs(&store).await;
    let ai_id = ai.memberships()[0].organisation_id;
    let person = store.persons(&ai).list(Some("Bouzid"), 1, 10).await.unwrap().items[0].id;
    let period = |years| Period {
        from: today,
        to: add_days(add_years(today, years), -1),
    };

    step("The AI requests the waiver; it lifts nothing yet, and one request waits at a time");
    let asked = store
        .request_waiver(&ai, person, ai_id, period(2), "Demande AI-2026-3", None)
        .await
        .unwrap();
    let w = &asked.waivers[0];
    assert_eq!(w.status, WaiverStatus::Requested);
    let again = store
        .request_waiver(&ai, person, ai_id, period(1), "Demande AI-2026-4", None)
        .await;
    assert_eq!(code(again.unwrap_err()), "conflict waiver_already_requested");
    let too_long = store
        .request_waiver(&ai, person, ai_id, period(4), "Demande", None)
        .await;
    assert_eq!(code(too_long.unwrap_err()), "invalid waiver_too_long");

    step("The DDETS of the AI's department sees the request, without the person; others see none");
    let requests = store.waiver_requests(&ddets).await.unwrap();
    assert_eq!(requests.iter().map(|r| r.id).collect::<Vec<_>>(), [w.id]);
    assert_eq!(requests[0].reference, "Demande AI-2026-3");
    assert!(store.waiver_requests(&doubs).await.unwrap().is_empty());
    assert!(store.waiver_requests(&ai).await.unwrap().is_empty());

    step("Only the DDETS of the AI's department decides; 3 years at most; once");
    let grant = |years| Decision::Grant {
        period: period(years),
        reference: "Arrêté 21-2026-17".into(),
    };
    for ctx in [&doubs, &ai, &ft] {
        let refused = store.decide_waiver(ctx, w.id, grant(2)).await;
        assert_eq!(code(refused.unwrap_err()), "forbidden not_state_service_of_department");
    }
    let refused = store.decide_waiver(&ddets, w.id, grant(4)).await;
    assert_eq!(code(refused.unwrap_err()), "invalid waiver_too_long");
    let granted = store.decide_waiver(&ddets, w.id, grant(1)).await.unwrap();
    assert_eq!(
        (granted.status, granted.ends_on, granted.decision_reference.as_deref()),
        (WaiverStatus::Granted, period(1).to, Some("Arrêté 21-2026-17"))
    );
    let twice = store.decide_waiver(&ddets, w.id, grant(1)).await;
    assert_eq!(code(twice.unwrap_err()), "conflict waiver_already_decided");
    assert!(store.waiver_requests(&ddets).await.unwrap().is_empty());

    step("A second request is refused with its reasons, which the AI reads");
    let later = Period {
        from: add_days(today, 1),
        to: add_years(today, 3),
    };
    let asked = store
        .request_waiver(&ai, person, ai_id, later, "Demande AI-2026-9", None)
        .await
        .unwrap();
    let second = asked
        .waivers
        .iter()
        .find(|w| w.status == WaiverStatus::Requested)
        .unwrap()
        .id;
    let blank = store
        .decide_waiver(&ddets, second, Decision::Refuse { reason: " ".into() })
        .await;
    assert_eq!(code(blank.unwrap_err()), "invalid field_required");
    let reason = "Les difficultés particulières ne sont pas établies.";
    store
        .decide_waiver(&ddets, second, Decision::Refuse { reason: reason.into() })
        .await
        .unwrap();
    let employment = store.employment(&ai, person).await.unwrap();
    let statuses: Vec<(WaiverStatus, Option<&str>)> = employment
        .waivers
        .iter()
        .map(|w| (w.status, w.refusal_reason.as_deref()))
        .collect();
    assert_eq!(
        statuses,
        [(WaiverStatus::Granted, None), (WaiverStatus::Refused, Some(reason))]
    );
}

#[tokio::test]
async fn the_ddets_records_the_state_convention_and_the_ccl_lapses_on_sqlite() {
    state_convention(sqlite_demo().await).await;
}

#[tokio::test]
async fn the_ddets_records_the_state_convention_and_the_ccl_lapses_on_postgres() {
    state_convention(postgres_demo().await).await;
}

#[tokio::test]
async fn the_ddets_decides_the_ai_waiver_on_sqlite() {
    waiver(sqlite_demo().await).await;
}

#[tokio::test]
async fn the_ddets_decides_the_ai_waiver_on_postgres() {
    waiver(postgres_demo().await).await;
}
