//! Lists a French adviser reads: the persons list pages 50 at a time with its neighbours' links (the search
//! kept), and says so when a search finds no one.

use crate::pages::{login, page};
use crate::{Backend, TestApp, email};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::json;

async fn persons_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token(&email("aci-jardins")).await;
    for n in 0..55 {
        let body = json!({"first_name": format!("Prénom{n}"), "last_name": "Paginé", "confirmed_new": true});
        let (s, created) = app.call(&token, Method::POST, "/api/v1/persons", Some(body)).await;
        assert_eq!(s, S::CREATED, "{created}");
    }
    let session = login(&app, "aci-jardins").await;
    let (s, first) = page(&app, &session, "/personnes?q=pagin").await;
    assert_eq!(s, S::OK);
    assert!(
        first.contains("Personnes suivies (55)")
            && first.matches("Paginé Prénom").count() == 50
            && first.contains("href=\"/personnes?q=pagin&#38;page=2\">Page suivante")
            && !first.contains("Page précédente"),
        "{first}"
    );
    let (_, second) = page(&app, &session, "/personnes?q=pagin&page=2").await;
    assert!(
        second.matches("Paginé Prénom").count() == 5 && second.contains("Page précédente"),
        "{second}"
    );
    let (_, none) = page(&app, &session, "/personnes?q=introuvable").await;
    assert!(
        none.contains("Aucune personne suivie ne correspond à « introuvable »"),
        "{none}"
    );
}

#[tokio::test]
async fn persons_list_on_sqlite() {
    persons_list(Backend::Sqlite).await;
}

#[tokio::test]
async fn persons_list_on_postgres() {
    persons_list(Backend::Postgres).await;
}
