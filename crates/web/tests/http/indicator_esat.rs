//! The ESAT indicators on the demo territory, on both databases: declared in the definitions, computed by the API
//! for the ESAT du Suzon (in 2026: Claire Fontaine hired at the clinic, Mélanie Arnaud in double activity,
//! Julien Masson's convention d'appui renewed), masked for others, listed on the page with the exit outcome in
//! French, exported, and the people behind a figure for the ESAT's members.

use crate::pages::{login, page};
use crate::{Backend, TestApp, email};
use reqwest::StatusCode as S;
use serde_json::Value;

const CODES: &str = "esat_exits_to_ordinary_work,esat_double_activity,esat_support_conventions_concluded,\
                     esat_support_conventions_in_force,esat_returns";
const YEAR: &str = "from=2026-01-01&to=2026-12-31";

/// The value of each ESAT indicator for `organisation` (`None`: no row, nothing counted; masked: `null`).
fn values(table: &Value, organisation: &str) -> Vec<Option<Value>> {
    CODES
        .split(',')
        .map(|code| {
            table["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["indicator"] == code && r["dimensions"]["organisation"] == organisation)
                .map(|r| r["value"].clone())
        })
        .collect()
}

async fn esat_indicators(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let suzon_id = app.org_id("esat-suzon").await.to_string();
    let suzon = app.token(&email("esat-suzon")).await;

    let (status, defs) = app.get(&suzon, "/api/v1/indicators/definitions").await;
    assert_eq!(status, S::OK);
    let esat: Vec<&Value> = defs
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["source"] == "esat_pathways")
        .collect();
    assert_eq!(esat.len(), 5, "{defs}");
    assert!(
        esat.iter().all(|d| d["computed"] == true && d["family"] == "esat"),
        "{defs}"
    );

    // [exits, double activity, concluded, in force, returns]: the conventions of Masson began in 2025.
    let path = format!("/api/v1/indicators?{YEAR}&by=organisation&indicators={CODES}");
    let (status, table) = app.get(&suzon, &path).await;
    assert_eq!(status, S::OK, "{table}");
    let one = Some(Value::from(1.0));
    assert_eq!(
        values(&table, &suzon_id),
        [one.clone(), one.clone(), None, one.clone(), None]
    );
    // France Travail sees the ESAT's single people masked.
    let agency = app.token(&email("ft-dijon")).await;
    let (_, table) = app.get(&agency, &path).await;
    assert_eq!(values(&table, &suzon_id)[1], Some(Value::Null));
    // Returns have no exit outcome: the API says so rather than inventing one.
    let (status, table) = app
        .get(
            &suzon,
            &format!("/api/v1/indicators?{YEAR}&by=exit_outcome&indicators=esat_exits_to_ordinary_work,esat_returns"),
        )
        .await;
    assert_eq!(status, S::OK, "{table}");
    assert_eq!(table["not_along"], serde_json::json!(["esat_returns"]));

    // The page: the ESAT family, by exit outcome, the outcome in French; the drill-down for the ESAT's members.
    let session = login(&app, "esat-suzon").await;
    let filters = format!("{YEAR}&granularity=range&dimension=exit_outcome&organisation={suzon_id}&family=esat");
    let (status, html) = page(&app, &session, &format!("/indicateurs?{filters}")).await;
    assert_eq!(status, S::OK, "{html}");
    assert!(html.contains("Parcours ESAT"), "{html}");
    assert!(html.contains("Sorties vers le milieu ordinaire"), "{html}");
    assert!(html.contains("<td>En emploi : maintien</td>"), "{html}");
    assert!(!html.contains(">job_retention<"), "{html}");
    let (status, html) = page(
        &app,
        &session,
        &format!("/indicateurs?{YEAR}&granularity=range&organisation={suzon_id}&family=esat"),
    )
    .await;
    assert_eq!(status, S::OK, "{html}");
    assert!(html.contains("Travailleurs d&#39;ESAT en double activité"), "{html}");
    assert!(html.contains("Conventions d&#39;appui en vigueur"), "{html}");
    let drill = format!("/indicateurs/esat_double_activity/personnes?organisation={suzon_id}&{YEAR}");
    assert!(html.contains(&drill.replace('&', "&#38;")), "{html}");
    let (status, html) = page(&app, &session, &drill).await;
    assert_eq!(status, S::OK, "{html}");
    assert!(html.contains("Arnaud") && !html.contains("Fontaine"), "{html}");

    // The export with the same filters.
    let (status, csv) = page(
        &app,
        &session,
        &format!("/indicateurs/export?{YEAR}&granularity=range&organisation={suzon_id}&family=esat&format=csv"),
    )
    .await;
    assert_eq!(status, S::OK);
    assert!(
        csv.contains("esat_support_conventions_in_force") && csv.contains("Conventions d'appui en vigueur"),
        "{csv}"
    );
}

#[tokio::test]
async fn esat_indicators_on_sqlite() {
    esat_indicators(Backend::Sqlite).await;
}

#[tokio::test]
async fn esat_indicators_on_postgres() {
    esat_indicators(Backend::Postgres).await;
}
