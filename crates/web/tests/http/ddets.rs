//! The State's decisions recorded by the DDETS, over HTTP on both databases (docs/agreements.md « Conventionnement
//! de la SIAE », docs/iae.md « Dérogation au plafond des 480 heures »): the DDETS of Côte-d'Or records the ACI's
//! State convention (API, then its directory page) and the CCL shows when it lapses; the AI requests a waiver of
//! the 480-hour cap, the DDETS grants one through the API and refuses another through its pages. Another
//! structure is refused (403), bad dates are 422 with a stable code, forms come back with their values.

use crate::pages::{csrf, login, page, post_and_follow, post_form};
use crate::{Backend, TestApp, email, id, today};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use time::Duration;

/// A refused call: its status and code, and nothing changed.
async fn refused(app: &TestApp, token: &str, path: &str, body: Value, status: S, code: &str) {
    let before = app.snapshot().await;
    let (s, b) = app.call(token, Method::POST, path, Some(body)).await;
    assert_eq!((s, b["error"]["code"].as_str()), (status, Some(code)), "{path}: {b}");
    assert_eq!(
        app.snapshot().await,
        before,
        "{path}: a refused request changed something"
    );
}

async fn state_convention(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ddets, ft, aci) = (
        app.token(&email("ddets-21")).await,
        app.token(&email("ft-dijon")).await,
        app.token(&email("aci-jardins")).await,
    );
    let (aci_id, ft_id) = (app.org_id("aci-jardins").await, app.org_id("ft-dijon").await);
    let path = format!("/api/v1/organisations/{aci_id}/state-convention");
    let ends_on = today() + Duration::days(200);
    let body = json!({"ends_on": ends_on, "reference": "Convention IAE 21-2026-014"});

    refused(
        &app,
        &ft,
        &path,
        body.clone(),
        S::FORBIDDEN,
        "not_state_service_of_department",
    )
    .await;
    refused(
        &app,
        &aci,
        &path,
        body.clone(),
        S::FORBIDDEN,
        "not_state_service_of_department",
    )
    .await;
    let not_siae = format!("/api/v1/organisations/{ft_id}/state-convention");
    refused(
        &app,
        &ddets,
        &not_siae,
        body.clone(),
        S::UNPROCESSABLE_ENTITY,
        "not_an_siae",
    )
    .await;
    // A date that is no date is a malformed body (400, as everywhere in the API); one out of reach is 422.
    refused(
        &app,
        &ddets,
        &path,
        json!({"ends_on": "2027-02-30", "reference": "X"}),
        S::BAD_REQUEST,
        "invalid_body",
    )
    .await;
    let ancient = json!({"ends_on": "1990-06-30", "reference": "X"});
    refused(
        &app,
        &ddets,
        &path,
        ancient,
        S::UNPROCESSABLE_ENTITY,
        "state_convention_date_invalid",
    )
    .await;
    let (s, org) = app.call(&ddets, Method::POST, &path, Some(body)).await;
    assert_eq!(
        (s, org["state_convention_ends_on"].as_str()),
        (S::OK, Some(ends_on.to_string().as_str())),
        "{org}"
    );

    // The CCL (the agency and the ACI) says when it lapses unless the conventionnement is renewed.
    let (_, list) = app.get(&ft, "/api/v1/agreements").await;
    let ccl = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "local_cooperation")
        .map(id)
        .unwrap();
    let (_, a) = app.get(&ft, &format!("/api/v1/agreements/{ccl}")).await;
    assert_eq!(
        a["lapses_on"].as_str(),
        Some((ends_on + Duration::days(1)).to_string().as_str()),
        "{a}"
    );

    // The page: the DDETS's form on the ACI's directory sheet; a bad date comes back with the values typed.
    let session = login(&app, "ddets-21").await;
    let sheet = format!("/annuaire/{aci_id}");
    let (s, html) = page(&app, &session, &sheet).await;
    assert_eq!(s, S::OK);
    assert!(html.contains("formulaire-conventionnement"), "{html}");
    let form = format!("{sheet}/conventionnement");
    let token = csrf(&html);
    let (s, html) = post_form(
        &app,
        &session,
        &form,
        &[
            ("csrf", &token),
            ("ends_on", "31/02/2027"),
            ("reference", "Convention 21-15"),
        ],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"ends_on-error\"") && html.contains("value=\"Convention 21-15\""),
        "{html}"
    );
    let (s, html) = post_and_follow(
        &app,
        &session,
        &form,
        &[
            ("csrf", &token),
            ("ends_on", "30/06/2031"),
            ("reference", "Convention 21-15"),
        ],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER, "{html}");
    assert!(
        html.contains("Conventionnement enregistré") && html.contains("30 juin 2031"),
        "{html}"
    );
    // Another structure has no form, and its post is refused.
    let agency = login(&app, "ft-dijon").await;
    let (_, html) = page(&app, &agency, &sheet).await;
    assert!(!html.contains("formulaire-conventionnement"));
    let (s, _) = post_form(
        &app,
        &agency,
        &form,
        &[("csrf", &csrf(&html)), ("ends_on", "30/06/2031"), ("reference", "X")],
    )
    .await;
    assert_eq!(s, S::FORBIDDEN);
}

async fn waivers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ddets, ft, ai) = (
        app.token(&email("ddets-21")).await,
        app.token(&email("ft-dijon")).await,
        app.token(&email("ai-solidarite")).await,
    );
    let ai_id = app.org_id("ai-solidarite").await;
    let (_, found) = app.get(&ai, "/api/v1/persons?q=Bouzid").await;
    let person = id(&found["items"][0]);
    let requests = format!("/api/v1/persons/{person}/assignment-waivers");
    let from = today();
    let (s, asked) = app
        .call(
            &ai,
            Method::POST,
            &requests,
            Some(
                json!({"siae_id": ai_id, "starts_on": from, "ends_on": from + Duration::days(700),
                "reference": "Demande AI 2026-3"}),
            ),
        )
        .await;
    assert_eq!(
        (s, &asked["waivers"][0]["status"]),
        (S::OK, &json!("requested")),
        "{asked}"
    );
    let waiver = id(&asked["waivers"][0]);

    // The DDETS's list names the AI, never the person.
    let (s, list) = app.get(&ddets, "/api/v1/assignment-waivers/requests").await;
    assert_eq!(s, S::OK);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert!(
        !list.to_string().contains("Bouzid") && !list.to_string().contains(&person),
        "{list}"
    );
    assert_eq!(app.get(&ft, "/api/v1/assignment-waivers/requests").await.1, json!([]));

    let decision = format!("/api/v1/assignment-waivers/{waiver}/decision");
    let grant = |days: i64| {
        json!({"grant": true, "starts_on": from, "ends_on": from + Duration::days(days),
        "reference": "Arrêté 21-2026-17"})
    };
    refused(
        &app,
        &ft,
        &decision,
        grant(700),
        S::FORBIDDEN,
        "not_state_service_of_department",
    )
    .await;
    refused(
        &app,
        &ai,
        &decision,
        grant(700),
        S::FORBIDDEN,
        "not_state_service_of_department",
    )
    .await;
    refused(
        &app,
        &ddets,
        &decision,
        grant(1200),
        S::UNPROCESSABLE_ENTITY,
        "waiver_too_long",
    )
    .await;
    refused(
        &app,
        &ddets,
        &decision,
        grant(-5),
        S::UNPROCESSABLE_ENTITY,
        "waiver_too_long",
    )
    .await;
    refused(
        &app,
        &ddets,
        &decision,
        json!({"grant": true}),
        S::UNPROCESSABLE_ENTITY,
        "field_required",
    )
    .await;
    let (s, b) = app.call(&ddets, Method::POST, &decision, Some(grant(700))).await;
    assert_eq!((s, &b["status"]), (S::OK, &json!("granted")), "{b}");
    refused(
        &app,
        &ddets,
        &decision,
        grant(700),
        S::CONFLICT,
        "waiver_already_decided",
    )
    .await;

    // A second request, refused through the pages: the home counts it, the refusal asks for its confirmation.
    let (s, _) = app
        .call(
            &ai,
            Method::POST,
            &requests,
            Some(json!({"siae_id": ai_id, "starts_on": from + Duration::days(701),
                "ends_on": from + Duration::days(900), "reference": "Demande AI 2026-9"})),
        )
        .await;
    assert_eq!(s, S::OK);
    let session = login(&app, "ddets-21").await;
    let (_, home) = page(&app, &session, "/").await;
    assert!(
        home.contains("<a href=\"/derogations\">Dérogations au plafond des 480 heures à décider : 1</a>"),
        "{home}"
    );
    // The menu leads there too, with the same count, outside the « Personnes » menu (the request names no one).
    let menu = "href=\"/derogations\" >Dérogations à décider <span class=\"fr-badge";
    assert!(home.contains(menu) && home.contains(">Partenariats <span"), "{home}");
    assert!(!home.contains(">Personnes <span"), "{home}");
    let (s, list) = page(&app, &session, "/derogations").await;
    assert_eq!(s, S::OK);
    assert!(list.contains("Demande AI 2026-9") && !list.contains("Bouzid"), "{list}");
    let (_, pending) = app.get(&ddets, "/api/v1/assignment-waivers/requests").await;
    let second = id(&pending[0]);
    let form = format!("/derogations/{second}");
    let (s, html) = page(&app, &session, &form).await;
    assert_eq!(s, S::OK);
    let token = csrf(&html);
    let reason = "Les difficultés particulières ne sont pas établies.";
    let (s, html) = post_form(
        &app,
        &session,
        &form,
        &[("csrf", &token), ("decision", "refused"), ("refusal_reason", reason)],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"confirm-error\"") && html.contains(&format!("{reason}</textarea>")),
        "{html}"
    );
    let (s, html) = post_form(
        &app,
        &session,
        &form,
        &[
            ("csrf", &token),
            ("decision", "granted"),
            ("starts_on", "32/13/2027"),
            ("decision_reference", "A-1"),
        ],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"starts_on-error\"") && html.contains("value=\"A-1\""),
        "{html}"
    );
    let (s, html) = post_and_follow(
        &app,
        &session,
        &form,
        &[
            ("csrf", &token),
            ("decision", "refused"),
            ("refusal_reason", reason),
            ("confirm", "oui"),
        ],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER, "{html}");
    assert!(
        html.contains("Dérogation refusée") && html.contains("Aucune demande"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/derogations\" aria-current=\"page\">Dérogations à décider</a>"),
        "the menu no longer counts the decided request: {html}"
    );

    // The AI reads both decisions on the person's employment.
    let (_, employment) = app.get(&ai, &format!("/api/v1/persons/{person}/employment")).await;
    let statuses: Vec<&str> = employment["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["granted", "refused"], "{employment}");
    assert_eq!(employment["waivers"][1]["refusal_reason"], reason);
}

#[tokio::test]
async fn state_convention_on_sqlite() {
    state_convention(Backend::Sqlite).await;
}

#[tokio::test]
async fn state_convention_on_postgres() {
    state_convention(Backend::Postgres).await;
}

#[tokio::test]
async fn waivers_on_sqlite() {
    waivers(Backend::Sqlite).await;
}

#[tokio::test]
async fn waivers_on_postgres() {
    waivers(Backend::Postgres).await;
}
