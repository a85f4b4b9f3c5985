//! The IAE story through the API, on both databases: an SIAE publishes an offer, a prescriber
//! diagnoses a person and prescribes, the two sides exchange on the referral sheet until the hiring, which
//! opens the PASS IAE; then a suspension and prolongations with their deciders; every motivated-refusal
//! path; a CDDI and the AI's 480-hour cap; access rules; idempotent creations.

use crate::pages::{csrf, login, page, post_form};
use crate::{Backend, TestApp, email, id, today};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use time::Duration;

// Dated facts against the pathway: exit, tripartite interview, contract inside the approval.
pub(crate) mod coherence;

impl TestApp {
    /// POST with an `Idempotency-Key`; returns status, the replay header and the body.
    async fn post_once(&self, token: &str, path: &str, key: &str, body: Value) -> (S, bool, Value) {
        let r = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let replayed = r.headers().get("idempotent-replayed").is_some();
        (status, replayed, r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> (S, Value) {
        self.call(token, Method::POST, path, Some(body)).await
    }

    /// A refused write: its status and error code, and nothing changed; the answer, for its message.
    async fn refused(&self, token: &str, path: &str, body: Value, status: S, code: &str) -> Value {
        let before = self.snapshot().await;
        let (s, b) = self.post(token, path, body).await;
        assert_eq!((s, b["error"]["code"].as_str()), (status, Some(code)), "{path}: {b}");
        assert_eq!(
            self.snapshot().await,
            before,
            "{path}: a refused request changed something"
        );
        b
    }
}

async fn story(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let aci = app.token(&email("aci-jardins")).await;
    let ei = app.token(&email("ei-recyclage")).await;
    let cap = app.token(&email("cap-emploi")).await;
    let ft_id = app.org_id("ft-dijon").await;
    let aci_id = app.org_id("aci-jardins").await;
    let ei_id = app.org_id("ei-recyclage").await;
    let ai_id = app.org_id("ai-solidarite").await;

    // 1. The SIAE publishes an offer; a retry with the same key creates nothing more.
    let offer = json!({"siae_id": aci_id, "title": "Agent de maraîchage", "rome_code": "a1414", "place": "Dijon",
        "weekly_hours": 26, "positions": 2, "prerequisites": "Goût du travail en extérieur"});
    let offers_before = app.count("job_offers").await;
    let (s, replayed, first) = app.post_once(&aci, "/api/v1/offers", "offre-1", offer.clone()).await;
    assert_eq!(
        (s, replayed, first["rome_code"].as_str()),
        (S::CREATED, false, Some("A1414")),
        "{first}"
    );
    let (s, replayed, again) = app.post_once(&aci, "/api/v1/offers", "offre-1", offer.clone()).await;
    assert_eq!((s, replayed, id(&again)), (S::CREATED, true, id(&first)));
    assert_eq!(app.count("job_offers").await, offers_before + 1);
    let offer_id = id(&first);
    app.refused(
        &ft,
        "/api/v1/offers",
        offer.clone(),
        S::FORBIDDEN,
        "not_a_member_of_siae",
    )
    .await;
    app.refused(
        &aci,
        "/api/v1/offers",
        json!({"siae_id": aci_id, "title": "x", "place": "Dijon", "positions": 0}),
        S::UNPROCESSABLE_ENTITY,
        "positions_invalid",
    )
    .await;
    let r = app
        .http
        .get(app.url("/api/v1/offers/export?department=21"))
        .bearer_auth(&ft)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    assert!(
        csv.starts_with("intitulé;code ROME;SIAE") && csv.contains("Agent de maraîchage;A1414"),
        "{csv}"
    );
    let (_, listed) = app.get(&ft, "/api/v1/offers?department=21").await;
    assert!(listed.as_array().unwrap().iter().any(|o| o["id"] == first["id"]));

    // 2. The prescriber records a person (no general consent to sharing) and diagnoses them.
    let (s, person) = app
        .post(
            &ft,
            "/api/v1/persons",
            json!({"organisation_id": ft_id, "first_name": "Léa", "last_name": "Perrin",
            "birth_date": "1972-03-01", "consent_data_sharing": false}),
        )
        .await;
    assert_eq!(s, S::CREATED);
    let person_id = id(&person);
    let diagnoses = format!("/api/v1/persons/{person_id}/diagnoses");
    app.refused(
        &ft,
        &diagnoses,
        json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["deld", "detld"]}),
        S::UNPROCESSABLE_ENTITY,
        "exclusive_criteria",
    )
    .await;
    let (s, replayed, d) = app
        .post_once(
            &ft,
            &diagnoses,
            "diag-1",
            json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["deld", "th"]}),
        )
        .await;
    assert_eq!(
        (s, replayed, d["eligible"].as_bool(), d["author"].as_str()),
        (S::CREATED, false, Some(true), Some("authorized_prescriber")),
        "{d}"
    );
    assert_eq!(d["reasons"][0]["code"], "prescriber_diagnosis");
    // The SIAE does not know the person yet.
    assert_eq!(
        app.get(&aci, &format!("/api/v1/persons/{person_id}")).await.0,
        S::NOT_FOUND
    );
    assert_eq!(app.get(&aci, &diagnoses).await.0, S::NOT_FOUND);

    // 3. The prescription: the person's agreement to this sending is required; an SIAE cannot prescribe to another.
    let prescription = json!({"prescriber_id": ft_id, "person_id": person_id, "siae_id": aci_id, "offer_id": offer_id,
        "message": "Mme Perrin souhaite travailler en extérieur.", "person_consent": true});
    let mut no_consent = prescription.clone();
    no_consent["person_consent"] = json!(false);
    app.refused(
        &ft,
        "/api/v1/prescriptions",
        no_consent,
        S::UNPROCESSABLE_ENTITY,
        "consent_required",
    )
    .await;
    app.refused(
        &ei,
        "/api/v1/prescriptions",
        json!({"prescriber_id": ei_id, "person_id": person_id, "siae_id": aci_id,
        "message": "x", "person_consent": true}),
        S::FORBIDDEN,
        "not_a_prescriber",
    )
    .await;
    let prescriptions_before = app.count("prescriptions").await;
    let (s, replayed, p) = app
        .post_once(&ft, "/api/v1/prescriptions", "presc-1", prescription.clone())
        .await;
    assert_eq!(
        (s, replayed, p["status"].as_str()),
        (S::CREATED, false, Some("sent")),
        "{p}"
    );
    let (s, replayed, p2) = app
        .post_once(&ft, "/api/v1/prescriptions", "presc-1", prescription.clone())
        .await;
    assert_eq!((s, replayed, id(&p2)), (S::CREATED, true, id(&p)));
    assert_eq!(app.count("prescriptions").await, prescriptions_before + 1);
    let pid = id(&p);
    let steps = format!("/api/v1/prescriptions/{pid}/steps");

    // Access: the SIAE now follows the person and is notified; others see neither.
    assert_eq!(app.get(&aci, &format!("/api/v1/persons/{person_id}")).await.0, S::OK);
    let (_, notes) = app.get(&aci, "/api/v1/notifications").await;
    assert!(notes[0]["message"].as_str().unwrap().contains("Léa Perrin"), "{notes}");
    assert_eq!(
        app.get(&cap, &format!("/api/v1/prescriptions/{pid}")).await.0,
        S::NOT_FOUND
    );
    assert_eq!(
        app.get(&cap, &format!("/api/v1/persons/{person_id}")).await.0,
        S::NOT_FOUND
    );
    let (_, cap_list) = app.get(&cap, "/api/v1/prescriptions").await;
    assert!(cap_list.as_array().unwrap().iter().all(|x| x["id"] != p["id"]));
    app.refused(&cap, &steps, json!({"status": "received"}), S::NOT_FOUND, "not_found")
        .await;

    // 4. The referral sheet, both sides; refusals need a motive; each side writes its own steps.
    app.refused(
        &aci,
        &steps,
        json!({"status": "refused", "comment": "non"}),
        S::UNPROCESSABLE_ENTITY,
        "refusal_motive_required",
    )
    .await;
    app.refused(
        &aci,
        &steps,
        json!({"status": "refused", "motive": "other"}),
        S::UNPROCESSABLE_ENTITY,
        "refusal_comment_required",
    )
    .await;
    app.refused(
        &ft,
        &steps,
        json!({"status": "received"}),
        S::UNPROCESSABLE_ENTITY,
        "referral_wrong_side",
    )
    .await;
    app.refused(
        &ft,
        &steps,
        json!({"status": "withdrawn"}),
        S::UNPROCESSABLE_ENTITY,
        "refusal_motive_required",
    )
    .await;
    // A retried step adds nothing: the same key answers the sheet as it is.
    let (s, replayed, first) = app
        .post_once(&aci, &steps, "etape-1", json!({"status": "received"}))
        .await;
    assert_eq!((s, replayed), (S::OK, false), "{first}");
    let (s, replayed, again) = app
        .post_once(&aci, &steps, "etape-1", json!({"status": "received"}))
        .await;
    assert_eq!(
        (s, replayed, again["steps"].as_array().map(Vec::len)),
        (S::OK, true, Some(2))
    );
    // « Entretien réalisé » once the planned interview has come (fiche 4): planned in 3 days, it is refused, with
    // the planned day; moved to today, it is written.
    let interview = today() + Duration::days(3);
    let (s, b) = app
        .post(&aci, &steps, json!({"status": "interview_planned", "date": interview}))
        .await;
    assert_eq!(s, S::OK, "{b}");
    let b = app
        .refused(
            &aci,
            &steps,
            json!({"status": "interview_held"}),
            S::UNPROCESSABLE_ENTITY,
            "interview_in_future",
        )
        .await;
    assert!(
        b["error"]["message"].as_str().unwrap().starts_with(&format!(
            "L'entretien prévu le {} n'a pas encore eu lieu",
            passerelle_domain::calendar::french_date(interview)
        )),
        "{b}"
    );
    for step in [
        json!({"status": "interview_planned", "date": today()}),
        json!({"status": "interview_held"}),
    ] {
        let (s, b) = app.post(&aci, &steps, step).await;
        assert_eq!(s, S::OK, "{b}");
    }
    let (_, ft_notes) = app.get(&ft, "/api/v1/notifications").await;
    assert!(
        ft_notes[0]["message"].as_str().unwrap().contains("entretien réalisé"),
        "{ft_notes}"
    );
    // Hired 400 days ago, so that a prolongation may be asked today (from 12 months before the end, RULES.md 1.4).
    let first_day = today() - Duration::days(400);
    let (s, hired) = app
        .post(&aci, &steps, json!({"status": "hired", "date": first_day}))
        .await;
    assert_eq!((s, hired["status"].as_str()), (S::OK, Some("hired")), "{hired}");
    let sheet: Vec<&str> = hired["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        sheet,
        [
            "sent",
            "received",
            "interview_planned",
            "interview_planned",
            "interview_held",
            "hired"
        ]
    );
    app.refused(
        &aci,
        &steps,
        json!({"status": "received"}),
        S::UNPROCESSABLE_ENTITY,
        "referral_transition_invalid",
    )
    .await;

    // 5. The hiring opened the PASS IAE (730 days, rules engine), seen by both sides.
    let approval = format!("/api/v1/persons/{person_id}/approval");
    let (s, a) = app.get(&aci, &approval).await;
    assert_eq!(
        (s, a["regime"].as_str(), a["status"].as_str()),
        (S::OK, Some("pass_iae"), Some("valid")),
        "{a}"
    );
    let end = first_day + Duration::days(729);
    assert_eq!(a["end"], json!(end));
    assert_eq!(a["timeline"][0]["kind"], "hiring");
    let next = |a: &Value, action: &str| {
        a["next"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["action"] == action)
            .cloned()
            .unwrap()
    };
    assert_eq!(next(&a, "suspension")["possible"], true);
    assert_eq!(next(&a, "prolongation:rqth")["decided_by"], "authorised_prescriber");
    assert_eq!(next(&a, "prolongation:senior_cdi")["code"], "age_requirement");
    let (s, seen_by_ft) = app.get(&ft, &approval).await;
    assert_eq!(
        (s, next(&seen_by_ft, "suspension")["possible"].as_bool()),
        (S::OK, Some(false))
    );

    // 6. Suspension: only the employer; the engine moves the end back.
    let suspensions = format!("{approval}/suspensions");
    let suspension = json!({"from": today(), "to": today() + Duration::days(19), "reason": "contract_suspended"});
    app.refused(&ft, &suspensions, suspension.clone(), S::FORBIDDEN, "not_the_employer")
        .await;
    app.refused(
        &aci,
        &suspensions,
        json!({"from": today(), "to": today() - Duration::days(1), "reason": "contract_suspended"}),
        S::UNPROCESSABLE_ENTITY,
        "suspension_dates_inverted",
    )
    .await;
    // The platform's rules on the day a suspension is recorded: not in the future, backdated 365 days at most.
    for (from, code) in [
        (today() + Duration::days(1), "suspension_in_future"),
        (today() - Duration::days(366), "suspension_backdated_too_far"),
    ] {
        let body = json!({"from": from, "to": from + Duration::days(19), "reason": "contract_suspended"});
        app.refused(&aci, &suspensions, body, S::UNPROCESSABLE_ENTITY, code)
            .await;
    }
    let (s, a) = app.post(&aci, &suspensions, suspension).await;
    let end = end + Duration::days(20);
    assert_eq!((s, &a["end"]), (S::OK, &json!(end)), "{a}");

    // 7. Prolongations: the SIAE decides a training alone (within the engine's limits); RQTH goes to the prescriber.
    let prolongations = format!("{approval}/prolongations");
    app.refused(
        &aci,
        &prolongations,
        json!({"reason": "training", "to": end + Duration::days(400), "justification": "CACES"}),
        S::UNPROCESSABLE_ENTITY,
        "prolongation_too_long",
    )
    .await;
    app.refused(
        &ft,
        &prolongations,
        json!({"reason": "rqth", "to": end + Duration::days(100), "justification": "x"}),
        S::FORBIDDEN,
        "not_the_employer",
    )
    .await;
    let (s, a) = app
        .post(&aci, &prolongations, json!({"reason": "rqth", "to": end + Duration::days(200), "justification": "Accompagnement santé à poursuivre"}))
        .await;
    assert_eq!(
        (s, &a["end"], a["prolongation_requests"][0]["status"].as_str()),
        (S::OK, &json!(end), Some("pending")),
        "{a}"
    );
    let request = format!(
        "/api/v1/prolongation-requests/{}/decision",
        a["prolongation_requests"][0]["id"].as_str().unwrap()
    );
    app.refused(
        &aci,
        &request,
        json!({"accept": true}),
        S::FORBIDDEN,
        "not_an_authorised_prescriber",
    )
    .await;
    app.refused(
        &ft,
        &request,
        json!({"accept": false}),
        S::UNPROCESSABLE_ENTITY,
        "prolongation_refusal_motive_required",
    )
    .await;
    app.refused(
        &ft,
        &request,
        json!({"accept": false, "motive": "duration"}),
        S::UNPROCESSABLE_ENTITY,
        "field_required",
    )
    .await;
    let (s, a) = app
        .post(
            &ft,
            &request,
            json!({"accept": false, "motive": "duration", "proposed_action": "Demander 120 jours"}),
        )
        .await;
    assert_eq!(
        (s, a["prolongation_requests"][0]["status"].as_str()),
        (S::OK, Some("refused")),
        "{a}"
    );
    app.refused(
        &ft,
        &request,
        json!({"accept": true}),
        S::CONFLICT,
        "prolongation_already_decided",
    )
    .await;
    let (_, a) = app
        .post(
            &aci,
            &prolongations,
            json!({"reason": "rqth", "to": end + Duration::days(120), "justification": "Sur 120 jours"}),
        )
        .await;
    let request = format!(
        "/api/v1/prolongation-requests/{}/decision",
        a["prolongation_requests"][1]["id"].as_str().unwrap()
    );
    let (s, a) = app.post(&ft, &request, json!({"accept": true})).await;
    let end = end + Duration::days(120);
    assert_eq!((s, &a["end"]), (S::OK, &json!(end)), "{a}");
    let kinds: Vec<&str> = a["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["hiring", "suspension", "prolongation"]);

    // 8. Refusal by an SIAE and withdrawal by a prescriber, counted by department and SIAE kind.
    let (_, other) = app
        .post(
            &ft,
            "/api/v1/persons",
            json!({"organisation_id": ft_id, "first_name": "Noé", "last_name": "Vidal",
            "birth_date": "1990-06-01", "consent_data_sharing": true, "consent_date": today()}),
        )
        .await;
    let other_id = id(&other);
    let (s, _) = app
        .post(
            &ft,
            &format!("/api/v1/persons/{other_id}/diagnoses"),
            json!({"organisation_id": ft_id, "siae_kind": "EI", "criteria": ["rsa"]}),
        )
        .await;
    assert_eq!(s, S::CREATED);
    for siae in [ei_id, ai_id] {
        let (s, b) = app
            .post(
                &ft,
                "/api/v1/prescriptions",
                json!({"prescriber_id": ft_id, "person_id": other_id, "siae_id": siae,
                "message": "Candidature", "person_consent": true}),
            )
            .await;
        assert_eq!(s, S::CREATED, "{b}");
        let path = format!("/api/v1/prescriptions/{}/steps", id(&b));
        let (s, b) = if siae == ei_id {
            app.post(
                &ei,
                &path,
                json!({"status": "refused", "motive": "no_position", "comment": "Effectif complet"}),
            )
            .await
        } else {
            app.post(
                &ft,
                &path,
                json!({"status": "withdrawn", "motive": "situation_changed"}),
            )
            .await
        };
        assert_eq!(s, S::OK, "{b}");
    }
    let (_, counts) = app.get(&ft, "/api/v1/referral-refusals?department=21").await;
    let find = |kind: &str, motive: &str| {
        counts
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["siae_kind"] == kind && c["motive"] == motive)
            .map(|c| c["count"].clone())
    };
    assert_eq!(find("ei", "no_position"), Some(json!(1)), "{counts}");
    assert_eq!(find("ai", "situation_changed"), Some(json!(1)), "{counts}");

    // 9. Contracts: a CDDI in the ACI that hired Léa Perrin (4 months at least, L5132-15-1).
    let contracts = format!("/api/v1/persons/{person_id}/contracts");
    let cddi =
        json!({"siae_id": aci_id, "starts_on": today(), "ends_on": today() + Duration::days(180), "weekly_hours": 26});
    app.refused(&ft, &contracts, cddi.clone(), S::FORBIDDEN, "not_a_member_of_siae")
        .await;
    app.refused(
        &aci,
        &contracts,
        json!({"siae_id": aci_id, "starts_on": today(), "ends_on": today() + Duration::days(30),
        "weekly_hours": 26}),
        S::UNPROCESSABLE_ENTITY,
        "cddi_too_short",
    )
    .await;
    let (s, replayed, c) = app.post_once(&aci, &contracts, "cddi-1", cddi.clone()).await;
    assert_eq!(
        (s, replayed, c["weekly_hours"].as_i64()),
        (S::CREATED, false, Some(26)),
        "{c}"
    );
    let (_, replayed, _) = app.post_once(&aci, &contracts, "cddi-1", cddi).await;
    assert!(replayed);
    assert_eq!(app.count("iae_contracts").await, 1);

    // 10. The AI hires Noé Vidal; its assignments to companies stop at 480 hours over 24 months (L5132-9)
    // unless the préfet waives the cap.
    let ai = app.token(&email("ai-solidarite")).await;
    let (_, b) = app
        .post(
            &ft,
            "/api/v1/prescriptions",
            json!({"prescriber_id": ft_id, "person_id": other_id, "siae_id": ai_id,
            "message": "Missions ménage", "person_consent": true}),
        )
        .await;
    // The pathway is recorded from its start, 700 days ago: it ends in a month.
    let hired_on = today() - Duration::days(700);
    let (s, b) = app
        .post(
            &ai,
            &format!("/api/v1/prescriptions/{}/steps", id(&b)),
            json!({"status": "hired", "date": hired_on}),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    let assignments = format!("/api/v1/persons/{other_id}/assignments");
    let assignment = |client_kind: &str, hours: i64, days_after_hiring: i64| {
        json!({"siae_id": ai_id, "client_name": "Boulangerie du Port", "client_kind": client_kind,
            "starts_on": hired_on + Duration::days(days_after_hiring), "hours": hours})
    };
    for (hours, day) in [(300, 10), (180, 100)] {
        let (s, b) = app.post(&ai, &assignments, assignment("company", hours, day)).await;
        assert_eq!(s, S::CREATED, "{b}");
    }
    app.refused(
        &ai,
        &assignments,
        assignment("company", 1, 200),
        S::UNPROCESSABLE_ENTITY,
        "assignment_cap_exceeded",
    )
    .await;
    app.refused(
        &ai,
        &assignments,
        assignment("company", 1, -1),
        S::UNPROCESSABLE_ENTITY,
        "approval_not_valid",
    )
    .await;
    let (s, _) = app.post(&ai, &assignments, assignment("individual", 50, 200)).await;
    assert_eq!(s, S::CREATED);
    let waivers = format!("/api/v1/persons/{other_id}/assignment-waivers");
    let waiver_from = hired_on + Duration::days(250);
    app.refused(
        &ai,
        &waivers,
        json!({"siae_id": ai_id, "starts_on": waiver_from, "ends_on": waiver_from + Duration::days(1200),
        "reference": "Arrêté 21-2026-17"}),
        S::UNPROCESSABLE_ENTITY,
        "waiver_too_long",
    )
    .await;
    let (s, asked) = app
        .post(
            &ai,
            &waivers,
            json!({"siae_id": ai_id, "starts_on": waiver_from, "ends_on": waiver_from + Duration::days(700),
            "reference": "Demande AI 2026-17"}),
        )
        .await;
    assert_eq!(s, S::OK);
    // Requested, the waiver lifts nothing: the DDETS of the AI's department grants it (docs/iae.md).
    assert_eq!(asked["waivers"][0]["status"], "requested", "{asked}");
    app.refused(
        &ai,
        &assignments,
        assignment("company", 100, 300),
        S::UNPROCESSABLE_ENTITY,
        "assignment_cap_exceeded",
    )
    .await;
    let ddets = app.token(&email("ddets-21")).await;
    let decision = format!("/api/v1/assignment-waivers/{}/decision", id(&asked["waivers"][0]));
    let (s, granted) = app
        .post(
            &ddets,
            &decision,
            json!({"grant": true, "starts_on": waiver_from, "ends_on": waiver_from + Duration::days(700),
            "reference": "Arrêté 21-2026-17"}),
        )
        .await;
    assert_eq!((s, &granted["status"]), (S::OK, &json!("granted")), "{granted}");
    // A retried request with the same key is recorded once.
    let waivers_before = app.count("ai_cap_waivers").await;
    let retried = json!({"siae_id": ai_id, "starts_on": waiver_from, "ends_on": waiver_from + Duration::days(30),
        "reference": "Demande AI 2026-18"});
    let first = app.post_once(&ai, &waivers, "derogation-18", retried.clone()).await;
    let again = app.post_once(&ai, &waivers, "derogation-18", retried).await;
    assert_eq!((first.0, first.1, again.0, again.1), (S::OK, false, S::OK, true));
    assert_eq!(app.count("ai_cap_waivers").await, waivers_before + 1);
    let (s, b) = app.post(&ai, &assignments, assignment("company", 100, 300)).await;
    assert_eq!(
        (s, b["explanation"].as_str().map(|e| e.contains("dérogation"))),
        (S::CREATED, Some(true)),
        "{b}"
    );
    let (_, employment) = app.get(&ai, &format!("/api/v1/persons/{other_id}/employment")).await;
    assert_eq!(employment["assignments"].as_array().unwrap().len(), 4);

    // 11. Accompaniment: actions (trainings in hours) and registration at France Travail (Accord régional BFC 2016, fiche 5).
    let actions = format!("/api/v1/persons/{other_id}/actions");
    app.refused(
        &ai,
        &actions,
        json!({"organisation_id": ai_id, "kind": "poec", "title": "POEC agent de propreté",
        "starts_on": hired_on + Duration::days(400)}),
        S::UNPROCESSABLE_ENTITY,
        "action_hours_required",
    )
    .await;
    let cap_id = app.org_id("cap-emploi").await;
    app.refused(
        &cap,
        &actions,
        json!({"organisation_id": cap_id, "kind": "social", "title": "x", "starts_on": today()}),
        S::NOT_FOUND,
        "not_found",
    )
    .await;
    let (s, f) = app
        .post(
            &ai,
            &actions,
            json!({"organisation_id": ai_id, "kind": "poec", "title": "POEC agent de propreté",
            "starts_on": hired_on + Duration::days(400), "hours": 140}),
        )
        .await;
    assert_eq!((s, f["training_hours"].as_i64()), (S::OK, Some(140)), "{f}");
    let (s, f) = app
        .post(
            &ft,
            &format!("/api/v1/persons/{other_id}/registrations"),
            json!({"organisation_id": ft_id, "registered": true,
            "since": hired_on}),
        )
        .await;
    assert_eq!(
        (s, f["registrations"][0]["registered"].as_bool()),
        (S::OK, Some(true)),
        "{f}"
    );

    // 12. Exit: the pathway ends in a month, so the tripartite interview is due for the SIAE and the prescriber.
    let (_, pathways) = app.get(&ai, "/api/v1/pathways").await;
    assert!(
        pathways["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["person_id"] == json!(other_id)),
        "{pathways}"
    );
    for token in [&ai, &ft] {
        let (_, todo) = app.get(token, "/api/v1/todo").await;
        let due = todo
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["person_id"] == json!(other_id))
            .cloned();
        assert_eq!(
            due.map(|t| t["what"].clone()),
            Some(json!("tripartite_interview")),
            "{todo}"
        );
    }
    let (_, todo) = app.get(&cap, "/api/v1/todo").await;
    assert_eq!(todo, json!([]));
    let interviews = format!("/api/v1/persons/{other_id}/tripartite-interviews");
    app.refused(
        &ft,
        &interviews,
        json!({"held_on": today(), "notes": "x"}),
        S::FORBIDDEN,
        "not_the_employer",
    )
    .await;
    let (s, _) = app
        .post(
            &ai,
            &interviews,
            json!({"held_on": today(), "notes": "Projet : agent de propreté en entreprise."}),
        )
        .await;
    assert_eq!(s, S::OK);
    let (_, todo) = app.get(&ai, "/api/v1/todo").await;
    assert!(
        todo.as_array()
            .unwrap()
            .iter()
            .all(|t| t["person_id"] != json!(other_id)),
        "{todo}"
    );
    let exits = format!("/api/v1/persons/{other_id}/exit-reviews");
    app.refused(
        &ai,
        &exits,
        json!({"exit_on": today() + Duration::days(1), "outcome": "cdi", "skills": "x"}),
        S::UNPROCESSABLE_ENTITY,
        "exit_in_future",
    )
    .await;
    let (s, f) = app
        .post(&ai, &exits, json!({"exit_on": today(), "outcome": "cdd_6_months_or_more",
            "skills": "Entretien des locaux, autonomie, ponctualité", "recommendations": "Viser un CDI en entreprise de propreté"}))
        .await;
    assert_eq!(
        (s, f["exit_reviews"][0]["outcome_label"].as_str()),
        (S::OK, Some("CDD de 6 mois ou plus")),
        "{f}"
    );
    let (_, ft_notes) = app.get(&ft, "/api/v1/notifications").await;
    assert!(
        ft_notes[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Bilan de sortie de Noé Vidal"),
        "{ft_notes}"
    );
    let (_, pathways) = app.get(&ai, "/api/v1/pathways").await;
    assert!(
        pathways["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["person_id"] != json!(other_id)),
        "out of the pathway"
    );
    // The follow-up comes 6 months after the exit.
    let follow_up = format!(
        "/api/v1/exit-reviews/{}/follow-up",
        f["exit_reviews"][0]["id"].as_str().unwrap()
    );
    app.refused(
        &ft,
        &follow_up,
        json!({"registered_spe": true, "employed": true}),
        S::UNPROCESSABLE_ENTITY,
        "follow_up_too_early",
    )
    .await;
    // The person's document of skills and trainings.
    let r = app
        .http
        .get(app.url(&format!("/api/v1/persons/{other_id}/skills-document")))
        .bearer_auth(&ai)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(crate::pdf_access::accessible(&pdf).contains("POEC"));

    // A pathway recorded after the fact, exited 200 days ago: its 6-month follow-up is due and recorded once.
    let (_, yves) = app
        .post(
            &ft,
            "/api/v1/persons",
            json!({"organisation_id": ft_id, "first_name": "Yves", "last_name": "Roux",
            "birth_date": "1980-02-02", "consent_data_sharing": true, "consent_date": today()}),
        )
        .await;
    let yves_id = id(&yves);
    app.post(
        &ft,
        &format!("/api/v1/persons/{yves_id}/diagnoses"),
        json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["ass"]}),
    )
    .await;
    let (_, b) = app
        .post(
            &ft,
            "/api/v1/prescriptions",
            json!({"prescriber_id": ft_id, "person_id": yves_id, "siae_id": aci_id,
            "message": "Reprise de l'historique", "person_consent": true}),
        )
        .await;
    let (s, b) = app
        .post(
            &aci,
            &format!("/api/v1/prescriptions/{}/steps", id(&b)),
            json!({"status": "hired", "date": today() - Duration::days(900)}),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    let (s, f) = app
        .post(
            &aci,
            &format!("/api/v1/persons/{yves_id}/exit-reviews"),
            json!({"exit_on": today() - Duration::days(200),
            "outcome": "cdi", "skills": "Maraîchage biologique"}),
        )
        .await;
    assert_eq!(s, S::OK, "{f}");
    // The deadlines engine: the hiring wrote the approval's end and interview; the exit closed them.
    let open_for = |done: &'static str| {
        format!(
            "SELECT COUNT(*) AS n FROM obligations WHERE source IN ('approval_end', 'tripartite_interview') \
             AND source_key = '{yves_id}' AND done_at IS {done} NULL"
        )
    };
    let mut db = app.store.pool().clone();
    let mut counts = Vec::new();
    for done in ["", "NOT"] {
        use passerelle_store::infra::sql::{Executor, query};
        counts.push(
            db.fetch_one(query(open_for(done)))
                .await
                .unwrap()
                .get::<i64>("n")
                .unwrap(),
        );
    }
    assert_eq!(counts, [0, 2], "open, closed");
    let (_, todo) = app.get(&ft, "/api/v1/todo").await;
    assert!(
        todo.as_array()
            .unwrap()
            .iter()
            .any(|t| t["person_id"] == json!(yves_id) && t["what"] == "exit_follow_up"),
        "{todo}"
    );
    let follow_up = format!(
        "/api/v1/exit-reviews/{}/follow-up",
        f["exit_reviews"][0]["id"].as_str().unwrap()
    );
    let (s, f) = app
        .post(&ft, &follow_up, json!({"registered_spe": false, "employed": true}))
        .await;
    assert_eq!(
        (s, f["exit_reviews"][0]["employed"].as_bool()),
        (S::OK, Some(true)),
        "{f}"
    );
    app.refused(
        &ft,
        &follow_up,
        json!({"registered_spe": false, "employed": true}),
        S::CONFLICT,
        "follow_up_done",
    )
    .await;

    // Yves's pathway ended less than 2 years ago: a new hiring waits unless an authorised prescriber waives it.
    let mut again = json!({"prescriber_id": ft_id, "person_id": yves_id, "siae_id": ei_id, "message": "Nouveau parcours",
        "person_consent": true});
    let (_, b) = app.post(&ft, "/api/v1/prescriptions", again.clone()).await;
    let hire = json!({"status": "hired", "date": today()});
    app.refused(
        &ei,
        &format!("/api/v1/prescriptions/{}/steps", id(&b)),
        hire.clone(),
        S::UNPROCESSABLE_ENTITY,
        "waiting_period",
    )
    .await;
    again["waiting_period_waived"] = json!(true);
    let (_, b) = app.post(&ft, "/api/v1/prescriptions", again).await;
    let (s, b) = app
        .post(&ei, &format!("/api/v1/prescriptions/{}/steps", id(&b)), hire)
        .await;
    assert_eq!(s, S::OK, "{b}");
    let (_, a) = app.get(&ei, &format!("/api/v1/persons/{yves_id}/approval")).await;
    assert!(
        a["timeline"].as_array().unwrap().last().unwrap()["explanation"]
            .as_str()
            .unwrap()
            .contains("délai de carence"),
        "{a}"
    );

    // A record from before the PASS IAE: a hiring on 2021-03-01 opens a Pôle emploi agrément; its requests get
    // a deadline of 5 working days, tacit acceptance after it, and a refusal needs its motive (décret 99-106).
    let (_, rose) = app
        .post(
            &ft,
            "/api/v1/persons",
            json!({"organisation_id": ft_id, "first_name": "Rose", "last_name": "Petit",
            "birth_date": "1975-05-05", "consent_data_sharing": true, "consent_date": today()}),
        )
        .await;
    let rose_id = id(&rose);
    app.post(
        &ft,
        &format!("/api/v1/persons/{rose_id}/diagnoses"),
        json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["rsa"]}),
    )
    .await;
    let (_, b) = app
        .post(
            &ft,
            "/api/v1/prescriptions",
            json!({"prescriber_id": ft_id, "person_id": rose_id, "siae_id": aci_id,
            "message": "Historique 2021", "person_consent": true}),
        )
        .await;
    let (s, _) = app
        .post(
            &aci,
            &format!("/api/v1/prescriptions/{}/steps", id(&b)),
            json!({"status": "hired", "date": "2021-03-01"}),
        )
        .await;
    assert_eq!(s, S::OK);
    let requests = format!("/api/v1/persons/{rose_id}/approval/agrement-requests");
    let decisions = format!("/api/v1/persons/{rose_id}/approval/agrement-decisions");
    app.refused(
        &ft,
        &requests,
        json!({"date": "2021-02-26", "kind": "initial"}),
        S::FORBIDDEN,
        "not_the_employer",
    )
    .await;
    let (s, a) = app
        .post(&aci, &requests, json!({"date": "2021-02-26", "kind": "initial"}))
        .await;
    assert_eq!((s, a["regime"].as_str()), (S::OK, Some("agrement")), "{a}");
    assert_eq!(
        (
            &a["agrement_requests"][0]["deadline"],
            &a["agrement_requests"][0]["outcome"]
        ),
        (&json!("2021-03-05"), &json!("tacit"))
    );
    let (s, _) = app
        .post(&aci, &requests, json!({"date": "2021-06-01", "kind": "prolongation"}))
        .await;
    assert_eq!(s, S::OK);
    app.refused(
        &aci,
        &decisions,
        json!({"date": "2021-06-03", "decision": "granted"}),
        S::FORBIDDEN,
        "not_the_agency",
    )
    .await;
    app.refused(
        &ft,
        &decisions,
        json!({"date": "2021-06-03", "decision": "refused"}),
        S::UNPROCESSABLE_ENTITY,
        "refusal_without_motive",
    )
    .await;
    let (s, a) = app
        .post(
            &ft,
            &decisions,
            json!({"date": "2021-06-03", "decision": "refused", "motive": "Bilan d'accompagnement absent"}),
        )
        .await;
    assert_eq!(
        (s, &a["agrement_requests"][1]["outcome"]),
        (S::OK, &json!("refused")),
        "{a}"
    );
    app.refused(
        &aci,
        &requests,
        json!({"date": "2022-01-10", "kind": "renewal"}),
        S::UNPROCESSABLE_ENTITY,
        "agrement_abolished",
    )
    .await;

    // Two requests await an answer together (annexe 4, 2.2.2 of the regional agreement: each written request
    // gets Pôle emploi's answer): a decision that names none is ambiguous; `request_id` names the suspension,
    // whose refusal does not land on the extension (it used to go to the oldest open request).
    for kind in ["extension", "suspension"] {
        let (s, _) = app
            .post(&aci, &requests, json!({"date": "2021-07-01", "kind": kind}))
            .await;
        assert_eq!(s, S::OK);
    }
    let refusal = json!({"date": "2021-07-02", "decision": "refused", "motive": "Contrat non suspendu"});
    app.refused(
        &ft,
        &decisions,
        refusal.clone(),
        S::UNPROCESSABLE_ENTITY,
        "agrement_request_ambiguous",
    )
    .await;
    let mut named = refusal.clone();
    named["request_id"] = json!(uuid::Uuid::new_v4());
    app.refused(&ft, &decisions, named.clone(), S::NOT_FOUND, "not_found")
        .await;
    let (_, a) = app.get(&ft, &format!("/api/v1/persons/{rose_id}/approval")).await;
    named["request_id"] = a["agrement_requests"][3]["id"].clone();
    assert_eq!(a["agrement_requests"][3]["kind"], "suspension", "{a}");
    let (s, a) = app.post(&ft, &decisions, named).await;
    let outcomes: Vec<&Value> = (2..4).map(|i| &a["agrement_requests"][i]["outcome"]).collect();
    assert_eq!((s, outcomes), (S::OK, vec![&json!("tacit"), &json!("refused")]), "{a}");

    // Seed 004, 2.2.3: the SIAE appeals the refused prolongation to the agency's director, on objective
    // elements; the appeal has no deadline (still pending months later) until the director decides it.
    let prolongation = a["agrement_requests"][1]["id"].clone();
    let mut appeal = json!({"date": "2021-06-10", "kind": "prolongation",
        "appeal": {"refusal_id": prolongation, "grounds": " "}});
    app.refused(
        &aci,
        &requests,
        appeal.clone(),
        S::UNPROCESSABLE_ENTITY,
        "appeal_without_grounds",
    )
    .await;
    appeal["appeal"]["grounds"] = json!("Formation qualifiante commencée le 1er juin");
    let (s, a) = app.post(&aci, &requests, appeal.clone()).await;
    let appealed = &a["agrement_requests"][4];
    assert_eq!(
        (s, &appealed["appeal_of"], &appealed["deadline"], &appealed["outcome"]),
        (S::OK, &prolongation, &Value::Null, &json!("pending")),
        "{a}"
    );
    app.refused(
        &aci,
        &requests,
        appeal,
        S::UNPROCESSABLE_ENTITY,
        "refusal_already_appealed",
    )
    .await;
    let granted = json!({"date": "2021-09-15", "decision": "granted", "request_id": appealed["id"]});
    let (s, a) = app.post(&ft, &decisions, granted).await;
    assert_eq!(
        (s, &a["agrement_requests"][4]["outcome"]),
        (S::OK, &json!("granted")),
        "{a}"
    );
    // Seed 004, 2.2.7: a renewal follows the joint bilan of the SIAE and Pôle emploi.
    let mut renewal = json!({"date": "2021-10-04", "kind": "renewal"});
    app.refused(
        &aci,
        &requests,
        renewal.clone(),
        S::UNPROCESSABLE_ENTITY,
        "renewal_without_joint_bilan",
    )
    .await;
    // « sous réserve que les contrats liés à un agrément soient tous achevés » (2.2.7): her CDDI runs until
    // 2021-10-15, so a renewal asked on 2021-10-04 is refused, naming the contract; asked after it, accepted.
    let (s, b) = app
        .post(
            &aci,
            &format!("/api/v1/persons/{rose_id}/contracts"),
            json!({"siae_id": aci_id, "starts_on": "2021-03-01", "ends_on": "2021-10-15", "weekly_hours": 26}),
        )
        .await;
    assert_eq!(s, S::CREATED, "{b}");
    renewal["joint_bilan"] = json!("2021-09-28");
    let b = app
        .refused(
            &aci,
            &requests,
            renewal.clone(),
            S::UNPROCESSABLE_ENTITY,
            "renewal_contracts_running",
        )
        .await;
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("le contrat du 1er mars 2021 au 15 octobre 2021 n'est pas achevé le 4 octobre 2021"),
        "{b}"
    );
    renewal["date"] = json!("2021-10-18");
    let (s, a) = app.post(&aci, &requests, renewal).await;
    assert_eq!(
        (s, &a["agrement_requests"][5]["joint_bilan"]),
        (S::OK, &json!("2021-09-28")),
        "{a}"
    );

    // The « extensions » indicator counts the extensions asked, not the appeal of a refused one (2.2.3): the
    // July extension and this one, refused then appealed, make two.
    let (s, a) = app
        .post(&aci, &requests, json!({"date": "2021-10-20", "kind": "extension"}))
        .await;
    assert_eq!(s, S::OK, "{a}");
    let extension = a["agrement_requests"][6]["id"].clone();
    let refused = json!({"date": "2021-10-21", "decision": "refused", "motive": "Pas de nouvelle SIAE",
        "request_id": extension});
    assert_eq!(app.post(&ft, &decisions, refused).await.0, S::OK);
    let appeal = json!({"date": "2021-10-25", "kind": "extension",
        "appeal": {"refusal_id": extension, "grounds": "Embauche dans un second atelier"}});
    let (s, a) = app.post(&aci, &requests, appeal).await;
    assert_eq!((s, &a["agrement_requests"][7]["appeal_of"]), (S::OK, &extension), "{a}");
    let mut db = app.store.pool().clone();
    let counted: i64 = db
        .fetch_one(
            query("SELECT COUNT(*) AS n FROM indicator_facts WHERE indicator = 'extensions' AND person_id = $1")
                .bind(uuid::Uuid::parse_str(&rose_id).unwrap()),
        )
        .await
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(counted, 2, "the appeal is not an extension asked");

    // Everything above is in the journal.
    for action in [
        "offer.created",
        "diagnosis.created",
        "prescription.created",
        "referral.hired",
        "approval.hiring",
        "approval.suspension",
        "approval.prolongation",
        "approval.prolongation_refused",
        "referral.refused",
        "referral.withdrawn",
        "contract.created",
        "assignment.created",
        "assignment.waiver_requested",
        "assignment.waiver_granted",
        "accompaniment.action_added",
        "accompaniment.registration",
        "exit.interview_held",
        "exit.reviewed",
        "exit.followed_up",
    ] {
        assert!(events(&app, action).await > 0, "no event {action}");
    }
}

async fn events(app: &TestApp, action: &str) -> i64 {
    passerelle_store::infra::events::count(&mut app.store.pool().clone(), Some(action))
        .await
        .unwrap()
}

#[tokio::test]
async fn iae_story_on_sqlite() {
    story(Backend::Sqlite).await;
}

#[tokio::test]
async fn iae_story_on_postgres() {
    story(Backend::Postgres).await;
}

/// Demo account -> the persons of the prescriptions it sees (sent or received).
const PRESCRIPTION_MATRIX: &[(&str, &[&str])] = &[
    ("ft-dijon", &["Diallo", "Durand"]),
    ("ml-dijon", &["Marchal"]),
    ("cap-emploi", &[]),
    ("aci-jardins", &["Durand", "Marchal"]),
    ("ei-recyclage", &["Diallo"]),
    ("ai-solidarite", &[]),
    ("ddets-21", &[]),
    ("reseau-iae", &[]),
];

async fn access(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token(passerelle_fixtures::demo::ADMIN_EMAIL).await;
    let (_, all) = app.get(&admin, "/api/v1/prescriptions").await;
    let all = all.as_array().unwrap().clone();
    assert_eq!(all.len(), 3, "the demo has three prescriptions");
    for (key, expected) in PRESCRIPTION_MATRIX {
        let token = app.token(&email(key)).await;
        let (s, seen) = app.get(&token, "/api/v1/prescriptions").await;
        assert_eq!(s, S::OK);
        let mut names: Vec<String> = seen
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                p["person_name"]
                    .as_str()
                    .unwrap()
                    .rsplit(' ')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        names.sort();
        assert_eq!(names, *expected, "{key}");
        for p in &all {
            let visible = expected.iter().any(|n| p["person_name"].as_str().unwrap().ends_with(n));
            let (s, _) = app.get(&token, &format!("/api/v1/prescriptions/{}", id(p))).await;
            assert_eq!(
                s,
                if visible { S::OK } else { S::NOT_FOUND },
                "{key} reading {}",
                p["person_name"]
            );
            // The approval follows the person's visibility: the prescriber and the employer of Durand.
            let approval = format!("/api/v1/persons/{}/approval", p["person_id"].as_str().unwrap());
            let (s, _) = app.get(&token, &approval).await;
            let expected = match (visible, p["status"].as_str()) {
                (true, Some("hired")) => S::OK,
                _ => S::NOT_FOUND,
            };
            assert_eq!(s, expected, "{key} reading the approval of {}", p["person_name"]);
        }
    }
    // The refusal counts hold no names and are open to the State services.
    let ddets = app.token(&email("ddets-21")).await;
    assert_eq!(app.get(&ddets, "/api/v1/referral-refusals").await.0, S::OK);
}

#[tokio::test]
async fn iae_access_on_sqlite() {
    access(Backend::Sqlite).await;
}

#[tokio::test]
async fn iae_access_on_postgres() {
    access(Backend::Postgres).await;
}

/// The prescription form establishes the diagnosis and sends the prescription in one transaction: sent again and
/// again without the person's consent, it leaves no diagnosis behind; with it, one diagnosis and one prescription.
async fn prescribe_form(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let (ft_id, aci_id) = (app.org_id("ft-dijon").await, app.org_id("aci-jardins").await);
    let (s, person) = app
        .post(
            &ft,
            "/api/v1/persons",
            json!({"organisation_id": ft_id, "first_name": "Inès", "last_name": "Marchal",
            "birth_date": "1990-06-01", "consent_data_sharing": false}),
        )
        .await;
    assert_eq!(s, S::CREATED);
    let path = format!("/personnes/{}/prescrire", id(&person));
    let session = login(&app, "ft-dijon").await;
    let token = csrf(&page(&app, &session, &path).await.1);
    let (ft_id, aci_id) = (ft_id.to_string(), aci_id.to_string());
    let mut form = vec![
        ("csrf", token.as_str()),
        ("prescriber_id", ft_id.as_str()),
        ("criteria", "deld"),
        ("siae_id", aci_id.as_str()),
        ("message", "Motivé par le maraîchage."),
    ];
    let diagnoses = app.count("iae_diagnoses").await;
    for _ in 0..3 {
        let (status, html) = post_form(&app, &session, &path, &form).await;
        assert_eq!(status, S::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("recueillez son accord"), "{html}");
    }
    assert_eq!(
        app.count("iae_diagnoses").await,
        diagnoses,
        "a refused prescription leaves no diagnosis"
    );
    form.push(("person_consent", "on"));
    let (status, _) = post_form(&app, &session, &path, &form).await;
    assert_eq!(status, S::SEE_OTHER);
    assert_eq!(app.count("iae_diagnoses").await, diagnoses + 1);
}

#[tokio::test]
async fn prescribe_form_on_sqlite() {
    prescribe_form(Backend::Sqlite).await;
}

#[tokio::test]
async fn prescribe_form_on_postgres() {
    prescribe_form(Backend::Postgres).await;
}
