//! Authorisation on every route, generated from the OpenAPI description: each documented
//! operation x each demo account, (1) on a record that does not exist and with an empty body, which must be
//! refused (never 2xx, never 5xx) and change nothing; (2) for every route about one person, on every demo
//! person: 200 exactly for the accounts whose organisation follows the person, 404 for all others; (3) who may
//! hold names is the domain's table (`OrganisationKind::holds_names`): an account of a kind that holds none
//! sees no person and records none, and an organisation is made a follower exactly when its kind holds names.
//! Routes added later are in the matrix without touching this test; a change of the table changes what it
//! expects.

use crate::access::refusal_of;
use crate::{Backend, TestApp};
use passerelle_fixtures::demo::accounts;
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// Operations whose call without a body is a complete, valid request.
const VALID_WITHOUT_BODY: &[(&str, &str)] = &[("post", "/api/v1/notifications/read")];

async fn matrix(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let spec = app.openapi().await;
    let routes: Vec<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .filter(|(_, path)| !path.ends_with("/auth/login") && !path.ends_with("/auth/logout"))
        .collect();
    let mut tokens = BTreeMap::new();
    for account in accounts() {
        tokens.insert(account.email.clone(), app.token(&account.email).await);
    }
    let before = app.snapshot().await;

    // (1) Nothing to find, nothing valid to write.
    let mut wrong = Vec::new();
    for (email, token) in &tokens {
        for (method, path) in &routes {
            let has_id = path.contains('{');
            let concrete = path
                .replace("{id}", &uuid::Uuid::new_v4().to_string())
                .replace("{number}", "1")
                .replace("{simulation_id}", &uuid::Uuid::new_v4().to_string());
            let body = (method != "get").then(|| json!({}));
            let (status, answer) = app
                .call(token, method.to_uppercase().parse().unwrap(), &concrete, body)
                .await;
            if VALID_WITHOUT_BODY.contains(&(method.as_str(), path.as_str())) {
                continue;
            }
            let refused = if has_id || method != "get" {
                status.is_client_error()
            } else {
                !status.is_server_error()
            };
            if !refused {
                wrong.push(format!("{email} {method} {path}: {status} {answer}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "answers that should be refusals:\n{}",
        wrong.join("\n")
    );
    assert_eq!(app.snapshot().await, before, "a refused request changed something");

    // (2) Each person's routes: exactly the followers' accounts.
    let mut visible: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (email, token) in &tokens {
        let (_, page) = app.get(token, "/api/v1/persons?per_page=200").await;
        let ids = page["items"]
            .as_array()
            .map(|a| a.iter().map(crate::id).collect())
            .unwrap_or_default();
        visible.insert(email, ids);
    }
    let persons: BTreeSet<&String> = visible.values().flatten().collect();
    assert!(
        persons.len() >= 5,
        "the demo has persons followed by different organisations"
    );
    let person_routes: Vec<&String> = routes
        .iter()
        .filter(|(m, p)| m == "get" && p.starts_with("/api/v1/persons/{id}"))
        .map(|(_, p)| p)
        .collect();
    for person in &persons {
        for (email, token) in &tokens {
            let follows = visible[email.as_str()].contains(*person);
            for path in &person_routes {
                // A saved simulation that does not exist: 404 for everyone, followers included.
                let path = path.replace("{simulation_id}", &uuid::Uuid::new_v4().to_string());
                let (status, answer) = app.get(token, &path.replace("{id}", person)).await;
                // A follower may get 404 (no PASS IAE to show) or 422 (a record the rules cannot compute yet,
                // with its explanation); anyone else only 404.
                let ok = if follows {
                    [S::OK, S::NOT_FOUND, S::UNPROCESSABLE_ENTITY].contains(&status)
                } else {
                    status == S::NOT_FOUND
                };
                if !ok {
                    wrong.push(format!(
                        "{email} GET {path} ({person}, follows: {follows}): {status} {answer}"
                    ));
                }
            }
            let (status, _) = app.get(token, &format!("/api/v1/persons/{person}")).await;
            if (status == S::OK) != follows {
                wrong.push(format!(
                    "{email} GET /api/v1/persons/{person}: {status}, follows: {follows}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "person routes answering outside the followers:\n{}",
        wrong.join("\n")
    );

    // (3) The table of who may hold names.
    for (email, token) in &tokens {
        let refusal = refusal_of(email);
        if refusal.is_some() && !visible[email.as_str()].is_empty() {
            wrong.push(format!("{email} holds no names but sees {:?}", visible[email.as_str()]));
        }
        let (status, answer) = app
            .call(
                token,
                Method::POST,
                "/api/v1/persons",
                Some(json!({"first_name": "Alex", "last_name": "Essai"})),
            )
            .await;
        let expected = match (refusal, email.as_str()) {
            // The platform administrator acts through no organisation.
            (_, passerelle_fixtures::demo::ADMIN_EMAIL) => (S::FORBIDDEN, Some("not_a_member")),
            (None, _) => (S::CREATED, None),
            (Some(code), _) => (S::FORBIDDEN, Some(code)),
        };
        if (status, answer["error"]["code"].as_str()) != expected {
            wrong.push(format!("{email} POST /api/v1/persons: {status} {answer}"));
        }
    }
    // A person who consented to sharing, shared by its first follower with every organisation of the directory.
    let admin = &tokens[passerelle_fixtures::demo::ADMIN_EMAIL];
    let (_, durand) = app.get(admin, "/api/v1/persons?q=durand").await;
    let durand = crate::id(&durand["items"][0]);
    let sharer = &tokens[&crate::email("ft-dijon")];
    let operator = app.store.operator_context("matrice des routes");
    for o in app.store.all_organisations(&operator).await.unwrap() {
        let (status, answer) = app
            .call(
                sharer,
                Method::POST,
                &format!("/api/v1/persons/{durand}/followers"),
                Some(json!({"organisation_id": o.id})),
            )
            .await;
        let code = answer["error"]["code"].as_str();
        let ok = match o.kind.holds_names() {
            Ok(()) => status == S::OK || code == Some("already_following"),
            Err(no) => (status, code) == (S::FORBIDDEN, Some(no.code)),
        };
        if !ok {
            wrong.push(format!("follower {} ({}): {status} {answer}", o.name, o.kind.code()));
        }
    }
    assert!(wrong.is_empty(), "who may hold names:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn route_matrix_on_sqlite() {
    matrix(Backend::Sqlite).await;
}

#[tokio::test]
async fn route_matrix_on_postgres() {
    matrix(Backend::Postgres).await;
}
