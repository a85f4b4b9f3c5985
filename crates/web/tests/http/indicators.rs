//! Indicators through the API on both databases (issue 8): definitions, the table with the caller's own
//! cells unmasked and the others masked, the exports, the drill-down for members only, bad input.

use crate::{Backend, TestApp, email, today};
use reqwest::{Method, StatusCode as S};
use serde_json::{Value, json};

fn cell<'a>(table: &'a Value, indicator: &str, organisation: &str) -> &'a Value {
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == indicator && r["dimensions"]["organisation"] == organisation)
        .unwrap_or_else(|| panic!("{indicator} {organisation}: {table}"))
}

async fn indicators(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.token(&email("aci-jardins")).await;
    let agency = app.token(&email("ft-dijon")).await;
    let (aci_id, ei_id) = (
        app.org_id("aci-jardins").await.to_string(),
        app.org_id("ei-recyclage").await.to_string(),
    );
    let year = today().year();
    let range = format!("from={year}-01-01&to={year}-12-31");

    let (status, defs) = app.get(&aci, "/api/v1/indicators/definitions").await;
    assert_eq!(status, S::OK);
    let defs = defs.as_array().unwrap();
    assert_eq!(defs.len(), 29);
    let cta = defs.iter().find(|d| d["code"] == "cta_held").unwrap();
    assert_eq!(
        (cta["computed"].clone(), cta["source"].clone()),
        (Value::Bool(true), "governance".into())
    );
    let se = defs.iter().find(|d| d["code"] == "se_people_accompanied").unwrap();
    assert_eq!(se["computed"], false);

    // The demo prescribes Durand and Marchal to the ACI, Diallo to the EI: the ACI sees its own 2, the EI's
    // single candidate stays masked; the agency, member of neither, sees both masked.
    let path = format!("/api/v1/indicators?{range}&by=organisation&indicators=candidates_oriented");
    let (status, table) = app.get(&aci, &path).await;
    assert_eq!(status, S::OK, "{table}");
    assert_eq!(cell(&table, "candidates_oriented", &aci_id)["value"], 2.0);
    assert_eq!(cell(&table, "candidates_oriented", &ei_id)["masked"], true);
    assert_eq!(cell(&table, "candidates_oriented", &ei_id)["value"], Value::Null);
    let (_, table) = app.get(&agency, &path).await;
    assert_eq!(cell(&table, "candidates_oriented", &aci_id)["masked"], true);
    assert_eq!(cell(&table, "candidates_oriented", &ei_id)["masked"], true);
    // With a threshold of 1, nothing is masked.
    let (_, table) = app.get(&agency, &format!("{path}&threshold=1")).await;
    assert_eq!(cell(&table, "candidates_oriented", &ei_id)["value"], 1.0);

    // Exports: CSV and XLSX (a zip archive) of the same table.
    let r = app
        .http
        .get(app.url(&format!(
            "/api/v1/indicators?{range}&by=siae_kind&threshold=1&format=csv"
        )))
        .bearer_auth(&aci)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert!(
        csv.contains(&format!(
            "hirings,Embauches en parcours IAE,{year}-01-01/{year}-12-31,ACI,1,non"
        )),
        "{csv}"
    );
    let r = app
        .http
        .get(app.url(&format!("/api/v1/indicators?{range}&format=xlsx")))
        .bearer_auth(&aci)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    // Drill-down: the ACI's members see the people behind its figure; the agency gets 404 for it.
    let people = format!("/api/v1/indicators/candidates_oriented/people?organisation={aci_id}&{range}");
    let (status, list) = app.get(&aci, &people).await;
    assert_eq!(status, S::OK, "{list}");
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["last_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Durand", "Marchal"]);
    let (status, body) = app.get(&agency, &people).await;
    assert_eq!(status, S::NOT_FOUND, "{body}");

    // Bad input: a stable code and a French message, 4xx.
    for (query, code) in [
        (format!("from={year}-13-01&to={year}-12-31"), "date_invalid"),
        (format!("{range}&by=commune"), "dimension_unknown"),
        (format!("{range}&by=month,quarter"), "period_repeated"),
        (format!("{range}&indicators=bonheur"), "indicator_unknown"),
        (format!("{range}&format=ods"), "format_unknown"),
        (format!("from={year}-12-31&to={year}-01-01"), "period_reversed"),
        (format!("{range}&threshold=0"), "threshold_invalid"),
    ] {
        let (status, body) = app.get(&aci, &format!("/api/v1/indicators?{query}")).await;
        assert!(status.is_client_error(), "{query}: {status}");
        assert_eq!(body["error"]["code"], code, "{query}: {body}");
    }
    let (status, body) = app
        .get(
            &aci,
            &format!("/api/v1/indicators/bonheur/people?organisation={aci_id}&{range}"),
        )
        .await;
    assert_eq!(
        (status.is_client_error(), body["error"]["code"].clone()),
        (true, "indicator_unknown".into())
    );
}

#[tokio::test]
async fn indicators_on_sqlite() {
    indicators(Backend::Sqlite).await;
}

#[tokio::test]
async fn indicators_on_postgres() {
    indicators(Backend::Postgres).await;
}

/// The governance sources (migration 0012) through the API: a CTA meeting counts once its attendance is
/// recorded, a mutual-knowledge action as soon as it is created (triggers), over the demo's own figures.
async fn governance_sources(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let (ft_id, aci_id) = (app.org_id("ft-dijon").await, app.org_id("aci-jardins").await);
    let day = today();
    let table = format!(
        "/api/v1/indicators?from={}&to={day}&threshold=1&indicators=cta_held,spe_siae_sessions",
        passerelle_domain::calendar::add_days(day, -100)
    );
    let counts = |t: &Value| {
        ["cta_held", "spe_siae_sessions"].map(|code| {
            t["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["indicator"] == code)
                .map_or(0.0, |r| r["value"].as_f64().unwrap())
        })
    };
    let (status, before) = app.get(&ft, &table).await;
    assert_eq!(status, S::OK, "{before}");
    assert!(before["pending"].as_array().unwrap().is_empty(), "{before}");
    // The demo's CTA held one meeting 40 days ago.
    let [held, sessions] = counts(&before);
    assert_eq!(held, 1.0);

    let (_, list) = app.get(&ft, "/api/v1/committees").await;
    let cta = list.as_array().unwrap().iter().find(|c| c["kind"] == "cta").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, meeting) = app
        .call(
            &ft,
            Method::POST,
            &format!("/api/v1/committees/{cta}/meetings"),
            Some(json!({"held_on": day, "start_time": "09:00", "end_time": "10:00", "place": "Dijon"})),
        )
        .await;
    assert_eq!(status, S::CREATED, "{meeting}");
    let (_, now) = app.get(&ft, &table).await;
    assert_eq!(counts(&now), [held, sessions], "a planned meeting is not counted");
    let attendance: Vec<Value> = meeting["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"member_id": m["id"], "presence": "present"}))
        .collect();
    let path = format!("/api/v1/meetings/{}/attendance", meeting["id"].as_str().unwrap());
    let (status, body) = app
        .call(&ft, Method::PUT, &path, Some(json!({"attendance": attendance})))
        .await;
    assert_eq!(status, S::OK, "{body}");
    let (_, now) = app.get(&ft, &table).await;
    assert_eq!(counts(&now), [held + 1.0, sessions]);

    let action = json!({"kind": "visit", "held_on": day, "topic": "Visite d'un chantier d'insertion",
        "department": "21", "participants": 8, "organisers": [ft_id], "participant_organisations": [aci_id]});
    let (status, body) = app
        .call(&ft, Method::POST, "/api/v1/mutual-knowledge-actions", Some(action))
        .await;
    assert_eq!(status, S::CREATED, "{body}");
    let (_, now) = app.get(&ft, &table).await;
    assert_eq!(counts(&now), [held + 1.0, sessions + 1.0]);
}

#[tokio::test]
async fn indicators_of_governance_on_sqlite() {
    governance_sources(Backend::Sqlite).await;
}

#[tokio::test]
async fn indicators_of_governance_on_postgres() {
    governance_sources(Backend::Postgres).await;
}
