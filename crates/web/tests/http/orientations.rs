//! Orientations over HTTP on both databases: an ESAT orients a worker to the Mission locale through the API, which
//! takes the person on; then, through the pages, to Cap emploi, which finds it on its home page and refuses with a
//! reason that the ESAT reads on the person's page. Bad input is a 4xx with its code and a French message, with
//! every value kept in the form; another structure neither sees nor answers an orientation.

use crate::pages::{csrf, login, page, post_and_follow, post_form};
use crate::{Backend, TestApp, email};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};

async fn orientations(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let esat = app.token(&email("esat-ouche")).await;
    let ml = app.token(&email("ml-dijon")).await;
    let suzon = app.token(&email("esat-suzon")).await;
    let esat_id = app.org_id("esat-ouche").await;
    let (ml_id, cap_id, aci_id) = (
        app.org_id("ml-dijon").await,
        app.org_id("cap-emploi").await,
        app.org_id("aci-jardins").await,
    );
    let (_, found) = app.get(&esat, "/api/v1/persons?q=Caron").await;
    let caron = crate::id(&found["items"][0]);

    // The prescribers offered: authorised ones only.
    let (s, prescribers) = app.get(&esat, "/api/v1/orientations/prescribers").await;
    assert_eq!(s, S::OK);
    let ids: Vec<String> = prescribers.as_array().unwrap().iter().map(crate::id).collect();
    assert!(ids.contains(&ml_id.to_string()) && ids.contains(&cap_id.to_string()));
    assert!(!ids.contains(&aci_id.to_string()) && !ids.contains(&esat_id.to_string()));

    // Bad input: a stable code and a French message, nothing written.
    let body = |prescriber: uuid::Uuid, consent: bool| {
        json!({"organisation_id": esat_id, "person_id": caron, "prescriber_id": prescriber,
            "message": "Souhaite découvrir le maraîchage en chantier d'insertion.", "person_consent": consent})
    };
    for (b, status, code) in [
        (
            body(aci_id, true),
            S::UNPROCESSABLE_ENTITY,
            "orientation_target_invalid",
        ),
        (body(ml_id, false), S::UNPROCESSABLE_ENTITY, "consent_required"),
        (
            json!({"organisation_id": ml_id, "person_id": caron, "prescriber_id": cap_id, "message": "x", "person_consent": true}),
            S::FORBIDDEN,
            "not_a_member",
        ),
    ] {
        let (s, answer) = app.call(&esat, Method::POST, "/api/v1/orientations", Some(b)).await;
        assert_eq!((s, answer["error"]["code"].as_str()), (status, Some(code)), "{answer}");
        assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
    }
    let (s, _) = app
        .call(
            &esat,
            Method::POST,
            "/api/v1/orientations",
            Some(json!({"person_id": caron, "unknown": 1})),
        )
        .await;
    assert!(s.is_client_error());
    let (s, answer) = app.get(&esat, "/api/v1/orientations?direction=sideways").await;
    assert_eq!(
        (s, answer["error"]["code"].as_str()),
        (S::BAD_REQUEST, Some("invalid_query"))
    );
    assert_eq!(app.count("orientations").await, 0);

    // Sent to the Mission locale; a second one waiting for the same prescriber is a conflict.
    let (s, o) = app
        .call(&esat, Method::POST, "/api/v1/orientations", Some(body(ml_id, true)))
        .await;
    assert_eq!(s, S::CREATED, "{o}");
    assert_eq!(o["status"], "sent");
    let id = crate::id(&o);
    let (s, again) = app
        .call(&esat, Method::POST, "/api/v1/orientations", Some(body(ml_id, true)))
        .await;
    assert_eq!(
        (s, again["error"]["code"].as_str()),
        (S::CONFLICT, Some("orientation_waiting"))
    );

    // The Mission locale receives it; another structure sees nothing and cannot answer; the ESAT cannot answer.
    let (_, received) = app.get(&ml, "/api/v1/orientations?direction=received").await;
    assert_eq!(received.as_array().unwrap().len(), 1);
    assert_eq!(
        app.get(&suzon, &format!("/api/v1/orientations/{id}")).await.0,
        S::NOT_FOUND
    );
    assert_eq!(app.get(&suzon, "/api/v1/orientations").await.1, json!([]));
    let answer_path = format!("/api/v1/orientations/{id}/answer");
    let accept = json!({"decision": "accepted"});
    let (s, _) = app.call(&suzon, Method::POST, &answer_path, Some(accept.clone())).await;
    assert_eq!(s, S::NOT_FOUND);
    let (s, e) = app.call(&esat, Method::POST, &answer_path, Some(accept.clone())).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (S::FORBIDDEN, Some("not_the_prescriber"))
    );
    let (s, e) = app
        .call(&ml, Method::POST, &answer_path, Some(json!({"decision": "refused"})))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (S::UNPROCESSABLE_ENTITY, Some("field_required"))
    );
    let (s, e) = app
        .call(&ml, Method::POST, &answer_path, Some(json!({"decision": "peut-être"})))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (S::UNPROCESSABLE_ENTITY, Some("decision_invalid"))
    );
    // Taken on: the Mission locale follows the person from now on; a second answer is a conflict.
    assert_eq!(app.get(&ml, &format!("/api/v1/persons/{caron}")).await.0, S::NOT_FOUND);
    let (s, taken) = app.call(&ml, Method::POST, &answer_path, Some(accept.clone())).await;
    assert_eq!((s, taken["status"].as_str()), (S::OK, Some("accepted")), "{taken}");
    assert_eq!(app.get(&ml, &format!("/api/v1/persons/{caron}")).await.0, S::OK);
    let (s, e) = app.call(&ml, Method::POST, &answer_path, Some(accept)).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (S::CONFLICT, Some("orientation_already_answered"))
    );

    // The pages: the ESAT reads the answer on the person's page and orients her to Cap emploi.
    let session = login(&app, "esat-ouche").await;
    let person_page = format!("/personnes/{caron}");
    let (s, html) = page(&app, &session, &person_page).await;
    assert_eq!(s, S::OK);
    assert!(html.contains(&format!(
        "href=\"/personnes/{caron}/orienter\">Orienter vers un prescripteur habilité"
    )));
    assert!(
        html.contains("<strong>prise en charge</strong> le 6 décembre 2026"),
        "{html}"
    );
    let form_path = format!("/personnes/{caron}/orienter");
    let (s, html) = page(&app, &session, &form_path).await;
    assert_eq!(s, S::OK, "{html}");
    assert!(html.contains("Mission Locale") || html.contains("Mission locale"));
    let token = csrf(&html);
    let (esat_s, cap_s, aci_s) = (esat_id.to_string(), cap_id.to_string(), aci_id.to_string());
    let message = "Pour un accompagnement vers l'emploi en milieu ordinaire";
    // Without the person's consent, then to a structure that is no prescriber: 422, values kept, message under the field.
    for (prescriber, consent, field, words) in [
        (cap_s.as_str(), None, "person_consent", "recueillez son accord"),
        (
            aci_s.as_str(),
            Some("on"),
            "prescriber_id",
            "pas un prescripteur habilité",
        ),
        ("", Some("on"), "prescriber_id", "Choisissez le prescripteur habilité"),
    ] {
        let mut form = vec![
            ("csrf", token.as_str()),
            ("organisation_id", esat_s.as_str()),
            ("prescriber_id", prescriber),
            ("message", message),
        ];
        if let Some(c) = consent {
            form.push(("person_consent", c));
        }
        let (s, html) = post_form(&app, &session, &form_path, &form).await;
        assert!(s.is_client_error(), "{field}: {s}");
        assert!(
            html.contains(&format!("id=\"{field}-error\"")) && html.contains(words),
            "{field}: {html}"
        );
        assert!(html.contains("Pour un accompagnement vers l&#39;emploi en milieu ordinaire</textarea>"));
        if consent.is_some() {
            assert!(html.contains("name=\"person_consent\" value=\"on\" checked"));
        }
    }
    assert_eq!(app.count("orientations").await, 1);
    let good = [
        ("csrf", token.as_str()),
        ("organisation_id", esat_s.as_str()),
        ("prescriber_id", cap_s.as_str()),
        ("message", message),
        ("person_consent", "on"),
    ];
    let (s, html) = post_and_follow(&app, &session, &form_path, &good).await;
    assert_eq!(s, S::SEE_OTHER, "{html}");
    assert!(html.contains("Orientation envoyée"), "{html}");
    assert!(
        html.contains("vers Cap emploi") || html.contains("<strong>envoyée</strong>"),
        "{html}"
    );

    // Cap emploi: the home page counts it, the list answers it; a refusal needs its confirmation and reason.
    let cap = login(&app, "cap-emploi").await;
    let (_, home) = page(&app, &cap, "/").await;
    assert!(
        home.contains("<a href=\"/orientations\">Orientations à traiter : 1</a>"),
        "{home}"
    );
    let (s, list) = page(&app, &cap, "/orientations").await;
    assert_eq!(s, S::OK);
    assert!(list.contains("David Caron") && list.contains("Pour un accompagnement vers l&#39;emploi"));
    let (_, sent) = app.get(&esat, "/api/v1/orientations?direction=sent").await;
    let second = sent
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["status"] == "sent")
        .map(crate::id)
        .unwrap();
    let answer_page = format!("/orientations/{second}/reponse");
    let cap_token = csrf(&list);
    let reason = "Déjà accompagnée par la Mission locale";
    let (s, html) = post_form(
        &app,
        &cap,
        &answer_page,
        &[("csrf", &cap_token), ("decision", "refused"), ("reason", reason)],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!("id=\"confirm-{second}-error\"")), "{html}");
    assert!(html.contains(&format!("{reason}</textarea>")), "the reason is kept");
    let (s, html) = post_form(
        &app,
        &cap,
        &answer_page,
        &[
            ("csrf", &cap_token),
            ("decision", "refused"),
            ("reason", " "),
            ("confirm", "oui"),
        ],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&format!("id=\"reason-{second}-error\"")) && html.contains("motif du refus"),
        "{html}"
    );
    // Another structure, with its own valid token: 404, nothing answered.
    let other = login(&app, "esat-suzon").await;
    let (_, own) = page(&app, &other, "/orientations").await;
    let (s, _) = post_form(
        &app,
        &other,
        &answer_page,
        &[("csrf", &csrf(&own)), ("decision", "accepted")],
    )
    .await;
    assert_eq!(s, S::NOT_FOUND);
    assert_eq!(page(&app, &other, &form_path).await.0, S::NOT_FOUND);
    let (s, html) = post_and_follow(
        &app,
        &cap,
        &answer_page,
        &[
            ("csrf", &cap_token),
            ("decision", "refused"),
            ("reason", reason),
            ("confirm", "oui"),
        ],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER, "{html}");
    assert!(html.contains("Orientation refusée"), "{html}");
    let (_, home) = page(&app, &cap, "/").await;
    assert!(!home.contains("Orientations à traiter"));

    // The ESAT reads the refusal and its reason on the person's page, and was notified.
    let (_, html) = page(&app, &session, &person_page).await;
    assert!(
        html.contains("<strong>refusée</strong>") && html.contains(reason),
        "{html}"
    );
    let (_, notes) = app.get(&esat, "/api/v1/notifications").await;
    let notes: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n: &Value| n["message"].as_str())
        .collect();
    assert!(
        notes.iter().any(|m| m.contains("orientation refusée par Cap emploi")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|m| m.contains("orientation prise en charge")),
        "{notes:?}"
    );
}

#[tokio::test]
async fn orientations_on_sqlite() {
    orientations(Backend::Sqlite).await;
}

#[tokio::test]
async fn orientations_on_postgres() {
    orientations(Backend::Postgres).await;
}
