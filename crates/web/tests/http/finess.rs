//! FINESS numbers over HTTP on both databases (docs/data-inclusion.md, « Numéro FINESS »): an ESAT's administrator
//! changes it through the API and its directory sheet; a malformed number, or one on an SIAE, is 422
//! `finess_invalid` with a French message and nothing changed; another structure's number is 409 `finess_taken`;
//! the sheet's form comes back with the value typed.

use crate::pages::{csrf, login, page, post_and_follow, post_form};
use crate::{Backend, TestApp, email};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::json;

async fn finess(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (esat, aci) = (
        app.token(&email("esat-suzon")).await,
        app.token(&email("aci-jardins")).await,
    );
    let (esat_id, aci_id) = (app.org_id("esat-suzon").await, app.org_id("aci-jardins").await);
    let path = format!("/api/v1/organisations/{esat_id}");
    let (_, org) = app.get(&esat, &path).await;
    assert_eq!(org["finess"], "210784562", "the demo ESAT has its FINESS: {org}");

    let refused = |token: String, path: String, finess: &'static str, status: S, code: &'static str| {
        let app = &app;
        async move {
            let before = app.snapshot().await;
            let (s, b) = app
                .call(&token, Method::PATCH, &path, Some(json!({ "finess": finess })))
                .await;
            assert_eq!((s, b["error"]["code"].as_str()), (status, Some(code)), "{finess}: {b}");
            assert!(b["error"]["message"].as_str().unwrap().contains("FINESS"), "{b}");
            assert_eq!(
                app.snapshot().await,
                before,
                "{finess}: a refused change changed something"
            );
        }
    };
    refused(
        esat.clone(),
        path.clone(),
        "21078456",
        S::UNPROCESSABLE_ENTITY,
        "finess_invalid",
    )
    .await;
    refused(
        esat.clone(),
        path.clone(),
        "2C0784562",
        S::UNPROCESSABLE_ENTITY,
        "finess_invalid",
    )
    .await;
    // An ACI is no establishment of the FINESS file.
    let aci_path = format!("/api/v1/organisations/{aci_id}");
    refused(aci, aci_path, "210555550", S::UNPROCESSABLE_ENTITY, "finess_invalid").await;
    // The other demo ESAT's number.
    refused(esat.clone(), path.clone(), "210012347", S::CONFLICT, "finess_taken").await;

    let (s, org) = app
        .call(&esat, Method::PATCH, &path, Some(json!({"finess": "21 078 456 3"})))
        .await;
    assert_eq!((s, org["finess"].as_str()), (S::OK, Some("210784563")), "{org}");

    // The sheet: its administrator's form; a bad number comes back as typed, a good one is shown.
    let session = login(&app, "esat-suzon").await;
    let sheet = format!("/annuaire/{esat_id}");
    let (s, html) = page(&app, &session, &sheet).await;
    assert_eq!(s, S::OK);
    assert!(
        html.contains("formulaire-finess") && html.contains("value=\"210784563\""),
        "{html}"
    );
    let form = format!("{sheet}/finess");
    let token = csrf(&html);
    let (s, html) = post_form(&app, &session, &form, &[("csrf", &token), ("finess", "21-078-456")]).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"finess-error\"") && html.contains("value=\"21-078-456\"") && html.contains("9 caractères"),
        "{html}"
    );
    let (s, html) = post_and_follow(&app, &session, &form, &[("csrf", &token), ("finess", "210784564")]).await;
    assert_eq!(s, S::SEE_OTHER, "{html}");
    assert!(
        html.contains("Numéro FINESS enregistré") && html.contains("210784564"),
        "{html}"
    );

    // Another structure sees the number, has no form, and its post is refused.
    let agency = login(&app, "ft-dijon").await;
    let (_, html) = page(&app, &agency, &sheet).await;
    assert!(
        html.contains("210784564") && !html.contains("formulaire-finess"),
        "{html}"
    );
    let (s, _) = post_form(&app, &agency, &form, &[("csrf", &csrf(&html)), ("finess", "210784565")]).await;
    assert_eq!(s, S::FORBIDDEN);
}

#[tokio::test]
async fn finess_on_sqlite() {
    finess(Backend::Sqlite).await;
}

#[tokio::test]
async fn finess_on_postgres() {
    finess(Backend::Postgres).await;
}
