//! ESAT pathways, immersions and passerelles through the API, on both databases: a worker
//! through situations with refused moves, an immersion from draft to assessment with a refused over-long
//! schedule, the person's one history; every refusal is a 4xx with its code and changes nothing; another
//! organisation gets 404.

use crate::{Backend, TestApp, email, id, today};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use time::Duration;

impl TestApp {
    /// Sends a change that must be refused with `status` and `code` (and `field` when given), and checks that
    /// no row and no event was written.
    async fn refused_change(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Value,
        (status, code, field): (S, &str, Option<&str>),
    ) {
        let before = self.snapshot().await;
        let (s, answer) = self.call(token, method, path, Some(body)).await;
        assert_eq!(s, status, "{path}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{path}: {answer}");
        if let Some(f) = field {
            assert_eq!(answer["error"]["field"], f, "{path}: {answer}");
        }
        assert!(!answer["error"]["message"].as_str().unwrap_or_default().is_empty());
        assert_eq!(
            self.snapshot().await,
            before,
            "{path}: a refused change wrote something"
        );
    }

    async fn post_created(&self, token: &str, path: &str, body: Value, key: &str) -> (S, bool, Value) {
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
        let replayed = r.headers().contains_key("idempotent-replayed");
        (status, replayed, r.json().await.unwrap())
    }
}

fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

async fn esat_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let esat = app.token(&email("esat-suzon")).await;
    let other = app.token(&email("esat-ouche")).await;
    let cap = app.token(&email("cap-emploi")).await;
    let (esat_id, cap_id) = (app.org_id("esat-suzon").await, app.org_id("cap-emploi").await);
    let (s, person) = app
        .call(
            &esat,
            Method::POST,
            "/api/v1/persons",
            Some(
                json!({"first_name": "Lucie", "last_name": "Perrin", "consent_data_sharing": true,
                "consent_date": day(-30)}),
            ),
        )
        .await;
    assert_eq!(s, S::CREATED, "{person}");
    let pid = id(&person);
    let worker = json!({"person_id": pid, "orientation_decided_on": "2022-01-10", "orientation_valid_until": day(300),
        "contract_started_on": "2022-02-01", "professional_project": "Aide en cuisine collective",
        "situation": {"situation": "project_in_ordinary_employment", "since": "2022-02-01"}});

    // Bad input: a code, a field, nothing written.
    let with = |field: &str, value: Value| {
        let mut w = worker.clone();
        w[field] = value;
        w
    };
    let workers = "/api/v1/esat/workers";
    app.refused_change(
        &esat,
        Method::POST,
        workers,
        with("orientation_valid_until", json!("2021-12-31")),
        (
            S::UNPROCESSABLE_ENTITY,
            "orientation_dates_inverted",
            Some("orientation_valid_until"),
        ),
    )
    .await;
    app.refused_change(
        &esat,
        Method::POST,
        workers,
        with(
            "situation",
            json!({"situation": "job_retention", "since": "2022-02-01"}),
        ),
        (S::UNPROCESSABLE_ENTITY, "esat_situation_not_initial", Some("situation")),
    )
    .await;
    app.refused_change(
        &esat,
        Method::POST,
        workers,
        with("situation", json!({"situation": "en_vacances", "since": "2022-02-01"})),
        (S::UNPROCESSABLE_ENTITY, "esat_situation_unknown", Some("situation")),
    )
    .await;
    app.refused_change(
        &esat,
        Method::POST,
        workers,
        with("person_id", json!("pas-un-uuid")),
        (S::BAD_REQUEST, "invalid_body", None),
    )
    .await;
    // Another ESAT does not follow the person: 404, not 403.
    app.refused_change(
        &other,
        Method::POST,
        workers,
        worker.clone(),
        (S::NOT_FOUND, "not_found", None),
    )
    .await;

    // Created once per Idempotency-Key.
    let workers_before = app.count("esat_workers").await;
    let (s, replayed, w) = app.post_created(&esat, workers, worker.clone(), "travailleur-1").await;
    assert_eq!((s, replayed), (S::CREATED, false), "{w}");
    let (s, replayed, again) = app.post_created(&esat, workers, worker.clone(), "travailleur-1").await;
    assert_eq!((s, replayed), (S::CREATED, true));
    assert_eq!(again["id"], w["id"]);
    assert_eq!(app.count("esat_workers").await, workers_before + 1);
    let wid = id(&w);
    let path = format!("/api/v1/esat/workers/{wid}");
    let situations = format!("{path}/situations");
    assert_eq!(w["situation_number"], 1);
    assert_eq!(w["allowed_moves"].as_array().unwrap().len(), 4);

    // Double activity over legal full time, then within it.
    let double = json!({"situation": "double_activity", "since": day(-20), "esat_minutes": 1200, "employer_minutes": 1050,
        "employer_name": "Restaurant Le Cèdre"});
    app.refused_change(
        &esat,
        Method::POST,
        &situations,
        double.clone(),
        (
            S::UNPROCESSABLE_ENTITY,
            "double_activity_over_full_time",
            Some("employer_minutes"),
        ),
    )
    .await;
    let mut ok = double.clone();
    ok["employer_minutes"] = json!(900);
    let (s, w) = app.call(&esat, Method::POST, &situations, Some(ok)).await;
    assert_eq!(s, S::OK, "{w}");
    assert_eq!(w["situation"], "double_activity");
    assert!(w["history"][1]["explanation"].as_str().unwrap().contains("35 h"), "{w}");
    app.refused_change(
        &esat,
        Method::POST,
        &situations,
        json!({"situation": "leaving_without_hiring_project", "since": day(-10)}),
        (
            S::UNPROCESSABLE_ENTITY,
            "esat_situation_move_forbidden",
            Some("situation"),
        ),
    )
    .await;
    app.refused_change(
        &esat,
        Method::POST,
        &format!("{path}/support-conventions"),
        json!({"employer_name": "Restaurant Le Cèdre", "starts_on": day(-5), "ends_on": day(300)}),
        (S::CONFLICT, "support_convention_wrong_situation", None),
    )
    .await;
    // The other ESAT gets 404 on every route of the record.
    let (s, _) = app.get(&other, &path).await;
    assert_eq!(s, S::NOT_FOUND);
    app.refused_change(
        &other,
        Method::POST,
        &situations,
        json!({"situation": "project_in_ordinary_employment", "since": day(-1)}),
        (S::NOT_FOUND, "not_found", None),
    )
    .await;
    let record = json!({"orientation_decided_on": "2022-01-10", "orientation_valid_until": day(900),
        "contract_started_on": "2022-02-01"});
    app.refused_change(
        &other,
        Method::PUT,
        &path,
        record.clone(),
        (S::NOT_FOUND, "not_found", None),
    )
    .await;
    let (_, list) = app.get(&other, workers).await;
    assert!(list.as_array().unwrap().iter().all(|w| w["id"] != wid.as_str()));

    // An immersion prescribed by Cap emploi, the ESAT as support structure; the person is shared first.
    let (s, _) = app
        .call(
            &esat,
            Method::POST,
            &format!("/api/v1/persons/{pid}/followers"),
            Some(json!({"organisation_id": cap_id})),
        )
        .await;
    assert_eq!(s, S::OK);
    let convention = json!({"person_id": pid, "prescriber_id": cap_id, "support_structure_id": esat_id,
        "host_name": "Restaurant Le Cèdre", "host_siret": "732 829 320 00074", "tutor_name": "Paul Girard",
        "objective": "confirm_project", "starts_on": day(-3), "ends_on": day(4), "schedule": [600, 600, 600, 600, 600, 0, 0]});
    let immersions = "/api/v1/immersions";
    app.refused_change(
        &cap,
        Method::POST,
        immersions,
        convention.clone(),
        (
            S::UNPROCESSABLE_ENTITY,
            "immersion_weekly_hours_exceeded",
            Some("schedule"),
        ),
    )
    .await;
    let mut too_long = convention.clone();
    too_long["ends_on"] = json!(day(40));
    app.refused_change(
        &cap,
        Method::POST,
        immersions,
        too_long,
        (S::UNPROCESSABLE_ENTITY, "immersion_too_long", Some("ends_on")),
    )
    .await;
    let mut bad_siret = convention.clone();
    bad_siret["host_siret"] = json!("73282932000075");
    app.refused_change(
        &cap,
        Method::POST,
        immersions,
        bad_siret,
        (S::UNPROCESSABLE_ENTITY, "siret_invalid", Some("host_siret")),
    )
    .await;
    let mut good = convention.clone();
    good["schedule"] = json!([420, 420, 420, 420, 420, 0, 0]);
    // An organisation that is neither prescriber nor support structure cannot write one.
    app.refused_change(
        &other,
        Method::POST,
        immersions,
        good.clone(),
        (S::FORBIDDEN, "not_an_immersion_party", None),
    )
    .await;
    let (s, replayed, i) = app.post_created(&cap, immersions, good.clone(), "immersion-1").await;
    assert_eq!((s, replayed), (S::CREATED, false), "{i}");
    let (_, replayed, again) = app.post_created(&cap, immersions, good, "immersion-1").await;
    assert!(replayed);
    assert_eq!(again["id"], i["id"]);
    assert_eq!(i["status"], "draft");
    assert_eq!(i["weekly_minutes"], 2100);
    let iid = id(&i);
    let ipath = format!("/api/v1/immersions/{iid}");
    let (s, _) = app.get(&other, &ipath).await;
    assert_eq!(s, S::NOT_FOUND);
    app.refused_change(
        &esat,
        Method::POST,
        &format!("{ipath}/signatures"),
        json!({"party": "beneficiary", "signer_name": "Lucie Perrin"}),
        (S::CONFLICT, "immersion_step_not_allowed", None),
    )
    .await;
    let (s, i) = app.call(&esat, Method::POST, &format!("{ipath}/submit"), None).await;
    assert_eq!((s, i["status"].as_str()), (S::OK, Some("awaiting_signatures")), "{i}");
    assert!(i["reminders"][0].as_str().unwrap().contains("n'est pas signée"), "{i}");
    // The reminders are on the to-do lists of both parties; the demo's ESAT de l'Ouche has an orientation to renew.
    for token in [&esat, &cap] {
        let (s, todo) = app.get(token, "/api/v1/todo").await;
        assert_eq!(s, S::OK, "{todo}");
        let item = todo
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["link"] == format!("/immersions/{iid}"))
            .unwrap_or_else(|| panic!("no reminder of the immersion: {todo}"));
        assert_eq!(item["what"], "immersion_signatures");
        assert!(item["explanation"].as_str().unwrap().contains("prescripteur"), "{item}");
    }
    let (_, todo) = app.get(&other, "/api/v1/todo").await;
    assert!(
        todo.as_array()
            .unwrap()
            .iter()
            .any(|t| t["what"] == "esat_orientation_renewal" && t["person_name"] == "David Caron"),
        "{todo}"
    );
    for (token, party) in [
        (&esat, "beneficiary"),
        (&esat, "host_company"),
        (&esat, "support_structure"),
    ] {
        let (s, i) = app
            .call(
                token,
                Method::POST,
                &format!("{ipath}/signatures"),
                Some(json!({"party": party, "signer_name": "Signataire"})),
            )
            .await;
        assert_eq!(s, S::OK, "{i}");
    }
    app.refused_change(
        &esat,
        Method::POST,
        &format!("{ipath}/signatures"),
        json!({"party": "prescriber", "signer_name": "Cap"}),
        (S::FORBIDDEN, "not_the_signing_party", None),
    )
    .await;
    app.refused_change(
        &cap,
        Method::POST,
        &format!("{ipath}/signatures"),
        json!({"party": "mairie", "signer_name": "Cap"}),
        (S::UNPROCESSABLE_ENTITY, "immersion_party_unknown", Some("party")),
    )
    .await;
    let (s, i) = app
        .call(
            &cap,
            Method::POST,
            &format!("{ipath}/signatures"),
            Some(json!({"party": "prescriber", "signer_name": "Cap emploi"})),
        )
        .await;
    assert_eq!((s, i["status"].as_str()), (S::OK, Some("in_progress")), "{i}");
    app.refused_change(
        &cap,
        Method::POST,
        &format!("{ipath}/assessment"),
        json!({"completed": true, "objective_met": true, "contract_kind": "cdd", "assessed_on": day(-10)}),
        (
            S::UNPROCESSABLE_ENTITY,
            "immersion_assessment_before_start",
            Some("assessed_on"),
        ),
    )
    .await;
    app.refused_change(
        &cap,
        Method::POST,
        &format!("{ipath}/assessment"),
        json!({"completed": true, "objective_met": true, "contract_kind": "cdx"}),
        (S::UNPROCESSABLE_ENTITY, "contract_kind_unknown", Some("contract_kind")),
    )
    .await;
    let (s, i) = app
        .call(
            &cap,
            Method::POST,
            &format!("{ipath}/assessment"),
            Some(json!({"completed": true, "objective_met": true, "contract_kind": "cdi"})),
        )
        .await;
    assert_eq!((s, i["status"].as_str()), (S::OK, Some("assessed")), "{i}");
    assert_eq!(i["assessment"]["contract_label"], "CDI");
    app.refused_change(
        &cap,
        Method::POST,
        &format!("{ipath}/cancel"),
        json!({}),
        (S::CONFLICT, "immersion_step_not_allowed", None),
    )
    .await;

    // One history: Cap emploi sees the ESAT's steps by the person's consent; the other ESAT gets 404.
    let (s, h) = app.get(&cap, &format!("/api/v1/persons/{pid}/pathways")).await;
    assert_eq!(s, S::OK, "{h}");
    let steps = h["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["sector"] == "esat" && s["own"] == false), "{h}");
    assert!(
        steps.iter().any(|s| s["sector"] == "immersion" && s["own"] == true),
        "{h}"
    );
    assert!(
        steps.iter().any(|s| s["title"].as_str().unwrap().contains("CDI")),
        "{h}"
    );
    assert_eq!(h["hidden_steps"], 0);
    let (s, _) = app.get(&other, &format!("/api/v1/persons/{pid}/pathways")).await;
    assert_eq!(s, S::NOT_FOUND);
}

#[tokio::test]
async fn esat_api_on_sqlite() {
    esat_api(Backend::Sqlite).await;
}

#[tokio::test]
async fn esat_api_on_postgres() {
    esat_api(Backend::Postgres).await;
}

/// The ESAT pages through a plain client: a form without the session's CSRF token is refused and writes
/// nothing; a refused move comes back with its explanation next to the field; another ESAT gets 404.
#[tokio::test]
async fn esat_pages_refuse_without_csrf_and_explain_refusals() {
    use reqwest::header::COOKIE;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let session = crate::pages::login(&app, "esat-suzon").await;
    let cookie = format!("passerelle_session={session}");
    let page = |path: String| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let r = app
                .http
                .get(app.url(&path))
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (s, list) = page("/esat".into()).await;
    assert_eq!(s, S::OK);
    assert!(list.contains("Masson") && list.contains("Double activité"), "{list}");
    let token = crate::pages::csrf(&list);
    let worker = list
        .split("href=\"/esat/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let r = app
                .http
                .post(app.url(&path))
                .header(COOKIE, cookie)
                .form(&form)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let before = app.snapshot().await;
    let (s, _) = post(
        format!("/esat/{worker}/situation"),
        vec![
            ("csrf", "forged".into()),
            ("situation", "project_in_ordinary_employment".into()),
            ("since", "2026-01-01".into()),
        ],
    )
    .await;
    assert_eq!(s, S::FORBIDDEN);
    // A move dated before the current situation: 422, the explanation next to « Depuis le ».
    let (s, html) = post(
        format!("/esat/{worker}/situation"),
        vec![
            ("csrf", token.clone()),
            ("situation", "job_retention".into()),
            ("since", "2001-01-01".into()),
        ],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("id=\"since-error\""), "{html}");
    assert_eq!(app.snapshot().await, before, "a refused form wrote something");
    // Another ESAT's member gets 404 on the page.
    let other = crate::pages::login(&app, "esat-ouche").await;
    let r = app
        .http
        .get(app.url(&format!("/esat/{worker}")))
        .header(COOKIE, format!("passerelle_session={other}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::NOT_FOUND);

    // The demo immersion, assessed with its object not met, is renewed from its page's link.
    let api = app.token(&email("esat-suzon")).await;
    let (_, list) = app.get(&api, "/api/v1/immersions").await;
    let demo = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["host_name"] == "Clinique du Parc")
        .unwrap();
    let iid = id(demo);
    let (s, i) = app
        .call(
            &api,
            Method::POST,
            &format!("/api/v1/immersions/{iid}/assessment"),
            Some(json!({"completed": false, "objective_met": false})),
        )
        .await;
    assert_eq!(s, S::OK, "{i}");
    let (_, html) = page(format!("/immersions/{iid}")).await;
    assert!(html.contains(&format!("/immersions?renouvellement={iid}")), "{html}");
    let (s, html) = page(format!("/immersions?renouvellement={iid}")).await;
    assert_eq!(s, S::OK);
    assert!(html.contains(&format!("name=\"renewal_of\" value=\"{iid}\"")) && html.contains("Clinique du Parc"));
    let field = |name: &str| {
        let start = html.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
        html[start..].split('"').next().unwrap().to_owned()
    };
    let ends_on: time::Date = time::Date::parse(
        demo["ends_on"].as_str().unwrap(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap();
    let mut form: Vec<(&'static str, String)> = vec![("csrf", token.clone())];
    for name in [
        "renewal_of",
        "host_name",
        "host_siret",
        "tutor_name",
        "h0",
        "h1",
        "h3",
        "h4",
    ] {
        form.push((name, field(name)));
    }
    form.extend([
        ("person_id", demo["person_id"].as_str().unwrap().to_owned()),
        ("prescriber_id", demo["prescriber_id"].as_str().unwrap().to_owned()),
        (
            "support_structure_id",
            demo["support_structure_id"].as_str().unwrap().to_owned(),
        ),
        ("objective", "discover_trade".to_owned()),
        ("starts_on", (ends_on + Duration::days(1)).to_string()),
        ("ends_on", (ends_on + Duration::days(10)).to_string()),
    ]);
    let r = app
        .http
        .post(app.url("/immersions"))
        .header(COOKIE, cookie.clone())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::SEE_OTHER, "{}", r.text().await.unwrap());
    let (_, list) = app.get(&api, "/api/v1/immersions").await;
    assert!(
        list.as_array().unwrap().iter().any(|i| i["renewal_of"] == iid.as_str()),
        "{list}"
    );
}
