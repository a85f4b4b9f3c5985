//! Where an avenant comes from and who a CCL binds, through the API and the pages, on both databases.
//! Accord régional BFC 2016, article 5: « Le présent accord peut être modifié par voie d'avenant sur proposition
//! du comité de pilotage » — the demo's regional agreement, whose avenant came from its steering committee's
//! meeting of 20 November 2018. Guide de la CCL Pôle emploi – SIAE: a CCL is between the SPE and an SIAE.

use crate::pages::{csrf, login, page, post_and_follow, post_form};
use crate::{Backend, TestApp, email};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};

async fn regional(app: &TestApp, token: &str) -> String {
    let (_, list) = app.get(token, "/api/v1/agreements").await;
    let found = list.as_array().unwrap().iter().find(|a| a["kind"] == "regional");
    found.unwrap()["id"].as_str().unwrap().to_owned()
}

/// The held meeting of the demo's CTA, which follows the regional agreement but does not steer it.
async fn cta_meeting(app: &TestApp) -> String {
    let mut db = app.store.pool().clone();
    let q = query(
        "SELECT mt.id FROM meetings mt JOIN committees c ON c.id = mt.committee_id \
         WHERE c.kind = 'cta' AND mt.status = 'held'",
    );
    db.fetch_one(q)
        .await
        .unwrap()
        .get::<uuid::Uuid>("id")
        .unwrap()
        .to_string()
}

/// A form's pairs as the posting helpers take them.
fn refs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn code(b: &Value) -> Option<&str> {
    b["error"]["code"].as_str()
}

async fn api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ddets = app.token(&email("ddets-21")).await;
    let id = regional(&app, &ddets).await;
    let (s, meetings) = app
        .get(&ddets, &format!("/api/v1/agreements/{id}/steering-meetings"))
        .await;
    assert_eq!(s, S::OK, "{meetings}");
    let steering = meetings[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (meetings.as_array().unwrap().len(), &meetings[0]["held_on"]),
        (1, &json!("2018-11-20"))
    );
    let (_, a) = app.get(&ddets, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!(a["versions"][1]["committee_meeting"]["id"], json!(steering), "{a}");
    let propose = format!("/api/v1/agreements/{id}/amendments");
    let body = |meeting: Option<&str>| json!({"reason": "Avenant n° 2 : feuille de route", "content": a["content"], "committee_meeting_id": meeting});

    // Without the meeting, or with the CTA's: 422, said in French, nothing written.
    let before = app.snapshot().await;
    let cta = cta_meeting(&app).await;
    for (meeting, expected) in [
        (None, "committee_proposal_missing"),
        (Some(cta.as_str()), "committee_meeting_not_steering"),
        (
            Some("00000000-0000-0000-0000-000000000001"),
            "committee_meeting_not_steering",
        ),
    ] {
        let (s, b) = app.call(&ddets, Method::POST, &propose, Some(body(meeting))).await;
        assert_eq!((s, code(&b)), (S::UNPROCESSABLE_ENTITY, Some(expected)), "{b}");
        assert_eq!(b["error"]["field"], json!("committee_meeting_id"), "{b}");
    }
    let (_, b) = app.call(&ddets, Method::POST, &propose, Some(body(None))).await;
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("choisissez la réunion tenue du comité de pilotage"),
        "{b}"
    );
    // The life cycle's `amend` asks the same.
    let (s, b) = app
        .call(
            &ddets,
            Method::POST,
            &format!("/api/v1/agreements/{id}/actions"),
            Some(json!({"action": "amend", "reason": "Avenant", "content": a["content"]})),
        )
        .await;
    assert_eq!(
        (s, code(&b)),
        (S::UNPROCESSABLE_ENTITY, Some("committee_proposal_missing"))
    );
    assert_eq!(app.snapshot().await, before);

    // From the steering committee's meeting: proposed, and the proposal names it.
    let (s, b) = app
        .call(&ddets, Method::POST, &propose, Some(body(Some(&steering))))
        .await;
    assert_eq!(s, S::CREATED, "{b}");
    let origin = &b["agreement"]["pending_amendment"]["committee_meeting"];
    assert_eq!(
        (origin["id"].as_str(), &origin["held_on"]),
        (Some(steering.as_str()), &json!("2018-11-20"))
    );

    // A CCL names no meeting; and binds one SPE organisation and one SIAE.
    let aci = app.token(&email("aci-jardins")).await;
    let (agency, jardins, ei) = (
        app.org_id("ft-dijon").await,
        app.org_id("aci-jardins").await,
        app.org_id("ei-recyclage").await,
    );
    let before = app.snapshot().await;
    for parties in [
        json!([{"organisation_id": agency, "name": "Agence"}, {"organisation_id": jardins, "name": "ACI"},
            {"organisation_id": ei, "name": "EI"}]),
        json!([{"organisation_id": jardins, "name": "ACI"}, {"organisation_id": ei, "name": "EI"}]),
    ] {
        let (s, b) = app
            .call(
                &aci,
                Method::POST,
                "/api/v1/agreements",
                Some(json!({"kind": "local_cooperation", "content": {"title": "CCL", "parties": parties}})),
            )
            .await;
        assert_eq!(
            (s, code(&b)),
            (S::UNPROCESSABLE_ENTITY, Some("ccl_parties_invalid")),
            "{b}"
        );
        assert!(b["error"]["message"].as_str().unwrap().contains("une SIAE"), "{b}");
    }
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn avenant_origin_api_on_sqlite() {
    api(Backend::Sqlite).await;
}

#[tokio::test]
async fn avenant_origin_api_on_postgres() {
    api(Backend::Postgres).await;
}

/// The avenant form of the regional agreement: a select of its steering committee's held meetings; refused
/// without one, every typed value kept; proposed with it, the page names the meeting. The new-convention
/// form keeps its values when a CCL's partner is no SPE organisation.
async fn pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = regional(&app, &app.token(&email("ddets-21")).await).await;
    let session = login(&app, "ddets-21").await;
    let at = format!("/conventions/{id}");
    let (_, html) = page(&app, &session, &at).await;
    assert!(
        html.contains("Réunion du comité de pilotage qui le propose")
            && html.contains("Comité de pilotage régional IAE Bourgogne-Franche-Comté – réunion du 20 novembre 2018")
            && html.contains("sur proposition de « Comité de pilotage régional IAE Bourgogne-Franche-Comté » (réunion du 20 novembre 2018)"),
        "{html}"
    );
    let steering = app
        .get(
            &app.token(&email("ddets-21")).await,
            &format!("/api/v1/agreements/{id}/steering-meetings"),
        )
        .await
        .1[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = csrf(&html);
    let form = |meeting: &str| -> Vec<(&'static str, String)> {
        [
            ("csrf", token.as_str()),
            ("reason", "Avenant n° 2 : feuille de route 2027"),
            ("on", ""),
            ("title", "Accord régional BFC"),
            ("object", "Coopérer dans la région."),
            ("starts_on", "2016-12-08"),
            ("ends_on", "2029-12-31"),
            ("notice_months", "3"),
            ("committee_meeting_id", meeting),
        ]
        .map(|(k, v)| (k, v.to_owned()))
        .to_vec()
    };
    let before = app.snapshot().await;
    let (s, html) = post_form(&app, &session, &format!("{at}/avenant"), &refs(&form(""))).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("choisissez la réunion tenue du comité de pilotage qui a proposé cet avenant")
            && html.contains("value=\"Avenant n° 2 : feuille de route 2027\"")
            && html.contains("value=\"2029-12-31\"")
            && html.contains("id=\"avenant-committee-meeting-id-erreur\""),
        "{html}"
    );
    assert_eq!(app.snapshot().await, before);
    let (_, html) = post_and_follow(&app, &session, &format!("{at}/avenant"), &refs(&form(&steering))).await;
    assert!(
        html.contains("Avenant en attente de signatures")
            && html.contains(", sur proposition de « Comité de pilotage régional IAE Bourgogne-Franche-Comté » (réunion du 20 novembre 2018).")
            && !html.contains("Réunion du comité de pilotage qui le propose"),
        "{html}"
    );

    // A new CCL between two SIAE: refused, the form keeps its title and choices.
    let aci = login(&app, "aci-jardins").await;
    let (_, html) = page(&app, &aci, "/conventions/nouvelle").await;
    let (jardins, ei) = (
        app.org_id("aci-jardins").await.to_string(),
        app.org_id("ei-recyclage").await.to_string(),
    );
    let new = [
        ("csrf", csrf(&html)),
        ("kind", "local_cooperation".to_owned()),
        ("title", "CCL des deux SIAE".to_owned()),
        ("parent_id", String::new()),
        ("organisation_id", jardins),
        ("partner_id", ei.clone()),
    ];
    let before = app.snapshot().await;
    let (s, html) = post_form(&app, &aci, "/conventions", &refs(&new)).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Une convention de coopération locale lie deux parties")
            && html.contains("value=\"CCL des deux SIAE\"")
            && html.contains(&format!("value=\"{ei}\" selected")),
        "{html}"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn avenant_origin_pages_on_sqlite() {
    pages(Backend::Sqlite).await;
}

#[tokio::test]
async fn avenant_origin_pages_on_postgres() {
    pages(Backend::Postgres).await;
}
