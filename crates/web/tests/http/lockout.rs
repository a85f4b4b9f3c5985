//! The login lockout and the second factor's checks under concurrency, on both databases: each attempt is counted
//! before it is evaluated, so a burst gets no more than the limit evaluated; a right password in a burst does not
//! lift the lock; the count is per e-mail and source address, so the owner elsewhere still logs in; and the
//! second factor's changes count their codes too.

use crate::pages::{csrf, login, page};
use crate::second_factor::{post, recovery_codes, shown_key};
use crate::{Backend, PASSWORD, TestApp, email};
use passerelle_domain::totp::{self, STEP_SECS};
use passerelle_store::auth::MAX_ATTEMPTS;
use reqwest::StatusCode as S;
use reqwest::header::COOKIE;
use serde_json::json;
use std::sync::Arc;
use time::OffsetDateTime;

/// Addresses as the reverse proxy on the same machine reports them (documentation ranges, RFC 5737).
const ATTACKER: &str = "203.0.113.7";
const OTHER_ATTACKER: &str = "203.0.113.8";
const OWNER: &str = "198.51.100.20";
const WRONG: &str = "pas le bon mot de passe";

async fn api_login(app: &TestApp, address: &str, password: &str, from: &str) -> S {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({"email": address, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

/// Sends the requests at once (released together) and answers their statuses.
async fn at_once(requests: Vec<reqwest::RequestBuilder>) -> Vec<S> {
    let gate = Arc::new(tokio::sync::Barrier::new(requests.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for request in requests {
        let gate = gate.clone();
        tasks.spawn(async move {
            gate.wait().await;
            request.send().await.unwrap().status()
        });
    }
    tasks.join_all().await
}

fn logins(app: &TestApp, address: &str, passwords: &[&str], from: &str) -> Vec<reqwest::RequestBuilder> {
    passwords
        .iter()
        .map(|p| {
            app.http
                .post(app.url("/api/v1/auth/login"))
                .header("x-forwarded-for", from)
                .json(&json!({"email": address, "password": p}))
        })
        .collect()
}

fn tally(statuses: &[S], status: S) -> i64 {
    statuses.iter().filter(|s| **s == status).count() as i64
}

async fn passwords(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let address = email("ml-dijon");

    // A hundred wrong passwords at once from one address: the limit is evaluated, the rest refused unheard.
    let statuses = at_once(logins(&app, &address, &[WRONG; 100], ATTACKER)).await;
    assert_eq!(tally(&statuses, S::UNAUTHORIZED), MAX_ATTEMPTS, "{statuses:?}");
    assert_eq!(tally(&statuses, S::TOO_MANY_REQUESTS), 100 - MAX_ATTEMPTS);
    assert_eq!(
        api_login(&app, &address, PASSWORD, ATTACKER).await,
        S::TOO_MANY_REQUESTS
    );
    // The owner, from their own address, still logs in.
    assert_eq!(api_login(&app, &address, PASSWORD, OWNER).await, S::OK);

    // Wrong passwords and the right one at once: the right one may pass, but does not lift the lock the others
    // earned (at most twice the limit is evaluated: the right one can only reset a count that refused nothing).
    let mut burst = vec![WRONG; 59];
    burst.insert(30, PASSWORD);
    let statuses = at_once(logins(&app, &address, &burst, OTHER_ATTACKER)).await;
    let evaluated = tally(&statuses, S::UNAUTHORIZED) + tally(&statuses, S::OK);
    assert!(evaluated <= 2 * MAX_ATTEMPTS, "{statuses:?}");
    assert_eq!(
        api_login(&app, &address, PASSWORD, OTHER_ATTACKER).await,
        S::TOO_MANY_REQUESTS
    );
    assert_eq!(api_login(&app, &address, PASSWORD, OWNER).await, S::OK);
    ended_counts_go(&app).await;
}

/// A success also deletes the counts whose window has ended, whoever they were for.
async fn ended_counts_go(app: &TestApp) {
    use passerelle_store::infra::sql::{Executor, query};
    let mut db = app.store.pool().clone();
    db.execute(query(
        "INSERT INTO login_attempts (email, source, attempts, window_start) VALUES ('x@y.fr', '192.0.2.1', 9, 0)",
    ))
    .await
    .unwrap();
    assert_eq!(api_login(app, &email("cap-emploi"), PASSWORD, OWNER).await, S::OK);
    assert_eq!(app.count("login_attempts WHERE window_start = 0").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lockout_counts_before_evaluating_on_sqlite() {
    passwords(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lockout_counts_before_evaluating_on_postgres() {
    passwords(Backend::Postgres).await;
}

async fn second_factor_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let address = email("ddets-21");
    let session = login(&app, "ddets-21").await;
    assert_eq!(
        post(&app, &session, "/compte/securite/activer", &[]).await.status(),
        S::SEE_OTHER
    );
    let key = shown_key(&app, &session).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let r = post(
        &app,
        &session,
        "/compte/securite/confirmer",
        &[("code", &totp::code_at(&key, now))],
    )
    .await;
    assert_eq!(r.status(), S::OK);
    let codes = recovery_codes(&r.text().await.unwrap());
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| (-1..=2).all(|k| totp::verify(&key, c, now + k * STEP_SECS).is_none()))
        .unwrap();

    // Thirty wrong codes at once on turning the factor off and on new recovery codes: the limit is evaluated.
    let token = csrf(&page(&app, &session, "/compte/securite").await.1);
    let requests = (0..30)
        .map(|i| {
            let action = if i % 2 == 0 { "desactiver" } else { "codes-de-secours" };
            app.http
                .post(app.url(&format!("/compte/securite/{action}")))
                .header(COOKIE, format!("passerelle_session={session}"))
                .form(&[("csrf", token.as_str()), ("code", wrong.as_str())])
        })
        .collect();
    let statuses = at_once(requests).await;
    assert_eq!(tally(&statuses, S::UNAUTHORIZED), MAX_ATTEMPTS, "{statuses:?}");
    assert_eq!(tally(&statuses, S::TOO_MANY_REQUESTS), 30 - MAX_ATTEMPTS);
    // Locked: even a right code does not turn the factor off now.
    let r = post(&app, &session, "/compte/securite/desactiver", &[("code", &codes[1])]).await;
    assert_eq!(r.status(), S::TOO_MANY_REQUESTS);
    let (_, html) = page(&app, &session, "/compte/securite").await;
    assert!(html.contains("Activée"), "the factor is still on");
    // The owner still logs in with the factor: the lock holds the changes, not the login.
    let r = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": address, "password": PASSWORD, "totp": codes[0]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn second_factor_changes_count_their_codes_on_sqlite() {
    second_factor_changes(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn second_factor_changes_count_their_codes_on_postgres() {
    second_factor_changes(Backend::Postgres).await;
}
