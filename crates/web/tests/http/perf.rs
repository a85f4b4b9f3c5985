//! Figures: the time to load an SIAE's list of people in pathway with 5,000 pathways in the
//! database, over loopback. Ignored by default (it seeds 5,000 pathways); run with
//! `cargo test -p passerelle-web --test http perf -- --ignored --nocapture`.

use crate::{Backend, TestApp, email};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::StatusCode as S;
use std::time::Instant;
use time::Duration;
use uuid::Uuid;

const PATHWAYS: usize = 5_000;
const REQUESTS: usize = 100;

/// Seeds `count` persons (`Personne Parcours 00000`, ...) followed and hired by the demo ACI, the n-th
/// `hired_days_ago(n)` days ago, 500 rows per statement.
pub async fn seed(app: &TestApp, count: usize, hired_days_ago: impl Fn(usize) -> i64) {
    let aci = app.org_id("aci-jardins").await;
    let now = passerelle_store::infra::clock::now();
    let mut tx = app.store.pool().begin().await.unwrap();
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
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
            let hired = now.date() - Duration::days(hired_days_ago(*i));
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
    seed(&app, PATHWAYS, |i| (i % 700) as i64).await;
    let token = app.token(&email("aci-jardins")).await;
    for path in [
        "/api/v1/pathways",
        "/api/v1/pathways?per_page=200",
        "/api/v1/pathways?interview_due=true&q=parcours",
        "/api/v1/pathways?page=101",
    ] {
        let mut times = Vec::new();
        let (mut shown, mut total) = (0, 0);
        for _ in 0..REQUESTS {
            let start = Instant::now();
            let r = app.http.get(app.url(path)).bearer_auth(&token).send().await.unwrap();
            assert_eq!(r.status(), S::OK);
            let page = r.json::<serde_json::Value>().await.unwrap();
            times.push(start.elapsed());
            shown = page["items"].as_array().unwrap().len();
            total = page["total"].as_i64().unwrap();
        }
        times.sort();
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!(
            "{backend:?}: GET {path}: {shown} of {total} people in pathway: p50 {:.1} ms, p99 {:.1} ms over {REQUESTS} requests",
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3
        );
        assert!(path.contains("interview_due") || total > PATHWAYS as i64);
    }
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
