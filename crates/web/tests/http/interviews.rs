//! The tripartite interview scheduled, moved, cancelled and held (Accord régional BFC 2016, fiche action 7:
//! « Réaliser des entretiens tripartites, 2 à 3 mois avant la fin du contrat ou de l'agrément (SIAE, référent PE
//! et salariés) »): through the API with its 4xx codes and its invitations in the outbox (iCalendar), on the
//! to-do lists (« Entretien tripartite prévu le … » while it is to hold), and through the approval page's forms.

use crate::iae::coherence::hired;
use crate::pages::{csrf, login, page, post_and_follow, post_form};
use crate::{Backend, TestApp, email, today};
use passerelle_domain::calendar::french_date;
use passerelle_store::infra::sql::{Executor, query};
use reqwest::{Method, StatusCode as S};
use serde_json::{Value, json};
use time::Duration;

/// The mails of the interview's invitations: recipient, subject, body, attachment; oldest first.
async fn invitations(app: &TestApp) -> Vec<(String, String, String, String)> {
    let mut db = app.store.pool().clone();
    db.fetch_all(query(
        "SELECT recipient, subject, body, attachment FROM outbox WHERE dedupe_key LIKE 'interview:%' \
             ORDER BY created_at, recipient",
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get("recipient").unwrap(),
            r.get("subject").unwrap(),
            r.get("body").unwrap(),
            r.get::<Option<String>>("attachment").unwrap().unwrap_or_default(),
        )
    })
    .collect()
}

/// A refused call: its status and code, and neither an interview nor a mail written.
async fn refused(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>, status: S, code: &str) {
    let before = (
        app.count("scheduled_interviews").await,
        app.count("outbox").await,
        app.count("tripartite_interviews").await,
        app.snapshot().await,
    );
    let (s, b) = app.call(token, method, path, body).await;
    assert_eq!((s, b["error"]["code"].as_str()), (status, Some(code)), "{path}: {b}");
    assert!(!b["error"]["message"].as_str().unwrap_or_default().is_empty(), "{b}");
    let after = (
        app.count("scheduled_interviews").await,
        app.count("outbox").await,
        app.count("tripartite_interviews").await,
        app.snapshot().await,
    );
    assert_eq!(after, before, "{path}: a refused request changed something");
}

/// The caller's to-do item of the person's interview.
async fn todo_item(app: &TestApp, token: &str, person_id: &str) -> Option<Value> {
    let (s, todo) = app.get(token, "/api/v1/todo").await;
    assert_eq!(s, S::OK, "{todo}");
    todo.as_array()
        .unwrap()
        .iter()
        .find(|t| t["person_id"] == person_id && t["what"] == "tripartite_interview")
        .cloned()
}

async fn obligation_done(app: &TestApp, person_id: &str) -> bool {
    let mut db = app.store.pool().clone();
    let r = db
        .fetch_one(
            query(
                "SELECT COUNT(*) AS n FROM obligations WHERE source = 'tripartite_interview' AND source_key = $1 \
                 AND done_at IS NULL",
            )
            .bind(person_id),
        )
        .await
        .unwrap();
    r.get::<i64>("n").unwrap() == 0
}

async fn interviews_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (aci, ft) = (
        app.token(&email("aci-jardins")).await,
        app.token(&email("ft-dijon")).await,
    );
    let (aci_id, ft_id) = (app.org_id("aci-jardins").await, app.org_id("ft-dijon").await);
    let hired_on = today() - Duration::days(100);
    let person_id = hired(&app, hired_on).await;
    let mut db = app.store.pool().clone();
    db.execute(query("UPDATE persons SET email = 'ines.moreau@example.org' WHERE id = $1").bind(uuid(&person_id)))
        .await
        .unwrap();
    // A CDDI ending in 70 days: the interview is due now (2 to 3 months before), before that end.
    let contract_end = today() + Duration::days(70);
    let (s, b) = app
        .call(
            &aci,
            Method::POST,
            &format!("/api/v1/persons/{person_id}/contracts"),
            Some(json!({"siae_id": aci_id, "starts_on": hired_on, "ends_on": contract_end, "weekly_hours": 26})),
        )
        .await;
    assert_eq!(s, S::CREATED, "{b}");
    let due = todo_item(&app, &aci, &person_id).await.expect("the interview is due");
    assert!(
        due["explanation"]
            .as_str()
            .unwrap()
            .starts_with("Entretien tripartite (SIAE"),
        "{due}"
    );

    // Refused: in the past, after the contract's end, nowhere, at no time, by an organisation not a party.
    let schedules = format!("/api/v1/persons/{person_id}/scheduled-interviews");
    let planned_on = today() + Duration::days(10);
    let at = |on: time::Date, place: Value| json!({"organisation_id": aci_id, "planned_on": on, "start_time": "10:00", "place": place});
    for (body, status, code) in [
        (
            at(today() - Duration::days(1), json!("Jardins")),
            S::UNPROCESSABLE_ENTITY,
            "interview_in_past",
        ),
        (
            at(contract_end + Duration::days(1), json!("Jardins")),
            S::UNPROCESSABLE_ENTITY,
            "interview_after_end",
        ),
        (
            at(planned_on, json!(null)),
            S::UNPROCESSABLE_ENTITY,
            "interview_place_required",
        ),
        (
            json!({"organisation_id": aci_id, "planned_on": planned_on, "start_time": "25:00", "place": "Jardins"}),
            S::UNPROCESSABLE_ENTITY,
            "time_invalid",
        ),
    ] {
        refused(&app, &aci, Method::POST, &schedules, Some(body), status, code).await;
    }
    let (s, b) = app
        .call(
            &aci,
            Method::POST,
            &schedules,
            Some(at(contract_end + Duration::days(1), json!("J"))),
        )
        .await;
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&french_date(contract_end)),
        "{s} {b}"
    );

    // The SIAE schedules it: every invitee gets a French mail with the iCalendar invitation.
    let (s, b) = app
        .call(
            &aci,
            Method::POST,
            &schedules,
            Some(at(planned_on, json!("Jardins de Cocagne, Dijon"))),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    let scheduled = &b["scheduled_interview"];
    let when = format!("le {} à 10 h 00, Jardins de Cocagne, Dijon", french_date(planned_on));
    assert_eq!(scheduled["when_and_where"], json!(when), "{b}");
    let interview_id = scheduled["id"].as_str().unwrap().to_owned();
    let mails = invitations(&app).await;
    let to: Vec<&str> = mails.iter().map(|m| m.0.as_str()).collect();
    for invitee in ["ines.moreau@example.org", &email("aci-jardins"), &email("ft-dijon")] {
        assert!(to.contains(&invitee), "{invitee} not invited: {to:?}");
    }
    let person_mail = mails.iter().find(|m| m.0 == "ines.moreau@example.org").unwrap();
    assert!(
        person_mail.2.starts_with("Bonjour Inès,\n\nVotre entretien tripartite"),
        "{}",
        person_mail.2
    );
    assert!(person_mail.2.contains(&when), "{}", person_mail.2);
    let staff_mail = mails.iter().find(|m| m.0 == email("ft-dijon")).unwrap();
    assert!(
        staff_mail.2.contains("L'entretien tripartite de Inès M. est prévu"),
        "{}",
        staff_mail.2
    );
    assert!(
        !staff_mail.2.contains("Moreau"),
        "the staff's mail names the person by initial"
    );
    assert_eq!(staff_mail.1, format!("Entretien tripartite prévu : {when}"));
    let ics = &staff_mail.3;
    let start = format!(
        "DTSTART;TZID=Europe/Paris:{}T100000",
        planned_on.to_string().replace('-', "")
    );
    for line in [
        "METHOD:REQUEST",
        "SEQUENCE:0",
        &start,
        &format!("UID:{interview_id}@passerelle"),
    ] {
        assert!(ics.contains(line), "{line} missing from {ics}");
    }
    let invited = mails.len();

    // Scheduled, the interview is still to hold: « prévu le … » on both to-do lists, the obligation open.
    for token in [&aci, &ft] {
        let item = todo_item(&app, token, &person_id).await.expect("still due");
        assert_eq!(
            item["explanation"].as_str().unwrap(),
            format!(
                "Entretien tripartite prévu {when} (accord régional IAE Bourgogne-Franche-Comté 2016, fiche action 7)."
            )
        );
    }
    assert!(!obligation_done(&app, &person_id).await);

    // One at a time; the SPE referent did not schedule it and is not the SIAE: it may neither move nor cancel it.
    refused(
        &app,
        &aci,
        Method::POST,
        &schedules,
        Some(at(planned_on, json!("Ailleurs"))),
        S::CONFLICT,
        "interview_already_scheduled",
    )
    .await;
    let one = format!("/api/v1/scheduled-interviews/{interview_id}");
    let moved = json!({"planned_on": planned_on + Duration::days(1), "start_time": "14:30", "remote": true,
        "place": "https://visio.example.org/entretien"});
    refused(
        &app,
        &ft,
        Method::PUT,
        &one,
        Some(moved.clone()),
        S::FORBIDDEN,
        "not_interview_party",
    )
    .await;
    refused(
        &app,
        &aci,
        Method::PUT,
        &one,
        Some(json!({"planned_on": contract_end + Duration::days(1),
        "start_time": "10:00", "place": "J"})),
        S::UNPROCESSABLE_ENTITY,
        "interview_after_end",
    )
    .await;

    // Moved: the invitees get the invitation again, one sequence later.
    let (s, b) = app.call(&aci, Method::PUT, &one, Some(moved)).await;
    assert_eq!(s, S::OK, "{b}");
    let when = format!(
        "le {} à 14 h 30, à distance (https://visio.example.org/entretien)",
        french_date(planned_on + Duration::days(1))
    );
    assert_eq!(b["scheduled_interview"]["when_and_where"], json!(when), "{b}");
    let mails = invitations(&app).await;
    assert_eq!(mails.len(), 2 * invited, "one more mail per invitee");
    let moved_mail = mails.iter().rev().find(|m| m.0 == email("ft-dijon")).unwrap();
    assert_eq!(moved_mail.1, format!("Entretien tripartite déplacé : {when}"));
    assert!(
        moved_mail.3.contains("SEQUENCE:1") && moved_mail.3.contains("METHOD:REQUEST"),
        "{}",
        moved_mail.3
    );

    // Cancelled: the cancellation goes out; it cannot be cancelled twice; the SPE referent schedules the next one.
    let (s, b) = app.call(&aci, Method::POST, &format!("{one}/cancellation"), None).await;
    assert_eq!((s, &b["scheduled_interview"]), (S::OK, &Value::Null), "{b}");
    let mails = invitations(&app).await;
    assert_eq!(mails.len(), 3 * invited);
    assert!(
        mails
            .iter()
            .rev()
            .take(invited)
            .all(|m| m.1.starts_with("Entretien tripartite annulé")
                && m.3.contains("METHOD:CANCEL")
                && m.3.contains("SEQUENCE:2"))
    );
    refused(
        &app,
        &aci,
        Method::POST,
        &format!("{one}/cancellation"),
        None,
        S::CONFLICT,
        "interview_not_scheduled",
    )
    .await;
    let by_ft = json!({"organisation_id": ft_id, "planned_on": today(), "start_time": "09:00",
        "place": "Agence France Travail, Dijon"});
    let (s, b) = app.call(&ft, Method::POST, &schedules, Some(by_ft)).await;
    assert_eq!(s, S::OK, "{b}");
    assert_eq!(
        b["scheduled_interview"]["scheduled_by_name"],
        json!("Agence France Travail Dijon Drapeau"),
        "{b}"
    );

    // Held: not without the person; with them, it closes the one scheduled and the obligation.
    let held = format!("/api/v1/persons/{person_id}/tripartite-interviews");
    let with = |person: bool, siae: bool| {
        json!({"held_on": today(), "notes": "Projet : maraîchage en entreprise.",
            "attendees": {"person": person, "siae": siae, "referent": false}})
    };
    refused(
        &app,
        &aci,
        Method::POST,
        &held,
        Some(with(false, true)),
        S::UNPROCESSABLE_ENTITY,
        "interview_person_absent",
    )
    .await;
    refused(
        &app,
        &aci,
        Method::POST,
        &held,
        Some(with(true, false)),
        S::UNPROCESSABLE_ENTITY,
        "interview_siae_absent",
    )
    .await;
    let (s, b) = app.call(&aci, Method::POST, &held, Some(with(true, true))).await;
    assert_eq!(s, S::OK, "{b}");
    assert_eq!(b["scheduled_interview"], Value::Null, "{b}");
    let last = b["interviews"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            &last["person_present"],
            &last["siae_present"],
            &last["referent_present"]
        ),
        (&json!(true), &json!(true), &json!(false)),
        "{b}"
    );
    assert!(todo_item(&app, &aci, &person_id).await.is_none());
    assert!(obligation_done(&app, &person_id).await);
    let mut db = app.store.pool().clone();
    let status: String = db
        .fetch_one(query("SELECT status FROM scheduled_interviews WHERE scheduled_by = $1").bind(ft_id))
        .await
        .unwrap()
        .get("status")
        .unwrap();
    assert_eq!(status, "held");
    let scheduled_events: i64 = db
        .fetch_one(query(
            "SELECT COUNT(*) AS n FROM events WHERE action LIKE 'exit.interview_%'",
        ))
        .await
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(
        scheduled_events, 5,
        "scheduled, moved, cancelled, scheduled, held: each journaled"
    );
}

fn uuid(id: &str) -> uuid::Uuid {
    uuid::Uuid::parse_str(id).unwrap()
}

#[tokio::test]
async fn interviews_api_on_sqlite() {
    interviews_api(Backend::Sqlite).await;
}

#[tokio::test]
async fn interviews_api_on_postgres() {
    interviews_api(Backend::Postgres).await;
}

/// The approval page: schedule (values kept when refused, notice when done), then hold with who attended.
async fn interviews_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let person_id = hired(&app, today() - Duration::days(100)).await;
    let session = login(&app, "aci-jardins").await;
    let approval = format!("/personnes/{person_id}/parcours-iae");
    let (_, html) = page(&app, &session, &approval).await;
    assert!(html.contains("Prévoir l'entretien tripartite"), "{html}");
    let token = csrf(&html);
    let aci_id = app.org_id("aci-jardins").await.to_string();
    let planned_on = (today() + Duration::days(12)).to_string();
    let mut form = vec![
        ("csrf", token.as_str()),
        ("organisation_id", aci_id.as_str()),
        ("from", planned_on.as_str()),
        ("start_time", "09:30"),
        ("place", ""),
    ];
    let (s, html) = post_form(&app, &session, &format!("{approval}/entretien-prevu"), &form).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains("Indiquez le lieu de l&#39;entretien") || html.contains("Indiquez le lieu de l'entretien"),
        "{html}"
    );
    assert!(
        html.contains(&format!("value=\"{planned_on}\"")) && html.contains("value=\"09:30\""),
        "values kept"
    );
    form[4] = ("place", "Jardins de Cocagne");
    let (s, html) = post_and_follow(&app, &session, &format!("{approval}/entretien-prevu"), &form).await;
    assert!(s.is_redirection() || s == S::OK, "{s}");
    assert!(
        html.contains("Entretien tripartite prévu : la personne (si son courriel est connu), la SIAE"),
        "notice: {html}"
    );
    let when = format!(
        "prévu le {} à 9 h 30, Jardins de Cocagne",
        french_date(today() + Duration::days(12))
    );
    assert!(html.contains(&when), "{html}");
    assert!(html.contains("Déplacer l&#39;entretien tripartite") || html.contains("Déplacer l'entretien tripartite"));

    // Held without the person's box ticked: refused, the notes kept.
    let token = csrf(&html);
    let today = today().to_string();
    let held = [
        ("csrf", token.as_str()),
        ("from", today.as_str()),
        ("notes", "Bilan : projet en maraîchage."),
        ("siae_present", "on"),
    ];
    let (s, html) = post_form(&app, &session, &format!("{approval}/entretien"), &held).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains("sans la personne") && html.contains("Bilan : projet en maraîchage."),
        "{html}"
    );
    let mut held = held.to_vec();
    held.push(("person_present", "on"));
    let (_, html) = post_and_follow(&app, &session, &format!("{approval}/entretien"), &held).await;
    assert!(html.contains("Entretien tripartite enregistré."), "{html}");
    assert!(
        html.contains("(référent du service public de l&#39;emploi absent)")
            || html.contains("(référent du service public de l'emploi absent)"),
        "{html}"
    );
    assert!(!html.contains(&when), "the scheduled interview is closed");
}

#[tokio::test]
async fn interviews_page_on_sqlite() {
    interviews_page(Backend::Sqlite).await;
}

#[tokio::test]
async fn interviews_page_on_postgres() {
    interviews_page(Backend::Postgres).await;
}
