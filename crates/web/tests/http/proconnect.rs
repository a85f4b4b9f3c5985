//! « S'identifier avec ProConnect » end to end, against a real OpenID provider (`oidc-provider`, started from
//! web/e2e/oidc-provider.mjs as a child process): the provider's login form followed as a browser would, then
//! success and each refusal (docs/security.md, « ProConnect sign-in »).

use crate::{Backend, TestApp, email};
use passerelle_store::auth::SessionKind;
use passerelle_store::infra::sql::{Executor, query};
use reqwest::{Client, StatusCode as S};
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const CLIENT_ID: &str = "passerelle-test";
const CLIENT_SECRET: &str = "un-secret-de-test-assez-long-pour-hs256";
/// The provider's password of every test account (not Passerelle's).
const PROVIDER_PASSWORD: &str = "mot-de-passe-proconnect";

/// The provider, killed with the test.
pub struct Provider {
    child: Child,
    pub issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider for a server at `app_base`, with three accounts: the ACI's address written in capitals
/// (linked after case folding), the DDETS's, and an address no account has.
pub fn start_provider(app_base: &str) -> Provider {
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web");
    let accounts = serde_json::json!([
        {"login": "claire", "password": PROVIDER_PASSWORD, "sub": "sub-claire", "email": "ACI-Jardins@Passerelle.test",
         "given_name": "Claire", "usual_name": "Martin", "siret": "13002526500013", "uid": "claire-1"},
        {"login": "paul", "password": PROVIDER_PASSWORD, "sub": "sub-paul", "email": email("ddets-21"),
         "given_name": "Paul", "usual_name": "Durand", "siret": "13002526500013", "uid": "paul-1"},
        {"login": "inconnue", "password": PROVIDER_PASSWORD, "sub": "sub-inconnue", "email": "nadia@exemple.gouv.fr",
         "given_name": "Nadia", "usual_name": "Benali", "siret": "13002526500013", "uid": "nadia-1"},
    ]);
    let mut child = Command::new("node")
        .arg(web.join("e2e/oidc-provider.mjs"))
        .current_dir(&web)
        .env("OIDC_CLIENT_ID", CLIENT_ID)
        .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        .env("OIDC_REDIRECT_URI", format!("{app_base}/connexion/proconnect/retour"))
        .env("OIDC_POST_LOGOUT_URI", format!("{app_base}/connexion"))
        .env("OIDC_ACCOUNTS", accounts.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs (scripts/setup installs the Node packages)");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let issuer = serde_json::from_str::<serde_json::Value>(&line).expect("the provider prints its issuer")["issuer"]
        .as_str()
        .unwrap()
        .to_owned();
    Provider { child, issuer }
}

/// A server whose ProConnect is the provider started for it (or, with `issuer`, a provider at that address).
pub async fn spawn_with_provider(backend: Backend, issuer: Option<&str>) -> (TestApp, Option<Provider>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let provider = issuer.is_none().then(|| start_provider(&base));
    let issuer = issuer.map_or_else(|| provider.as_ref().unwrap().issuer.clone(), str::to_owned);
    let client = passerelle_web::pages::proconnect::client(&issuer, CLIENT_ID, CLIENT_SECRET, &base).unwrap();
    let app = TestApp::spawn_on(backend, listener, crate::test_theme(), Some(Arc::new(client))).await;
    (app, provider)
}

/// A browser: cookies kept, redirects not followed (each is looked at).
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(r: &reqwest::Response) -> String {
    let base = r.url().clone();
    let value = r.headers()["location"].to_str().unwrap();
    base.join(value).unwrap().to_string()
}

/// Follows redirects from `url` until the provider sends the browser back to the server (the URL returned, not
/// opened) or answers a page (returned as the error, with its URL).
async fn follow(http: &Client, app: &TestApp, mut url: String) -> Result<String, (String, String)> {
    for _ in 0..10 {
        if url.starts_with(&app.url("/connexion/proconnect/retour")) {
            return Ok(url);
        }
        let r = http.get(&url).send().await.unwrap();
        if !r.status().is_redirection() {
            return Err((url, r.text().await.unwrap()));
        }
        url = location(&r);
    }
    panic!("too many redirects");
}

/// Clicks « S'identifier avec ProConnect » (landing on `suite` afterwards) and answers the provider's URL.
async fn start(http: &Client, app: &TestApp, suite: &str) -> String {
    let r = http
        .get(app.url(&format!("/connexion/proconnect?suite={suite}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    location(&r)
}

/// In a new browser (the provider remembers whom it signed in), signs in on the provider's form as `login` (or
/// cancels with `None`); answers the browser and the URL the provider sends it back to.
async fn provider_return(app: &TestApp, login: Option<&str>) -> (Client, String) {
    let http = browser();
    let back = provider_form(&http, app, login).await;
    (http, back)
}

async fn provider_form(http: &Client, app: &TestApp, login: Option<&str>) -> String {
    let authorize = start(http, app, "/annuaire").await;
    let (form_url, html) = follow(http, app, authorize).await.unwrap_err();
    assert!(html.contains("Identifiant"), "the provider's login form: {html}");
    let (action, body) = match login {
        Some(login) => (
            format!("{form_url}/login"),
            vec![("login", login), ("password", PROVIDER_PASSWORD)],
        ),
        None => (format!("{form_url}/abort"), vec![]),
    };
    let r = http.post(&action).form(&body).send().await.unwrap();
    assert!(
        r.status().is_redirection(),
        "the provider accepts the form: {}",
        r.status()
    );
    follow(http, app, location(&r)).await.unwrap()
}

/// The stable code of a refusal page, and its status.
async fn refusal(http: &Client, url: &str) -> (S, String) {
    let r = http.get(url).send().await.unwrap();
    let status = r.status();
    let html = r.text().await.unwrap();
    let code = html
        .split("data-code=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a refusal page ({status}): {html}"))
        .to_owned();
    (status, code)
}

fn with_query(url: &str, name: &str, value: &str) -> String {
    let mut url = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name { value.to_owned() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

fn query_value(url: &str, name: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("{name} in {url}"))
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let mut db = app.store.pool().clone();
    db.fetch_one(query(sql.to_owned())).await.unwrap().get("n").unwrap()
}

/// The session cookie the server set, if any.
fn session_of(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("passerelle_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .filter(|v| !v.is_empty())
}

async fn login_page(app: &TestApp) -> String {
    let r = app.http.get(app.url("/connexion")).send().await.unwrap();
    r.text().await.unwrap()
}

async fn proconnect_sign_in(backend: Backend) {
    let (app, provider) = spawn_with_provider(backend, None).await;
    let issuer = provider.as_ref().unwrap().issuer.clone();

    // The login page offers ProConnect above the password form.
    let login = login_page(&app).await;
    assert!(login.contains("S&#39;identifier avec ProConnect") || login.contains("S'identifier avec ProConnect"));
    assert!(login.contains("action=\"/connexion\""), "password sign-in stays");

    // What is sent to the provider: code flow, PKCE S256, state, nonce, eidas1, the scopes of the claims read,
    // and the idp_hint passed on.
    let http = browser();
    let authorize = start(&http, &app, "/annuaire").await;
    assert!(authorize.starts_with(&issuer), "{authorize}");
    assert_eq!(query_value(&authorize, "response_type"), "code");
    assert_eq!(query_value(&authorize, "code_challenge_method"), "S256");
    assert_eq!(query_value(&authorize, "acr_values"), "eidas1");
    assert_eq!(
        query_value(&authorize, "redirect_uri"),
        app.url("/connexion/proconnect/retour")
    );
    for scope in ["openid", "email", "given_name", "usual_name", "siret", "uid"] {
        assert!(
            query_value(&authorize, "scope").split(' ').any(|s| s == scope),
            "scope {scope}"
        );
    }
    assert!(query_value(&authorize, "state").len() >= 16 && query_value(&authorize, "nonce").len() >= 16);
    let hinted = http
        .get(app.url("/connexion/proconnect?idp_hint=fia1v2"))
        .send()
        .await
        .unwrap();
    assert_eq!(query_value(&location(&hinted), "idp_hint"), "fia1v2");

    // 1. A first sign-in links the identity to the account with that address (case folded) and lands on the
    // page asked for, signed in.
    let users_before = app.count("users").await;
    let (http, back) = provider_return(&app, Some("claire")).await;
    let r = http.get(&back).send().await.unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/annuaire");
    let token = session_of(&r).expect("a session");
    let (ctx, csrf) = app.store.authenticate(&token, SessionKind::Web).await.unwrap().unwrap();
    assert_eq!(ctx.email(), Some(email("aci-jardins").as_str()));
    assert_eq!(http.get(app.url("/")).send().await.unwrap().status(), S::OK);
    assert_eq!(app.count("users").await, users_before, "no account is created");
    let linked = format!(
        "SELECT COUNT(*) AS n FROM proconnect_identities p JOIN users u ON u.id = p.user_id \
         WHERE p.subject = 'sub-claire' AND u.email = '{}'",
        email("aci-jardins")
    );
    let linked = scalar(&app, &linked).await;
    assert_eq!(linked, 1);
    for action in ["user.proconnect_linked", "session.opened.proconnect"] {
        let n = scalar(
            &app,
            &format!("SELECT COUNT(*) AS n FROM events WHERE action = '{action}'"),
        )
        .await;
        assert_eq!(n, 1, "{action} journaled");
    }

    // 2. The return replayed (the state is spent) and a state this browser did not start are refused.
    assert_eq!(
        refusal(&http, &back).await,
        (S::BAD_REQUEST, "proconnect_state_invalid".to_owned())
    );
    let (http, other) = provider_return(&app, Some("claire")).await;
    let forged = with_query(&other, "state", "etat-fabrique-par-un-attaquant");
    assert_eq!(
        refusal(&http, &forged).await,
        (S::BAD_REQUEST, "proconnect_state_invalid".to_owned())
    );
    // The right state and code in another browser (a sign-in forced on a victim by a link) fail too.
    let (_, other) = provider_return(&app, Some("claire")).await;
    assert_eq!(
        refusal(&browser(), &other).await,
        (S::BAD_REQUEST, "proconnect_state_invalid".to_owned())
    );

    // 3. An ID token whose nonce is not the one kept for this sign-in is refused.
    let (http, back) = provider_return(&app, Some("claire")).await;
    let mut db = app.store.pool().clone();
    db.execute(query(
        "UPDATE proconnect_logins SET nonce = 'autre-nonce' WHERE used_at IS NULL",
    ))
    .await
    .unwrap();
    assert_eq!(
        refusal(&http, &back).await,
        (S::BAD_REQUEST, "proconnect_nonce_invalid".to_owned())
    );

    // 4. A code the provider no longer knows (expired) is refused by it (invalid_grant).
    let (http, back) = provider_return(&app, Some("claire")).await;
    let expired = Client::new()
        .post(format!("{issuer}/test/expire-code?code={}", query_value(&back, "code")))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), S::NO_CONTENT);
    assert_eq!(
        refusal(&http, &back).await,
        (S::BAD_REQUEST, "proconnect_code_refused".to_owned())
    );

    // 5. Cancelling on the provider's page (error=access_denied).
    let (http, back) = provider_return(&app, None).await;
    assert_eq!(query_value(&back, "error"), "access_denied");
    assert_eq!(
        refusal(&http, &back).await,
        (S::FORBIDDEN, "proconnect_cancelled".to_owned())
    );

    // 6. An address no account has: the invitation page, the attempt journaled, nothing linked.
    let (http, back) = provider_return(&app, Some("inconnue")).await;
    let r = http.get(&back).send().await.unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    assert!(session_of(&r).is_none());
    let html = r.text().await.unwrap();
    assert!(html.contains("data-code=\"proconnect_invitation_required\""));
    assert!(html.contains("un administrateur de votre structure ou de la plateforme doit d&#39;abord vous inviter"));
    let refused = "SELECT COUNT(*) AS n FROM events WHERE action = 'proconnect.refused'";
    assert_eq!(scalar(&app, refused).await, 1);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS n FROM proconnect_identities WHERE subject = 'sub-inconnue'"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS n FROM events WHERE action = 'session.opened.proconnect'"
        )
        .await,
        1
    );

    // 7. Later sign-ins find the account by its `sub`, whatever its address has become.
    db.execute(
        query("UPDATE users SET email = 'claire.martin@passerelle.test' WHERE email = $1").bind(email("aci-jardins")),
    )
    .await
    .unwrap();
    let (http, back) = provider_return(&app, Some("claire")).await;
    let r = http.get(&back).send().await.unwrap();
    assert_eq!(r.status(), S::SEE_OTHER, "signed in by sub");
    let second = session_of(&r).unwrap();
    let (ctx, _) = app
        .store
        .authenticate(&second, SessionKind::Web)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ctx.email(), Some("claire.martin@passerelle.test"));

    // 8. Logout ends the session here and sends the browser to the provider's end-session endpoint with the ID
    // token of the sign-in; a password session goes back to the login page.
    let r = app
        .http
        .post(app.url("/deconnexion"))
        .form(&[("csrf", csrf.as_str())])
        .header("cookie", format!("passerelle_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    let end = location(&r);
    assert!(end.starts_with(&format!("{issuer}/session/end")), "{end}");
    assert_eq!(query_value(&end, "post_logout_redirect_uri"), app.url("/connexion"));
    assert_eq!(query_value(&end, "id_token_hint").split('.').count(), 3, "a JWT");
    assert!(
        app.store
            .authenticate(&token, SessionKind::Web)
            .await
            .unwrap()
            .is_none()
    );
    let page = http.get(&end).send().await.unwrap();
    assert!(
        page.status().is_success(),
        "the provider knows the ID token: {}",
        page.status()
    );
    let password = app
        .store
        .login(&email("ft-dijon"), crate::PASSWORD, SessionKind::Web)
        .await
        .unwrap();
    let r = app
        .http
        .post(app.url("/deconnexion"))
        .form(&[("csrf", password.csrf_token.as_str())])
        .header("cookie", format!("passerelle_session={}", password.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/connexion");
}

#[tokio::test]
async fn proconnect_sign_in_on_sqlite() {
    proconnect_sign_in(Backend::Sqlite).await;
}

#[tokio::test]
async fn proconnect_sign_in_on_postgres() {
    proconnect_sign_in(Backend::Postgres).await;
}

/// A provider that does not answer: a French page, password sign-in untouched; without ProConnect configured,
/// no button and no route.
async fn proconnect_unreachable(backend: Backend) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (app, _) = spawn_with_provider(backend, Some(&issuer)).await;
    assert_eq!(
        refusal(&browser(), &app.url("/connexion/proconnect")).await,
        (S::BAD_GATEWAY, "proconnect_unreachable".to_owned())
    );
    app.store
        .login(&email("ft-dijon"), crate::PASSWORD, SessionKind::Web)
        .await
        .unwrap();

    let plain = TestApp::spawn(backend).await;
    let login = login_page(&plain).await;
    assert!(!login.contains("ProConnect"));
    let r = plain.http.get(plain.url("/connexion/proconnect")).send().await.unwrap();
    assert_eq!(r.status(), S::NOT_FOUND);
}

#[tokio::test]
async fn proconnect_unreachable_on_sqlite() {
    proconnect_unreachable(Backend::Sqlite).await;
}

#[tokio::test]
async fn proconnect_unreachable_on_postgres() {
    proconnect_unreachable(Backend::Postgres).await;
}

/// « S'identifier avec ProConnect » in headless Chromium (web/e2e/proconnect.mjs): the button, the provider's
/// page, the home page; an unknown identity reaches the invitation page; axe-core on the sign-in and refusal pages.
#[tokio::test]
async fn proconnect_in_headless_chromium() {
    let (app, _provider) = spawn_with_provider(Backend::Sqlite, None).await;
    let more = ["claire", PROVIDER_PASSWORD, "inconnue"].map(str::to_owned).to_vec();
    crate::browser::run_browser_script(&app, "proconnect.mjs", "aci-jardins", more).await;
}
