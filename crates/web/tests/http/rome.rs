//! The ROME referential through the API and the offers page, on both databases: the job-title search (public,
//! accents and case folded, its errors), an offer's code checked against the loaded referential (API and page,
//! the refused form keeping every value), the picker's help naming the version, and offers filtered by job
//! and town.

use crate::pages::{csrf, login, page, post_form};
use crate::{Backend, TestApp, email};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};

async fn search(app: &TestApp, query: &str) -> (S, Value) {
    let r = app
        .http
        .get(app.url(&format!("/api/v1/rome/appellations?{query}")))
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

async fn rome(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    // Without the referential: nothing found, any well-formed code accepted, no picker.
    let (s, empty) = search(&app, "q=maraichere").await;
    assert_eq!(
        (s, &empty["version"], &empty["items"]),
        (S::OK, &Value::Null, &json!([]))
    );
    let session = login(&app, "aci-jardins").await;
    let (_, before) = page(&app, &session, "/offres").await;
    assert!(
        !before.contains("data-rome-picker") && !before.contains("version du"),
        "{before}"
    );

    passerelle_fixtures::rome::load(&app.store).await;

    // The search: words folded, shortest titles first, a limit, a code; its bad input answers 400.
    let (s, found) = search(&app, "q=MARAICHERE%20ouvriere&limit=5").await;
    assert_eq!(
        (s, found["version"]["version"].as_str()),
        (S::OK, Some("2024-03-01")),
        "{found}"
    );
    let items = found["items"].as_array().unwrap();
    assert!(items.len() <= 5 && !items.is_empty(), "{found}");
    assert_eq!(
        (
            items[0]["label"].as_str(),
            items[0]["rome_code"].as_str(),
            items[0]["ogr"].as_i64()
        ),
        (
            Some("Ouvrier maraîcher / Ouvrière maraîchère"),
            Some("A1414"),
            Some(17506)
        )
    );
    let (_, by_code) = search(&app, "q=k2304").await;
    assert!(
        by_code["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["rome_label"] == "Revalorisation de produits industriels")
    );
    let (s, missing) = search(&app, "").await;
    assert_eq!(
        (s, missing["error"]["code"].as_str()),
        (S::BAD_REQUEST, Some("invalid_query"))
    );
    let (s, long) = search(&app, &format!("q={}", "a".repeat(101))).await;
    assert_eq!(
        (s, long["error"]["code"].as_str()),
        (S::BAD_REQUEST, Some("rome_query_too_long"))
    );

    // An offer's code must be in the referential, through the API...
    let aci = app.token(&email("aci-jardins")).await;
    let aci_id = app.org_id("aci-jardins").await;
    let offer = |code: &str| {
        json!({"siae_id": aci_id, "title": "Ouvrier maraîcher / Ouvrière maraîchère", "rome_code": code,
            "place": "Fontaine-lès-Dijon", "positions": 2})
    };
    let offers_before = app.count("job_offers").await;
    let (s, refused) = app
        .call(&aci, Method::POST, "/api/v1/offers", Some(offer("A9999")))
        .await;
    assert_eq!(
        (s, refused["error"]["code"].as_str()),
        (S::UNPROCESSABLE_ENTITY, Some("rome_unknown")),
        "{refused}"
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("version du 1er mars 2024"),
        "{refused}"
    );
    assert_eq!(app.count("job_offers").await, offers_before);
    let (s, created) = app
        .call(&aci, Method::POST, "/api/v1/offers", Some(offer("a1414")))
        .await;
    assert_eq!(
        (s, created["rome_label"].as_str()),
        (S::CREATED, Some("Horticulture et maraîchage")),
        "{created}"
    );

    // ... and through the page, which keeps every value and names the version next to the picker.
    let (s, form) = page(&app, &session, "/offres").await;
    assert!(
        s == S::OK
            && form.contains("data-rome-picker")
            && form.contains("Référentiel ROME de France Travail, version du 1er mars 2024"),
        "{form}"
    );
    let aci_s = aci_id.to_string();
    let (s, again) = post_form(
        &app,
        &session,
        "/offres",
        &[
            ("csrf", csrf(&form).as_str()),
            ("siae_id", aci_s.as_str()),
            ("title", "Cueilleur de fraises"),
            ("rome_code", "a9998"),
            ("place", "Talant"),
            ("positions", "4"),
        ],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        again.contains("existe pas dans le référentiel ROME")
            && again.contains("value=\"Cueilleur de fraises\"")
            && again.contains("value=\"a9998\"")
            && again.contains("value=\"Talant\""),
        "{again}"
    );

    // Offers by job (code, words of the title or of the family) and town, on the page and through the API.
    for (query, shown, hidden) in [
        ("job=maraichere&town=FONTAINE", "Fontaine-lès-Dijon", "Longvic"),
        ("job=A1414&town=", "Horticulture et maraîchage", "Agent de tri"),
        ("job=revalorisation&town=longvic", "Agent de tri", "Ouvrier maraîcher"),
    ] {
        let (s, html) = page(&app, &session, &format!("/offres?department=&{query}")).await;
        let listed = &html[html.find("Offres ouvertes (").unwrap()..html.find("</table>").unwrap()];
        assert!(
            s == S::OK && listed.contains(shown) && !listed.contains(hidden),
            "{query}: {listed}"
        );
        assert!(
            html.contains(&format!(
                "/offres/export.csv?department=&#38;{}",
                query.replace('&', "&#38;")
            )),
            "{query}: the export keeps the filters"
        );
    }
    let (s, listed) = app.get(&aci, "/api/v1/offers?job=A1414&town=fontaine%20les").await;
    let places: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["place"].as_str())
        .collect();
    assert_eq!((s, places), (S::OK, vec!["Fontaine-lès-Dijon"]));
}

#[tokio::test]
async fn rome_on_sqlite() {
    rome(Backend::Sqlite).await;
}

#[tokio::test]
async fn rome_on_postgres() {
    rome(Backend::Postgres).await;
}
