//! A person entered twice: creating a person with the name and birth date of one the caller already follows
//! (accents, case and order of the names aside) shows that person instead, through the API (409
//! `person_possible_duplicate`) and the form (kept as typed, with a link to the record), until the caller
//! confirms. Persons the caller does not follow are never looked at: the answer tells nothing about them.

use crate::pages::{csrf, login, page, post_form};
use crate::{Backend, TestApp, email, id};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::json;

async fn duplicates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.token(&email("aci-jardins")).await;
    let create = |token: String, first: &'static str, last: &'static str, born: &'static str, confirmed: bool| {
        let app = &app;
        async move {
            let body = json!({"first_name": first, "last_name": last, "birth_date": born, "confirmed_new": confirmed});
            app.call(&token, Method::POST, "/api/v1/persons", Some(body)).await
        }
    };
    let persons = app.count("persons").await;
    let reads = app.count("events WHERE action = 'person.read'").await;

    // Kevin Durand, born 12 March 1994, is followed by the ACI: typed again, he is shown, nothing is created.
    for (first, last) in [("kévin", "DURAND"), ("Durand", "Kevin")] {
        let (s, answer) = create(aci.clone(), first, last, "1994-03-12", false).await;
        assert_eq!(s, S::CONFLICT, "{first} {last}: {answer}");
        assert_eq!(answer["error"]["code"], "person_possible_duplicate");
        assert_eq!(answer["error"]["field"], "confirmed_new");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("née le 12 mars 1994") && !message.contains("1994-03-12"),
            "{message}"
        );
        let shown = answer["persons"].as_array().unwrap();
        assert_eq!(shown.len(), 1, "{answer}");
        assert_eq!(
            (shown[0]["first_name"].as_str(), shown[0]["last_name"].as_str()),
            (Some("Kevin"), Some("Durand"))
        );
    }
    assert_eq!(app.count("persons").await, persons);
    // Showing him is a read of personal data, journaled like any other.
    assert_eq!(app.count("events WHERE action = 'person.read'").await, reads + 2);

    // Another birth date is another person; so is Kevin for an ESAT that does not follow him (it learns nothing).
    let (s, _) = create(aci.clone(), "Kevin", "Durand", "1994-03-13", false).await;
    assert_eq!(s, S::CREATED);
    let ouche = app.token(&email("esat-ouche")).await;
    let (s, answer) = create(ouche, "Kevin", "Durand", "1994-03-12", false).await;
    assert_eq!(s, S::CREATED, "{answer}");
    assert!(answer.get("persons").is_none());
    // Confirmed, the ACI records a namesake born the same day.
    let (s, namesake) = create(aci.clone(), "Kevin", "Durand", "1994-03-12", true).await;
    assert_eq!(s, S::CREATED, "{namesake}");
    assert_eq!(app.count("persons").await, persons + 3);

    // Two identical creations at once: the check and the creation are one write transaction, so one passes.
    let (a, b) = tokio::join!(
        create(aci.clone(), "Zoé", "Lambert", "2001-02-03", false),
        create(aci.clone(), "Zoé", "Lambert", "2001-02-03", false)
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [S::CREATED, S::CONFLICT], "{} / {}", a.1, b.1);

    // The form: the persons of the same name come back with links, every typed value is kept, and the second
    // button creates the record.
    let session = login(&app, "aci-jardins").await;
    let (_, html) = page(&app, &session, "/personnes/nouvelle").await;
    let token = csrf(&html);
    let organisation = app.org_id("aci-jardins").await.to_string();
    let mut form = vec![
        ("csrf", token.as_str()),
        ("organisation_id", organisation.as_str()),
        ("first_name", "Zoé"),
        ("last_name", "LAMBERT"),
        ("birth_date", "2001-02-03"),
        ("commune", "Chenôve"),
    ];
    let (s, html) = post_form(&app, &session, "/personnes", &form).await;
    assert_eq!(s, S::CONFLICT);
    let zoe = [a.1, b.1].into_iter().find(|v| v.get("id").is_some()).unwrap();
    assert!(
        html.contains("peut-être déjà suivie") && html.contains("3 février 2001"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/personnes/{}\"", id(&zoe))), "{html}");
    for kept in [
        "value=\"Zoé\"",
        "value=\"LAMBERT\"",
        "value=\"2001-02-03\"",
        "value=\"Chenôve\"",
    ] {
        assert!(html.contains(kept), "{kept} is kept");
    }
    let before = app.count("persons").await;
    form.push(("confirmed_new", "on"));
    let (s, _) = post_form(&app, &session, "/personnes", &form).await;
    assert_eq!(s, S::SEE_OTHER);
    assert_eq!(app.count("persons").await, before + 1);
}

#[tokio::test]
async fn duplicates_on_sqlite() {
    duplicates(Backend::Sqlite).await;
}

#[tokio::test]
async fn duplicates_on_postgres() {
    duplicates(Backend::Postgres).await;
}
