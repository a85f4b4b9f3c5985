//! The annual « état des lieux » of an agreement as a PDF, on both databases: a partnership
//! of the ACI and the EI over the demo's prescriptions (Durand and Marchal to the ACI, Diallo to the EI, all
//! sent today; Marchal's by the Mission locale is not a candidate oriented by France Travail), its targets, its roadmap followed by a committee; the PDF read back with pdftotext shows the
//! known figures to a party's member and masks them for the DDETS; 404 outside the scope, 422 for a bad year.

use crate::pages::login;
use crate::{Backend, TestApp, email, id, pdf_text, today};
use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode as S};
use serde_json::json;

/// The PDF's text, one space between words, table rows on their own line.
async fn report(app: &TestApp, token: &str, path: &str) -> String {
    let r = app.http.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), S::OK, "{path}");
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    crate::pdf_access::accessible(&pdf);
    let text = pdf_text(&pdf, &["-layout"]);
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn annual_report(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let day = today();
    let year = day.year();
    let quarter = (u8::from(day.month()) - 1) / 3 + 1;
    let aci = app.token(&email("aci-jardins")).await;
    let (aci_id, ei_id) = (app.org_id("aci-jardins").await, app.org_id("ei-recyclage").await);
    let content = json!({
        "title": "Partenariat des chantiers de la Combe",
        "parties": [{"organisation_id": aci_id, "name": "Les Jardins de la Combe"},
                    {"organisation_id": ei_id, "name": "EI"}],
        "axes": [{"title": "Axe 1 : l'accès à l'emploi", "sheets": [{"title": "Fiche 1 : orienter vers les SIAE"}]}],
        "annexes": [{"title": "Feuille de route", "roadmap": [
            {"action": "Réunir les encadrants", "due": "printemps"},
            {"action": "Publier le bilan", "due": "fin d'année"}]}],
        "targets": [
            {"indicator": "candidates_oriented", "period": format!("{year}"), "value": 6, "unit": "candidats"},
            {"indicator": "immersions", "period": format!("{}", year - 1), "value": 4, "unit": "périodes"},
        ]
    });
    let (status, created) = app
        .call(
            &aci,
            Method::POST,
            "/api/v1/agreements",
            Some(json!({"kind": "partnership", "content": content})),
        )
        .await;
    assert_eq!(status, S::CREATED, "{created}");
    let agreement = id(&created);
    let path = format!("/api/v1/agreements/{agreement}/report");

    // Before a committee follows it, the report lists the roadmap as written.
    let text = report(&app, &aci, &path).await;
    assert!(
        text.contains("n'est pas encore suivie par un comité") && text.contains("Réunir les encadrants (printemps)"),
        "{text}"
    );

    // A committee of the ACI steers it: the roadmap becomes its action items; one is done.
    let (status, committee) = app
        .call(
            &aci,
            Method::POST,
            "/api/v1/committees",
            Some(
                json!({"kind": "regional_steering", "name": "Comité de la Combe", "department": "21",
                "secretary_organisation_id": aci_id, "agreement_ids": [agreement],
                "members": [{"organisation_id": ei_id, "email": "ei@passerelle.test", "vote": "deliberative"}]}),
            ),
        )
        .await;
    assert_eq!(status, S::CREATED, "{committee}");
    let done = committee["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().unwrap().starts_with("Publier le bilan"))
        .unwrap_or_else(|| panic!("{committee}"));
    let (status, body) = app
        .call(
            &aci,
            Method::POST,
            &format!("/api/v1/action-items/{}/status", id(done)),
            Some(json!({"status": "done"})),
        )
        .await;
    assert_eq!(status, S::OK, "{body}");

    // The ACI, a party: this year by default, the demo's two candidates oriented by France Travail (Durand,
    // Diallo; not Marchal, the Mission locale's) unmasked in today's quarter.
    let text = report(&app, &aci, &path).await;
    for expected in [
        format!("État des lieux {year} de la convention"),
        "Partenariat des chantiers de la Combe".to_owned(),
        created["kind_label"].as_str().unwrap().to_owned(),
        "Les Jardins de la Combe (pas encore signé)".to_owned(),
        "Candidats orientés par France Travail (ex-Pôle emploi) : 6 candidats".to_owned(),
        "Réalisé : 2 (33,3 %)".to_owned(),
        "Axe 1 : l'accès à l'emploi – Fiche 1 : orienter vers les SIAE".to_owned(),
        "Publier le bilan (fin d'année) – Les Jardins de la Combe : réalisée".to_owned(),
        "Réunir les encadrants (printemps) – Les Jardins de la Combe : en cours".to_owned(),
        format!(
            "Document produit par Passerelle le {}",
            passerelle_domain::calendar::french_date(day)
        ),
        "sans masquage".to_owned(),
    ] {
        assert!(text.contains(&expected), "« {expected} » in:\n{text}");
    }
    // The target's status follows the even progress over the year: 6 expected by the 31st of December.
    let elapsed = f64::from(day.ordinal()) / f64::from(time::util::days_in_year(year));
    let status = if 2.0 >= 6.0 * elapsed {
        "en bonne voie"
    } else {
        "en retard"
    };
    assert!(text.contains(&format!("situation : {status}")), "{status}:\n{text}");
    // The quarter table: nothing before today's quarter, two in it; the same figure in the chart.
    let row: Vec<String> = (1..=quarter)
        .map(|q| if q == quarter { "2" } else { "0" }.to_owned())
        .collect();
    let row = format!(
        "Candidats orientés par France Travail (ex-Pôle emploi) {}",
        row.join(" ")
    );
    assert!(text.lines().any(|l| l == row), "« {row} » in:\n{text}");
    assert!(text.contains(&format!("T{quarter} 2")), "the chart: {text}");
    // Last year's target is not this year's business; it is in last year's report.
    assert!(!text.contains("Périodes de mise en situation en milieu professionnel (PMSMP) : 4 périodes"));
    let last = report(&app, &aci, &format!("{path}?year={}", year - 1)).await;
    assert!(
        last.contains("Périodes de mise en situation en milieu professionnel (PMSMP) : 4 périodes")
            && last.contains("situation : non atteint"),
        "{last}"
    );

    // The DDETS of the department reads the agreement: its two candidates are a small count, masked.
    let ddets = app.token(&email("ddets-21")).await;
    let text = report(&app, &ddets, &path).await;
    assert!(text.contains("moins de 5 personnes (petit effectif masqué)"), "{text}");
    assert!(
        // pdftotext joins « < 5 » in a table cell.
        text.lines().any(
            |l| l.starts_with("Candidats orientés par France Travail (ex-Pôle emploi) ")
                && l.replace(' ', "").ends_with("<5")
        ),
        "{text}"
    );
    assert!(!text.contains("Réalisé : 2"), "{text}");

    // Outside the agreement's scope: 404, as for the agreement itself.
    let outsider = app.token(&email("esat-suzon")).await;
    let (status, body) = app.get(&outsider, &path).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (S::NOT_FOUND, Some("not_found"))
    );
    // A bad year: 422 with its code and a French message, for whoever asks.
    for year in ["abc", "1850", &format!("{}", year + 1)] {
        let (status, body) = app.get(&aci, &format!("{path}?year={year}")).await;
        assert_eq!(status, S::UNPROCESSABLE_ENTITY, "{year}: {body}");
        assert_eq!(
            (body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (Some("year_invalid"), Some("year"))
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("n'est pas reconnue")
        );
    }

    // The agreement's page offers it, and the page's link answers the same PDF through the session.
    let session = login(&app, "aci-jardins").await;
    let page = |path: String| {
        app.http
            .get(app.url(&path))
            .header(COOKIE, format!("passerelle_session={session}"))
            .send()
    };
    let html = page(format!("/conventions/{agreement}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("État des lieux annuel (PDF)")
            && html.contains(&format!("action=\"/conventions/{agreement}/etat-des-lieux\""))
            && html.contains(&format!("<option value=\"{year}\">")),
        "{html}"
    );
    let r = page(format!("/conventions/{agreement}/etat-des-lieux?annee={year}"))
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    assert!(pdf_text(&r.bytes().await.unwrap(), &[]).contains("Partenariat des chantiers de la Combe"));
    let r = page(format!("/conventions/{agreement}/etat-des-lieux?annee=abc"))
        .await
        .unwrap();
    assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn agreement_report_on_sqlite() {
    annual_report(Backend::Sqlite).await;
}

#[tokio::test]
async fn agreement_report_on_postgres() {
    annual_report(Backend::Postgres).await;
}
