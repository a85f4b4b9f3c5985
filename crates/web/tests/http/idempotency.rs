//! Every creation route takes an `Idempotency-Key`: on both databases, each route of the
//! table is posted twice with one key; the retry answers the first answer, with the same status and
//! `Idempotent-Replayed: true`, and changes nothing (rows and journal). Without the key, the same retries
//! would be refused by the rules (overlapping suspension, pending request, decided request, one review a
//! day, one follow-up), which the last check shows.

use crate::{Backend, TestApp, email, id, today};
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use time::Duration;

/// One creation route: who posts what where.
struct Creation<'a> {
    scope: &'a str,
    token: &'a str,
    path: String,
    body: Value,
}

impl TestApp {
    async fn send(&self, c: &Creation<'_>, key: Option<&str>) -> (S, bool, Value) {
        let mut req = self.http.post(self.url(&c.path)).bearer_auth(c.token).json(&c.body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let replayed = r.headers().get("idempotent-replayed").map(|v| v.as_bytes().to_vec());
        assert!(replayed.is_none() || replayed.as_deref() == Some(b"true".as_slice()));
        (status, replayed.is_some(), r.json().await.unwrap_or(Value::Null))
    }

    /// Posts `c` twice with one key: the first creates, the retry replays its answer and creates nothing.
    async fn created_once(&self, c: Creation<'_>) -> Value {
        let key = format!("cle-{}", c.scope);
        let (s, replayed, first) = self.send(&c, Some(&key)).await;
        assert!(s.is_success() && !replayed, "{}: {s} {first}", c.scope);
        let before = self.snapshot().await;
        let (again_status, replayed, again) = self.send(&c, Some(&key)).await;
        assert_eq!((again_status, replayed), (s, true), "{}: {again}", c.scope);
        assert_eq!(again, first, "{}: the retry answers the first answer", c.scope);
        assert_eq!(
            self.snapshot().await,
            before,
            "{}: the retry changed something",
            c.scope
        );
        first
    }
}

async fn every_creation_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let aci = app.token(&email("aci-jardins")).await;
    let ai = app.token(&email("ai-solidarite")).await;
    let (ft_id, aci_id, ai_id) = (
        app.org_id("ft-dijon").await,
        app.org_id("aci-jardins").await,
        app.org_id("ai-solidarite").await,
    );
    let c = |scope, token, path: String, body| Creation {
        scope,
        token,
        path,
        body,
    };

    // A person diagnosed and prescribed by France Travail, hired by the ACI; the same for an AI, a record of
    // 2021 (agrément) and a pathway that ended 200 days ago.
    let offer = app
        .created_once(c(
            "offers",
            &aci,
            "/api/v1/offers".into(),
            json!({"siae_id": aci_id, "title": "Maraîchage",
            "place": "Dijon", "positions": 1}),
        ))
        .await;
    let mut persons = Vec::new();
    // The first person is hired 400 days ago, so that a prolongation may be asked (RULES.md 1.4).
    for (n, (siae, hired_on)) in [
        (aci_id, today() - Duration::days(400)),
        (ai_id, today()),
        (aci_id, time::macros::date!(2021 - 03 - 01)),
        (aci_id, today() - Duration::days(900)),
    ]
    .into_iter()
    .enumerate()
    {
        let (s, person) = app
            .call(
                &ft,
                reqwest::Method::POST,
                "/api/v1/persons",
                Some(json!({"organisation_id": ft_id,
                "first_name": "Alex", "last_name": format!("Essai {n}"), "birth_date": "1972-03-01",
                "consent_data_sharing": true, "consent_date": today()})),
            )
            .await;
        assert_eq!(s, S::CREATED, "{person}");
        let person = id(&person);
        let diagnosis = json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["deld", "th"]});
        let prescription = json!({"prescriber_id": ft_id, "person_id": person, "siae_id": siae,
            "offer_id": if siae == aci_id { json!(id(&offer)) } else { Value::Null },
            "message": "Candidature", "person_consent": true});
        let hiring = json!({"status": "hired", "date": hired_on});
        let token = if siae == aci_id { &aci } else { &ai };
        let p = if n == 0 {
            app.created_once(c(
                "diagnoses",
                &ft,
                format!("/api/v1/persons/{person}/diagnoses"),
                diagnosis,
            ))
            .await;
            let p = app
                .created_once(c("prescriptions", &ft, "/api/v1/prescriptions".into(), prescription))
                .await;
            let steps = format!("/api/v1/prescriptions/{}/steps", id(&p));
            app.created_once(c("referral_steps", token, steps, hiring)).await;
            p
        } else {
            let diagnoses = format!("/api/v1/persons/{person}/diagnoses");
            assert_eq!(
                app.call(&ft, reqwest::Method::POST, &diagnoses, Some(diagnosis))
                    .await
                    .0,
                S::CREATED
            );
            let (_, p) = app
                .call(&ft, reqwest::Method::POST, "/api/v1/prescriptions", Some(prescription))
                .await;
            let steps = format!("/api/v1/prescriptions/{}/steps", id(&p));
            let (s, b) = app.call(token, reqwest::Method::POST, &steps, Some(hiring)).await;
            assert_eq!(s, S::OK, "{b}");
            p
        };
        persons.push(p["person_id"].as_str().unwrap().to_owned());
    }
    let [p1, p2, p3, p4] = [0, 1, 2, 3].map(|i| persons[i].clone());

    // The approval: a suspension, a prolongation for RQTH and its decision.
    let approval = format!("/api/v1/persons/{p1}/approval");
    let a = app
        .created_once(c(
            "suspensions",
            &aci,
            format!("{approval}/suspensions"),
            json!({"from": today(), "to": today() + Duration::days(19), "reason": "contract_suspended"}),
        ))
        .await;
    let end: time::Date = serde_json::from_value(a["end"].clone()).unwrap();
    let a = app
        .created_once(c(
            "prolongations",
            &aci,
            format!("{approval}/prolongations"),
            json!({"reason": "rqth", "to": end + Duration::days(120), "justification": "Soins à poursuivre"}),
        ))
        .await;
    let request = a["prolongation_requests"][0]["id"].as_str().unwrap().to_owned();
    let a = app
        .created_once(c(
            "prolongation_decisions",
            &ft,
            format!("/api/v1/prolongation-requests/{request}/decision"),
            json!({"accept": true}),
        ))
        .await;
    assert_eq!(a["end"], json!(end + Duration::days(120)));

    // Employment and accompaniment.
    app.created_once(c(
        "contracts",
        &aci,
        format!("/api/v1/persons/{p1}/contracts"),
        json!({"siae_id": aci_id, "starts_on": today(), "ends_on": today() + Duration::days(180), "weekly_hours": 26}),
    ))
    .await;
    app.created_once(c(
        "assignments",
        &ai,
        format!("/api/v1/persons/{p2}/assignments"),
        json!({"siae_id": ai_id, "client_name": "Boulangerie", "client_kind": "company", "starts_on": today(),
            "hours": 20}),
    ))
    .await;
    app.created_once(c(
        "assignment_waivers",
        &ai,
        format!("/api/v1/persons/{p2}/assignment-waivers"),
        json!({"siae_id": ai_id, "starts_on": today(), "ends_on": today() + Duration::days(30),
            "reference": "Arrêté 21-2026-19"}),
    ))
    .await;
    app.created_once(c(
        "actions",
        &aci,
        format!("/api/v1/persons/{p1}/actions"),
        json!({"organisation_id": aci_id, "kind": "training", "title": "CACES", "starts_on": today(), "hours": 35}),
    ))
    .await;
    app.created_once(c(
        "registrations",
        &ft,
        format!("/api/v1/persons/{p1}/registrations"),
        json!({"organisation_id": ft_id, "registered": true, "since": today()}),
    ))
    .await;

    // The agrément of a 2021 record: the SIAE's request, the agency's decision.
    app.created_once(c(
        "agrement_requests",
        &aci,
        format!("/api/v1/persons/{p3}/approval/agrement-requests"),
        json!({"date": "2021-02-26", "kind": "initial"}),
    ))
    .await;
    app.created_once(c(
        "agrement_decisions",
        &ft,
        format!("/api/v1/persons/{p3}/approval/agrement-decisions"),
        json!({"date": "2021-03-02", "decision": "granted"}),
    ))
    .await;

    // Exit: the tripartite interview and the review; the follow-up of a pathway ended 200 days ago.
    app.created_once(c(
        "tripartite_interviews",
        &aci,
        format!("/api/v1/persons/{p1}/tripartite-interviews"),
        json!({"held_on": today(), "notes": "Projet : maraîchage en entreprise."}),
    ))
    .await;
    app.created_once(c(
        "exit_reviews",
        &aci,
        format!("/api/v1/persons/{p1}/exit-reviews"),
        json!({"exit_on": today(), "outcome": "cdi", "skills": "Maraîchage"}),
    ))
    .await;
    let f = app
        .call(
            &aci,
            reqwest::Method::POST,
            &format!("/api/v1/persons/{p4}/exit-reviews"),
            Some(json!({"exit_on": today() - Duration::days(200), "outcome": "training", "skills": "Tri"})),
        )
        .await
        .1;
    let review = f["exit_reviews"][0]["id"].as_str().unwrap().to_owned();
    let follow_up = || {
        c(
            "exit_follow_ups",
            &ft,
            format!("/api/v1/exit-reviews/{review}/follow-up"),
            json!({"registered_spe": true, "employed": false}),
        )
    };
    app.created_once(follow_up()).await;

    // Without a key, the same retry is refused by the rules, and with another key too.
    let retry = follow_up();
    for key in [None, Some("autre-cle")] {
        let (s, replayed, b) = app.send(&retry, key).await;
        assert_eq!(
            (s, replayed, b["error"]["code"].as_str()),
            (S::CONFLICT, false, Some("follow_up_done"))
        );
    }
    // A malformed key (empty, too long) is a malformed request: 400, nothing written.
    let before = app.snapshot().await;
    for key in ["  ", &"k".repeat(201)] {
        let (s, _, b) = app.send(&retry, Some(key)).await;
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (S::BAD_REQUEST, Some("idempotency_key_invalid"))
        );
    }
    assert_eq!(app.snapshot().await, before);
    // Every key was claimed once: 17 creation routes.
    assert_eq!(app.count("idempotency_keys").await, 17);
}

#[tokio::test]
async fn every_creation_route_answers_once_per_key_on_sqlite() {
    every_creation_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_creation_route_answers_once_per_key_on_postgres() {
    every_creation_once(Backend::Postgres).await;
}
