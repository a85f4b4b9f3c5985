//! Bad input on every write route: malformed JSON, wrong types, unknown fields, over-long strings,
//! invalid SIRET, unknown department, malformed identifiers. Each answers 4xx with a stable code and
//! leaves the data as it was.

use crate::{Backend, TestApp, email};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};

struct Route {
    method: Method,
    path: String,
    /// A body that would be accepted.
    valid: Value,
    /// A field set to a value of the wrong JSON type.
    wrong_type: (&'static str, Value),
    /// A string field that accepts at most 200 characters (or 100 for persons).
    long_field: Option<&'static str>,
}

fn with(body: &Value, field: &str, value: Value) -> Value {
    let mut b = body.clone();
    b[field] = value;
    b
}

async fn expect(
    app: &TestApp,
    token: &str,
    method: &Method,
    path: &str,
    body: Option<&Value>,
    raw: Option<&str>,
    want: (S, &str),
) {
    let before = app.snapshot().await;
    let mut req = app.http.request(method.clone(), app.url(path)).bearer_auth(token);
    req = match (body, raw) {
        (Some(b), _) => req.json(b),
        (None, Some(r)) => req.header("content-type", "application/json").body(r.to_owned()),
        (None, None) => req,
    };
    let r = req.send().await.unwrap();
    let got = r.status();
    let json: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(
        (got, json["error"]["code"].as_str()),
        (want.0, Some(want.1)),
        "{method} {path} {body:?} {raw:?}: {json}"
    );
    assert!(
        !json["error"]["message"].as_str().unwrap_or("").is_empty(),
        "a message says what to do"
    );
    assert_eq!(app.snapshot().await, before, "{method} {path}: nothing changed");
}

async fn bad_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token(passerelle_fixtures::demo::ADMIN_EMAIL).await;
    let ft = app.token(&email("ft-dijon")).await;
    let org = app.org_id("ft-dijon").await;
    let (_, contacts) = app.get(&admin, &format!("/api/v1/organisations/{org}/contacts")).await;
    let (holder, substitute) = (contacts[0]["id"].clone(), contacts[1]["id"].clone());
    let (_, roles) = app.get(&admin, &format!("/api/v1/organisations/{org}/roles")).await;
    let role = roles[0]["id"].as_str().unwrap().to_owned();
    let (_, persons) = app.get(&ft, "/api/v1/persons").await;
    let person = persons["items"][0]["id"].as_str().unwrap().to_owned();
    let contact = holder.as_str().unwrap().to_owned();
    let org_body = json!({"name": "Structure test", "kind": "ei", "commune": "Dijon", "department": "21", "siret": "13000548100010"});

    let routes = vec![
        (
            &admin,
            Route {
                method: Method::POST,
                path: "/api/v1/organisations".into(),
                valid: org_body.clone(),
                wrong_type: ("territories", json!("21")),
                long_field: Some("name"),
            },
        ),
        (
            &admin,
            Route {
                method: Method::PATCH,
                path: format!("/api/v1/organisations/{org}"),
                valid: json!({"name": "Agence renommée"}),
                wrong_type: ("name", json!(42)),
                long_field: Some("commune"),
            },
        ),
        (
            &admin,
            Route {
                method: Method::POST,
                path: format!("/api/v1/organisations/{org}/contacts"),
                valid: json!({"first_name": "Jeanne", "last_name": "Essai"}),
                wrong_type: ("first_name", json!(["Jeanne"])),
                long_field: Some("last_name"),
            },
        ),
        (
            &admin,
            Route {
                method: Method::PUT,
                path: format!("/api/v1/contacts/{contact}"),
                valid: json!({"first_name": "Jeanne", "last_name": "Essai"}),
                wrong_type: ("email", json!(true)),
                long_field: Some("function"),
            },
        ),
        (
            &admin,
            Route {
                method: Method::POST,
                path: format!("/api/v1/organisations/{org}/roles"),
                valid: json!({"role": "spe_referent", "holder_id": holder, "substitute_id": substitute}),
                wrong_type: ("holder_id", json!("pas-un-identifiant")),
                long_field: None,
            },
        ),
        (
            &admin,
            Route {
                method: Method::PUT,
                path: format!("/api/v1/roles/{role}"),
                valid: json!({"holder_id": holder, "substitute_id": substitute, "holder_absent": true}),
                wrong_type: ("holder_absent", json!("oui")),
                long_field: None,
            },
        ),
        (
            &admin,
            Route {
                method: Method::POST,
                path: format!("/api/v1/organisations/{org}/authorisations"),
                valid: json!({"issuer": "Préfet", "starts_on": "2026-01-01"}),
                wrong_type: ("starts_on", json!("01/01/2026")),
                long_field: Some("issuer"),
            },
        ),
        (
            &ft,
            Route {
                method: Method::POST,
                path: "/api/v1/persons".into(),
                valid: json!({"first_name": "Alex", "last_name": "Nouveau"}),
                wrong_type: ("consent_data_sharing", json!("yes")),
                long_field: Some("first_name"),
            },
        ),
        (
            &ft,
            Route {
                method: Method::PATCH,
                path: format!("/api/v1/persons/{person}"),
                valid: json!({"commune": "Beaune"}),
                wrong_type: ("birth_date", json!(19900101)),
                long_field: Some("last_name"),
            },
        ),
        (
            &ft,
            Route {
                method: Method::POST,
                path: format!("/api/v1/persons/{person}/followers"),
                valid: json!({"organisation_id": org}),
                wrong_type: ("organisation_id", json!(12)),
                long_field: None,
            },
        ),
        (
            &admin,
            Route {
                method: Method::POST,
                path: "/api/v1/auth/login".into(),
                valid: json!({"email": "x@passerelle.test", "password": "y"}),
                wrong_type: ("email", json!(null)),
                long_field: None,
            },
        ),
    ];

    for (token, r) in &routes {
        let (m, p) = (&r.method, r.path.as_str());
        expect(&app, token, m, p, None, Some("{,}"), (S::BAD_REQUEST, "malformed_json")).await;
        expect(
            &app,
            token,
            m,
            p,
            None,
            Some("pas du json"),
            (S::BAD_REQUEST, "malformed_json"),
        )
        .await;
        expect(
            &app,
            token,
            m,
            p,
            Some(&with(&r.valid, r.wrong_type.0, r.wrong_type.1.clone())),
            None,
            (S::BAD_REQUEST, "invalid_body"),
        )
        .await;
        expect(
            &app,
            token,
            m,
            p,
            Some(&with(&r.valid, "champ_inconnu", json!(1))),
            None,
            (S::BAD_REQUEST, "invalid_body"),
        )
        .await;
        if let Some(field) = r.long_field {
            expect(
                &app,
                token,
                m,
                p,
                Some(&with(&r.valid, field, json!("x".repeat(5000)))),
                None,
                (S::UNPROCESSABLE_ENTITY, "field_too_long"),
            )
            .await;
        }
        // Without a JSON content type.
        let before = app.snapshot().await;
        let resp = app
            .http
            .request(m.clone(), app.url(p))
            .bearer_auth(token.as_str())
            .body(r.valid.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), S::UNSUPPORTED_MEDIA_TYPE, "{m} {p}");
        assert_eq!(app.snapshot().await, before);
    }

    // Domain rules on the organisation routes.
    let org_routes = [
        (Method::POST, "/api/v1/organisations".to_owned()),
        (Method::PATCH, format!("/api/v1/organisations/{org}")),
    ];
    for (m, p) in &org_routes {
        let cases = [
            ("siret", json!("13000548100011"), "siret_invalid"),
            ("siret", json!("1234"), "siret_invalid"),
            ("department", json!("99"), "department_unknown"),
            ("territories", json!(["21", "100"]), "department_unknown"),
            ("kind", json!("siae"), "organisation_kind_unknown"),
            ("postal_code", json!("2100"), "postal_code_invalid"),
            ("email", json!("pas-une-adresse"), "email_invalid"),
            ("name", json!("   "), "field_required"),
        ];
        for (field, value, code) in cases {
            expect(
                &app,
                &admin,
                m,
                p,
                Some(&with(&org_body, field, value)),
                None,
                (S::UNPROCESSABLE_ENTITY, code),
            )
            .await;
        }
    }
    // A SIRET already used by another organisation is a conflict.
    let taken = app.get(&admin, "/api/v1/organisations?q=cap%20emploi").await.1["items"][0]["siret"].clone();
    expect(
        &app,
        &admin,
        &Method::POST,
        "/api/v1/organisations",
        Some(&with(&org_body, "siret", taken)),
        None,
        (S::CONFLICT, "siret_taken"),
    )
    .await;
    // A parent that does not exist, or a loop.
    let missing = uuid::Uuid::new_v4();
    expect(
        &app,
        &admin,
        &Method::PATCH,
        &format!("/api/v1/organisations/{org}"),
        Some(&json!({"parent_id": missing})),
        None,
        (S::UNPROCESSABLE_ENTITY, "parent_not_found"),
    )
    .await;
    let dt = app.org_id("ft-dt21").await;
    expect(
        &app,
        &admin,
        &Method::PATCH,
        &format!("/api/v1/organisations/{dt}"),
        Some(&json!({"parent_id": org})),
        None,
        (S::UNPROCESSABLE_ENTITY, "parent_invalid"),
    )
    .await;
    // Persons: dates and consent.
    let p = json!({"first_name": "Alex", "last_name": "Nouveau"});
    expect(
        &app,
        &ft,
        &Method::POST,
        "/api/v1/persons",
        Some(&with(&p, "birth_date", json!("2100-01-01"))),
        None,
        (S::UNPROCESSABLE_ENTITY, "birth_date_invalid"),
    )
    .await;
    expect(
        &app,
        &ft,
        &Method::POST,
        "/api/v1/persons",
        Some(&with(&p, "consent_data_sharing", json!(true))),
        None,
        (S::UNPROCESSABLE_ENTITY, "consent_date_required"),
    )
    .await;
    expect(
        &app,
        &ft,
        &Method::POST,
        "/api/v1/persons",
        Some(&with(&p, "birth_date", json!("1990-02-30"))),
        None,
        (S::BAD_REQUEST, "invalid_body"),
    )
    .await;
    // Roles: a substitute equal to the holder, an unknown role.
    let r = json!({"role": "spe_referent", "holder_id": holder, "substitute_id": holder});
    expect(
        &app,
        &admin,
        &Method::POST,
        &format!("/api/v1/organisations/{org}/roles"),
        Some(&r),
        None,
        (S::UNPROCESSABLE_ENTITY, "substitute_is_holder"),
    )
    .await;
    let r = json!({"role": "chef", "holder_id": holder});
    expect(
        &app,
        &admin,
        &Method::POST,
        &format!("/api/v1/organisations/{org}/roles"),
        Some(&r),
        None,
        (S::UNPROCESSABLE_ENTITY, "contact_role_unknown"),
    )
    .await;
    // Authorisation ending before it starts.
    let a = json!({"issuer": "Préfet", "starts_on": "2026-01-01", "ends_on": "2025-01-01"});
    expect(
        &app,
        &admin,
        &Method::POST,
        &format!("/api/v1/organisations/{org}/authorisations"),
        Some(&a),
        None,
        (S::UNPROCESSABLE_ENTITY, "period_invalid"),
    )
    .await;

    // Malformed identifiers in paths, on every route that takes one.
    for (m, p) in [
        (Method::GET, "/api/v1/organisations/123"),
        (Method::PATCH, "/api/v1/organisations/123"),
        (Method::POST, "/api/v1/organisations/123/archive"),
        (Method::POST, "/api/v1/contacts/abc/archive"),
        (Method::GET, "/api/v1/persons/xyz"),
        (Method::POST, "/api/v1/persons/xyz/followers"),
    ] {
        expect(
            &app,
            &admin,
            &m,
            p,
            Some(&json!({})),
            None,
            (S::BAD_REQUEST, "invalid_path"),
        )
        .await;
    }
    // Bad query strings.
    expect(
        &app,
        &admin,
        &Method::GET,
        "/api/v1/organisations?page=abc",
        None,
        None,
        (S::BAD_REQUEST, "invalid_query"),
    )
    .await;
    expect(
        &app,
        &admin,
        &Method::GET,
        "/api/v1/organisations?bogus=1",
        None,
        None,
        (S::BAD_REQUEST, "invalid_query"),
    )
    .await;
    expect(
        &app,
        &admin,
        &Method::GET,
        "/api/v1/organisations?department=20",
        None,
        None,
        (S::UNPROCESSABLE_ENTITY, "department_unknown"),
    )
    .await;
    expect(
        &app,
        &admin,
        &Method::GET,
        "/api/v1/organisations?kind=siae",
        None,
        None,
        (S::UNPROCESSABLE_ENTITY, "organisation_kind_unknown"),
    )
    .await;
    // Unknown API routes answer JSON.
    expect(
        &app,
        &admin,
        &Method::GET,
        "/api/v1/nothing-here",
        None,
        None,
        (S::NOT_FOUND, "route_not_found"),
    )
    .await;
}

#[tokio::test]
async fn bad_input_on_sqlite() {
    bad_input(Backend::Sqlite).await;
}

#[tokio::test]
async fn bad_input_on_postgres() {
    bad_input(Backend::Postgres).await;
}
