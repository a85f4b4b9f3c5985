//! Supported employment and the skills record through the API (issue 6): the four modules, access by
//! organisation, bad input, the dashboard, the PDF, and the person's own link that reaches no one else.

use crate::{Backend, TestApp, email, id, today};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};

/// Creates a consenting person followed by the caller's organisation and shared with `others`.
async fn person(app: &TestApp, token: &str, last_name: &str, others: &[&str]) -> String {
    let (s, p) = app
        .call(
            token,
            Method::POST,
            "/api/v1/persons",
            Some(
                json!({"first_name": "Claire", "last_name": last_name, "consent_data_sharing": true,
                "consent_date": "2026-01-05"}),
            ),
        )
        .await;
    assert_eq!(s, S::CREATED, "{p}");
    for other in others {
        let org = app.org_id(other).await;
        let (s, b) = app
            .call(
                token,
                Method::POST,
                &format!("/api/v1/persons/{}/followers", id(&p)),
                Some(json!({"organisation_id": org})),
            )
            .await;
        assert_eq!(s, S::OK, "{b}");
    }
    id(&p)
}

fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext is installed (apt-get install poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

async fn supported_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let dea = app.token(&email("dea-21")).await;
    let ft = app.token(&email("ft-dijon")).await;
    let cap = app.token(&email("cap-emploi")).await;
    let scheme = app.org_id("dea-21").await;
    let cap_id = app.org_id("cap-emploi").await;
    let claire = person(&app, &dea, "Fontaine", &["cap-emploi"]).await;
    let other = person(&app, &dea, "Garnier", &[]).await;

    // Bad input: each refusal names its field and changes nothing.
    let before = app.snapshot().await;
    let entries = app.count("supported_entries").await;
    let path = format!("/api/v1/persons/{claire}/supported");
    for (body, status, code) in [
        (
            json!({"scheme_id": scheme, "route": "mdph", "entered_on": "2026-02-02"}),
            S::UNPROCESSABLE_ENTITY,
            "route_unknown",
        ),
        (
            json!({"scheme_id": scheme, "route": "cdaph", "entered_on": "2026-02-02", "decided_on": "2016-06-01",
            "valid_until": "2030-01-01"}),
            S::UNPROCESSABLE_ENTITY,
            "supported_route_not_in_force",
        ),
        (
            json!({"scheme_id": scheme, "route": "spe", "entered_on": "2026-02-02", "prescriber_id": cap_id,
            "prescribed_on": "2023-12-01"}),
            S::UNPROCESSABLE_ENTITY,
            "supported_route_not_in_force",
        ),
        (
            json!({"scheme_id": scheme, "route": "spe", "entered_on": "2026-02-02", "prescriber_id": scheme,
            "prescribed_on": "2026-01-20"}),
            S::UNPROCESSABLE_ENTITY,
            "prescriber_not_spe",
        ),
        (
            json!({"scheme_id": cap_id, "route": "cdaph"}),
            S::FORBIDDEN,
            "not_a_member",
        ),
        (
            json!({"scheme_id": scheme, "route": "cdaph", "entered_on": "2026-13-01"}),
            S::BAD_REQUEST,
            "invalid_body",
        ),
    ] {
        let (s, b) = app.call(&dea, Method::POST, &path, Some(body.clone())).await;
        assert_eq!((s, b["error"]["code"].as_str()), (status, Some(code)), "{body}: {b}");
    }
    assert_eq!(app.snapshot().await, before);
    assert_eq!(app.count("supported_entries").await, entries);

    // Entry by a CDAPH decision, replayed once with the same key.
    let entry = json!({"scheme_id": scheme, "route": "cdaph", "entered_on": "2026-02-02", "decided_on": "2026-01-15",
        "valid_until": "2031-01-14"});
    let send = |body: Value| {
        app.http
            .post(app.url(&path))
            .bearer_auth(&dea)
            .header("Idempotency-Key", "entree-fontaine")
            .json(&body)
            .send()
    };
    let r = send(entry.clone()).await.unwrap();
    assert_eq!(r.status(), S::CREATED);
    let rec: Value = r.json().await.unwrap();
    let r = send(entry).await.unwrap();
    assert_eq!(
        (r.status(), r.headers()["idempotent-replayed"].to_str().unwrap()),
        (S::CREATED, "true")
    );
    assert_eq!(app.count("supported_entries").await, entries + 1);
    let entry_id = rec["entries"][0]["id"].as_str().unwrap().to_owned();
    let route_label = rec["entries"][0]["route_label"].as_str().unwrap();
    assert_eq!(
        route_label,
        "décision de la CDAPH du 15 janvier 2026, valable jusqu'au 14 janvier 2031"
    );

    // The four modules, a job, the convention.
    let on = |path: &str| format!("/api/v1/supported-entries/{entry_id}/{path}");
    let (s, b) = app
        .call(
            &dea,
            Method::POST,
            &on("convention"),
            Some(json!({"signed_on": "2026-02-02"})),
        )
        .await;
    assert_eq!(s, S::CREATED, "{b}");
    for (module, day, minutes, employer) in [
        ("assessment", "2026-02-02", 90, None),
        ("project", "2026-02-16", 60, None),
        ("job_search", "2026-03-02", 120, Some("Jardinerie du Lac")),
    ] {
        let body = json!({"module": module, "done_on": day, "minutes": minutes, "employer": employer});
        let (s, b) = app.call(&dea, Method::POST, &on("activities"), Some(body)).await;
        assert_eq!(s, S::CREATED, "{b}");
    }
    let early = json!({"module": "in_employment", "done_on": "2026-03-10", "minutes": 30});
    let (s, b) = app.call(&dea, Method::POST, &on("activities"), Some(early)).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::UNPROCESSABLE_ENTITY, Some("not_in_employment"))
    );
    let (s, b) = app
        .call(
            &dea,
            Method::POST,
            &on("jobs"),
            Some(
                json!({"employer": "Jardinerie du Lac", "position": "Vendeuse en jardinerie", "contract": "cdi",
                "starts_on": "2026-03-09", "weekly_hours": 28}),
            ),
        )
        .await;
    assert_eq!(s, S::CREATED, "{b}");
    let support =
        json!({"module": "in_employment", "done_on": "2026-03-16", "minutes": 45, "employer": "Jardinerie du Lac"});
    let (s, b) = app.call(&dea, Method::POST, &on("activities"), Some(support)).await;
    assert_eq!(s, S::CREATED, "{b}");
    assert_eq!(b["entries"][0]["current_module"], "in_employment");
    assert_eq!(b["entries"][0]["employers"], json!(["Jardinerie du Lac"]));

    // Access: the prescriber-follower (Cap emploi) reads, France Travail gets 404, the scheme's entry cannot
    // be written by an organisation outside it.
    let (s, b) = app.get(&cap, &path).await;
    assert_eq!(
        (s, b["entries"].as_array().map(Vec::len)),
        (S::OK, Some(0)),
        "Cap emploi follows but did not prescribe"
    );
    assert_eq!(app.get(&ft, &path).await.0, S::NOT_FOUND);
    let (s, _) = app
        .call(
            &ft,
            Method::POST,
            &on("activities"),
            Some(json!({"module": "project", "done_on": "2026-02-20", "minutes": 10})),
        )
        .await;
    assert_eq!(s, S::NOT_FOUND);

    // The dashboard counts her.
    let (s, board) = app
        .get(&dea, &format!("/api/v1/supported/dashboard?on={}", today()))
        .await;
    assert_eq!(s, S::OK, "{board}");
    assert!(board[0]["figures"]["people"].as_i64().unwrap() >= 1);
    assert!(
        board[0]["counsellors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["people"].as_i64() >= Some(1))
    );
    assert_eq!(app.get(&ft, "/api/v1/supported/dashboard").await.1, json!([]));
    let (s, b) = app.get(&dea, "/api/v1/supported/dashboard?on=demain").await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::BAD_REQUEST, Some("invalid_query")),
        "{b}"
    );

    // The skills record as PDF, read back.
    let r = app
        .http
        .get(app.url(&format!("/api/v1/persons/{claire}/skills-record/pdf")))
        .bearer_auth(&dea)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdf_text(&r.bytes().await.unwrap());
    for expected in [
        "Carnet de parcours et de compétences",
        "Claire Fontaine",
        "Expériences professionnelles",
        "Vendeuse en jardinerie, CDI, 28 h par semaine",
        "Emploi accompagné, module (a)",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert_eq!(
        app.get(&ft, &format!("/api/v1/persons/{claire}/skills-record")).await.0,
        S::NOT_FOUND
    );

    // The person's link shows her record and nothing else; another person's link shows only theirs.
    let link_of = |person: String| {
        let app = &app;
        let dea = dea.clone();
        async move {
            let (s, b) = app
                .call(
                    &dea,
                    Method::POST,
                    &format!("/api/v1/persons/{person}/skills-record/links"),
                    Some(json!({"organisation_id": scheme, "days": 30})),
                )
                .await;
            assert_eq!(s, S::CREATED, "{b}");
            assert!(b["link"].get("token_hash").is_none());
            (
                b["token"].as_str().unwrap().to_owned(),
                b["link"]["id"].as_str().unwrap().to_owned(),
            )
        }
    };
    let (token, link_id) = link_of(claire.clone()).await;
    let (other_token, _) = link_of(other.clone()).await;
    let shared = |token: String| {
        let app = &app;
        async move {
            let r = app
                .http
                .get(app.url(&format!("/api/v1/skills-record/shared/{token}")))
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (s, mine) = shared(token.clone()).await;
    assert_eq!((s, mine["person_id"].as_str()), (S::OK, Some(claire.as_str())));
    assert!(!mine.to_string().contains("Garnier"));
    let (s, theirs) = shared(other_token.clone()).await;
    assert_eq!((s, theirs["last_name"].as_str()), (S::OK, Some("Garnier")));
    assert!(!theirs.to_string().contains("Fontaine") && !theirs.to_string().contains("Jardinerie"));
    // Nothing else is reachable with a token: not the API (no account), not a made-up or altered token.
    for path in [
        format!("/api/v1/persons/{other}/skills-record"),
        format!("/api/v1/persons/{claire}/supported"),
    ] {
        assert_eq!(app.get(&token, &path).await.0, S::UNAUTHORIZED);
    }
    let altered = format!("{}{}", &token[..63], if token.ends_with('0') { '1' } else { '0' });
    assert_eq!(shared(altered).await.0, S::NOT_FOUND);
    assert_eq!(shared("x".repeat(64)).await.0, S::NOT_FOUND);
    // Revoked by the scheme (France Travail cannot): 404 from then on.
    let revoke = format!("/api/v1/skills-record-links/{link_id}/revoke");
    assert_eq!(app.call(&ft, Method::POST, &revoke, None).await.0, S::NOT_FOUND);
    let (s, links) = app.call(&dea, Method::POST, &revoke, None).await;
    assert_eq!((s, links[0]["revoked"].as_bool()), (S::OK, Some(true)));
    assert_eq!(shared(token).await.0, S::NOT_FOUND);
    assert_eq!(shared(other_token).await.0, S::OK);
}

#[tokio::test]
async fn supported_api_on_sqlite() {
    supported_api(Backend::Sqlite).await;
}

#[tokio::test]
async fn supported_api_on_postgres() {
    supported_api(Backend::Postgres).await;
}

/// The pages: the counsellors' dashboard with its chart, a person's supported employment with its forms
/// (CSRF, French errors, nothing changed on error), the skills record and the person's own page.
async fn supported_pages(backend: Backend) {
    use crate::pages::{csrf, login, page, post_form};
    let app = TestApp::spawn(backend).await;
    let samir = login(&app, "samir.brahimi").await;
    let (s, html) = page(&app, &samir, "/emploi-accompagne").await;
    assert_eq!(s, S::OK);
    for expected in [
        "Samir Brahimi",
        "Lucie Masson",
        "<svg",
        "en dessous de la référence",
        "2 389 dans 81 dispositifs",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    assert!(
        html.contains("href=\"/emploi-accompagne\" aria-current=\"page\""),
        "nav entry for the scheme's members"
    );
    let ft_session = login(&app, "ft-dijon").await;
    let (_, home) = page(&app, &ft_session, "/").await;
    assert!(
        !home.contains("href=\"/emploi-accompagne\""),
        "no nav entry outside the schemes"
    );

    let dea = app.token(&email("dea-21")).await;
    let (_, found) = app.get(&dea, "/api/v1/persons?q=Gillet").await;
    let gillet = id(&found["items"][0]);
    let path = format!("/personnes/{gillet}/emploi-accompagne");
    let (s, html) = page(&app, &samir, &path).await;
    assert_eq!(s, S::OK);
    assert!(
        html.contains("Imprimerie Darantière") && html.contains("(d) accompagnement dans l&#39;emploi"),
        "{html}"
    );
    assert_eq!(page(&app, &ft_session, &path).await.0, S::NOT_FOUND);
    let token = csrf(&html);
    let entry = {
        let start = html.find("name=\"entry_id\" value=\"").unwrap() + 23;
        html[start..start + 36].to_owned()
    };
    let activities = app.count("supported_activities").await;
    let post = format!("{path}/activite");
    let form = |csrf: &str, minutes: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("entry_id", entry.clone()),
            ("module", "in_employment".to_owned()),
            ("date", today().to_string()),
            ("minutes", minutes.to_owned()),
        ]
    };
    let send = |f: Vec<(&'static str, String)>| {
        let post = post.clone();
        let app = &app;
        let samir = samir.clone();
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_form(app, &samir, &post, &f).await
        }
    };
    assert_eq!(send(form("forged", "30")).await.0, S::FORBIDDEN);
    let (s, html) = send(form(&token, "900")).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(html.contains("de 1 à 600 (une journée)"), "{html}");
    assert_eq!(app.count("supported_activities").await, activities);
    assert_eq!(send(form(&token, "30")).await.0, S::SEE_OTHER);
    assert_eq!(app.count("supported_activities").await, activities + 1);

    // The skills record, a personal link made from the page, read without an account.
    let record = format!("/personnes/{gillet}/carnet");
    let (s, html) = page(&app, &samir, &record).await;
    assert_eq!(s, S::OK);
    assert!(html.contains("Opérateur de façonnage, CDD, 24 h par semaine"));
    let (s, html) = post_form(
        &app,
        &samir,
        &format!("{record}/lien"),
        &[("csrf", &csrf(&html)), ("days", "30")],
    )
    .await;
    assert_eq!(s, S::BAD_REQUEST, "the organisation is required: {html}");
    let scheme = app.org_id("dea-21").await.to_string();
    let (s, html) = page(&app, &samir, &record).await;
    assert_eq!(s, S::OK);
    let (s, html) = post_form(
        &app,
        &samir,
        &format!("{record}/lien"),
        &[("csrf", &csrf(&html)), ("organisation_id", &scheme), ("days", "30")],
    )
    .await;
    assert_eq!(s, S::OK);
    let start = html.find("href=\"/carnet/").expect("the new link is shown once") + 6;
    let link = html[start..start + 8 + 64].to_owned();
    let r = app.http.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), S::OK);
    let own = r.text().await.unwrap();
    assert!(own.contains("Romain Gillet") && own.contains("Imprimerie Darantière"));
    assert!(
        !own.contains("Benali") && !own.contains("Se déconnecter"),
        "only this person, no account"
    );
    let r = app.http.get(app.url(&format!("{link}/pdf"))).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(pdf_text(&r.bytes().await.unwrap()).contains("Romain Gillet"));
    assert_eq!(
        app.http.get(app.url("/carnet/inconnu")).send().await.unwrap().status(),
        S::NOT_FOUND
    );
}

#[tokio::test]
async fn supported_pages_on_sqlite() {
    supported_pages(Backend::Sqlite).await;
}

#[tokio::test]
async fn supported_pages_on_postgres() {
    supported_pages(Backend::Postgres).await;
}
