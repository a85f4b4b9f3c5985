//! Benefit simulations saved in a person's record, over HTTP on both databases: Cap emploi saves one for Mélanie
//! Arnaud through the API (201, once per idempotency key; 403, 404 and 422 with their codes, nothing written),
//! then one from the simulator's page, which comes back to the person's page with its notice and lists both;
//! one is opened again in the simulator and one deleted after its confirmation. The public simulator never
//! offers to save and writes nothing, even with a person in its address.

use crate::pages::{csrf, login, page, post_and_follow, post_form};
use crate::{Backend, TestApp, email};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};

/// A simulation with fixed months, so that the figures do not depend on today's date.
const QUERY: &str = "birth_date=1985-09-30&incapacity=80&children=0&housing=tenant&housing_benefit=0\
    &current_kind=esat&current_pay=700&first_month=2026-01&horizon=12&s1_kind=ordinary&s1_hours=24&s1_start=2026-03";

fn inputs() -> Value {
    json!({"birth_date": "1985-09-30", "incapacity": "80", "current_kind": "esat", "current_pay": "700",
        "first_month": "2026-01", "horizon": "12", "s1_kind": "ordinary", "s1_hours": "24", "s1_start": "2026-03"})
}

fn unescape(text: &str) -> String {
    text.replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The value of the hidden field `name` of a page.
fn hidden(html: &str, name: &str) -> String {
    let start = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name}: {html}"));
    let rest = &html[start + name.len() + 15..];
    unescape(&rest[..rest.find('"').unwrap()])
}

async fn saved_simulations(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cap = app.token(&email("cap-emploi")).await;
    let suzon = app.token(&email("esat-suzon")).await;
    let ml = app.token(&email("ml-dijon")).await;
    let (cap_id, ml_id) = (app.org_id("cap-emploi").await, app.org_id("ml-dijon").await);
    let (_, found) = app.get(&cap, "/api/v1/persons?q=Arnaud").await;
    let arnaud = crate::id(&found["items"][0]);
    let path = format!("/api/v1/persons/{arnaud}/simulations");

    // Refused: a field the simulator refuses or does not have, another structure, a person out of sight.
    let mut wrong = inputs();
    wrong["incapacity"] = json!("120");
    let mut unknown = inputs();
    unknown["salaire"] = json!("1000");
    let unseen = format!("/api/v1/persons/{}/simulations", uuid::Uuid::new_v4());
    for (token, to, body, status, code) in [
        (
            &cap,
            &path,
            json!({"organisation_id": cap_id, "inputs": wrong}),
            S::UNPROCESSABLE_ENTITY,
            "simulation_invalid",
        ),
        (
            &cap,
            &path,
            json!({"organisation_id": cap_id, "inputs": unknown}),
            S::UNPROCESSABLE_ENTITY,
            "simulation_field_unknown",
        ),
        (
            &cap,
            &path,
            json!({"organisation_id": ml_id, "inputs": inputs()}),
            S::FORBIDDEN,
            "not_a_member",
        ),
        (
            &ml,
            &path,
            json!({"organisation_id": ml_id, "inputs": inputs()}),
            S::NOT_FOUND,
            "not_found",
        ),
        (
            &cap,
            &unseen,
            json!({"organisation_id": cap_id, "inputs": inputs()}),
            S::NOT_FOUND,
            "not_found",
        ),
    ] {
        let (s, answer) = app.call(token, Method::POST, to, Some(body)).await;
        assert_eq!((s, answer["error"]["code"].as_str()), (status, Some(code)), "{answer}");
        assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
    }
    let (_, answer) = app
        .call(
            &cap,
            Method::POST,
            &path,
            Some(json!({"organisation_id": cap_id, "inputs": wrong})),
        )
        .await;
    assert_eq!(answer["error"]["field"], "inputs.incapacity", "{answer}");
    assert_eq!(app.count("benefit_simulations").await, 0);

    // Saved once per key; the summary is computed on the server.
    let send = |key: &'static str| {
        app.http
            .post(app.url(&path))
            .bearer_auth(&cap)
            .header("Idempotency-Key", key)
            .json(&json!({"organisation_id": cap_id, "inputs": inputs()}))
            .send()
    };
    let first = send("cle-simulation").await.unwrap();
    assert_eq!(first.status(), S::CREATED);
    let saved: Value = first.json().await.unwrap();
    let again = send("cle-simulation").await.unwrap();
    assert_eq!(
        (again.status(), again.headers()["idempotent-replayed"].to_str().unwrap()),
        (S::CREATED, "true")
    );
    assert_eq!(again.json::<Value>().await.unwrap()["id"], saved["id"]);
    assert_eq!(app.count("benefit_simulations").await, 1);
    let summary = &saved["summary"];
    assert_eq!(
        (summary["first_month"].as_str(), summary["months"].as_u64()),
        (Some("2026-01"), Some(12))
    );
    assert_eq!(summary["series"].as_array().unwrap().len(), 2);
    assert_eq!(
        summary["series"][1]["monthly_totals_cents"].as_array().unwrap().len(),
        12
    );
    let totals: i64 = summary["series"][1]["monthly_totals_cents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(Some(totals), summary["series"][1]["total_cents"].as_i64());
    let one = format!("{path}/{}", crate::id(&saved));

    // Read by Cap emploi and by the ESAT (the person consented to sharing), not by the Mission locale; only Cap
    // emploi deletes it.
    assert_eq!(app.get(&cap, &path).await.1.as_array().unwrap().len(), 1);
    assert_eq!(app.get(&suzon, &one).await.0, S::OK);
    assert_eq!(app.get(&ml, &one).await.0, S::NOT_FOUND);
    let (s, e) = app.call(&suzon, Method::DELETE, &one, None).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (S::FORBIDDEN, Some("not_the_saving_organisation"))
    );
    let (_, file) = app.get(&cap, &format!("/api/v1/persons/{arnaud}/file")).await;
    assert_eq!(
        file["simulations"].as_array().map(Vec::len),
        Some(1),
        "the right of access holds it"
    );

    // The pages: from the person's page to the simulator, saved back to the record with a notice.
    let session = login(&app, "cap-emploi").await;
    let person_page = format!("/personnes/{arnaud}");
    let (_, html) = page(&app, &session, &person_page).await;
    assert!(
        html.contains(&format!("href=\"/simulateur?personne={arnaud}\"")),
        "{html}"
    );
    assert!(html.contains("id=\"simulations\"") && html.contains("Enregistrée le"));
    let (s, html) = page(&app, &session, &format!("/simulateur?personne={arnaud}&{QUERY}")).await;
    assert_eq!(s, S::OK, "{html}");
    assert!(html.contains(&format!("action=\"/personnes/{arnaud}/simulations\"")));
    assert!(
        html.contains(&format!("name=\"personne\" value=\"{arnaud}\"")),
        "the person stays in the form"
    );
    let (token, fields) = (csrf(&html), hidden(&html, "inputs"));
    assert!(
        fields.contains("s1_hours=24") && !fields.contains("personne"),
        "{fields}"
    );
    let save_path = format!("/personnes/{arnaud}/simulations");
    let cap_s = cap_id.to_string();
    let (s, html) = post_and_follow(
        &app,
        &session,
        &save_path,
        &[("csrf", &token), ("inputs", &fields), ("organisation_id", &cap_s)],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER, "{html}");
    assert!(
        unescape(&html).contains("Simulation enregistrée dans le dossier"),
        "{html}"
    );
    assert_eq!(
        html.matches("class=\"fr-card fr-card--no-arrow fr-mb-3w passerelle-simulation\"")
            .count(),
        2
    );
    assert_eq!(app.count("benefit_simulations").await, 2);
    let (_, pathway) = page(&app, &session, &format!("/personnes/{arnaud}/parcours-complet")).await;
    assert_eq!(
        pathway.matches("Ouvrir dans le simulateur").count(),
        2,
        "the pathway shows them too"
    );

    // A refused save comes back to the simulator with its fields and the reason; nothing is written.
    let (s, html) = post_form(
        &app,
        &session,
        &save_path,
        &[
            ("csrf", &token),
            ("inputs", &fields.replace("incapacity=80", "incapacity=120")),
            ("organisation_id", &cap_s),
        ],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        unescape(&html).contains("La simulation n'a pas été enregistrée"),
        "{html}"
    );
    assert!(html.contains("value=\"120\""), "the value typed is kept");
    assert_eq!(app.count("benefit_simulations").await, 2);

    // Opened again in the simulator with its fields and results.
    let (s, html) = page(
        &app,
        &session,
        &format!("/personnes/{arnaud}/simulations/{}", crate::id(&saved)),
    )
    .await;
    assert_eq!(s, S::OK);
    assert!(
        html.contains("id=\"tableau-s1\"") && html.contains("name=\"s1_hours\""),
        "{html}"
    );
    assert!(
        html.contains("value=\"24\"") && html.contains("simulation enregistrée le"),
        "{html}"
    );

    // Deleted after its confirmation page.
    let delete_path = format!("/personnes/{arnaud}/simulations/{}/supprimer", crate::id(&saved));
    let (s, html) = page(&app, &session, &delete_path).await;
    assert_eq!(s, S::OK);
    assert!(html.contains("Supprimer la simulation"));
    assert_eq!(
        app.get(&cap, &path).await.1.as_array().unwrap().len(),
        2,
        "nothing deleted by the asking"
    );
    let (s, html) = post_and_follow(&app, &session, &delete_path, &[("csrf", &csrf(&html))]).await;
    assert_eq!(s, S::SEE_OTHER);
    assert!(html.contains("Simulation supprimée du dossier."), "{html}");
    assert_eq!(app.get(&cap, &path).await.1.as_array().unwrap().len(), 1);
    assert_eq!(app.get(&cap, &one).await.0, S::NOT_FOUND);
    let (s, _) = app.call(&cap, Method::DELETE, &one, None).await;
    assert_eq!(s, S::NOT_FOUND, "already deleted");
    let (_, list) = app.get(&cap, &path).await;
    let (s, _) = app
        .call(&cap, Method::DELETE, &format!("{path}/{}", crate::id(&list[0])), None)
        .await;
    assert_eq!(s, S::NO_CONTENT);

    // The public simulator: no save box, nothing written, even with a person in its address.
    let before = app.snapshot().await;
    let r = app
        .http
        .get(app.url(&format!("/simulateur-public?personne={arnaud}&{QUERY}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"tableau-s1\"") && !html.contains("enregistrer-simulation"));
    assert!(!html.contains(&arnaud), "no person on the public page");
    assert_eq!(app.snapshot().await, before, "nothing written");
}

#[tokio::test]
async fn saved_simulations_on_sqlite() {
    saved_simulations(Backend::Sqlite).await;
}

#[tokio::test]
async fn saved_simulations_on_postgres() {
    saved_simulations(Backend::Postgres).await;
}
