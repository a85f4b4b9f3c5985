//! Privacy: the journal of personal-data reads for administrators, and the person's right of access.

use crate::pages::{login, page};
use crate::{Backend, TestApp, email, id, today};
use passerelle_store::MemberRole;
use passerelle_store::auth::NewUser;
use reqwest::StatusCode as S;

async fn journal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.org_id("aci-jardins").await;
    let admin = app.token(&email("aci-jardins")).await;
    let (s, persons) = app.get(&admin, "/api/v1/persons").await;
    assert_eq!(s, S::OK);
    let person = id(&persons["items"][0]);
    assert_eq!(app.get(&admin, &format!("/api/v1/persons/{person}")).await.0, S::OK);

    let journal = format!("/api/v1/organisations/{aci}/personal-data-reads");
    let (s, reads) = app.get(&admin, &journal).await;
    assert_eq!(s, S::OK, "{reads}");
    let newest = &reads["items"][0];
    assert_eq!(newest["action"], "person.read", "{reads}");
    assert_eq!(newest["entity_id"], person.as_str());
    assert_eq!(newest["label"], "Consultation d'une personne");
    let listed = &reads["items"][1];
    assert_eq!(listed["action"], "person.listed", "{reads}");
    assert_eq!(listed["records"], persons["items"].as_array().unwrap().len());

    // Filters: one record, a period with nothing, a bad date.
    let (_, one) = app.get(&admin, &format!("{journal}?entity_id={person}")).await;
    assert_eq!(one["total"], 1, "{one}");
    let tomorrow = today().next_day().unwrap();
    let (_, none) = app.get(&admin, &format!("{journal}?from={tomorrow}")).await;
    assert_eq!(none["total"], 0, "{none}");
    let (_, until_today) = app.get(&admin, &format!("{journal}?to={}", today())).await;
    assert_eq!(until_today["total"], reads["total"]);
    let (s, bad) = app.get(&admin, &format!("{journal}?from=hier")).await;
    assert_eq!(s, S::BAD_REQUEST, "{bad}");
    assert_eq!(bad["error"]["code"], "invalid_query");

    // Another organisation's journal does not exist for this caller; a plain member may not look.
    let ft = app.token(&email("ft-dijon")).await;
    assert_eq!(app.get(&ft, &journal).await.0, S::NOT_FOUND);
    let operator = app.store.operator_context("test");
    app.store
        .create_user(
            &operator,
            NewUser {
                email: "membre.aci@passerelle.test",
                display_name: "Membre ACI",
                password: passerelle_store::auth::Password::Typed(crate::PASSWORD),
                platform_admin: false,
                memberships: &[(aci, MemberRole::Member)],
            },
        )
        .await
        .unwrap();
    let member = app.token("membre.aci@passerelle.test").await;
    let (s, refused) = app.get(&member, &journal).await;
    assert_eq!(s, S::FORBIDDEN, "{refused}");
    assert_eq!(refused["error"]["code"], "admin_only");

    // The page: linked from the header of administrators, the same entries in French.
    let session = login(&app, "aci-jardins").await;
    let (s, html) = page(&app, &session, "/journal-des-consultations").await;
    assert_eq!(s, S::OK);
    assert!(html.contains("<td>Consultation d&#39;une personne</td>"), "{html}");
    assert!(html.contains("Consultations (2)"), "{html}");
    // What was read is a link to it (opened under the usual rules), not an identifier; times in Paris time.
    assert!(
        html.contains(&format!(
            "<a href=\"/personnes/{person}\">Ouvrir ce qui a été consulté</a>"
        )) && !html.contains(&format!("<code>{person}</code>"))
            && html.contains(" h ")
            && !html.contains("UTC"),
        "{html}"
    );
    assert!(html.contains("href=\"/journal-des-consultations\""));
    let (s, _) = page(&app, &session, "/journal-des-consultations?from=demain").await;
    assert_eq!(s, S::BAD_REQUEST);
}

/// The person's file: everything the caller's organisation holds, as JSON and as a PDF whose text says the
/// same; journaled; unreachable for an organisation that does not follow the person.
async fn right_of_access(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.org_id("aci-jardins").await;
    let token = app.token(&email("aci-jardins")).await;
    let (_, persons) = app.get(&token, "/api/v1/persons").await;
    let person = &persons["items"][0];
    let path = format!("/api/v1/persons/{}/file", id(person));
    let (s, file) = app.get(&token, &path).await;
    assert_eq!(s, S::OK, "{file}");
    assert_eq!(file["person"]["id"], person["id"]);
    for part in ["diagnoses", "prescriptions", "journal"] {
        assert!(file[part].is_array(), "{part} in {file}");
    }
    assert!(file["employment"]["contracts"].is_array() && file["follow_up"]["actions"].is_array());
    // The date-time format the description announces (scripts/schemathesis found a non-RFC 3339 one).
    let generated_at = file["generated_at"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(generated_at, &time::format_description::well_known::Rfc3339).is_ok(),
        "{generated_at}"
    );
    let journaled = app
        .get(
            &token,
            &format!(
                "/api/v1/organisations/{aci}/personal-data-reads?entity_id={}",
                id(person)
            ),
        )
        .await
        .1;
    assert!(
        journaled["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["action"] == "person_file.read"),
        "{journaled}"
    );

    let r = app
        .http
        .get(app.url(&format!("{path}?format=pdf")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = crate::pdf_access::accessible(&bytes).replace('\n', " ");
    let last_name = person["last_name"].as_str().unwrap();
    for expected in [
        "Données détenues sur",
        last_name,
        "Identité et coordonnées",
        "Journal des opérations",
    ] {
        assert!(text.contains(expected), "{expected} not in the PDF: {text}");
    }

    // The same PDF from the person's page.
    let session = login(&app, "aci-jardins").await;
    let (s, html) = page(&app, &session, &format!("/personnes/{}", id(person))).await;
    let link = format!("/personnes/{}/donnees.pdf", id(person));
    assert!(s == S::OK && html.contains(&link), "{html}");
    let r = app
        .http
        .get(app.url(&link))
        .header(reqwest::header::COOKIE, format!("passerelle_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));

    let (s, bad) = app.get(&token, &format!("{path}?format=xml")).await;
    assert_eq!(
        (s, bad["error"]["code"].as_str()),
        (S::BAD_REQUEST, Some("invalid_query"))
    );
    let ddets = app.token(&email("ddets-21")).await;
    assert_eq!(app.get(&ddets, &path).await.0, S::NOT_FOUND);

    // An ESAT worker's file holds the ESAT record and the immersion (demo: Mélanie Arnaud, double activity,
    // an immersion prescribed by Cap emploi).
    let esat = app.token(&email("esat-suzon")).await;
    let (_, workers) = app.get(&esat, "/api/v1/esat/workers").await;
    let worker = workers
        .as_array()
        .and_then(|w| w.iter().find(|w| w["situation"] == "double_activity"));
    let person = worker
        .map(|w| w["person_id"].as_str().unwrap().to_owned())
        .expect("a demo worker in double activity");
    let (s, file) = app.get(&esat, &format!("/api/v1/persons/{person}/file")).await;
    assert_eq!(s, S::OK, "{file}");
    assert_eq!(file["esat"][0]["situation"], "double_activity", "{file}");
    assert!(!file["immersions"].as_array().unwrap().is_empty(), "{file}");
    assert!(!file["pathway"]["steps"].as_array().unwrap().is_empty(), "{file}");
    // Her skills record holds the ESAT work and the immersion (Convergences ESAT – IAE: one record across the passerelles).
    let (s, record) = app.get(&esat, &format!("/api/v1/persons/{person}/skills-record")).await;
    assert_eq!(s, S::OK, "{record}");
    let text = record.to_string();
    for expected in ["Travail en ESAT", "Immersion en entreprise (PMSMP)", "double activité"] {
        assert!(text.contains(expected), "{expected} not in {record}");
    }
}

#[tokio::test]
async fn right_of_access_on_sqlite() {
    right_of_access(Backend::Sqlite).await;
}

#[tokio::test]
async fn right_of_access_on_postgres() {
    right_of_access(Backend::Postgres).await;
}

#[tokio::test]
async fn journal_on_sqlite() {
    journal(Backend::Sqlite).await;
}

#[tokio::test]
async fn journal_on_postgres() {
    journal(Backend::Postgres).await;
}
