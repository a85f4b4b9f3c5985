//! The people in pathway, paged and filtered, and the SPE referent's dashboard, on both
//! databases: 700 pathways of the demo ACI hired 0 to 699 days ago, one suspended, one ended.

use crate::perf::seed;
use crate::{Backend, TestApp, email, today};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use time::Duration;

/// Every row of the list, page after page (200 at most a page).
async fn all_rows(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    for page in 1.. {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (s, b) = app.get(token, &format!("{path}{sep}per_page=200&page={page}")).await;
        assert_eq!(s, S::OK, "{b}");
        let items = b["items"].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        rows.extend(items);
    }
    rows
}

/// The ids listed by the latest `pathway.listed` event.
async fn last_listed(app: &TestApp) -> Vec<String> {
    let mut db = app.store.pool().clone();
    let r = db
        .fetch_one(query(
            "SELECT after_data FROM events WHERE action = 'pathway.listed' ORDER BY id DESC LIMIT 1",
        ))
        .await
        .unwrap();
    serde_json::from_value(r.json("after_data").unwrap().unwrap()).unwrap()
}

async fn lists(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // 700 pathways, plus one hired 800 days ago (its approval has ended, no exit review yet).
    seed(&app, 701, |i| if i == 700 { 800 } else { i as i64 }).await;
    let aci = app.token(&email("aci-jardins")).await;
    let ft = app.token(&email("ft-dijon")).await;

    // The default page: 50 rows by the end of the approval; the total counts everyone (and the demo's Durand).
    let (s, first) = app.get(&aci, "/api/v1/pathways").await;
    assert_eq!(s, S::OK, "{first}");
    assert_eq!(
        (
            first["total"].as_i64(),
            first["page"].as_u64(),
            first["per_page"].as_u64()
        ),
        (Some(702), Some(1), Some(50))
    );
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    assert_eq!(
        items[0]["person_name"], "Personne Parcours 00700",
        "the ended one comes first"
    );
    assert!(items.windows(2).all(|w| w[0]["end"].as_str() <= w[1]["end"].as_str()));
    // Only the people shown are journaled.
    let shown: Vec<&str> = items.iter().map(|r| r["person_id"].as_str().unwrap()).collect();
    assert_eq!(last_listed(&app).await, shown);

    // Page size: at most 200; a page past the end is empty with its total.
    let (_, big) = app.get(&aci, "/api/v1/pathways?per_page=1000").await;
    assert_eq!(
        (big["per_page"].as_u64(), big["items"].as_array().unwrap().len()),
        (Some(200), 200)
    );
    let (_, past) = app.get(&aci, "/api/v1/pathways?page=99").await;
    assert_eq!(
        (past["items"].as_array().unwrap().len(), past["total"].as_i64()),
        (0, Some(702))
    );
    let all = all_rows(&app, &aci, "/api/v1/pathways").await;
    assert_eq!(all.len(), 702);

    // Filters: words of the name (case and accents ignored), status, interview due.
    let (_, found) = app.get(&aci, "/api/v1/pathways?q=P%C3%80RCOURS%2000042").await;
    assert_eq!(
        (found["total"].as_i64(), &found["items"][0]["person_name"]),
        (Some(1), &json!("Personne Parcours 00042"))
    );
    let person_42 = found["items"][0]["person_id"].as_str().unwrap().to_owned();
    let suspension = json!({"from": today(), "to": today() + Duration::days(29), "reason": "contract_suspended"});
    let (s, b) = app
        .call(
            &aci,
            reqwest::Method::POST,
            &format!("/api/v1/persons/{person_42}/approval/suspensions"),
            Some(suspension),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    for (status, expected) in [("suspended", 1), ("ended", 1), ("in_progress", 700)] {
        let rows = all_rows(&app, &aci, &format!("/api/v1/pathways?status={status}")).await;
        assert_eq!(rows.len(), expected, "{status}");
    }
    let (_, suspended) = app.get(&aci, "/api/v1/pathways?status=suspended").await;
    assert_eq!(suspended["items"][0]["person_id"], json!(person_42));
    let due = all_rows(&app, &aci, "/api/v1/pathways?interview_due=true").await;
    let expected: Vec<&Value> = all.iter().filter(|r| !r["interview_due_on"].is_null()).collect();
    assert!(
        !due.is_empty() && due.len() == expected.len(),
        "{} due of {}",
        due.len(),
        expected.len()
    );
    let todo_interviews = |token: String| {
        let app = &app;
        async move {
            let (_, todo) = app.get(&token, "/api/v1/todo").await;
            todo.as_array()
                .unwrap()
                .iter()
                .filter(|t| t["what"] == "tripartite_interview")
                .count()
        }
    };
    assert_eq!(
        todo_interviews(aci.clone()).await,
        due.len(),
        "the to-do list names the same interviews"
    );
    // The agency prescribed none of the seeded people: before the CCL binds it to the ACI, their interviews are
    // not on its to-do list.
    assert!(todo_interviews(ft.clone()).await < due.len());
    for bad in ["status=termine", "per_page=x", "interview_due=peut-etre", "tri=nom"] {
        let (s, b) = app.get(&aci, &format!("/api/v1/pathways?{bad}")).await;
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (S::BAD_REQUEST, Some("invalid_query")),
            "{bad}"
        );
    }

    // The referent: the demo agency is the SPE referent of the ACI through their local cooperation convention,
    // once the ACI has signed it.
    crate::agreements::sign_demo_ccl(&app).await;
    // A person the agency prescribed, hired 400 days ago so that a prolongation may be asked today (from 12
    // months before the end, RULES.md 1.4): the request waits for the agency's decision.
    let hired_on = today() - Duration::days(400);
    let moreau = json!(crate::iae::coherence::hired(&app, hired_on).await);
    let (s, b) = app
        .call(
            &aci,
            reqwest::Method::POST,
            &format!("/api/v1/persons/{}/approval/prolongations", moreau.as_str().unwrap()),
            Some(
                json!({"reason": "particular_difficulties", "to": hired_on + Duration::days(729 + 200),
                "justification": "Logement à stabiliser"}),
            ),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    let (s, d) = app.get(&ft, "/api/v1/referent").await;
    assert_eq!(s, S::OK, "{d}");
    let siae: Vec<&str> = d["siae"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(siae, ["Les Jardins de la Combe"]);
    assert_eq!(d["people"]["total"].as_i64(), Some(703));
    assert_eq!(d["interviews_due"].as_array().unwrap().len(), due.len());
    // Once its referent, the agency has the ACI's interviews on its to-do list too (Accord régional BFC 2016,
    // fiche 7: the SPE referent takes part in them).
    assert_eq!(todo_interviews(ft.clone()).await, due.len());
    let decisions: Vec<(&Value, &Value)> = d["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (&t["person_id"], &t["what"]))
        .collect();
    assert_eq!(decisions, [(&moreau, &json!("prolongation_decision"))]);
    let (_, d) = app.get(&ft, "/api/v1/referent?status=suspended").await;
    assert_eq!(d["people"]["items"][0]["person_id"], json!(person_42));
    // An exit review of the ACI reaches its referent; the person leaves the lists.
    let ended = all
        .iter()
        .find(|r| r["person_name"] == "Personne Parcours 00700")
        .unwrap()["person_id"]
        .clone();
    let (s, b) = app
        .call(
            &aci,
            reqwest::Method::POST,
            &format!("/api/v1/persons/{}/exit-reviews", ended.as_str().unwrap()),
            Some(json!({"exit_on": today(), "outcome": "no_solution", "skills": "Entretien des espaces verts"})),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    let (_, d) = app.get(&ft, "/api/v1/referent").await;
    let review = &d["exit_reviews"][0];
    assert_eq!(
        (
            &review["person_id"],
            &review["siae_name"],
            &review["followed"],
            d["people"]["total"].as_i64()
        ),
        (&ended, &json!("Les Jardins de la Combe"), &json!(false), Some(702)),
        "{d}"
    );
    // Cap emploi is no party to a convention with an SIAE; an SIAE or a State service is no SPE referent.
    let cap = app.token(&email("cap-emploi")).await;
    let (s, d) = app.get(&cap, "/api/v1/referent").await;
    assert_eq!(
        (s, d["siae"].as_array().map(Vec::len), d["people"]["total"].as_i64()),
        (S::OK, Some(0), Some(0))
    );
    for key in ["aci-jardins", "ddets-21"] {
        let token = app.token(&email(key)).await;
        let (s, b) = app.get(&token, "/api/v1/referent").await;
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (S::FORBIDDEN, Some("not_spe")),
            "{key}"
        );
    }
}

#[tokio::test]
async fn pathways_paged_and_referent_dashboard_on_sqlite() {
    lists(Backend::Sqlite).await;
}

#[tokio::test]
async fn pathways_paged_and_referent_dashboard_on_postgres() {
    lists(Backend::Postgres).await;
}
