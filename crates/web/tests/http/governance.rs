//! Governance over HTTP on both databases: a committee seen by its members only (404 for others),
//! bad input answered 4xx with its code and nothing changed, idempotent creations, the invitation as
//! iCalendar, documents, minutes and the deadlines feed.

use crate::{Backend, TestApp, email, id, today};
use passerelle_domain::calendar::add_days;
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};

async fn governance(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let aci = app.token(&email("aci-jardins")).await;
    let outsider = app.token(&email("employeur-boulangerie")).await;
    let (ft_id, aci_id, ddets_id) = (
        app.org_id("ft-dijon").await,
        app.org_id("aci-jardins").await,
        app.org_id("ddets-21").await,
    );

    // The demo CTA: listed for members, 404 for an outsider.
    let (s, list) = app.get(&ft, "/api/v1/committees").await;
    assert_eq!(s, S::OK);
    let cta = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "cta")
        .unwrap()
        .clone();
    let cta_path = format!("/api/v1/committees/{}", id(&cta));
    let (s, body) = app.get(&outsider, &cta_path).await;
    assert_eq!((s, body["error"]["code"].as_str()), (S::NOT_FOUND, Some("not_found")));
    let (s, outsider_list) = app.get(&outsider, "/api/v1/committees").await;
    assert_eq!((s, outsider_list.as_array().unwrap().len()), (S::OK, 0));
    let (s, full) = app.get(&aci, &cta_path).await;
    assert_eq!(s, S::OK);
    assert_eq!(full["can_manage"], false);
    let past = full["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["held_on"].as_str().unwrap() < today().to_string().as_str())
        .unwrap()
        .clone();
    let (s, _) = app.get(&outsider, &format!("/api/v1/meetings/{}", id(&past))).await;
    assert_eq!(s, S::NOT_FOUND);

    // Creating a committee: bad input answers its code and creates nothing.
    let committee = json!({
        "kind": "regional_steering", "name": "Comité de pilotage régional", "department": "21",
        "secretary_organisation_id": ft_id,
        "members": [
            {"organisation_id": aci_id, "email": "aci@passerelle.test", "vote": "deliberative", "by_right": true},
            {"organisation_id": ddets_id, "email": "ddets@passerelle.test", "vote": "consultative"}
        ]
    });
    let before = app.count("committees").await;
    for (patch, status, code) in [
        (
            json!({"kind": "comite_secret"}),
            S::UNPROCESSABLE_ENTITY,
            "committee_kind_unknown",
        ),
        (json!({"name": "  "}), S::UNPROCESSABLE_ENTITY, "field_required"),
        (
            json!({"frequency": "weekly"}),
            S::UNPROCESSABLE_ENTITY,
            "frequency_unknown",
        ),
        (
            json!({"agenda_notice_days": 0}),
            S::UNPROCESSABLE_ENTITY,
            "agenda_notice_days_out_of_range",
        ),
        (
            json!({"members": [{"organisation_id": aci_id, "vote": "veto"}]}),
            S::UNPROCESSABLE_ENTITY,
            "vote_unknown",
        ),
        (
            json!({"secretary_organisation_id": aci_id}),
            S::FORBIDDEN,
            "committee_secretary_not_member",
        ),
        (
            json!({"agreement_ids": [uuid::Uuid::new_v4()]}),
            S::NOT_FOUND,
            "not_found",
        ),
        (json!({"unknown_field": 1}), S::BAD_REQUEST, "invalid_body"),
    ] {
        let mut body = committee.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, answer) = app.call(&ft, Method::POST, "/api/v1/committees", Some(body)).await;
        assert_eq!((s, answer["error"]["code"].as_str()), (status, Some(code)), "{patch}");
    }
    assert_eq!(app.count("committees").await, before);

    // Idempotent creation: the same key answers the same committee.
    let create = |key: &'static str| {
        app.http
            .post(app.url("/api/v1/committees"))
            .bearer_auth(&ft)
            .header("Idempotency-Key", key)
            .json(&committee)
            .send()
    };
    let first = create("copil-2026").await.unwrap();
    assert_eq!(first.status(), S::CREATED);
    let regional: Value = first.json().await.unwrap();
    let again = create("copil-2026").await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(id(&again.json::<Value>().await.unwrap()), id(&regional));
    assert_eq!(app.count("committees").await, before + 1);
    assert_eq!(regional["agenda_notice_days"], 10);

    // A meeting: bad input refused, then planned; its 10-day notice is in the answer.
    let meetings = format!("/api/v1/committees/{}/meetings", id(&regional));
    let held_on = add_days(today(), 30);
    for (body, code) in [
        (
            json!({"held_on": held_on, "start_time": "9h", "end_time": "12:00", "place": "Dijon"}),
            "time_invalid",
        ),
        (
            json!({"held_on": held_on, "start_time": "10:00", "end_time": "09:00", "place": "Dijon"}),
            "meeting_ends_before_start",
        ),
        (
            json!({"held_on": held_on, "start_time": "09:00", "end_time": "12:00"}),
            "meeting_place_required",
        ),
        (
            json!({"held_on": held_on, "start_time": "09:00", "end_time": "12:00", "video_link": "http://x"}),
            "video_link_invalid",
        ),
    ] {
        let (s, answer) = app.call(&ft, Method::POST, &meetings, Some(body.clone())).await;
        assert_eq!(
            (s, answer["error"]["code"].as_str()),
            (S::UNPROCESSABLE_ENTITY, Some(code)),
            "{body}"
        );
    }
    let (s, _) = app
        .call(
            &aci,
            Method::POST,
            &meetings,
            Some(json!({"held_on": held_on, "start_time": "09:00", "end_time": "12:00", "place": "Dijon"})),
        )
        .await;
    assert_eq!(s, S::FORBIDDEN);
    let (s, meeting) = app
        .call(&ft, Method::POST, &meetings, Some(json!({"held_on": held_on, "start_time": "09:30", "end_time": "12:00", "video_link": "https://visio.example/copil"})))
        .await;
    assert_eq!(s, S::CREATED, "{meeting}");
    assert_eq!(meeting["agenda_notice"]["status"], "due");
    assert_eq!(meeting["agenda_notice"]["due_on"], add_days(held_on, -10).to_string());
    let meeting_path = format!("/api/v1/meetings/{}", id(&meeting));

    // Agenda item proposed by the SIAE; the invitation downloadable as iCalendar.
    let (s, m) = app
        .call(
            &aci,
            Method::POST,
            &format!("{meeting_path}/agenda-items"),
            Some(json!({"organisation_id": aci_id, "title": "Accès aux POEC"})),
        )
        .await;
    assert_eq!((s, m["agenda"][0]["status"].as_str()), (S::CREATED, Some("proposed")));
    let item = m["agenda"][0]["id"].as_str().unwrap();
    let (s, m) = app
        .call(
            &ft,
            Method::POST,
            &format!("{meeting_path}/agenda-items/{item}/decision"),
            Some(json!({"accept": true})),
        )
        .await;
    assert_eq!((s, m["agenda"][0]["status"].as_str()), (S::OK, Some("accepted")));
    let r = app
        .http
        .get(app.url(&format!("{meeting_path}/invitation.ics")))
        .bearer_auth(&aci)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = r.text().await.unwrap();
    assert!(ics.contains("BEGIN:VEVENT") && ics.contains("Accès aux POEC") && ics.contains("TZID=Europe/Paris"));
    let r = app
        .http
        .get(app.url(&format!("{meeting_path}/invitation.ics")))
        .bearer_auth(&outsider)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::NOT_FOUND);

    // Documents: the type is checked; the bytes come back.
    let upload = |content_type: &'static str, body: &'static [u8]| {
        app.http
            .post(app.url(&format!("{meeting_path}/documents?file_name=bilan.pdf")))
            .bearer_auth(&ft)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let r = upload("application/x-msdownload", b"MZ").await.unwrap();
    assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "document_type_not_allowed"
    );
    let r = upload("application/pdf", b"%PDF-1.4").await.unwrap();
    assert_eq!(r.status(), S::CREATED);
    let m: Value = r.json().await.unwrap();
    let doc = m["documents"][0]["id"].as_str().unwrap();
    let r = app
        .http
        .get(app.url(&format!("{meeting_path}/documents/{doc}")))
        .bearer_auth(&aci)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status(), r.bytes().await.unwrap().as_ref()),
        (S::OK, b"%PDF-1.4".as_ref())
    );

    // Invitations go to the outbox, one per member with an address.
    let outbox = app.count("outbox").await;
    let (s, m) = app
        .call(&ft, Method::POST, &format!("{meeting_path}/invitations"), None)
        .await;
    assert_eq!((s, m["agenda_notice"]["status"].as_str()), (S::OK, Some("on_time")));
    assert_eq!(app.count("outbox").await, outbox + 2);
    // A member cannot call it off; the secretary can, once.
    let cancel = format!("{meeting_path}/cancellation");
    let (s, body) = app.call(&aci, Method::POST, &cancel, None).await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::FORBIDDEN, Some("committee_secretary_only"))
    );
    let (s, m) = app.call(&ft, Method::POST, &cancel, None).await;
    assert_eq!((s, m["status"].as_str()), (S::OK, Some("cancelled")));
    assert_eq!(app.count("outbox").await, outbox + 4);
    let (s, body) = app.call(&ft, Method::POST, &cancel, None).await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::CONFLICT, Some("meeting_not_planned"))
    );

    // Minutes of the demo's past meeting: only the deliberative members validate.
    let past_path = format!("/api/v1/meetings/{}", id(&past));
    let (s, body) = app
        .call(
            &aci,
            Method::PUT,
            &format!("{past_path}/minutes"),
            Some(json!({"text": "x"})),
        )
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::FORBIDDEN, Some("committee_secretary_only"))
    );
    let ddets = app.token(&email("ddets-21")).await;
    let (s, body) = app
        .call(&ddets, Method::POST, &format!("{past_path}/minutes/validation"), None)
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::FORBIDDEN, Some("minutes_deliberative_only"))
    );
    let (s, m) = app
        .call(&aci, Method::POST, &format!("{past_path}/minutes/validation"), None)
        .await;
    assert_eq!(s, S::OK);
    assert_eq!(m["validated_by"].as_array().unwrap().len(), 1);
    assert!(
        m["minutes_validated_on"].is_null(),
        "three deliberative members still to validate"
    );

    // Deadlines: the secretary's agenda obligation and the decision of the demo's past meeting.
    let (s, due) = app
        .get(
            &ft,
            &format!(
                "/api/v1/deadlines?from={}&to={}",
                add_days(today(), -30),
                add_days(today(), 60)
            ),
        )
        .await;
    assert_eq!(s, S::OK);
    assert!(due.as_array().unwrap().iter().any(|d| d["source"] == "action_item"));
    // One organisation's to-do list; another's answers nothing.
    let (s, mine) = app
        .get(
            &aci,
            &format!(
                "/api/v1/deadlines?from={}&to={}&organisation_id={aci_id}",
                add_days(today(), -60),
                add_days(today(), 60)
            ),
        )
        .await;
    assert_eq!(s, S::OK);
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .all(|d| d["organisation_id"] == aci_id.to_string())
    );
    let (s, theirs) = app
        .get(&aci, &format!("/api/v1/deadlines?organisation_id={ft_id}"))
        .await;
    assert_eq!((s, theirs.as_array().unwrap().len()), (S::OK, 0));
    // The members were told in the application of the invitation.
    let (_, inbox) = app.get(&aci, "/api/v1/notifications").await;
    assert!(
        inbox
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["message"].as_str().unwrap().starts_with("Invitation")),
        "{inbox}"
    );
    let (s, body) = app
        .get(
            &ft,
            &format!("/api/v1/deadlines?from={}&to={}", today(), add_days(today(), -1)),
        )
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::UNPROCESSABLE_ENTITY, Some("period_invalid"))
    );
    let r = app
        .http
        .get(app.url("/api/v1/deadlines/calendar.ics"))
        .bearer_auth(&ft)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    let feed = r.text().await.unwrap();
    assert!(feed.contains("METHOD:PUBLISH") && feed.contains("CTA du bassin d'emploi de Dijon"));

    // Mutual-knowledge actions and their counts.
    let action = json!({"kind": "webinar", "held_on": today(), "topic": "L'offre de service France Travail",
        "department": "21", "participants": 25, "organisers": [ft_id], "participant_organisations": [aci_id]});
    let (s, _) = app
        .call(
            &ft,
            Method::POST,
            "/api/v1/mutual-knowledge-actions",
            Some(action.clone()),
        )
        .await;
    assert_eq!(s, S::CREATED);
    let (s, body) = app
        .call(&aci, Method::POST, "/api/v1/mutual-knowledge-actions", Some(action))
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::FORBIDDEN, Some("organiser_not_member"))
    );
    let (s, counts) = app
        .get(
            &aci,
            &format!(
                "/api/v1/mutual-knowledge-actions/counts?from={}&to={}&department=21",
                today(),
                today()
            ),
        )
        .await;
    assert_eq!(s, S::OK);
    assert!(
        counts
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "webinar" && c["actions"] == 1 && c["participants"] == 25)
    );
}

#[tokio::test]
async fn governance_on_sqlite() {
    governance(Backend::Sqlite).await;
}

#[tokio::test]
async fn governance_on_postgres() {
    governance(Backend::Postgres).await;
}

/// The pages: lists and details seen by members only, forms with CSRF, errors shown with nothing saved, the
/// month calendar and its iCalendar.
async fn governance_pages(backend: Backend) {
    use crate::pages::{csrf, login, page, post_and_follow, post_form};
    let app = TestApp::spawn(backend).await;
    let ft = login(&app, "ft-dijon").await;
    let aci = login(&app, "aci-jardins").await;
    let outsider = login(&app, "employeur-boulangerie").await;
    let (s, html) = page(&app, &ft, "/instances").await;
    assert_eq!(s, S::OK);
    assert!(html.contains("CTA du bassin d") && html.contains("Créer une instance"));
    let start = html.find("href=\"/instances/").unwrap() + 17;
    let cta = html[start..start + 36].to_owned();
    let (s, html) = page(&app, &outsider, "/instances").await;
    assert!(s == S::OK && !html.contains("CTA du bassin"));
    assert_eq!(
        page(&app, &outsider, &format!("/instances/{cta}")).await.0,
        S::NOT_FOUND
    );
    assert_eq!(page(&app, &ft, "/instances/pas-un-identifiant").await.0, S::NOT_FOUND);

    let (s, html) = page(&app, &ft, &format!("/instances/{cta}")).await;
    assert_eq!(s, S::OK);
    assert!(html.contains("Trimestrielle") && html.contains("feuille de route") && html.contains("Planifier"));
    let token = csrf(&html);
    // An error is shown on the page; nothing is saved.
    let meetings = app.count("meetings").await;
    let held_on = add_days(today(), 45).to_string();
    let form = |place: &'static str| {
        vec![
            ("csrf", token.clone()),
            ("held_on", held_on.clone()),
            ("start_time", "14:00".into()),
            ("end_time", "16:00".into()),
            ("place", place.into()),
        ]
    };
    let as_refs = |f: &[(&'static str, String)]| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let bad = as_refs(&form(""));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, html) = post_form(&app, &ft, &format!("/instances/{cta}/reunions"), &bad).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Indiquez le lieu de la réunion"), "{html}");
    // The planning form comes back as typed.
    for kept in [
        format!("value=\"{held_on}\""),
        "value=\"14:00\"".into(),
        "value=\"16:00\"".into(),
    ] {
        assert!(html.contains(&kept), "{kept} is kept");
    }
    assert_eq!(app.count("meetings").await, meetings);
    let (s, _) = post_form(
        &app,
        &ft,
        &format!("/instances/{cta}/reunions"),
        &[("csrf", "faux"), ("held_on", &held_on)],
    )
    .await;
    assert_eq!(s, S::FORBIDDEN);
    let good = as_refs(&form("Dijon, salle 2"));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .http
        .post(app.url(&format!("/instances/{cta}/reunions")))
        .header("cookie", format!("passerelle_session={ft}"))
        .form(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    let meeting = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(meeting.starts_with("/reunions/"));
    let planned = r.headers()["set-cookie"].to_str().unwrap();
    assert!(planned.starts_with("passerelle_notice=meeting_planned"), "{planned}");

    // The CTA opens its meeting with its department's Annex 1 table of the meeting's year.
    let (_, html) = page(&app, &ft, &meeting).await;
    let year = &held_on[..4];
    let start = html.find("href=\"/indicateurs?").expect("the indicators' link") + 6;
    let link = html[start..start + html[start..].find('"').unwrap()].replace("&#38;", "&");
    assert_eq!(
        link,
        format!("/indicateurs?from={year}-01-01&to={year}-12-31&granularity=quarter&dimension=siae_kind&department=21")
    );
    let (s, table) = page(&app, &ft, &link).await;
    assert!(s == S::OK && table.contains("Type de SIAE"), "{table}");

    // The SIAE proposes an agenda item from the meeting page; the secretary sees it to accept.
    let (s, html) = page(&app, &aci, &meeting).await;
    assert!(s == S::OK && html.contains("Proposer ce point") && !html.contains("Envoyer l'invitation"));
    let aci_id = app.org_id("aci-jardins").await.to_string();
    let (s, html) = post_and_follow(
        &app,
        &aci,
        &format!("{meeting}/points"),
        &[
            ("csrf", &csrf(&html)),
            ("organisation_id", &aci_id),
            ("title", "Formations POEC"),
        ],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER);
    assert!(
        html.contains("Point proposé : le secrétariat décide"),
        "the action is confirmed"
    );
    let (s, html) = page(&app, &ft, &meeting).await;
    assert!(
        s == S::OK
            && html.contains("Formations POEC")
            && html.contains("Retenir")
            && html.contains("Envoyer l'invitation")
    );
    let r = app
        .http
        .get(app.url(&format!("{meeting}/invitation.ics")))
        .header("cookie", format!("passerelle_session={aci}"))
        .send()
        .await
        .unwrap();
    assert!(r.status() == S::OK && r.text().await.unwrap().contains("BEGIN:VEVENT"));
    assert_eq!(page(&app, &outsider, &meeting).await.0, S::NOT_FOUND);

    // A mutual-knowledge action recorded from the committees page, shown in its list.
    let (_, html) = page(&app, &ft, "/instances").await;
    let ft_id = app.org_id("ft-dijon").await.to_string();
    let participant = format!("participant_{aci_id}");
    let today_text = today().to_string();
    let action = |participants: &'static str| {
        vec![
            ("csrf", csrf(&html)),
            ("kind", "information_session".to_owned()),
            ("held_on", today_text.clone()),
            ("title", "Présentation des SIAE aux conseillers".to_owned()),
            ("department", "21".to_owned()),
            ("participants", participants.to_owned()),
            ("organisation_id", ft_id.clone()),
            (participant.as_str(), "oui".to_owned()),
        ]
    };
    let before = app.count("mutual_knowledge_actions").await;
    let bad = action("beaucoup");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, html) = post_form(&app, &ft, "/interconnaissance", &bad).await;
    assert!(s == S::BAD_REQUEST && html.contains("nombre de participants"), "{s}");
    assert_eq!(app.count("mutual_knowledge_actions").await, before);
    let good = action("18");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _) = post_form(&app, &ft, "/interconnaissance", &good).await;
    assert_eq!(s, S::SEE_OTHER);
    let (_, html) = page(&app, &aci, "/instances").await;
    assert!(
        html.contains("Présentation des SIAE aux conseillers"),
        "the participant sees it too"
    );

    // The month calendar with the meeting, and its iCalendar; a bad month is refused.
    let month = &held_on[..7];
    let (s, html) = page(&app, &ft, &format!("/echeances?mois={month}")).await;
    assert_eq!(s, S::OK);
    assert!(html.contains("Réunion : 14:00 CTA du bassin d"), "{html}");
    let (s, html) = page(&app, &ft, "/echeances").await;
    assert!(s == S::OK && html.contains("aria-current=\"date\""));
    assert_eq!(page(&app, &ft, "/echeances?mois=2026-13").await.0, S::BAD_REQUEST);
    let (s, ics) = page(&app, &ft, &format!("/echeances.ics?mois={month}")).await;
    assert!(s == S::OK && ics.contains("METHOD:PUBLISH"));

    // Cancelling takes a ticked box, not one click; then the page confirms it. No page shows an API address.
    let (_, html) = page(&app, &ft, &meeting).await;
    assert!(
        !html.contains("/api/v1") && html.contains("Aucun document n'est encore joint"),
        "{html}"
    );
    let token = csrf(&html);
    let cancel = format!("{meeting}/annulation");
    let (s, html) = post_form(&app, &ft, &cancel, &[("csrf", &token)]).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Cochez « Je confirme l&#39;annulation »")
            || html.contains("Cochez « Je confirme l'annulation »"),
        "{html}"
    );
    assert!(!html.contains("– annulée"));
    let (s, html) = post_and_follow(&app, &ft, &cancel, &[("csrf", &token), ("confirm", "oui")]).await;
    assert_eq!(s, S::SEE_OTHER);
    assert!(
        html.contains("Réunion annulée : les membres invités en sont informés.") && html.contains("– annulée"),
        "{html}"
    );
}

#[tokio::test]
async fn governance_pages_on_sqlite() {
    governance_pages(Backend::Sqlite).await;
}

#[tokio::test]
async fn governance_pages_on_postgres() {
    governance_pages(Backend::Postgres).await;
}
