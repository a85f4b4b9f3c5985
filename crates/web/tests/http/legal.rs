//! The pages every French public service owes: the accessibility statement, the legal notice and the personal
//! data page, open without an account and linked from the footer of every page; and « Mot de passe oublié ».

use crate::pages::{cookie_value, csrf, login, page};
use crate::{Backend, OPERATOR, TestApp, email};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::StatusCode as S;
use reqwest::header::{COOKIE, LOCATION};

/// Each legal page, with the headings its official structure requires.
const PAGES: &[(&str, &[&str])] = &[
    (
        "/accessibilite",
        &[
            "<h1>Déclaration d'accessibilité</h1>",
            "<h2>État de conformité</h2>",
            "<strong>partiellement conforme</strong>",
            "RGAA), version 4.1",
            "Aucun audit de conformité au RGAA n'a encore été réalisé",
            "<h2>Contenus non accessibles</h2>",
            "<h2>Établissement de cette déclaration d'accessibilité</h2>",
            "Cette déclaration a été établie le 7 décembre 2026.",
            "<h3>Technologies utilisées pour la réalisation de Passerelle</h3>",
            "<h3>Environnement de test</h3>",
            "Chromium",
            "axe-core",
            "<h2>Retour d'information et contact</h2>",
            "<h2>Voies de recours</h2>",
            "Défenseur des droits",
        ],
    ),
    (
        "/mentions-legales",
        &[
            "<h1>Mentions légales</h1>",
            "<h2>Éditeur</h2>",
            "<h2>Directeur de la publication</h2>",
            "<h2>Hébergement</h2>",
            "EUPL), version 1.2",
            "<h2>Licence et code source</h2>",
        ],
    ),
    (
        "/donnees-personnelles",
        &[
            "<h1>Données personnelles</h1>",
            "<h2>Données traitées</h2>",
            "<h2>Finalités</h2>",
            "<h2>Base légale</h2>",
            "<h2>Durées de conservation</h2>",
            "sans activité depuis 2 ans",
            "valables 60 minutes et une seule fois",
            "<h2>Vos droits</h2>",
            "<h2>Journal des consultations</h2>",
            "<h2>Réclamation auprès de la CNIL</h2>",
        ],
    ),
];

/// The HTML of `path` read without any cookie, with the escapes of apostrophes and ampersands read back.
async fn anonymous(app: &TestApp, path: &str) -> (S, String) {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    (r.status(), unescaped(&r.text().await.unwrap()))
}

fn unescaped(html: &str) -> String {
    html.replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&")
}

/// The footer of a page: from its `<footer` to the end.
fn footer(html: &str) -> &str {
    &html[html.find("<footer").expect("the page has a footer")..]
}

async fn legal_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (path, headings) in PAGES {
        let (status, html) = anonymous(&app, path).await;
        assert_eq!(status, S::OK, "{path} without login");
        for heading in *headings {
            assert!(html.contains(heading), "{path} lacks {heading}");
        }
        // Anonymous: the page is read as is, not behind the login.
        assert!(html.contains("href=\"/connexion\""), "{path}: anonymous navigation");
    }
    // The operator's facts come from the configuration, not from the code.
    let (_, notice) = anonymous(&app, "/mentions-legales").await;
    for fact in [
        &OPERATOR.publication_director,
        &OPERATOR.address,
        &OPERATOR.source_url,
        &OPERATOR.contact_email,
    ] {
        assert!(notice.contains(fact.as_str()), "the legal notice shows {fact}");
    }
    assert!(notice.contains("Hébergeur de test, 2 rue des Serveurs"));
    let (_, statement) = anonymous(&app, "/accessibilite").await;
    assert!(statement.contains("Direction de l'emploi de Côte-d'Or (test) s'engage"));
    assert!(statement.contains("mailto:accessibilite@passerelle.test"));
    assert!(statement.contains("(https://passerelle.test)"));
    let (_, data) = anonymous(&app, "/donnees-personnelles").await;
    assert!(data.contains("mailto:accessibilite@passerelle.test"));

    // Linked from the footer of the login page and of the home page of a signed-in user, who keeps their
    // navigation on the legal pages.
    let (_, login_page) = anonymous(&app, "/connexion").await;
    let session = login(&app, "ft-dijon").await;
    let (status, home) = page(&app, &session, "/").await;
    assert_eq!(status, S::OK);
    for html in [&login_page, &home] {
        for (path, _) in PAGES {
            assert!(
                footer(html).contains(&format!("href=\"{path}\"")),
                "footer links {path}"
            );
        }
    }
    let (status, signed_in) = page(&app, &session, "/accessibilite").await;
    assert_eq!(status, S::OK);
    assert!(signed_in.contains("Se déconnecter") && !signed_in.contains("href=\"/connexion\""));
}

#[tokio::test]
async fn legal_pages_on_sqlite() {
    legal_pages(Backend::Sqlite).await;
}

#[tokio::test]
async fn legal_pages_on_postgres() {
    legal_pages(Backend::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------------
// « Mot de passe oublié »
// ---------------------------------------------------------------------------------------------------------

const NEW_PASSWORD: &str = "Nouveau-mot-de-passe-2026";

/// A form of the reset pages as a visitor without account reads it: the double-submit cookie and the token
/// of the form, with the page.
struct Form {
    cookie: String,
    csrf: String,
    status: S,
    html: String,
}

async fn open_form(app: &TestApp, path: &str) -> Form {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    let cookie = cookie_value(&r, "passerelle_reset_csrf").unwrap_or_default();
    let status = r.status();
    let html = unescaped(&r.text().await.unwrap());
    let csrf = if html.contains("name=\"csrf\"") {
        csrf(&html)
    } else {
        String::new()
    };
    Form {
        cookie,
        csrf,
        status,
        html,
    }
}

/// Posts `fields` (and the token of `form`) to `path` with the form's cookie.
async fn post(app: &TestApp, form: &Form, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut all = vec![("csrf", form.csrf.as_str())];
    all.extend_from_slice(fields);
    app.http
        .post(app.url(path))
        .header(COOKIE, format!("passerelle_reset_csrf={}", form.cookie))
        .form(&all)
        .send()
        .await
        .unwrap()
}

/// The page a redirect leads to, read with the notice it left.
async fn follow(app: &TestApp, r: reqwest::Response) -> String {
    assert_eq!(r.status(), S::SEE_OTHER);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let notice = cookie_value(&r, "passerelle_notice").unwrap_or_default();
    let page = app
        .http
        .get(app.url(&to))
        .header(COOKIE, format!("passerelle_notice={notice}"))
        .send()
        .await
        .unwrap();
    unescaped(&page.text().await.unwrap())
}

/// The mails queued to `to`: their bodies.
async fn mails_to(app: &TestApp, to: &str) -> Vec<String> {
    let mut db = app.store.pool().clone();
    db.fetch_all(query("SELECT body FROM outbox WHERE recipient = $1").bind(to))
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("body").unwrap())
        .collect()
}

/// The link of a reset mail: its path and its token.
fn link_of(mail: &str) -> (String, String) {
    let start = mail
        .find("https://passerelle.test/")
        .expect("the link goes to the public address")
        + 23;
    let path = mail[start..].split_whitespace().next().unwrap().to_owned();
    let token = path.split_once("?jeton=").unwrap().1.to_owned();
    assert_eq!(token.len(), 64, "a 256-bit token");
    (path, token)
}

/// Posts `password`, twice the same, to the page of the link `token`.
async fn use_link(app: &TestApp, form: &Form, token: &str, password: &str) -> reqwest::Response {
    let fields = [("jeton", token), ("password", password), ("confirmation", password)];
    post(app, form, "/mot-de-passe/nouveau", &fields).await
}

async fn api_login(app: &TestApp, email: &str, password: &str) -> S {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

async fn password_reset(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = email("ft-dijon");
    let session = login(&app, "ft-dijon").await;
    let api_token = app.token(&owner).await;

    // The login page leads to the form.
    let (_, login_page) = anonymous(&app, "/connexion").await;
    assert!(login_page.contains("href=\"/mot-de-passe-oublie\""));
    let form = open_form(&app, "/mot-de-passe-oublie").await;
    assert_eq!(form.status, S::OK);
    assert!(form.html.contains("<h1>Mot de passe oublié</h1>"));

    // A forged token is refused and queues nothing.
    let outbox = app.count("outbox").await;
    let forged = Form {
        csrf: "jeton-contrefait".into(),
        ..open_form(&app, "/mot-de-passe-oublie").await
    };
    let r = post(&app, &forged, "/mot-de-passe-oublie", &[("email", &owner)]).await;
    assert_eq!(r.status(), S::FORBIDDEN);
    assert!(unescaped(&r.text().await.unwrap()).contains(&format!("value=\"{owner}\"")));
    // A malformed address: 422, the form again with what was typed.
    let r = post(&app, &form, "/mot-de-passe-oublie", &[("email", "pas-une-adresse")]).await;
    assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY);
    let html = unescaped(&r.text().await.unwrap());
    assert!(html.contains("value=\"pas-une-adresse\"") && html.contains("n'est pas valide"));
    assert_eq!(app.count("outbox").await, outbox);

    // The same answer whether or not an account exists; only the account's address gets a mail.
    let confirmation = "Si un compte existe pour cette adresse, un message vient d'être envoyé";
    let unknown = post(&app, &form, "/mot-de-passe-oublie", &[("email", "personne@inconnu.fr")]).await;
    let unknown_location = unknown.headers()[LOCATION].clone();
    assert!(follow(&app, unknown).await.contains(confirmation));
    assert_eq!(
        app.count("outbox").await,
        outbox,
        "nothing queued for an unknown address"
    );
    let known = post(&app, &form, "/mot-de-passe-oublie", &[("email", &owner.to_uppercase())]).await;
    assert_eq!(known.headers()[LOCATION], unknown_location);
    assert!(follow(&app, known).await.contains(confirmation));
    assert_eq!(app.count("outbox").await, outbox + 1);
    let mails = mails_to(&app, &owner).await;
    assert_eq!(mails.len(), 1, "one mail to the account's address");
    assert!(mails[0].contains("dans l'heure"));
    let (link, token) = link_of(&mails[0]);
    assert!(link.starts_with("/mot-de-passe/nouveau?jeton="));

    // The link opens the form; a weak password or two different ones are refused, the link kept.
    let choose = open_form(&app, &link).await;
    assert_eq!(choose.status, S::OK);
    let path = "/mot-de-passe/nouveau";
    let r = use_link(&app, &choose, &token, "court").await;
    assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY);
    let html = unescaped(&r.text().await.unwrap());
    assert!(html.contains("au moins 12 caractères") && html.contains(&format!("value=\"{token}\"")));
    let r = post(
        &app,
        &choose,
        path,
        &[
            ("jeton", &token),
            ("password", NEW_PASSWORD),
            ("confirmation", "autre-chose-2026"),
        ],
    )
    .await;
    assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY);
    assert!(unescaped(&r.text().await.unwrap()).contains("Les deux saisies du mot de passe diffèrent"));
    assert_eq!(
        api_login(&app, &owner, crate::PASSWORD).await,
        S::OK,
        "nothing changed yet"
    );

    // The new password: login with a notice, the other sessions closed, the old password refused.
    let done = use_link(&app, &choose, &token, NEW_PASSWORD).await;
    assert_eq!(done.headers()[LOCATION], "/connexion");
    assert!(follow(&app, done).await.contains("Mot de passe modifié"));
    assert_eq!(
        page(&app, &session, "/").await.0,
        S::SEE_OTHER,
        "the web session is closed"
    );
    assert_eq!(app.get(&api_token, "/api/v1/persons").await.0, S::UNAUTHORIZED);
    assert_eq!(api_login(&app, &owner, crate::PASSWORD).await, S::UNAUTHORIZED);
    assert_eq!(api_login(&app, &owner, NEW_PASSWORD).await, S::OK);
    let mails = mails_to(&app, &owner).await;
    assert_eq!(mails.len(), 2, "the owner is told of the change");
    assert!(
        mails
            .iter()
            .any(|m| m.contains("vient d'être modifié") && !m.contains("jeton="))
    );
    let mut db = app.store.pool().clone();
    let journaled: i64 = db
        .fetch_one(query(
            "SELECT COUNT(*) AS n FROM events WHERE action IN ('user.password_reset_requested', 'user.password_reset')",
        ))
        .await
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(journaled, 2, "the request and the change are journaled");

    // The link a second time, or a link that never was: a French page, not the form.
    let again = open_form(&app, &link).await;
    assert_eq!(again.status, S::GONE);
    assert!(again.html.contains("Ce lien a déjà servi") && !again.html.contains("name=\"password\""));
    let r = use_link(&app, &choose, &token, "Encore-un-autre-2026").await;
    assert_eq!(r.status(), S::GONE);
    assert_eq!(
        api_login(&app, &owner, NEW_PASSWORD).await,
        S::OK,
        "the spent link changed nothing"
    );
    let unknown = open_form(&app, &format!("{path}?jeton={}", "0".repeat(64))).await;
    assert_eq!(unknown.status, S::NOT_FOUND);
    assert!(unknown.html.contains("Ce lien n'est pas valable"));
}

#[tokio::test]
async fn password_reset_on_sqlite() {
    password_reset(Backend::Sqlite).await;
}

#[tokio::test]
async fn password_reset_on_postgres() {
    password_reset(Backend::Postgres).await;
}

/// A link past its hour is refused and changes nothing; two uses at once spend it once; requests are counted
/// like logins, known address or not.
async fn password_reset_limits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = email("aci-jardins");
    let form = open_form(&app, "/mot-de-passe-oublie").await;
    let r = post(&app, &form, "/mot-de-passe-oublie", &[("email", &owner)]).await;
    assert_eq!(r.status(), S::SEE_OTHER);
    let (link, token) = link_of(&mails_to(&app, &owner).await[0]);
    // The server's clock only runs forward: the link is aged in the database.
    let user = app.store.user_id_by_email(&owner).await.unwrap().unwrap();
    let mut db = app.store.pool().clone();
    db.execute(
        query("UPDATE password_resets SET expires_at = $1 WHERE user_id = $2")
            .bind(passerelle_store::infra::clock::now().unix_timestamp() - 1)
            .bind(user),
    )
    .await
    .unwrap();
    let expired = open_form(&app, &link).await;
    assert_eq!(expired.status, S::GONE);
    assert!(expired.html.contains("Ce lien a expiré"));
    let r = use_link(&app, &form, &token, NEW_PASSWORD).await;
    assert_eq!(r.status(), S::GONE);
    assert!(unescaped(&r.text().await.unwrap()).contains("Ce lien a expiré"));
    assert_eq!(
        api_login(&app, &owner, crate::PASSWORD).await,
        S::OK,
        "the password is unchanged"
    );

    // Two uses of one link at once: one sets its password, the other is told the link has served.
    let other = email("esat-suzon");
    let r = post(&app, &form, "/mot-de-passe-oublie", &[("email", &other)]).await;
    assert_eq!(r.status(), S::SEE_OTHER);
    let (_, token) = link_of(&mails_to(&app, &other).await[0]);
    let (first, second) = tokio::join!(
        use_link(&app, &form, &token, "Premier-essai-2026"),
        use_link(&app, &form, &token, "Second-essai-2026")
    );
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(statuses, [S::SEE_OTHER, S::GONE]);
    let accepted = [
        api_login(&app, &other, "Premier-essai-2026").await,
        api_login(&app, &other, "Second-essai-2026").await,
    ];
    assert_eq!(accepted.iter().filter(|s| **s == S::OK).count(), 1, "{accepted:?}");

    // Five requests per address and source in 15 minutes, whether an account exists or not; the sixth is
    // refused in French, with the address kept.
    for address in [owner.as_str(), "personne@inconnu.fr"] {
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let r = post(&app, &form, "/mot-de-passe-oublie", &[("email", address)]).await;
            statuses.push(r.status());
            if r.status() == S::TOO_MANY_REQUESTS {
                let html = unescaped(&r.text().await.unwrap());
                assert!(html.contains("Trop de tentatives") && html.contains(&format!("value=\"{address}\"")));
            }
        }
        let allowed = if address == owner { 4 } else { 5 };
        assert_eq!(
            statuses.iter().filter(|s| **s == S::SEE_OTHER).count(),
            allowed,
            "{address}: {statuses:?}"
        );
        assert_eq!(statuses.last(), Some(&S::TOO_MANY_REQUESTS));
    }
    assert_eq!(mails_to(&app, &owner).await.len(), 5, "one mail per request counted");
    // The owner's login is counted apart: the requests did not lock it.
    assert_eq!(api_login(&app, &owner, crate::PASSWORD).await, S::OK);
}

#[tokio::test]
async fn password_reset_limits_on_sqlite() {
    password_reset_limits(Backend::Sqlite).await;
}

#[tokio::test]
async fn password_reset_limits_on_postgres() {
    password_reset_limits(Backend::Postgres).await;
}
