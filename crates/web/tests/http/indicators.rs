//! Indicators through the API on both databases: definitions, the table with the caller's own
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
    assert_eq!(defs.len(), 35);
    assert!(
        defs.iter().all(|d| d["computed"] == true),
        "every declared indicator is computed"
    );
    let cta = defs.iter().find(|d| d["code"] == "cta_held").unwrap();
    assert_eq!(
        (cta["computed"].clone(), cta["source"].clone()),
        (Value::Bool(true), "governance".into())
    );
    let se = defs.iter().find(|d| d["code"] == "se_people_accompanied").unwrap();
    assert_eq!(
        (&se["computed"], &se["source"]),
        (&Value::Bool(true), &"supported_employment".into())
    );

    // The demo prescribes Durand and Marchal to the ACI, Diallo to the EI; France Travail oriented Durand and
    // Diallo, the Mission locale Marchal, who is not counted: the ACI sees its own 1 (its own cells
    // are never masked for it), the EI's single candidate stays masked; the agency, member of neither, sees both
    // masked.
    let path = format!("/api/v1/indicators?{range}&by=organisation&indicators=candidates_oriented");
    let (status, table) = app.get(&aci, &path).await;
    assert_eq!(status, S::OK, "{table}");
    assert_eq!(cell(&table, "candidates_oriented", &aci_id)["value"], 1.0);
    assert_eq!(cell(&table, "candidates_oriented", &ei_id)["masked"], true);
    assert_eq!(cell(&table, "candidates_oriented", &ei_id)["value"], Value::Null);
    let (_, table) = app.get(&agency, &path).await;
    assert_eq!(cell(&table, "candidates_oriented", &aci_id)["masked"], true);
    assert_eq!(cell(&table, "candidates_oriented", &ei_id)["masked"], true);
    // The threshold is a floor: a caller may raise it, never lower it to unmask the small cells.
    for lower in ["1", "4"] {
        let (status, body) = app.get(&agency, &format!("{path}&threshold={lower}")).await;
        assert_eq!(
            (status, body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (S::UNPROCESSABLE_ENTITY, Some("threshold_invalid"), Some("threshold")),
            "{body}"
        );
    }
    let (status, table) = app.get(&aci, &format!("{path}&threshold=10")).await;
    assert_eq!(status, S::OK, "{table}");
    assert_eq!(cell(&table, "candidates_oriented", &aci_id)["value"], 1.0);
    assert_eq!(cell(&table, "candidates_oriented", &ei_id)["masked"], true);

    // Exports: CSV and XLSX (a zip archive) of the same table; the ACI's own cells unmasked.
    let r = app
        .http
        .get(app.url(&format!(
            "/api/v1/indicators?{range}&by=organisation&indicators=hirings&format=csv"
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
            "hirings,Embauches en parcours IAE,{year}-01-01/{year}-12-31,{aci_id},1,non"
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
    assert_eq!(names, ["Durand"]);
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
        "/api/v1/indicators?from={}&to={day}&indicators=cta_held,spe_siae_sessions",
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

/// The figures of supported employment (Journées nationales de l'emploi accompagné 2020) through the API: on a single day they are the counsellors'
/// dashboard's; a new entry, a job with a new employer and a support in employment (job-retention service,
/// Accord régional BFC 2016 Annex 1 fiche 7) each move them by what they add; the drill-down lists the people accompanied.
async fn supported_sources(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let dea = app.token(&email("dea-21")).await;
    let scheme = app.org_id("dea-21").await.to_string();
    let day = today();
    let table = format!(
        "/api/v1/indicators?from={day}&to={day}&by=organisation&indicators=se_people_accompanied,\
         se_employers_accompanied,se_people_per_counsellor,se_in_employment_share,\
         se_employed_within_6_months_share,job_retention_services"
    );
    let figures = || async {
        let (status, t) = app.get(&dea, &table).await;
        assert_eq!(status, S::OK, "{t}");
        assert!(t["pending"].as_array().unwrap().is_empty(), "{t}");
        [
            "se_people_accompanied",
            "se_employers_accompanied",
            "se_people_per_counsellor",
            "se_in_employment_share",
            "se_employed_within_6_months_share",
            "job_retention_services",
        ]
        .map(|code| {
            t["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["indicator"] == code && r["dimensions"]["organisation"] == scheme.as_str())
                .map_or(0.0, |r| r["value"].as_f64().unwrap())
        })
    };
    let dashboard = || async {
        let (status, board) = app.get(&dea, &format!("/api/v1/supported/dashboard?on={day}")).await;
        assert_eq!(status, S::OK, "{board}");
        let f = board[0]["figures"].clone();
        let n = |k: &str| f[k].as_f64().unwrap_or(0.0);
        let share = |part: f64, whole: f64| {
            if whole == 0.0 {
                0.0
            } else {
                (part * 1000.0 / whole).round() / 10.0
            }
        };
        [
            n("people"),
            n("employers"),
            n("people_per_fte_tenths") / 10.0,
            share(n("in_employment"), n("people")),
            share(n("within_6_months"), n("in_employment")),
        ]
    };
    let before = figures().await;
    assert_eq!(before[..5], dashboard().await, "the demo's scheme on {day}");
    // The demo: 4 people followed by 1.8 full times.
    assert_eq!(before[0], 4.0);
    assert_eq!(before[2], 2.2);

    // A new person enters today: one more person accompanied, nobody more in employment.
    let person = crate::supported::person(&app, &dea, "Indicateur", &[]).await;
    let entry = json!({"scheme_id": scheme, "route": "cdaph", "entered_on": day, "decided_on": day,
        "valid_until": passerelle_domain::calendar::add_months(day, 60)});
    let (s, rec) = app
        .call(
            &dea,
            Method::POST,
            &format!("/api/v1/persons/{person}/supported"),
            Some(entry),
        )
        .await;
    assert_eq!(s, S::CREATED, "{rec}");
    let entry_id = rec["entries"][0]["id"].as_str().unwrap().to_owned();
    let after = figures().await;
    assert_eq!((after[0], after[1]), (before[0] + 1.0, before[1]));
    assert_eq!(after[..5], dashboard().await);

    // A job today with a new employer: in employment within 6 months of the entry.
    let job = json!({"employer": "Fromagerie du Morvan", "position": "Préparateur", "contract": "cdd",
        "starts_on": day, "weekly_hours": 20});
    let on = |path: &str| format!("/api/v1/supported-entries/{entry_id}/{path}");
    let (s, b) = app.call(&dea, Method::POST, &on("jobs"), Some(job)).await;
    assert_eq!(s, S::CREATED, "{b}");
    let now = figures().await;
    assert_eq!(now[1], before[1] + 1.0);
    assert_eq!(now[..5], dashboard().await);

    // A support in employment today: one more job-retention service, the same employer.
    let support = json!({"module": "in_employment", "done_on": day, "minutes": 30, "employer": "Fromagerie du Morvan"});
    let (s, b) = app.call(&dea, Method::POST, &on("activities"), Some(support)).await;
    assert_eq!(s, S::CREATED, "{b}");
    let last = figures().await;
    assert_eq!((last[1], last[5]), (now[1], now[5] + 1.0));

    // The people behind the figure: the scheme's members see them, France Travail gets 404.
    let people = format!("/api/v1/indicators/se_people_accompanied/people?organisation={scheme}&from={day}&to={day}");
    let (s, list) = app.get(&dea, &people).await;
    assert_eq!(s, S::OK, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 5, "{list}");
    assert!(list.to_string().contains("Indicateur"), "{list}");
    let ft = app.token(&email("ft-dijon")).await;
    assert_eq!(app.get(&ft, &people).await.0, S::NOT_FOUND);
}

#[tokio::test]
async fn indicators_of_supported_employment_on_sqlite() {
    supported_sources(Backend::Sqlite).await;
}

#[tokio::test]
async fn indicators_of_supported_employment_on_postgres() {
    supported_sources(Backend::Postgres).await;
}
