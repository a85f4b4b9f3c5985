//! Dated facts that contradict the person's IAE pathway are refused through the API with a 422, a stable code
//! and a French message naming the conflicting dates, and nothing is written (domain
//! `pathways::iae::coherence`): an exit before the hiring, a tripartite interview recorded before it is held,
//! a CDDI ending after the PASS IAE, a prolongation asked before its window opens; the approval page's forms
//! likewise.

use crate::pages::{csrf, login, page, post_form};
use crate::{Backend, TestApp, email, id, today};
use passerelle_domain::calendar::{add_months, french_date};
use reqwest::StatusCode as S;
use serde_json::json;
use time::{Date, Duration};

/// A person prescribed by the France Travail agency and hired by the demo ACI on `hired_on`.
pub(crate) async fn hired(app: &TestApp, hired_on: Date) -> String {
    let ft = app.token(&email("ft-dijon")).await;
    let aci = app.token(&email("aci-jardins")).await;
    let (ft_id, aci_id) = (app.org_id("ft-dijon").await, app.org_id("aci-jardins").await);
    let (_, person) = app
        .post(
            &ft,
            "/api/v1/persons",
            json!({"organisation_id": ft_id, "first_name": "Inès", "last_name": "Moreau",
            "birth_date": "1988-04-12", "consent_data_sharing": true, "consent_date": today()}),
        )
        .await;
    let person_id = id(&person);
    app.post(
        &ft,
        &format!("/api/v1/persons/{person_id}/diagnoses"),
        json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["rsa"]}),
    )
    .await;
    let (_, sheet) = app
        .post(
            &ft,
            "/api/v1/prescriptions",
            json!({"prescriber_id": ft_id, "person_id": person_id, "siae_id": aci_id,
            "message": "Maraîchage", "person_consent": true}),
        )
        .await;
    let (s, b) = app
        .post(
            &aci,
            &format!("/api/v1/prescriptions/{}/steps", id(&sheet)),
            json!({"status": "hired", "date": hired_on}),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    person_id
}

fn message(answer: &serde_json::Value) -> &str {
    answer["error"]["message"].as_str().unwrap_or_default()
}

async fn coherence(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.token(&email("aci-jardins")).await;
    let aci_id = app.org_id("aci-jardins").await;
    let hired_on = today() - Duration::days(100);
    let person_id = hired(&app, hired_on).await;

    // 1. An exit before the hiring (and so before the PASS IAE it opened) names both dates.
    let exits = format!("/api/v1/persons/{person_id}/exit-reviews");
    let before_hiring = hired_on - Duration::days(7);
    let b = app
        .refused(
            &aci,
            &exits,
            json!({"exit_on": before_hiring, "outcome": "cdi", "skills": "Maraîchage"}),
            S::UNPROCESSABLE_ENTITY,
            "exit_before_hiring",
        )
        .await;
    let expected = format!(
        "La sortie du {} précède l'embauche du {}",
        french_date(before_hiring),
        french_date(hired_on)
    );
    assert!(message(&b).starts_with(&expected), "{b}");

    // 2. A tripartite interview « tenu » tomorrow is to record on the day it is held.
    let interviews = format!("/api/v1/persons/{person_id}/tripartite-interviews");
    let tomorrow = today() + Duration::days(1);
    let b = app
        .refused(
            &aci,
            &interviews,
            json!({"held_on": tomorrow, "notes": "Projet : maraîchage en entreprise."}),
            S::UNPROCESSABLE_ENTITY,
            "interview_in_future",
        )
        .await;
    assert!(
        message(&b).contains(&french_date(tomorrow)) && message(&b).contains("enregistrez-le le jour"),
        "{b}"
    );

    // 3. A CDDI ending the day after the PASS IAE (730 days from the hiring) names the PASS's dates.
    let contracts = format!("/api/v1/persons/{person_id}/contracts");
    let pass_end = hired_on + Duration::days(729);
    let cddi = |ends_on: Date| {
        json!({"siae_id": aci_id, "starts_on": pass_end - Duration::days(200), "ends_on": ends_on,
            "weekly_hours": 26})
    };
    let b = app
        .refused(
            &aci,
            &contracts,
            cddi(pass_end + Duration::days(1)),
            S::UNPROCESSABLE_ENTITY,
            "contract_ends_after_approval",
        )
        .await;
    let expected = format!(
        "Le contrat finit le {}, hors du PASS IAE de la personne, qui court du {} au {}",
        french_date(pass_end + Duration::days(1)),
        french_date(hired_on),
        french_date(pass_end)
    );
    assert!(message(&b).starts_with(&expected), "{b}");
    assert_eq!(b["error"]["field"].as_str(), Some("ends_on"), "{b}");

    // 4. A prolongation is asked from 12 months before the PASS's end (platform, RULES.md 1.4): hired 100 days
    // ago, the window opens in about 8 months, on the day the refusal names.
    let opens = add_months(pass_end, -12);
    let b = app
        .refused(
            &aci,
            &format!("/api/v1/persons/{person_id}/approval/prolongations"),
            json!({"reason": "training", "to": pass_end + Duration::days(90), "justification": "CACES en cours"}),
            S::UNPROCESSABLE_ENTITY,
            "prolongation_window_not_open",
        )
        .await;
    let expected = format!(
        "Prolongation refusée : elle se demande à partir du {}, 12 mois avant la fin du PASS IAE le {}",
        french_date(opens),
        french_date(pass_end)
    );
    assert!(message(&b).starts_with(&expected), "{b}");

    // The approval page's forms go through the same rules: a French message on the page, nothing written.
    let session = login(&app, "aci-jardins").await;
    let approval = format!("/personnes/{person_id}/parcours-iae");
    let (_, html) = page(&app, &session, &approval).await;
    let token = csrf(&html);
    let (tomorrow, before_hiring) = (tomorrow.to_string(), before_hiring.to_string());
    let prolonged_to = (pass_end + Duration::days(90)).to_string();
    for (action, form, words) in [
        (
            "entretien",
            vec![
                ("csrf", token.as_str()),
                ("from", tomorrow.as_str()),
                ("notes", "Projet"),
            ],
            vec!["pas encore eu lieu".to_owned()],
        ),
        (
            "sortie",
            vec![
                ("csrf", token.as_str()),
                ("from", before_hiring.as_str()),
                ("outcome", "cdi"),
                ("skills", "Maraîchage"),
                ("confirm", "oui"),
            ],
            vec!["précède".to_owned(), french_date(hired_on)],
        ),
        (
            "prolongation",
            vec![
                ("csrf", token.as_str()),
                ("reason", "training"),
                ("to", prolonged_to.as_str()),
                ("justification", "CACES en cours"),
            ],
            vec!["12 mois avant la fin".to_owned(), french_date(opens)],
        ),
    ] {
        let before = app.snapshot().await;
        let (s, html) = post_form(&app, &session, &format!("{approval}/{action}"), &form).await;
        assert!(
            s == S::UNPROCESSABLE_ENTITY && words.iter().all(|w| html.contains(w.as_str())),
            "{action}: {s} {html}"
        );
        assert_eq!(app.snapshot().await, before, "{action} changed something");
    }

    // The same facts on their limits are recorded: a CDDI to the PASS's last day, an interview held today,
    // an exit on the hiring day.
    let (s, b) = app.post(&aci, &contracts, cddi(pass_end)).await;
    assert_eq!(s, S::CREATED, "{b}");
    let (s, b) = app
        .post(
            &aci,
            &interviews,
            json!({"held_on": today(), "notes": "Projet : maraîchage en entreprise."}),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    let (s, b) = app
        .post(
            &aci,
            &exits,
            json!({"exit_on": hired_on, "outcome": "cdi", "skills": "Maraîchage"}),
        )
        .await;
    assert_eq!(
        (s, b["exit_reviews"][0]["exit_on"].clone()),
        (S::OK, json!(hired_on)),
        "{b}"
    );
}

/// A CDDI running past the PASS IAE is explained by a prolongation asked and pending that covers its end
/// (R5132-1-8; RULES.md 1.4: asked up to 6 months after the end): refused before the request, recorded after,
/// with the explanation kept.
async fn contract_explained(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.token(&email("aci-jardins")).await;
    let aci_id = app.org_id("aci-jardins").await;
    // Hired 400 days ago: the prolongation window is open (12 months before the end).
    let hired_on = today() - Duration::days(400);
    let person_id = hired(&app, hired_on).await;
    let pass_end = hired_on + Duration::days(729);
    let contracts = format!("/api/v1/persons/{person_id}/contracts");
    let cddi = json!({"siae_id": aci_id, "starts_on": pass_end - Duration::days(90), "ends_on": pass_end + Duration::days(60),
        "weekly_hours": 26});
    app.refused(
        &aci,
        &contracts,
        cddi.clone(),
        S::UNPROCESSABLE_ENTITY,
        "contract_ends_after_approval",
    )
    .await;
    let (s, a) = app
        .post(
            &aci,
            &format!("/api/v1/persons/{person_id}/approval/prolongations"),
            json!({"reason": "particular_difficulties", "to": pass_end + Duration::days(120),
                "justification": "Freins périphériques à lever"}),
        )
        .await;
    assert_eq!(
        a["prolongation_requests"][0]["status"].as_str(),
        Some("pending"),
        "{s} {a}"
    );
    let (s, c) = app.post(&aci, &contracts, cddi).await;
    assert_eq!(s, S::CREATED, "{c}");
    let expected = format!(
        "Le contrat finit le {}, après la fin de l'agrément ou du PASS IAE le {} : une prolongation jusqu'au {} est \
         demandée, en attente de décision",
        french_date(pass_end + Duration::days(60)),
        french_date(pass_end),
        french_date(pass_end + Duration::days(120))
    );
    assert!(c["explanation"].as_str().unwrap_or_default().contains(&expected), "{c}");
}

#[tokio::test]
async fn contract_explained_on_sqlite() {
    contract_explained(Backend::Sqlite).await;
}

#[tokio::test]
async fn contract_explained_on_postgres() {
    contract_explained(Backend::Postgres).await;
}

#[tokio::test]
async fn iae_coherence_on_sqlite() {
    coherence(Backend::Sqlite).await;
}

#[tokio::test]
async fn iae_coherence_on_postgres() {
    coherence(Backend::Postgres).await;
}
