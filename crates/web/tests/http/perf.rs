//! Figures for issue 4: the time to load an SIAE's list of people in pathway with 5,000 pathways in the
//! database, over loopback. Ignored by default (it seeds 5,000 pathways); run with
//! `cargo test -p passerelle-web --test http perf -- --ignored --nocapture`.

use crate::{Backend, TestApp, email};
use passerelle_store::sql::{Executor, query};
use reqwest::StatusCode as S;
use std::time::Instant;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const PATHWAYS: usize = 5_000;
const REQUESTS: usize = 100;

/// Seeds `PATHWAYS` persons followed and hired by the demo ACI, 500 rows per statement.
async fn seed(app: &TestApp) {
    let aci = app.org_id("aci-jardins").await;
    let now = OffsetDateTime::now_utc();
    let mut tx = app.store.pool().begin().await.unwrap();
    for chunk in (0..PATHWAYS).collect::<Vec<_>>().chunks(500) {
        let ids: Vec<Uuid> = chunk.iter().map(|_| Uuid::new_v4()).collect();
        let mut persons = query(
            "INSERT INTO persons (id, first_name, last_name, birth_date, consent_data_sharing, consent_date, \
             created_by_organisation_id, search_text, created_at, updated_at) VALUES ",
        );
        let mut followers = query("INSERT INTO person_followers (person_id, organisation_id, since) VALUES ");
        let mut events = query(
            "INSERT INTO iae_pathway_events (id, person_id, seq, siae_id, siae_kind, kind, payload, explanation, \
             organisation_id, created_at) VALUES ",
        );
        for (n, (i, id)) in chunk.iter().zip(&ids).enumerate() {
            let sep = if n == 0 { "" } else { ", " };
            let hired = now.date() - Duration::days((*i % 700) as i64);
            persons.push_bound(&format!("{sep}({{}}"), *id);
            persons.push_bound(", {}", "Personne");
            persons.push_bound(", {}", format!("Parcours {i:05}"));
            persons.push_bound(", {}", time::macros::date!(1990 - 01 - 01));
            persons.push_bound(", {}", true);
            persons.push_bound(", {}", now.date());
            persons.push_bound(", {}", aci);
            persons.push_bound(", {}", format!("personne parcours {i:05}"));
            persons.push_bound(", {}", now);
            persons.push_bound(", {})", now);
            followers.push_bound(&format!("{sep}({{}}"), *id);
            followers.push_bound(", {}", aci);
            followers.push_bound(", {})", now);
            events.push_bound(&format!("{sep}({{}}"), Uuid::new_v4());
            events.push_bound(", {}", *id);
            events.push_bound(", {}", 1_i64);
            events.push_bound(", {}", aci);
            events.push_bound(", {}", "ACI");
            events.push_bound(", {}", "hiring");
            events.push_bound(
                ", {}",
                serde_json::json!({"kind": "hiring", "date": hired, "waiver": false}),
            );
            events.push_bound(", {}", "Embauche acceptée");
            events.push_bound(", {}", aci);
            events.push_bound(", {})", now);
        }
        for q in [persons, followers, events] {
            tx.execute(q).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
}

async fn measure(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    seed(&app).await;
    let token = app.token(&email("aci-jardins")).await;
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..REQUESTS {
        let start = Instant::now();
        let r = app
            .http
            .get(app.url("/api/v1/pathways"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), S::OK);
        rows = r.json::<serde_json::Value>().await.unwrap().as_array().unwrap().len();
        times.push(start.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{backend:?}: GET /api/v1/pathways, {rows} people in pathway: p50 {:.1} ms, p99 {:.1} ms over {REQUESTS} requests",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    );
    assert!(rows > PATHWAYS);
}

#[tokio::test]
#[ignore = "seeds 5,000 pathways; run for the figures"]
async fn people_in_pathway_with_5000_pathways_on_sqlite() {
    measure(Backend::Sqlite).await;
}

#[tokio::test]
#[ignore = "seeds 5,000 pathways; run for the figures"]
async fn people_in_pathway_with_5000_pathways_on_postgres() {
    measure(Backend::Postgres).await;
}
