//! Avenants through the API and the pages, on both databases: proposed by one party, in force only once every
//! party has signed (the content, the versions and the document stay those in force until then), refused by
//! a party or withdrawn by its proposer, one at a time, invisible to a non-party.

use crate::agreements::sign_demo_ccl;
use crate::pages::{csrf, login, page, post_and_follow};
use crate::{Backend, TestApp, email};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};

async fn demo_ccl(app: &TestApp, token: &str) -> String {
    let (_, list) = app.get(token, "/api/v1/agreements").await;
    let ccl = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "local_cooperation");
    ccl.unwrap()["id"].as_str().unwrap().to_owned()
}

/// The HTML document of the version in force.
async fn document(app: &TestApp, token: &str, id: &str) -> String {
    let (s, d) = app
        .get(token, &format!("/api/v1/agreements/{id}/document?format=html"))
        .await;
    assert_eq!(s, S::OK);
    d.as_str().unwrap().to_owned()
}

/// The journal's entries of `action` on agreement `id`.
async fn events(app: &TestApp, id: &str, action: &str) -> i64 {
    let mut db = app.store.pool().clone();
    let q = query("SELECT COUNT(*) AS n FROM events WHERE entity_id = $1 AND action = $2")
        .bind(uuid::Uuid::parse_str(id).unwrap())
        .bind(action.to_owned());
    db.fetch_one(q).await.unwrap().get("n").unwrap()
}

async fn api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    sign_demo_ccl(&app).await;
    let (aci, ft, outsider) = (
        app.token(&email("aci-jardins")).await,
        app.token(&email("ft-dijon")).await,
        app.token(&email("ei-recyclage")).await,
    );
    let ccl = demo_ccl(&app, &aci).await;
    let (_, a) = app.get(&aci, &format!("/api/v1/agreements/{ccl}")).await;
    let (version, in_force) = (a["current_version"].as_i64().unwrap(), a["content"].clone());
    let mut content = in_force.clone();
    content["duration"]["ends_on"] = json!("2029-12-31");
    let propose = format!("/api/v1/agreements/{ccl}/amendments");
    let decide = format!("/api/v1/agreements/{ccl}/pending-amendment/actions");
    let proposal = json!({"reason": "Avenant n° 1 : prorogation", "content": content});
    let act = |action: &str| Some(json!({ "action": action }));

    // A non-party sees no agreement, hence no avenant to propose or sign.
    let before = app.snapshot().await;
    let (s, _) = app
        .call(&outsider, Method::POST, &propose, Some(proposal.clone()))
        .await;
    assert_eq!(s, S::NOT_FOUND);
    let (s, _) = app.call(&outsider, Method::POST, &decide, act("sign")).await;
    assert_eq!(s, S::NOT_FOUND);
    assert_eq!(app.snapshot().await, before);

    let (s, b) = app.call(&ft, Method::POST, &propose, Some(proposal.clone())).await;
    assert_eq!(s, S::CREATED, "{b}");
    let pending = &b["agreement"]["pending_amendment"];
    assert_eq!(
        (pending["number"].as_i64(), &b["agreement"]["content"]),
        (Some(version + 1), &in_force)
    );
    assert!(
        pending["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["signed_on"].is_null()),
        "{b}"
    );

    // One proposal at a time.
    let before = app.snapshot().await;
    let (s, b) = app.call(&aci, Method::POST, &propose, Some(proposal.clone())).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::CONFLICT, Some("amendment_pending")),
        "{b}"
    );
    assert_eq!(app.snapshot().await, before);

    // One party signs: the version in force, its content and its document are unchanged.
    let (s, b) = app.call(&ft, Method::POST, &decide, act("sign")).await;
    assert_eq!(s, S::OK, "{b}");
    assert_eq!(
        (b["agreement"]["current_version"].as_i64(), &b["agreement"]["content"]),
        (Some(version), &in_force)
    );
    assert!(!document(&app, &aci, &ccl).await.contains("31 décembre 2029"));
    let (s, b) = app.call(&ft, Method::POST, &decide, act("sign")).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::CONFLICT, Some("already_signed")),
        "{b}"
    );

    // The last party signs: the avenant is the version in force, and its document is the new one.
    let (s, b) = app.call(&aci, Method::POST, &decide, act("sign")).await;
    assert_eq!(s, S::OK, "{b}");
    let after = &b["agreement"];
    assert_eq!(
        (
            after["current_version"].as_i64(),
            after["ends_on"].as_str(),
            &after["pending_amendment"]
        ),
        (Some(version + 1), Some("2029-12-31"), &Value::Null),
        "{b}"
    );
    assert_eq!(after["status"], "in_force");
    assert!(document(&app, &aci, &ccl).await.contains("31 décembre 2029"));
    assert_eq!(events(&app, &ccl, "agreement.amendment_sign").await, 2);

    // A party refuses: the proposal is withdrawn, the version in force stays.
    let (s, _) = app
        .call(
            &aci,
            Method::POST,
            &propose,
            Some(json!({"reason": "Contacts", "content": in_force})),
        )
        .await;
    assert_eq!(s, S::CREATED);
    let (s, b) = app.call(&ft, Method::POST, &decide, act("withdraw")).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::FORBIDDEN, Some("not_proposer")),
        "{b}"
    );
    let (s, b) = app.call(&ft, Method::POST, &decide, act("decline")).await;
    assert_eq!(s, S::OK, "{b}");
    assert_eq!(
        (
            b["agreement"]["current_version"].as_i64(),
            &b["agreement"]["pending_amendment"]
        ),
        (Some(version + 1), &Value::Null)
    );
    let (s, b) = app.call(&aci, Method::POST, &decide, act("sign")).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::CONFLICT, Some("no_pending_amendment")),
        "{b}"
    );

    // Its proposer withdraws it; a step that is none is refused in French.
    let (s, _) = app
        .call(
            &aci,
            Method::POST,
            &propose,
            Some(json!({"reason": "Contacts", "content": in_force})),
        )
        .await;
    assert_eq!(s, S::CREATED);
    let (s, b) = app.call(&aci, Method::POST, &decide, act("withdraw")).await;
    assert_eq!((s, &b["agreement"]["pending_amendment"]), (S::OK, &Value::Null), "{b}");
    let (s, b) = app.call(&aci, Method::POST, &decide, act("amend")).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::BAD_REQUEST, Some("amendment_action_invalid")),
        "{b}"
    );
    assert_eq!(events(&app, &ccl, "agreement.amendment_decline").await, 1);
    assert_eq!(events(&app, &ccl, "agreement.amendment_withdraw").await, 1);
}

#[tokio::test]
async fn agreement_amendments_api_on_sqlite() {
    api(Backend::Sqlite).await;
}

#[tokio::test]
async fn agreement_amendments_api_on_postgres() {
    api(Backend::Postgres).await;
}

/// The pages: « Proposer un avenant », then the pending avenant with who signed, « Signer l'avenant » and
/// « Refuser », each step confirmed.
async fn pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    sign_demo_ccl(&app).await;
    let ccl = demo_ccl(&app, &app.token(&email("aci-jardins")).await).await;
    let (aci, ft) = (login(&app, "aci-jardins").await, login(&app, "ft-dijon").await);
    let at = format!("/conventions/{ccl}");
    let (_, html) = page(&app, &aci, &at).await;
    assert!(html.contains("Proposer un avenant"), "{html}");
    let token = csrf(&html);
    let form = [
        ("csrf", token.as_str()),
        ("reason", "Avenant n° 1 : prorogation"),
        ("on", ""),
        ("title", "CCL Dijon Drapeau – Jardins de la Combe"),
        ("object", "Coopérer."),
        ("starts_on", "2026-01-01"),
        ("ends_on", "2029-12-31"),
        ("notice_months", "3"),
    ];
    let (_, html) = post_and_follow(&app, &aci, &format!("{at}/avenant"), &form).await;
    assert!(
        html.contains("Avenant proposé : chaque partie le signe")
            && html.contains("Avenant en attente de signatures")
            && html.contains("n'a pas encore signé")
            && !html.contains("<h2 class=\"fr-mt-4w\">Proposer un avenant"),
        "{html}"
    );
    let (_, html) = page(&app, &ft, &at).await;
    assert!(
        html.contains("Signer l'avenant") && html.contains(">Refuser</button>"),
        "{html}"
    );
    let token = csrf(&html);
    let (_, html) = post_and_follow(&app, &ft, &format!("{at}/avenant/signer"), &[("csrf", token.as_str())]).await;
    assert!(
        html.contains("Votre signature de l&#39;avenant est enregistrée") && html.contains("a signé l'avenant le"),
        "{html}"
    );
    // The ACI refuses: the avenant is gone, the version in force stays.
    let (_, html) = page(&app, &aci, &at).await;
    let token = csrf(&html);
    let (_, html) = post_and_follow(
        &app,
        &aci,
        &format!("{at}/avenant/refuser"),
        &[("csrf", token.as_str())],
    )
    .await;
    assert!(
        html.contains("Avenant refusé : la version en vigueur reste inchangée")
            && !html.contains("Avenant en attente de signatures")
            && html.contains("Proposer un avenant"),
        "{html}"
    );
    // Refused again (nothing pending any more): the page says why, nothing changes.
    let before = app.snapshot().await;
    let (_, html) = page(&app, &ft, &at).await;
    let token = csrf(&html);
    let (_, html) = post_and_follow(&app, &ft, &format!("{at}/avenant/signer"), &[("csrf", token.as_str())]).await;
    assert!(html.contains("Aucun avenant n&#39;attend de signature"), "{html}");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn agreement_amendments_pages_on_sqlite() {
    pages(Backend::Sqlite).await;
}

#[tokio::test]
async fn agreement_amendments_pages_on_postgres() {
    pages(Backend::Postgres).await;
}

/// A termination is a request with its notice (Accord régional BFC 2016 art. 6): withdrawn before it takes
/// effect, the agreement goes on; once the notice ended, it can no longer be withdrawn.
async fn notice_withdrawn(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    sign_demo_ccl(&app).await;
    let (aci, ft) = (
        app.token(&email("aci-jardins")).await,
        app.token(&email("ft-dijon")).await,
    );
    let ccl = demo_ccl(&app, &aci).await;
    let actions = format!("/api/v1/agreements/{ccl}/actions");
    let (s, b) = app
        .call(&ft, Method::POST, &actions, Some(json!({"action": "give_notice"})))
        .await;
    assert_eq!(
        (s, b["agreement"]["status"].as_str()),
        (S::OK, Some("terminating")),
        "{b}"
    );
    let effect = b["agreement"]["terminates_on"].as_str().unwrap().to_owned();
    let session = login(&app, "aci-jardins").await;
    let (_, html) = page(&app, &session, &format!("/conventions/{ccl}")).await;
    assert!(html.contains("Retirer la dénonciation"), "{html}");

    // On the day it takes effect it is too late.
    let before = app.snapshot().await;
    let late = json!({"action": "withdraw_notice", "on": effect});
    let (s, b) = app.call(&aci, Method::POST, &actions, Some(late)).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::CONFLICT, Some("transition_not_allowed")),
        "{b}"
    );
    assert_eq!(app.snapshot().await, before);

    let (s, b) = app
        .call(&aci, Method::POST, &actions, Some(json!({"action": "withdraw_notice"})))
        .await;
    assert_eq!(s, S::OK, "{b}");
    assert_eq!(
        (b["agreement"]["status"].as_str(), &b["agreement"]["terminates_on"]),
        (Some("in_force"), &Value::Null),
        "{b}"
    );
    assert!(
        b["change"]["explanation"]["message"]
            .as_str()
            .unwrap()
            .contains("Dénonciation retirée")
    );
    assert_eq!(events(&app, &ccl, "agreement.withdraw_notice").await, 1);
}

#[tokio::test]
async fn agreement_notice_withdrawn_on_sqlite() {
    notice_withdrawn(Backend::Sqlite).await;
}

#[tokio::test]
async fn agreement_notice_withdrawn_on_postgres() {
    notice_withdrawn(Backend::Postgres).await;
}
