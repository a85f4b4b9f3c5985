//! The optional second factor (TOTP): enrolment from `/compte/securite`, confirmed by a first
//! code, which shows the recovery codes once; then the API and the login form require a code (or a recovery
//! code, once each), refuse a wrong or replayed one, and the address locks as for passwords; replacing the
//! recovery codes and turning the factor off take a current code.

use crate::pages::{csrf, login, page};
use crate::{Backend, PASSWORD, TestApp, email};
use passerelle_domain::totp::{self, STEP_SECS, step_of};
use reqwest::StatusCode as S;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};
use time::OffsetDateTime;

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

async fn api_login(app: &TestApp, address: &str, code: Option<&str>) -> (S, Value) {
    let mut body = json!({"email": address, "password": PASSWORD});
    if let Some(c) = code {
        body["totp"] = json!(c);
    }
    let r = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

pub(crate) async fn post(app: &TestApp, session: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let token = csrf(&page(app, session, "/compte/securite").await.1);
    let mut fields = vec![("csrf", token.as_str())];
    fields.extend_from_slice(form);
    app.http
        .post(app.url(path))
        .header(COOKIE, format!("passerelle_session={session}"))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// The recovery codes shown in a page.
pub(crate) fn recovery_codes(html: &str) -> Vec<String> {
    html.split("<code class=\"recovery-code\">")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect()
}

/// The key shown on the page, decoded.
pub(crate) async fn shown_key(app: &TestApp, session: &str) -> Vec<u8> {
    let (_, html) = page(app, session, "/compte/securite").await;
    let start = html.find("<code id=\"totp-key\">").expect("the key is shown") + 20;
    let typed = html[start..].split('<').next().unwrap();
    assert!(html.contains("otpauth://totp/Passerelle:"), "the address for a phone");
    totp::base32_decode(typed).expect("a base32 key")
}

async fn second_factor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let address = email("ddets-21");
    let session = login(&app, "ddets-21").await;

    // A form without its token changes nothing.
    let r = app
        .http
        .post(app.url("/compte/securite/activer"))
        .header(COOKIE, format!("passerelle_session={session}"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    assert_eq!(api_login(&app, &address, None).await.0, S::OK, "still off");

    let r = post(&app, &session, "/compte/securite/activer", &[]).await;
    assert_eq!(r.status(), S::SEE_OTHER);
    let key = shown_key(&app, &session).await;
    assert_eq!(key.len(), totp::SECRET_LEN);
    // Until a first code confirms it, the key does not guard the login.
    assert_eq!(api_login(&app, &address, None).await.0, S::OK, "not confirmed yet");
    let r = post(&app, &session, "/compte/securite/confirmer", &[("code", "12345")]).await;
    assert_eq!(r.status(), S::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("Code de vérification incorrect"));

    // Three codes of consecutive steps are used below: start early in a step so that all stay in the window.
    if now().rem_euclid(STEP_SECS) > STEP_SECS - 10 {
        tokio::time::sleep(std::time::Duration::from_secs(
            (STEP_SECS - now().rem_euclid(STEP_SECS) + 1) as u64,
        ))
        .await;
    }
    let t0 = now();
    let code = |offset: i64| totp::code_at(&key, t0 + offset * STEP_SECS);
    let r = post(&app, &session, "/compte/securite/confirmer", &[("code", &code(-1))]).await;
    // The recovery codes are shown in the answer itself, once, and kept by no cache.
    assert_eq!(r.status(), S::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let codes = recovery_codes(&r.text().await.unwrap());
    assert_eq!(codes.len(), 10, "{codes:?}");
    let (_, html) = page(&app, &session, "/compte/securite").await;
    assert!(html.contains("Activée"), "{html}");
    assert!(recovery_codes(&html).is_empty(), "shown once");
    assert!(html.contains("Codes de secours inutilisés : 10."));

    // The API: a code is required, a wrong one refused, the right one accepted once.
    let (s, body) = api_login(&app, &address, None).await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::UNAUTHORIZED, Some("second_factor_required"))
    );
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| totp::verify(&key, c, t0).is_none() && totp::verify(&key, c, t0 + STEP_SECS).is_none())
        .unwrap();
    let (s, body) = api_login(&app, &address, Some(&wrong)).await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::UNAUTHORIZED, Some("second_factor_invalid"))
    );
    let (s, body) = api_login(&app, &address, Some(&code(0))).await;
    assert_eq!(s, S::OK, "{body}");
    let (s, body) = api_login(&app, &address, Some(&code(0))).await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::UNAUTHORIZED, Some("second_factor_invalid")),
        "a code is accepted once"
    );
    // A wrong password is still a wrong password, whatever the code.
    let r = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": address, "password": "pas le bon mot de passe", "totp": code(1)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::UNAUTHORIZED);

    // The login form takes the code in its own field.
    let form = app.http.get(app.url("/connexion")).send().await.unwrap();
    let login_cookie = form
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("passerelle_login_csrf="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap();
    let html = form.text().await.unwrap();
    assert!(html.contains("Code de vérification"));
    let r = app
        .http
        .post(app.url("/connexion"))
        .header(COOKIE, format!("passerelle_login_csrf={login_cookie}"))
        .form(&[
            ("csrf", csrf(&html).as_str()),
            ("next", "/"),
            ("email", &address),
            ("password", PASSWORD),
            ("code", &code(1)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/");

    // A recovery code replaces the code once, in the API and in the form (typed in capitals, without dashes).
    let (s, body) = api_login(&app, &address, Some(&codes[0])).await;
    assert_eq!(s, S::OK, "{body}");
    let (s, body) = api_login(&app, &address, Some(&codes[0])).await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (S::UNAUTHORIZED, Some("second_factor_invalid")),
        "a recovery code is accepted once"
    );
    let form = app.http.get(app.url("/connexion")).send().await.unwrap();
    let login_cookie = form
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("passerelle_login_csrf="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap();
    let html = form.text().await.unwrap();
    let r = app
        .http
        .post(app.url("/connexion"))
        .header(COOKIE, format!("passerelle_login_csrf={login_cookie}"))
        .form(&[
            ("csrf", csrf(&html).as_str()),
            ("next", "/"),
            ("email", &address),
            ("password", PASSWORD),
            ("code", &codes[1].replace('-', "").to_uppercase()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);

    // New recovery codes take a current code; the old ones stop working.
    let r = post(
        &app,
        &session,
        "/compte/securite/codes-de-secours",
        &[("code", &codes[0])],
    )
    .await;
    assert_eq!(r.status(), S::UNAUTHORIZED, "a used code proves nothing");
    let r = post(
        &app,
        &session,
        "/compte/securite/codes-de-secours",
        &[("code", &codes[2])],
    )
    .await;
    assert_eq!(r.status(), S::OK);
    let renewed = recovery_codes(&r.text().await.unwrap());
    assert_eq!(renewed.len(), 10);
    assert!(renewed.iter().all(|c| !codes.contains(c)));
    let (s, _) = api_login(&app, &address, Some(&codes[3])).await;
    assert_eq!(s, S::UNAUTHORIZED, "the old codes are replaced");
    let (s, body) = api_login(&app, &address, Some(&renewed[0])).await;
    assert_eq!(s, S::OK, "{body}");

    // Turning it off takes a current code (here from a later step: the codes above were all used).
    let r = post(&app, &session, "/compte/securite/desactiver", &[("code", &wrong)]).await;
    assert_eq!(r.status(), S::UNAUTHORIZED);
    assert_eq!(api_login(&app, &address, None).await.0, S::UNAUTHORIZED, "still on");
    use passerelle_store::infra::sql::{Executor, query};
    let mut db = app.store.pool().clone();
    db.execute(
        query("UPDATE users SET totp_last_step = $1 WHERE email = $2")
            .bind(step_of(t0) - 3)
            .bind(&address),
    )
    .await
    .unwrap();
    let r = post(
        &app,
        &session,
        "/compte/securite/desactiver",
        &[("code", &totp::code_at(&key, now()))],
    )
    .await;
    assert_eq!(r.status(), S::SEE_OTHER);
    assert_eq!(api_login(&app, &address, None).await.0, S::OK, "off again");

    // Each change is in the journal.
    let actions: Vec<String> = db
        .fetch_all(query(
            "SELECT action FROM events WHERE action LIKE 'second_factor.%' ORDER BY id",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("action").unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "second_factor.enrolment_started",
            "second_factor.enabled",
            "second_factor.recovery_code_used",
            "second_factor.recovery_code_used",
            "second_factor.recovery_code_used",
            "second_factor.recovery_codes_regenerated",
            "second_factor.recovery_code_used",
            "second_factor.disabled"
        ]
    );
}

#[tokio::test]
async fn second_factor_on_sqlite() {
    second_factor(Backend::Sqlite).await;
}

#[tokio::test]
async fn second_factor_on_postgres() {
    second_factor(Backend::Postgres).await;
}
