//! Dated facts of ESAT workers and of the ESAT, on both databases: the parcours renforcé en emploi (décret
//! 2022-1561) only after a leave to ordinary work, the invoicing of the convention d'appui (décret 2025-845) only
//! during one of its periods and saying what is invoiced, the CPF (L6323-33) from 2017, the ESAT's OPCO from
//! 2019; each refusal a 422 on its field writing nothing, each fact journaled, another ESAT 404. The pages keep
//! the values of a refused form.

use crate::pages::{login, page, post_form};
use crate::{Backend, TestApp, email};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use uuid::Uuid;

async fn journaled(app: &TestApp, entity: Uuid, action: &str) -> i64 {
    let mut db = app.store.pool().clone();
    db.fetch_one(
        query("SELECT COUNT(*) AS n FROM events WHERE entity_id = $1 AND action = $2")
            .bind(entity)
            .bind(action),
    )
    .await
    .unwrap()
    .get("n")
    .unwrap()
}

async fn refused(app: &TestApp, token: &str, path: &str, body: Value, (code, field): (&str, &str)) {
    let before = app.snapshot().await;
    let (s, answer) = app.call(token, Method::POST, path, Some(body)).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY, "{path}: {answer}");
    assert_eq!(
        (answer["error"]["code"].as_str(), answer["error"]["field"].as_str()),
        (Some(code), Some(field)),
        "{answer}"
    );
    assert_eq!(app.snapshot().await, before, "{path}: a refused fact wrote something");
}

async fn esat_facts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let esat = app.token(&email("esat-suzon")).await;
    let other = app.token(&email("esat-ouche")).await;
    let esat_id = app.org_id("esat-suzon").await;
    let (_, workers) = app.get(&esat, "/api/v1/esat/workers").await;
    let worker = |name: &str| {
        let w = workers
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["last_name"] == name)
            .unwrap();
        Uuid::parse_str(w["id"].as_str().unwrap()).unwrap()
    };
    let (arnaud, masson, fontaine) = (worker("Arnaud"), worker("Masson"), worker("Fontaine"));
    let facts = |w: Uuid| format!("/api/v1/esat/workers/{w}/facts");

    // In double activity the worker is still in the ESAT: no parcours renforcé en emploi.
    let reinforced = json!({"kind": "reinforced_pathway", "starts_on": "2026-03-02"});
    refused(
        &app,
        &esat,
        &facts(arnaud),
        reinforced.clone(),
        ("esat_fact_reinforced_pathway_not_in_employment", "starts_on"),
    )
    .await;
    // Claire Fontaine is in employment since 5 January 2026.
    let (s, w) = app
        .call(
            &esat,
            Method::POST,
            &facts(fontaine),
            Some(json!({"kind": "reinforced_pathway", "starts_on": "2026-01-05"})),
        )
        .await;
    assert_eq!(s, S::OK, "{w}");
    assert_eq!(w["facts"][0]["kind"], "reinforced_pathway");
    assert!(w["facts"][0]["source"].as_str().unwrap().contains("2022-1561"), "{w}");
    assert_eq!(journaled(&app, fontaine, "esat_worker.fact_recorded").await, 1);

    // Julien Masson's convention d'appui runs from 1 September 2025: the ESAT invoices the transport company.
    let invoicing = json!({"kind": "support_invoicing", "starts_on": "2026-01-05",
        "detail": "Appui du moniteur d'atelier, deux heures par mois, 45 € de l'heure"});
    let mut without_what = invoicing.clone();
    without_what["detail"] = json!(" ");
    refused(&app, &esat, &facts(masson), without_what, ("field_required", "detail")).await;
    let mut before_decree = invoicing.clone();
    before_decree["starts_on"] = json!("2025-08-27");
    refused(
        &app,
        &esat,
        &facts(masson),
        before_decree,
        ("esat_fact_before_rule", "starts_on"),
    )
    .await;
    let mut before_support = invoicing.clone();
    before_support["starts_on"] = json!("2025-08-29");
    refused(
        &app,
        &esat,
        &facts(masson),
        before_support,
        ("esat_fact_invoicing_without_support_convention", "starts_on"),
    )
    .await;
    let (s, w) = app
        .call(&esat, Method::POST, &facts(masson), Some(invoicing.clone()))
        .await;
    assert_eq!(s, S::OK, "{w}");
    assert_eq!(w["facts"][0]["detail"], invoicing["detail"]);
    // Another ESAT does not reach the worker.
    let (s, _) = app.call(&other, Method::POST, &facts(masson), Some(invoicing)).await;
    assert_eq!(s, S::NOT_FOUND);

    refused(
        &app,
        &esat,
        &facts(arnaud),
        json!({"kind": "cpf", "starts_on": "2016-12-31"}),
        ("esat_fact_before_rule", "starts_on"),
    )
    .await;
    refused(
        &app,
        &esat,
        &facts(arnaud),
        json!({"kind": "opco_membership", "starts_on": "2020-01-01", "detail": "OPCO Santé"}),
        ("esat_fact_kind_unknown", "kind"),
    )
    .await;

    // The ESAT's OPCO: named, from 1 April 2019; its members only.
    let opco = format!("/api/v1/esat/{esat_id}/facts");
    refused(
        &app,
        &esat,
        &opco,
        json!({"kind": "opco_membership", "starts_on": "2019-03-31", "detail": "Unifaf"}),
        ("esat_fact_before_rule", "starts_on"),
    )
    .await;
    let body = json!({"kind": "opco_membership", "starts_on": "2019-04-01", "detail": "OPCO Santé"});
    let (s, list) = app.call(&esat, Method::POST, &opco, Some(body.clone())).await;
    assert_eq!((s, list[0]["detail"].as_str()), (S::OK, Some("OPCO Santé")), "{list}");
    assert_eq!(journaled(&app, esat_id, "esat.fact_recorded").await, 1);
    let (s, _) = app.call(&other, Method::POST, &opco, Some(body)).await;
    assert_eq!(s, S::NOT_FOUND);
    let (s, _) = app.get(&other, &opco).await;
    assert_eq!(s, S::NOT_FOUND);
    // The worker's record shows the ESAT's OPCO too.
    let (_, w) = app.get(&esat, &format!("/api/v1/esat/workers/{arnaud}")).await;
    assert_eq!(w["esat_facts"][0]["kind"], "opco_membership");
}

#[tokio::test]
async fn esat_facts_on_sqlite() {
    esat_facts(Backend::Sqlite).await;
}

#[tokio::test]
async fn esat_facts_on_postgres() {
    esat_facts(Backend::Postgres).await;
}

/// The pages: a refused fact comes back with 422, its sentence and the typed values; a recorded one is listed on
/// the worker's page and the ESAT's OPCO on the list of workers.
#[tokio::test]
async fn esat_fact_forms_keep_values() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let session = login(&app, "esat-suzon").await;
    let (_, list) = page(&app, &session, "/esat").await;
    let csrf = crate::pages::csrf(&list);
    let esat_id = app.org_id("esat-suzon").await.to_string();
    let (s, html) = post_form(
        &app,
        &session,
        "/esat-faits",
        &[
            ("csrf", &csrf),
            ("esat_id", &esat_id),
            ("fact_detail", "Unifaf"),
            ("fact_starts_on", "15/01/2018"),
        ],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(html.contains("existe depuis le 1er avril 2019"), "{html}");
    assert!(
        html.contains("L&#39;adhésion n&#39;a pas été enregistrée") && !html.contains("dossier n&#39;a pas été ouvert"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Unifaf\"") && html.contains("value=\"15/01/2018\""),
        "the values are kept"
    );
    let (s, _) = post_form(
        &app,
        &session,
        "/esat-faits",
        &[
            ("csrf", &csrf),
            ("esat_id", &esat_id),
            ("fact_detail", "OPCO Santé"),
            ("fact_starts_on", "01/04/2019"),
        ],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER);
    let (_, list) = page(&app, &session, "/esat").await;
    assert!(list.contains("OPCO Santé depuis le 1er avril 2019"), "{list}");

    let worker = list
        .split("href=\"/esat/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let path = format!("/esat/{worker}/fait-date");
    let (s, html) = post_form(
        &app,
        &session,
        &path,
        &[("csrf", &csrf), ("fact_kind", "cpf"), ("fact_starts_on", "31/12/2016")],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Code du travail, art. L6323-33") && html.contains("value=\"31/12/2016\""),
        "{html}"
    );
    let (s, _) = post_form(
        &app,
        &session,
        &path,
        &[("csrf", &csrf), ("fact_kind", "cpf"), ("fact_starts_on", "02/01/2017")],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER);
    let (_, html) = page(&app, &session, &format!("/esat/{worker}")).await;
    assert!(
        html.contains("Compte personnel de formation (CPF) du travailleur : depuis le 2 janvier 2017"),
        "{html}"
    );
    assert!(html.contains("OPCO Santé, depuis le 1er avril 2019"), "{html}");
}
