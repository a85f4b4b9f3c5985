//! The indicators for users on both databases: the page `/indicateurs` (figures,
//! chart with its table, masked cells, drill-down links for the caller's own figures, exports with the same
//! filters), the drill-down page, and the targets of an agreement against a hand-built scenario.

use crate::pages::login;
use crate::{Backend, TestApp, email, today};
use reqwest::Method;
use reqwest::StatusCode as S;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

async fn page(app: &TestApp, session: &str, path: &str) -> (S, String) {
    let r = app
        .http
        .get(app.url(path))
        .header(COOKIE, format!("passerelle_session={session}"))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

fn target<'a>(list: &'a Value, indicator: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|t| t["indicator"] == indicator)
        .unwrap_or_else(|| panic!("{indicator}: {list}"))
}

async fn views(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let year = today().year();
    let aci_id = app.org_id("aci-jardins").await.to_string();

    // The page for the ACI: its own organisation by default, with the chart and its table, and a link to
    // the people behind its figure (the demo prescribes Durand and Marchal to the ACI).
    let aci = login(&app, "aci-jardins").await;
    let (status, html) = page(&app, &aci, "/indicateurs").await;
    assert_eq!(status, S::OK, "{html}");
    assert!(html.contains("<h1>Indicateurs</h1>"));
    assert!(
        html.contains("role=\"img\"") && html.contains("<title id=\"chart-entry-title\">"),
        "{html}"
    );
    assert!(html.contains("Candidats orientés par France Travail (ex-Pôle emploi)"));
    assert!(
        html.contains("Structure : Les Jardins de la Combe"),
        "the scope is the ACI: {html}"
    );
    let drill = format!("/indicateurs/candidates_oriented/personnes?organisation={aci_id}&#38;from={year}-");
    assert!(html.contains(&drill), "{html}");
    assert!(html.contains("/indicateurs/export?") && html.contains("format=xlsx"));
    assert!(
        html.contains("href=\"/indicateurs\" aria-current=\"page\""),
        "the navigation entry"
    );

    // By organisation over the year: the EI's single candidate is masked for the ACI, shown « < 5 ».
    let filters = format!("from={year}-01-01&to={year}-12-31&granularity=range&dimension=organisation");
    let (status, html) = page(&app, &aci, &format!("/indicateurs?{filters}")).await;
    assert_eq!(status, S::OK);
    assert!(html.contains("&lt; 5"), "{html}");
    assert!(
        html.contains("<td>Les Jardins de la Combe</td>"),
        "organisations by name"
    );

    // The drill-down page: the ACI's members see the people; the agency, member of neither, gets 404.
    let people =
        format!("/indicateurs/candidates_oriented/personnes?organisation={aci_id}&from={year}-01-01&to={year}-12-31");
    let (status, html) = page(&app, &aci, &people).await;
    assert_eq!(status, S::OK, "{html}");
    // Marchal was oriented by the Mission locale, not by France Travail.
    assert!(html.contains("Durand") && !html.contains("Marchal"), "{html}");
    let agency = login(&app, "ft-dijon").await;
    let (status, _) = page(&app, &agency, &people).await;
    assert_eq!(status, S::NOT_FOUND);
    // The agency opens on its department by SIAE kind.
    let (status, html) = page(&app, &agency, "/indicateurs").await;
    assert_eq!(status, S::OK);
    assert!(
        html.contains("Département : 21") && html.contains("Type de SIAE"),
        "{html}"
    );

    // The export with the same filters, through the session.
    let r = app
        .http
        .get(app.url(&format!("/indicateurs/export?{filters}&format=csv")))
        .header(COOKIE, format!("passerelle_session={aci}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    let csv = r.text().await.unwrap();
    assert!(
        csv.contains(&format!(
            "candidates_oriented,Candidats orientés par France Travail (ex-Pôle emploi),{year}-01-01/{year}-12-31,{aci_id},1,non"
        )),
        "{csv}"
    );
    // Bad filters: a page, 4xx, in French.
    let (status, html) = page(
        &app,
        &aci,
        &format!("/indicateurs?from={year}-01-01&to={year}-12-31&dimension=commune"),
    )
    .await;
    assert!(
        status.is_client_error() && html.contains("Dimension inconnue"),
        "{status}"
    );
    // An end before the start: the same page, its filters kept, what to correct said.
    let (status, html) = page(&app, &aci, &format!("/indicateurs?from={year}-12-31&to={year}-01-01")).await;
    assert_eq!(status, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Filtres à corriger")
            && html.contains(&format!("value=\"{year}-12-31\""))
            && html.contains(&format!("value=\"{year}-01-01\""))
            && !html.contains("Aucun chiffre"),
        "{html}"
    );

    // Targets: a draft partnership of the ACI alone, with targets for this year and the last one.
    let token = app.token(&email("aci-jardins")).await;
    let content = json!({"title": "Objectifs de l'atelier", "parties": [{"organisation_id": aci_id, "name": "Atelier"}],
    "targets": [
        {"indicator": "candidates_oriented", "period": format!("{year}"), "value": 1, "unit": "candidats"},
        {"indicator": "Embauches en parcours IAE", "period": format!("{}", year - 1), "value": 3, "unit": "embauches"},
        {"indicator": "Nombre de bonheurs", "period": format!("{year}"), "value": 1, "unit": ""},
        {"indicator": "se_people_accompanied", "period": format!("{year}"), "value": 4, "unit": "personnes"},
    ]});
    let (status, created) = app
        .call(
            &token,
            Method::POST,
            "/api/v1/agreements",
            Some(json!({"kind": "partnership", "content": content})),
        )
        .await;
    assert_eq!(status, S::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, list) = app.get(&token, &format!("/api/v1/agreements/{id}/targets")).await;
    assert_eq!(status, S::OK, "{list}");
    let oriented = target(&list, "candidates_oriented");
    assert_eq!(
        (
            oriented["actual"].clone(),
            oriented["status"].clone(),
            oriented["percent"].clone()
        ),
        (json!(1.0), json!("achieved"), json!(100.0)),
        "{oriented}"
    );
    let hirings = target(&list, "Embauches en parcours IAE");
    assert_eq!(hirings["code"], "hirings");
    assert_eq!(
        (hirings["actual"].clone(), hirings["status"].clone()),
        (json!(0.0), json!("missed")),
        "{hirings}"
    );
    assert_eq!(hirings["expected"], 3.0);
    let unknown = target(&list, "Nombre de bonheurs");
    assert!(unknown["status"].is_null() && unknown["status_label"].as_str().unwrap().contains("non reconnu"));
    assert_eq!(
        target(&list, "se_people_accompanied")["status_label"],
        "ne se calcule pas par convention"
    );
    // A regional agreement's share of SIAE with an SPE referent is its region's (Accord régional BFC 2016, annex 1, fiche 2):
    // the parties' region (Côte-d'Or: Bourgogne-Franche-Comté, 27), the value the region's table shows. The
    // State signs it (an SIAE is no party to a regional agreement).
    let token = app.token(&email("ddets-21")).await;
    let ddets_id = app.org_id("ddets-21").await;
    let regional = json!({"title": "Accord régional", "parties": [{"organisation_id": ddets_id, "name": "L'État"}],
        "targets": [{"indicator": "spe_referent_share", "period": format!("{year}"), "value": 100, "unit": "%"}]});
    let (status, created) = app
        .call(
            &token,
            Method::POST,
            "/api/v1/agreements",
            Some(json!({"kind": "regional", "content": regional})),
        )
        .await;
    assert_eq!(status, S::CREATED, "{created}");
    let (_, list) = app
        .get(
            &token,
            &format!("/api/v1/agreements/{}/targets", created["id"].as_str().unwrap()),
        )
        .await;
    let share = target(&list, "spe_referent_share");
    let (_, table) = app
        .get(
            &token,
            &format!(
                "/api/v1/indicators?from={year}-01-01&to={}&by=region&indicators=spe_referent_share",
                today()
            ),
        )
        .await;
    let region = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["dimensions"]["region"] == "27");
    assert_eq!(share["actual"], region.unwrap()["value"], "{share} {table}");
    assert!(
        share["status_label"]
            .as_str()
            .unwrap()
            .ends_with("(mesuré sur la région Bourgogne-Franche-Comté)"),
        "{share}"
    );
    // Out of scope: 404, as for the agreement itself.
    for key in ["esat-suzon", "ft-dijon"] {
        let other = app.token(&email(key)).await;
        let (status, body) = app.get(&other, &format!("/api/v1/agreements/{id}/targets")).await;
        assert_eq!(status, S::NOT_FOUND, "{key}: {body}");
    }
    // The agreement's page shows the same progress with its badge.
    let (status, html) = page(&app, &aci, &format!("/conventions/{id}")).await;
    assert_eq!(status, S::OK);
    assert!(html.contains("Objectifs chiffrés : où en est-on ?"), "{html}");
    assert!(
        html.contains("fr-badge--success\">atteint</p>") && html.contains("fr-badge--error\">non atteint</p>"),
        "{html}"
    );
}

#[tokio::test]
async fn indicator_views_on_sqlite() {
    views(Backend::Sqlite).await;
}

#[tokio::test]
async fn indicator_views_on_postgres() {
    views(Backend::Postgres).await;
}
