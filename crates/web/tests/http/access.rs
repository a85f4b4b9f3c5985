//! The access matrix: for each demo organisation, what its account may and may not read or change among
//! persons, contacts and organisations, through the API.

use crate::{Backend, TestApp, email};
use passerelle_domain::directory::OrganisationKind;
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

/// Demo account -> the persons its organisation follows (demo territory). Whether it may record persons, and
/// the refusal if not, is the domain's table of who may hold names (`OrganisationKind::holds_names`).
const MATRIX: &[(&str, &[&str])] = &[
    ("ft-dt21", &[]),
    ("ft-dijon", &["Diallo", "Durand", "Leroy"]),
    ("cap-emploi", &["Arnaud", "Fabre", "Gillet"]),
    ("ml-dijon", &["Marchal"]),
    ("aci-jardins", &["Durand", "Marchal"]),
    ("ei-recyclage", &["Diallo"]),
    ("ai-solidarite", &["Bouzid"]),
    ("esat-suzon", &["Arnaud", "Fontaine", "Masson"]),
    ("esat-ouche", &["Caron"]),
    ("dea-21", &["Benali", "Fabre", "Gillet", "Girard"]),
    // State services, networks and employers hold no names.
    ("ddets-21", &[]),
    ("reseau-iae", &[]),
    ("employeur-boulangerie", &[]),
    ("employeur-transports", &[]),
    ("employeur-clinique", &[]),
];

/// The table's answer for a demo account: `None` if its organisation may hold names, else the refusal code.
pub fn refusal_of(email: &str) -> Option<&'static str> {
    let account = passerelle_fixtures::demo::accounts()
        .into_iter()
        .find(|a| a.email == email)
        .unwrap_or_else(|| panic!("no demo account {email}"));
    let kind = OrganisationKind::parse(&account.kind).ok()?;
    kind.holds_names().err().map(|no| no.code)
}

const ALL_PERSONS: [&str; 13] = [
    "Arnaud", "Benali", "Bouzid", "Caron", "Diallo", "Durand", "Fabre", "Fontaine", "Gillet", "Girard", "Leroy",
    "Marchal", "Masson",
];

fn names(page: &Value) -> BTreeSet<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["last_name"].as_str().unwrap().to_owned())
        .collect()
}

async fn matrix(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token(passerelle_fixtures::demo::ADMIN_EMAIL).await;
    let (s, all) = app.get(&admin, "/api/v1/persons?per_page=200").await;
    assert_eq!(s, S::OK);
    assert_eq!(names(&all), ALL_PERSONS.iter().map(|n| n.to_string()).collect());
    let person_ids: HashMap<String, String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["last_name"].as_str().unwrap().to_owned(),
                p["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let esat_ouche = app.org_id("esat-ouche").await;
    let ft_dijon = app.org_id("ft-dijon").await;
    let cap_emploi = app.org_id("cap-emploi").await;
    // A contact of the Mission locale, which no other account administers.
    let ml = app.org_id("ml-dijon").await;
    let (_, ml_contacts) = app.get(&admin, &format!("/api/v1/organisations/{ml}/contacts")).await;
    let ml_contact = ml_contacts[0]["id"].as_str().unwrap().to_owned();

    for (i, (key, visible)) in MATRIX.iter().enumerate() {
        let token = app.token(&email(key)).await;
        let own = app.org_id(key).await;
        let other = if own == ft_dijon { cap_emploi } else { ft_dijon };
        let who = format!("{key} on {backend:?}");

        // Persons: the list and each record, 404 outside the scope (no existence leak).
        let (s, page) = app.get(&token, "/api/v1/persons?per_page=200").await;
        assert_eq!(s, S::OK, "{who}");
        assert_eq!(
            names(&page),
            visible.iter().map(|n| n.to_string()).collect(),
            "{who}: persons listed"
        );
        for name in ALL_PERSONS {
            let id = &person_ids[name];
            let expected = if visible.contains(&name) { S::OK } else { S::NOT_FOUND };
            let (s, body) = app.get(&token, &format!("/api/v1/persons/{id}")).await;
            assert_eq!(s, expected, "{who}: read {name}");
            if expected == S::NOT_FOUND {
                assert_eq!(body["error"]["code"], "not_found", "{who}");
                let (s, _) = app
                    .call(
                        &token,
                        Method::PATCH,
                        &format!("/api/v1/persons/{id}"),
                        Some(json!({"commune": "Beaune"})),
                    )
                    .await;
                assert_eq!(s, S::NOT_FOUND, "{who}: change {name}");
            }
        }
        if let Some(name) = visible.first() {
            let (s, body) = app
                .call(
                    &token,
                    Method::PATCH,
                    &format!("/api/v1/persons/{}", person_ids[*name]),
                    Some(json!({"commune": "Dijon"})),
                )
                .await;
            assert_eq!(s, S::OK, "{who}: change {name}: {body}");
        }
        let (s, body) = app
            .call(
                &token,
                Method::POST,
                "/api/v1/persons",
                Some(json!({"first_name": "Alex", "last_name": "Nouveau"})),
            )
            .await;
        match refusal_of(&email(key)) {
            None => {
                assert_eq!(s, S::CREATED, "{who}: record a person: {body}");
                assert_eq!(body["followers"][0]["organisation_id"], own.to_string());
            }
            Some(code) => assert_eq!((s, body["error"]["code"].as_str()), (S::FORBIDDEN, Some(code)), "{who}"),
        }

        // Organisations: everyone reads the directory; only an organisation's administrators change it.
        let (s, dir) = app.get(&token, "/api/v1/organisations?per_page=200").await;
        // 16 demo organisations, plus the child each previous account created below.
        assert_eq!((s, dir["total"].as_i64()), (S::OK, Some(16 + i as i64)), "{who}");
        let (s, _) = app
            .call(
                &token,
                Method::PATCH,
                &format!("/api/v1/organisations/{own}"),
                Some(json!({"phone": "03 80 99 99 99"})),
            )
            .await;
        assert_eq!(s, S::OK, "{who}: change own organisation");
        let (s, body) = app
            .call(
                &token,
                Method::PATCH,
                &format!("/api/v1/organisations/{other}"),
                Some(json!({"phone": "03 80 99 99 99"})),
            )
            .await;
        assert_eq!(
            (s, body["error"]["code"].as_str()),
            (S::FORBIDDEN, Some("forbidden")),
            "{who}: change another organisation"
        );
        let (s, _) = app
            .call(
                &token,
                Method::POST,
                &format!("/api/v1/organisations/{other}/archive"),
                None,
            )
            .await;
        assert_eq!(s, S::FORBIDDEN, "{who}: archive another organisation");
        let new_org = json!({"name": "Nouvelle structure", "kind": "ei", "commune": "Dijon", "department": "21"});
        let (s, _) = app
            .call(&token, Method::POST, "/api/v1/organisations", Some(new_org))
            .await;
        assert_eq!(s, S::FORBIDDEN, "{who}: create an organisation");
        let child = json!({"name": format!("Antenne de {key}"), "kind": "other", "commune": "Dijon", "department": "21", "parent_id": own});
        let (s, _) = app
            .call(&token, Method::POST, "/api/v1/organisations", Some(child))
            .await;
        assert_eq!(s, S::CREATED, "{who}: create a child of its own organisation");

        // Contacts: added and changed by the organisation's administrators only.
        let contact = json!({"first_name": "Jeanne", "last_name": "Essai"});
        let (s, _) = app
            .call(
                &token,
                Method::POST,
                &format!("/api/v1/organisations/{own}/contacts"),
                Some(contact.clone()),
            )
            .await;
        assert_eq!(s, S::CREATED, "{who}: add a contact");
        let (s, _) = app
            .call(
                &token,
                Method::POST,
                &format!("/api/v1/organisations/{other}/contacts"),
                Some(contact.clone()),
            )
            .await;
        assert_eq!(s, S::FORBIDDEN, "{who}: add a contact elsewhere");
        let expected = if own == ml { S::OK } else { S::FORBIDDEN };
        let (s, _) = app
            .call(
                &token,
                Method::PUT,
                &format!("/api/v1/contacts/{ml_contact}"),
                Some(contact),
            )
            .await;
        assert_eq!(s, expected, "{who}: change a Mission locale contact");
        let (s, roles) = app.get(&token, &format!("/api/v1/organisations/{other}/roles")).await;
        assert_eq!(s, S::OK, "{who}: read roles");
        let (s, _) = app
            .call(
                &token,
                Method::PUT,
                &format!("/api/v1/roles/{}", roles[0]["id"].as_str().unwrap()),
                Some(json!({"holder_id": roles[0]["holder"]["id"], "substitute_id": null, "holder_absent": true})),
            )
            .await;
        assert_eq!(s, S::FORBIDDEN, "{who}: change another organisation's role");

        // Authorisations: the DDETS of the department issues them.
        let auth = json!({"issuer": "Préfet de la Côte-d'Or", "starts_on": "2026-01-01", "ends_on": "2027-12-31"});
        let (s, _) = app
            .call(
                &token,
                Method::POST,
                &format!("/api/v1/organisations/{esat_ouche}/authorisations"),
                Some(auth),
            )
            .await;
        let expected = if *key == "ddets-21" { S::CREATED } else { S::FORBIDDEN };
        assert_eq!(s, expected, "{who}: authorise a prescriber");
    }

    // Unauthenticated and unknown tokens get 401 everywhere.
    for path in ["/api/v1/persons", "/api/v1/organisations", "/api/v1/me"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), S::UNAUTHORIZED, "{path}");
        let (s, body) = app.get("not-a-token", path).await;
        assert_eq!(
            (s, body["error"]["code"].as_str()),
            (S::UNAUTHORIZED, Some("invalid_token"))
        );
    }
}

#[tokio::test]
async fn access_matrix_on_sqlite() {
    matrix(Backend::Sqlite).await;
}

#[tokio::test]
async fn access_matrix_on_postgres() {
    matrix(Backend::Postgres).await;
}

/// An employer is never made a follower (API), nor offered the form to record a person (page).
async fn employers_hold_no_names(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let employer = app.org_id("employeur-boulangerie").await;
    let (_, page) = app.get(&ft, "/api/v1/persons?q=durand").await;
    let durand = crate::id(&page["items"][0]);
    let before = app.snapshot().await;
    let (s, body) = app
        .call(
            &ft,
            Method::POST,
            &format!("/api/v1/persons/{durand}/followers"),
            Some(json!({"organisation_id": employer})),
        )
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::FORBIDDEN, Some("employer_holds_no_names")),
        "{body}"
    );
    assert_eq!(app.snapshot().await, before);
    let session = crate::pages::login(&app, "employeur-boulangerie").await;
    let r = app
        .http
        .get(app.url("/personnes/nouvelle"))
        .header(reqwest::header::COOKIE, format!("passerelle_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Un employeur ne détient pas de dossiers de personnes")
    );
}

#[tokio::test]
async fn employers_hold_no_names_on_sqlite() {
    employers_hold_no_names(Backend::Sqlite).await;
}

#[tokio::test]
async fn employers_hold_no_names_on_postgres() {
    employers_hold_no_names(Backend::Postgres).await;
}
