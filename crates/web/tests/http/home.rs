//! The home page leads to today's work: each kind of the to-do list with its count, its earliest date and the
//! page where it is done, and the unread notifications; a referral waiting for the SIAE is on its to-do list.

use crate::pages::{login, page};
use crate::{Backend, TestApp, email, id};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::json;

async fn home(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = login(&app, "aci-jardins").await;
    let ft = login(&app, "ft-dijon").await;
    let (s, html) = page(&app, &aci, "/").await;
    assert_eq!(s, S::OK);
    // Inès Marchal's referral, sent by the Mission locale, waits for the ACI.
    assert!(
        html.contains("<a href=\"/prescriptions\">Candidatures à traiter : 1</a>")
            && html.contains("La plus ancienne reçue le"),
        "{html}"
    );
    let (_, todo) = page(&app, &aci, "/parcours").await;
    assert!(
        todo.contains("Inès Marchal") && todo.contains("Candidature à traiter"),
        "{todo}"
    );

    // Its answer takes it off the list, and the prescriber's home counts the notification.
    let (_, unread_before) = page(&app, &ft, "/").await;
    let token = app.token(&email("aci-jardins")).await;
    let (_, sheets) = app.get(&token, "/api/v1/prescriptions").await;
    let sheet = sheets
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person_name"] == "Inès Marchal")
        .map(id)
        .unwrap();
    let (s, answer) = app
        .call(
            &token,
            Method::POST,
            &format!("/api/v1/prescriptions/{sheet}/steps"),
            Some(json!({"status": "refused", "motive": "no_position"})),
        )
        .await;
    assert!(s.is_success(), "{answer}");
    let (_, html) = page(&app, &aci, "/").await;
    assert!(!html.contains("Candidatures à traiter"), "{html}");
    let ml = login(&app, "ml-dijon").await;
    let (_, html) = page(&app, &ml, "/").await;
    assert!(
        html.contains("<a href=\"/notifications\">Notifications non lues : "),
        "{html}"
    );
    // The menu carries the same count on every page.
    let (_, offers) = page(&app, &ml, "/offres").await;
    assert!(
        offers.contains("<span class=\"fr-sr-only\"> non lues</span></span></a></li>"),
        "{offers}"
    );
    // France Travail's home is its own: the Mission locale's notification is not counted there.
    let (_, unread_after) = page(&app, &ft, "/").await;
    assert_eq!(
        unread_before.contains("Notifications non lues"),
        unread_after.contains("Notifications non lues")
    );
}

#[tokio::test]
async fn home_on_sqlite() {
    home(Backend::Sqlite).await;
}

#[tokio::test]
async fn home_on_postgres() {
    home(Backend::Postgres).await;
}
