//! The forms of a person's PASS IAE page over HTTP on both databases: a refused post comes back with its 4xx, its
//! message linking to the form and every value typed in that form only, and changes nothing; a recorded one
//! redirects (303) to the page with a notice; the forms that end something (the exit, a prolongation decision)
//! are refused without their confirmation box.

use crate::pages::{csrf, login, page, post_and_follow, post_form};
use crate::{Backend, TestApp, email, today};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use time::Duration;

/// A person prescribed by France Travail and hired by the ACI 400 days ago: her approval is open, the ACI's forms
/// shown, and a prolongation may be asked (from 12 months before the end, RULES.md 1.4).
async fn hired(app: &TestApp) -> String {
    let ft = app.token(&email("ft-dijon")).await;
    let aci = app.token(&email("aci-jardins")).await;
    let (ft_id, aci_id) = (app.org_id("ft-dijon").await, app.org_id("aci-jardins").await);
    let post = |token: &str, path: &str, body: Value| {
        let (token, path) = (token.to_owned(), path.to_owned());
        async move { app.call(&token, Method::POST, &path, Some(body)).await }
    };
    let (s, person) = post(
        &ft,
        "/api/v1/persons",
        json!({"organisation_id": ft_id, "first_name": "Nora", "last_name": "Bernard", "birth_date": "1988-04-12",
        "consent_data_sharing": true, "consent_date": today()}),
    )
    .await;
    assert_eq!(s, S::CREATED, "{person}");
    let person = person["id"].as_str().unwrap().to_owned();
    let (s, d) = post(
        &ft,
        &format!("/api/v1/persons/{person}/diagnoses"),
        json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["rsa", "th"]}),
    )
    .await;
    assert!(s.is_success(), "{d}");
    let (s, p) = post(
        &ft,
        "/api/v1/prescriptions",
        json!({"prescriber_id": ft_id, "person_id": person, "siae_id": aci_id, "message": "Maraîchage",
        "person_consent": true}),
    )
    .await;
    assert!(s.is_success(), "{p}");
    let (s, step) = post(
        &aci,
        &format!("/api/v1/prescriptions/{}/steps", p["id"].as_str().unwrap()),
        json!({"status": "hired", "date": today() - Duration::days(400)}),
    )
    .await;
    assert_eq!(s, S::OK, "{step}");
    person
}

/// Posts a form that must be refused with `status` and `message`, and checks that nothing changed and that
/// the page came back with the error's link to the form and `kept` (pieces of HTML holding the typed values).
async fn refused(
    app: &TestApp,
    session: &str,
    path: &str,
    form: &[(&str, &str)],
    (status, message): (S, &str),
    (anchor, kept): (&str, &[String]),
) -> String {
    let before = app.snapshot().await;
    let (s, html) = post_form(app, session, path, form).await;
    assert!(s == status && html.contains(message), "{form:?}: {s} {html}");
    assert_eq!(app.snapshot().await, before, "{form:?} changed something");
    assert!(html.contains(&format!("href=\"#{anchor}\"")) && html.contains(&format!("id=\"{anchor}\"")));
    for piece in kept {
        assert!(html.contains(piece.as_str()), "{form:?}: {piece} not kept in {html}");
    }
    html
}

async fn approval_forms(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let person = hired(&app).await;
    let aci = login(&app, "aci-jardins").await;
    let approval = format!("/personnes/{person}/parcours-iae");
    let (s, html) = page(&app, &aci, &approval).await;
    assert!(s == S::OK && html.contains("Enregistrer un CDDI"), "{html}");
    let token = csrf(&html);
    let (from, short, to) = (
        today().to_string(),
        (today() + Duration::days(30)).to_string(),
        (today() + Duration::days(180)).to_string(),
    );

    // The CDDI: a contract too short is a rule (422), hours that are no number a bad input (400); each time the
    // form keeps what was typed and the other forms stay empty.
    let contract = format!("{approval}/contrat");
    let html = refused(
        &app,
        &aci,
        &contract,
        &[
            ("csrf", &token),
            ("from", &from),
            ("to", &short),
            ("weekly_hours", "26"),
        ],
        (S::UNPROCESSABLE_ENTITY, "4 mois"),
        (
            "formulaire-contrat",
            &[
                format!("id=\"cddi-from\" name=\"from\" value=\"{from}\""),
                format!("id=\"cddi-to\" name=\"to\" value=\"{short}\""),
                "name=\"weekly_hours\" value=\"26\"".to_owned(),
            ],
        ),
    )
    .await;
    assert!(
        html.contains("id=\"suspension-from\" name=\"from\" value=\"\""),
        "only the posted form is kept"
    );
    assert!(!html.contains("name=\"hours_derogation\" value=\"on\" checked"));
    refused(
        &app,
        &aci,
        &contract,
        &[
            ("csrf", &token),
            ("from", &from),
            ("to", &to),
            ("weekly_hours", "vingt"),
            ("hours_derogation", "on"),
        ],
        (S::BAD_REQUEST, "Indiquez un nombre entier (heures par semaine)"),
        (
            "formulaire-contrat",
            &[
                format!("id=\"cddi-to\" name=\"to\" value=\"{to}\""),
                "name=\"weekly_hours\" value=\"vingt\"".to_owned(),
                "name=\"hours_derogation\" value=\"on\" checked".to_owned(),
            ],
        ),
    )
    .await;
    let form = [
        ("csrf", token.as_str()),
        ("from", &from),
        ("to", &to),
        ("weekly_hours", "26"),
    ];
    let (s, html) = post_and_follow(&app, &aci, &contract, &form).await;
    assert!(s == S::SEE_OTHER && html.contains("Contrat enregistré."), "{s} {html}");
    assert!(html.contains("CDDI chez Les Jardins de la Combe"), "{html}");
    // The notice is shown once: the next visit has none.
    assert!(!page(&app, &aci, &approval).await.1.contains("Contrat enregistré."));

    // The prolongation request, decided by France Travail (an authorised prescriber): a decision without its box
    // is refused and the typed motive, action and choice come back; with it, the refusal is recorded.
    let ft_token = app.token(&email("ft-dijon")).await;
    let (_, a) = app.get(&ft_token, &format!("/api/v1/persons/{person}/approval")).await;
    let end: time::Date = serde_json::from_value(a["end"].clone()).unwrap();
    let asked = (end + Duration::days(200)).to_string();
    let justification = "Accompagnement santé à poursuivre";
    let form = [
        ("csrf", token.as_str()),
        ("reason", "rqth"),
        ("to", &asked),
        ("justification", justification),
    ];
    let (s, html) = post_and_follow(&app, &aci, &format!("{approval}/prolongation"), &form).await;
    assert!(
        s == S::SEE_OTHER && html.contains("Demande de prolongation enregistrée"),
        "{s} {html}"
    );
    let ft = login(&app, "ft-dijon").await;
    let (_, html) = page(&app, &ft, &approval).await;
    let ft_csrf = csrf(&html);
    let (_, a) = app.get(&ft_token, &format!("/api/v1/persons/{person}/approval")).await;
    let request = a["prolongation_requests"][0]["id"].as_str().unwrap().to_owned();
    let decision = format!("{approval}/{request}");
    let refusal = [
        ("csrf", ft_csrf.as_str()),
        ("decision", "refuse"),
        ("motive", "duration"),
        ("proposed_action", "Demander 120 jours"),
    ];
    refused(
        &app,
        &ft,
        &decision,
        &refusal,
        (S::UNPROCESSABLE_ENTITY, "Cochez la case de confirmation"),
        (
            &format!("formulaire-{request}"),
            &[
                "value=\"duration\" selected".to_owned(),
                ">Demander 120 jours</textarea>".to_owned(),
                format!("id=\"refuse-{request}\" name=\"decision\" value=\"refuse\" checked"),
                format!("id=\"confirm-{request}\" name=\"confirm\" value=\"oui\" required>"),
            ],
        ),
    )
    .await;
    let mut confirmed = refusal.to_vec();
    confirmed.push(("confirm", "oui"));
    let (s, html) = post_and_follow(&app, &ft, &decision, &confirmed).await;
    assert!(s == S::SEE_OTHER && html.contains("Prolongation refusée"), "{s} {html}");
    assert!(html.contains("Action proposée : Demander 120 jours"), "{html}");

    // An accompaniment action of the agency: a training without its hours comes back with its kind and title.
    let ft_id = app.org_id("ft-dijon").await.to_string();
    let action = [
        ("csrf", ft_csrf.as_str()),
        ("organisation_id", ft_id.as_str()),
        ("kind", "poec"),
        ("title", "POEC ouvrier maraîcher"),
        ("from", from.as_str()),
    ];
    refused(
        &app,
        &ft,
        &format!("{approval}/action"),
        &action,
        (S::UNPROCESSABLE_ENTITY, "heures"),
        (
            "formulaire-action",
            &[
                "value=\"poec\" selected".to_owned(),
                "name=\"title\" value=\"POEC ouvrier maraîcher\"".to_owned(),
                format!("id=\"action-from\" name=\"from\" value=\"{from}\""),
            ],
        ),
    )
    .await;
    let mut action = action.to_vec();
    action.push(("hours", "140"));
    let (s, html) = post_and_follow(&app, &ft, &format!("{approval}/action"), &action).await;
    assert!(
        s == S::SEE_OTHER && html.contains("Action d&#39;accompagnement ajoutée."),
        "{s} {html}"
    );

    // The exit review ends the pathway: without its box 422, in the future 422 (the coherence rule), each keeping the skills text and
    // the rest; then recorded with the notice saying what comes next.
    let exit = format!("{approval}/sortie");
    let skills = "Maraîchage biologique, conduite du motoculteur";
    let advice = "Viser un CDI en exploitation";
    let typed = |date: &str, confirm: bool| {
        vec![
            format!("id=\"exit-on\" name=\"from\" value=\"{date}\""),
            "value=\"cdi\" selected".to_owned(),
            format!(">{skills}</textarea>"),
            format!(">{advice}</textarea>"),
            format!(
                "name=\"confirm\" value=\"oui\" required{}>",
                if confirm { " checked" } else { "" }
            ),
        ]
    };
    let mut form = vec![
        ("csrf", token.as_str()),
        ("from", from.as_str()),
        ("outcome", "cdi"),
        ("skills", skills),
        ("comment", advice),
    ];
    refused(
        &app,
        &aci,
        &exit,
        &form,
        (
            S::UNPROCESSABLE_ENTITY,
            "Cochez la case de confirmation pour enregistrer la sortie",
        ),
        ("formulaire-sortie", &typed(&from, false)),
    )
    .await;
    form.push(("confirm", "oui"));
    let tomorrow = (today() + Duration::days(1)).to_string();
    let after_today = format!(
        "est après aujourd&#39;hui, le {} : le bilan de sortie s&#39;enregistre le jour de la sortie",
        passerelle_domain::french::date(today())
    );
    let mut future = form.clone();
    future[1] = ("from", tomorrow.as_str());
    refused(
        &app,
        &aci,
        &exit,
        &future,
        (S::UNPROCESSABLE_ENTITY, &after_today),
        ("formulaire-sortie", &typed(&tomorrow, true)),
    )
    .await;
    let (s, html) = post_and_follow(&app, &aci, &exit, &form).await;
    assert!(
        s == S::SEE_OTHER
            && html.contains("Bilan de sortie enregistré : le suivi à 6 mois apparaîtra dans « À faire ».")
            && html.contains(&format!("Compétences : {skills}")),
        "{s} {html}"
    );
}

#[tokio::test]
async fn approval_forms_on_sqlite() {
    approval_forms(Backend::Sqlite).await;
}

#[tokio::test]
async fn approval_forms_on_postgres() {
    approval_forms(Backend::Postgres).await;
}
