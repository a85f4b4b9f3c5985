//! The API's contract: the OpenAPI document covers every route, errors have their shape, security headers
//! are present, failed logins are limited.

use crate::{Backend, TestApp, email};
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Every API route of the server. A route added to the router without its description, or described
/// without being served, breaks this test.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/indicators/definitions"),
    ("get", "/api/v1/indicators"),
    ("get", "/api/v1/indicators/{code}/people"),
    ("get", "/api/v1/agreements/{id}/targets"),
    ("get", "/api/v1/agreements/{id}/report"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/departments"),
    ("get", "/api/v1/organisation-kinds"),
    ("get", "/api/v1/organisations"),
    ("post", "/api/v1/organisations"),
    ("get", "/api/v1/organisations/{id}"),
    ("patch", "/api/v1/organisations/{id}"),
    ("post", "/api/v1/organisations/{id}/archive"),
    ("post", "/api/v1/organisations/{id}/state-convention"),
    ("get", "/api/v1/organisations/{id}/personal-data-reads"),
    ("get", "/api/v1/organisations/{id}/contacts"),
    ("post", "/api/v1/organisations/{id}/contacts"),
    ("put", "/api/v1/contacts/{id}"),
    ("post", "/api/v1/contacts/{id}/archive"),
    ("get", "/api/v1/organisations/{id}/roles"),
    ("post", "/api/v1/organisations/{id}/roles"),
    ("put", "/api/v1/roles/{id}"),
    ("get", "/api/v1/organisations/{id}/authorisations"),
    ("post", "/api/v1/organisations/{id}/authorisations"),
    ("get", "/api/v1/persons"),
    ("post", "/api/v1/persons"),
    ("get", "/api/v1/persons/{id}"),
    ("get", "/api/v1/persons/{id}/file"),
    ("patch", "/api/v1/persons/{id}"),
    ("post", "/api/v1/persons/{id}/followers"),
    ("get", "/api/v1/agreement-kinds"),
    ("get", "/api/v1/agreement-deadlines"),
    ("get", "/api/v1/agreements"),
    ("post", "/api/v1/agreements"),
    ("get", "/api/v1/agreements/export"),
    ("get", "/api/v1/agreements/{id}"),
    ("put", "/api/v1/agreements/{id}/content"),
    ("get", "/api/v1/agreements/{id}/checklist"),
    ("post", "/api/v1/agreements/{id}/actions"),
    ("post", "/api/v1/agreements/{id}/amendments"),
    ("post", "/api/v1/agreements/{id}/pending-amendment/actions"),
    ("get", "/api/v1/agreements/{id}/steering-meetings"),
    ("get", "/api/v1/agreements/{id}/versions/{number}"),
    ("get", "/api/v1/agreements/{id}/compare"),
    ("get", "/api/v1/agreements/{id}/document"),
    ("post", "/api/v1/benefits/simulate"),
    ("get", "/api/v1/offers"),
    ("post", "/api/v1/offers"),
    ("get", "/api/v1/offers/export"),
    ("get", "/api/v1/offers/{id}"),
    ("post", "/api/v1/offers/{id}/close"),
    ("post", "/api/v1/offers/{id}/open"),
    ("get", "/api/v1/persons/{id}/diagnoses"),
    ("post", "/api/v1/persons/{id}/diagnoses"),
    ("get", "/api/v1/prescriptions"),
    ("post", "/api/v1/prescriptions"),
    ("get", "/api/v1/prescriptions/{id}"),
    ("post", "/api/v1/prescriptions/{id}/steps"),
    ("get", "/api/v1/referral-refusals"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/read"),
    ("get", "/api/v1/persons/{id}/approval"),
    ("post", "/api/v1/persons/{id}/approval/suspensions"),
    ("post", "/api/v1/persons/{id}/approval/prolongations"),
    ("post", "/api/v1/prolongation-requests/{id}/decision"),
    ("post", "/api/v1/persons/{id}/approval/agrement-requests"),
    ("post", "/api/v1/persons/{id}/approval/agrement-decisions"),
    ("get", "/api/v1/persons/{id}/employment"),
    ("post", "/api/v1/persons/{id}/contracts"),
    ("post", "/api/v1/persons/{id}/assignments"),
    ("post", "/api/v1/persons/{id}/assignment-waivers"),
    ("get", "/api/v1/assignment-waivers/requests"),
    ("post", "/api/v1/assignment-waivers/{id}/decision"),
    ("get", "/api/v1/persons/{id}/follow-up"),
    ("post", "/api/v1/persons/{id}/actions"),
    ("post", "/api/v1/persons/{id}/registrations"),
    ("post", "/api/v1/persons/{id}/tripartite-interviews"),
    ("post", "/api/v1/persons/{id}/scheduled-interviews"),
    ("put", "/api/v1/scheduled-interviews/{id}"),
    ("post", "/api/v1/scheduled-interviews/{id}/cancellation"),
    ("post", "/api/v1/persons/{id}/exit-reviews"),
    ("post", "/api/v1/exit-reviews/{id}/follow-up"),
    ("get", "/api/v1/pathways"),
    ("get", "/api/v1/referent"),
    ("get", "/api/v1/todo"),
    ("get", "/api/v1/persons/{id}/skills-document"),
    // Governance and deadlines.
    ("get", "/api/v1/committees"),
    ("post", "/api/v1/committees"),
    ("get", "/api/v1/committees/{id}"),
    ("post", "/api/v1/committees/{id}/members"),
    ("post", "/api/v1/committees/{id}/meetings"),
    ("get", "/api/v1/meetings/{id}"),
    ("get", "/api/v1/meetings/{id}/invitation.ics"),
    ("post", "/api/v1/meetings/{id}/agenda-items"),
    ("post", "/api/v1/meetings/{id}/agenda-items/{item_id}/decision"),
    ("post", "/api/v1/meetings/{id}/documents"),
    ("get", "/api/v1/meetings/{id}/documents/{document_id}"),
    ("post", "/api/v1/meetings/{id}/invitations"),
    ("post", "/api/v1/meetings/{id}/cancellation"),
    ("put", "/api/v1/meetings/{id}/attendance"),
    ("put", "/api/v1/meetings/{id}/minutes"),
    ("post", "/api/v1/meetings/{id}/minutes/validation"),
    ("post", "/api/v1/meetings/{id}/transmissions"),
    ("post", "/api/v1/action-items/{id}/status"),
    ("get", "/api/v1/deadlines"),
    ("get", "/api/v1/deadlines/calendar.ics"),
    ("get", "/api/v1/mutual-knowledge-actions"),
    ("post", "/api/v1/mutual-knowledge-actions"),
    ("get", "/api/v1/mutual-knowledge-actions/counts"),
    // ESAT pathways, immersions and passerelles.
    ("get", "/api/v1/esat/workers"),
    ("post", "/api/v1/esat/workers"),
    ("get", "/api/v1/esat/workers/{id}"),
    ("put", "/api/v1/esat/workers/{id}"),
    ("post", "/api/v1/esat/workers/{id}/situations"),
    ("post", "/api/v1/esat/workers/{id}/support-conventions"),
    ("get", "/api/v1/persons/{id}/pathways"),
    ("get", "/api/v1/immersions"),
    ("post", "/api/v1/immersions"),
    ("get", "/api/v1/immersions/{id}"),
    ("put", "/api/v1/immersions/{id}"),
    ("post", "/api/v1/immersions/{id}/submit"),
    ("post", "/api/v1/immersions/{id}/signatures"),
    ("post", "/api/v1/immersions/{id}/signature-links"),
    ("get", "/api/v1/immersions/{id}/convention"),
    ("post", "/api/v1/immersions/{id}/assessment"),
    ("post", "/api/v1/immersions/{id}/cancel"),
    // Supported employment and the skills record.
    ("get", "/api/v1/persons/{id}/supported"),
    ("post", "/api/v1/persons/{id}/supported"),
    ("post", "/api/v1/supported-entries/{id}/convention"),
    ("post", "/api/v1/supported-entries/{id}/convention/employer"),
    ("post", "/api/v1/supported-entries/{id}/activities"),
    ("post", "/api/v1/supported-entries/{id}/jobs"),
    ("post", "/api/v1/supported-entries/{id}/exit"),
    ("put", "/api/v1/supported/schemes/{id}/counsellors/{user_id}"),
    ("get", "/api/v1/supported/dashboard"),
    ("get", "/api/v1/persons/{id}/skills-record"),
    ("get", "/api/v1/persons/{id}/skills-record/pdf"),
    ("get", "/api/v1/persons/{id}/skills-record/links"),
    ("post", "/api/v1/persons/{id}/skills-record/links"),
    ("post", "/api/v1/skills-record-links/{id}/revoke"),
    ("get", "/api/v1/skills-record/shared/{token}"),
    ("get", "/api/v1/orientations/prescribers"),
    ("get", "/api/v1/orientations"),
    ("post", "/api/v1/orientations"),
    ("get", "/api/v1/orientations/{id}"),
    ("post", "/api/v1/orientations/{id}/answer"),
    ("get", "/api/v1/persons/{id}/simulations"),
    ("post", "/api/v1/persons/{id}/simulations"),
    ("get", "/api/v1/persons/{id}/simulations/{simulation_id}"),
    ("delete", "/api/v1/persons/{id}/simulations/{simulation_id}"),
    ("get", "/api/v1/rome/appellations"),
    ("post", "/api/v1/esat/workers/{id}/facts"),
    ("get", "/api/v1/esat/{id}/facts"),
    ("post", "/api/v1/esat/{id}/facts"),
];

#[tokio::test]
async fn openapi_covers_every_route() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let spec = app.openapi().await;
    assert_eq!(spec["openapi"].as_str().map(|v| v.starts_with("3.")), Some(true));
    let documented: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .collect();
    let expected: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(documented, expected);
    // Each documented operation is served: without credentials it answers 401 (or 400/415 for login), never
    // "no such route" or "method not allowed".
    for (method, path) in &documented {
        let url = app.url(&path.replace("{id}", &uuid::Uuid::new_v4().to_string()));
        let r = app
            .http
            .request(method.to_uppercase().parse().unwrap(), url)
            .send()
            .await
            .unwrap();
        // The person's own link needs no account: an unknown token is simply not found.
        if path.contains("/skills-record/shared/") {
            assert_eq!(r.status(), S::NOT_FOUND, "{path}");
            continue;
        }
        assert!(
            ![S::NOT_FOUND, S::METHOD_NOT_ALLOWED].contains(&r.status()),
            "{method} {path}: {}",
            r.status()
        );
        let body: Value = r.json().await.unwrap_or(Value::Null);
        // Public reference lists; the ROME search answers 400 without its `q`.
        if path.ends_with("/login") || path.contains("departments") || path.contains("kinds") || path.contains("/rome/")
        {
            continue;
        }
        assert_eq!(body["error"]["code"], "unauthenticated", "{method} {path}");
    }
    // Every operation documents its error answers with the common shape.
    assert!(spec["components"]["schemas"]["ErrorBody"].is_object());
    // A path parameter is in its path, and an operation taking an Idempotency-Key describes the 400 of a
    // malformed one (schemathesis found five query structures described as path parameters, and a 422
    // where the key was refused).
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                if parameter["in"] == "path" {
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is not in the path"
                    );
                }
                if parameter["in"] == "header" && name == "Idempotency-Key" {
                    assert!(
                        operation["responses"]["400"].is_object(),
                        "{method} {path}: 400 not described"
                    );
                }
            }
        }
    }
}

/// The domain's code lists are enums in the description, with exactly the codes the API writes and reads (not
/// free strings), and every operation describes the common error answers.
#[tokio::test]
async fn openapi_lists_the_domains_codes_and_the_common_answers() {
    use passerelle_domain::directory::OrganisationKind;
    use passerelle_domain::governance::CommitteeKind;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let spec = app.openapi().await;
    let schemas = &spec["components"]["schemas"];
    let listed = |name: &str| -> Vec<Value> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enum"))
            .clone()
    };
    // The serde form (what the API writes) is the code (what it parses and stores), and the schema lists both.
    let committee_kinds: Vec<Value> = CommitteeKind::ALL.iter().map(|k| json!(k.code())).collect();
    let serialised: Vec<Value> = CommitteeKind::ALL.iter().map(|k| json!(k)).collect();
    assert_eq!(
        (listed("CommitteeKind"), &serialised),
        (committee_kinds.clone(), &committee_kinds)
    );
    let organisation_kinds: Vec<Value> = OrganisationKind::ALL.iter().map(|k| json!(k.code())).collect();
    let serialised: Vec<Value> = OrganisationKind::ALL.iter().map(|k| json!(k)).collect();
    assert_eq!(
        (listed("OrganisationKind"), &serialised),
        (organisation_kinds.clone(), &organisation_kinds)
    );
    assert_eq!(
        schemas["Committee"]["properties"]["kind"]["$ref"],
        "#/components/schemas/CommitteeKind"
    );
    assert_eq!(
        schemas["Organisation"]["properties"]["kind"]["$ref"],
        "#/components/schemas/OrganisationKind"
    );

    assert_eq!(spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
            let writes = ["post", "put", "patch", "delete"].contains(&method.as_str());
            let expected = [
                ("400", true),
                ("401", secured),
                ("403", secured),
                ("404", path.contains('{')),
                ("409", writes),
            ];
            for (status, _) in expected.into_iter().filter(|(_, applies)| *applies) {
                let body = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{method} {path}: {status} has no body"));
                // A route's own answer carries the same `error`, with what it adds (the persons of
                // `person_possible_duplicate`).
                let own = &schemas[body.trim_start_matches("#/components/schemas/")];
                assert!(
                    body == "#/components/schemas/ErrorBody"
                        || own["properties"]["error"]["$ref"] == "#/components/schemas/ErrorDetail",
                    "{method} {path}: {status} answers {body}"
                );
            }
        }
    }
}

#[tokio::test]
async fn health_headers_and_login_limits() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), S::OK);
    for (name, expected) in [
        ("content-security-policy", "frame-ancestors 'none'"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("x-content-type-options", "nosniff"),
    ] {
        let v = r
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(v.contains(expected), "{name}: {v}");
    }
    assert_eq!(r.json::<Value>().await.unwrap()["database"], "sqlite");

    // Five failures lock the address for 15 minutes, even with the right password afterwards.
    let login = |password: &'static str| {
        app.http
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email("ml-dijon"), "password": password}))
            .send()
    };
    for _ in 0..5 {
        let r = login("mauvais-mot-de-passe").await.unwrap();
        assert_eq!(r.status(), S::UNAUTHORIZED);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "bad_credentials");
    }
    let r = login(crate::PASSWORD).await.unwrap();
    assert_eq!(r.status(), S::TOO_MANY_REQUESTS);
    assert!(r.headers().get("retry-after").is_some());
    // An unknown address is answered like a known one.
    let r = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "inconnu@passerelle.test", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "bad_credentials");

    // The token works, logout revokes it.
    let token = app.token(&email("cap-emploi")).await;
    let (s, me) = app.get(&token, "/api/v1/me").await;
    assert_eq!(
        (s, me["memberships"][0]["organisation_name"].as_str()),
        (S::OK, Some("Cap emploi Côte-d'Or"))
    );
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::NO_CONTENT);
    assert_eq!(app.get(&token, "/api/v1/me").await.0, S::UNAUTHORIZED);
}
