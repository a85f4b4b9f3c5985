//! The home page leads to today's work: each kind of the to-do list with its count, its earliest date and the
//! page where it is done, and the unread notifications; a referral waiting for the SIAE is on its to-do list.

use crate::pages::{csrf, login, page, post_and_follow};
use crate::{Backend, TestApp, email, id};
use reqwest::StatusCode as S;

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

    // The menu carries the home's counts on every page: one referral on « Candidatures », one under « Personnes ».
    let (_, offers) = page(&app, &aci, "/offres").await;
    let badge = |n: usize| {
        format!(
            "<span class=\"fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon\">{n}<span class=\"fr-sr-only\"> à traiter</span></span>"
        )
    };
    assert!(
        offers.contains(&format!(">Candidatures {}</a>", badge(1)))
            && offers.contains(&format!(">Personnes {}</button>", badge(1))),
        "{offers}"
    );

    // Its answer on the referral sheet takes it off the list at once, on the menu as on the home; the
    // prescriber's home counts the notification.
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
    let steps = format!("/prescriptions/{sheet}/etapes");
    let (_, form) = page(&app, &aci, &format!("/prescriptions/{sheet}")).await;
    let answer = [
        ("csrf", csrf(&form)),
        ("status", "refused".into()),
        ("motive", "no_position".into()),
    ];
    let answer: Vec<(&str, &str)> = answer.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, answered) = post_and_follow(&app, &aci, &steps, &answer).await;
    assert_eq!(s, S::SEE_OTHER, "{answered}");
    assert!(!answered.contains(&badge(1)), "{answered}");
    let (_, offers) = page(&app, &aci, "/offres").await;
    assert!(!offers.contains("> à traiter</span>"), "{offers}");
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
