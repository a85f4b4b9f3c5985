//! The French pages through a plain HTTP client: login form with CSRF, session renewal, directory,
//! persons, and the same-origin check.

use crate::{Backend, TestApp, email};
use reqwest::StatusCode as S;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

/// The value of `name="csrf"` in a form.
pub(crate) fn csrf(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("the form has a CSRF token") + 19;
    html[start..].split('"').next().unwrap().to_owned()
}

pub(crate) fn cookie_value(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v[name.len() + 1..].split(';').next().unwrap().to_owned())
}

/// Logs in through the form; returns the session cookie.
pub async fn login(app: &TestApp, key: &str) -> String {
    let form = app.http.get(app.url("/connexion")).send().await.unwrap();
    let login_cookie = cookie_value(&form, "passerelle_login_csrf").unwrap();
    let token = csrf(&form.text().await.unwrap());
    let r = app
        .http
        .post(app.url("/connexion"))
        .header(
            COOKIE,
            format!("passerelle_login_csrf={login_cookie}; passerelle_session=planted-by-attacker"),
        )
        .form(&[
            ("csrf", token.as_str()),
            ("next", "/annuaire"),
            ("email", &email(key)),
            ("password", crate::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/annuaire");
    let session = cookie_value(&r, "passerelle_session").unwrap();
    assert_ne!(session, "planted-by-attacker", "a new session id at login");
    assert!(r.headers()[SET_COOKIE].to_str().unwrap().contains("HttpOnly"));
    session
}

#[tokio::test]
async fn pages_on_sqlite() {
    pages(Backend::Sqlite).await;
}

async fn pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Anonymous visitors are sent to the login page.
    let r = app.http.get(app.url("/annuaire")).send().await.unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert!(r.headers()[LOCATION].to_str().unwrap().starts_with("/connexion?suite="));

    // A login without the form's token is refused; so is a foreign origin.
    let r = app
        .http
        .post(app.url("/connexion"))
        .form(&[("csrf", "x"), ("email", "a@b.fr"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Le formulaire a expiré"));
    let r = app
        .http
        .post(app.url("/connexion"))
        .header("origin", "https://evil.example")
        .form(&[("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);

    // Wrong password: the form again, in French, with the address kept.
    let form = app.http.get(app.url("/connexion")).send().await.unwrap();
    let login_cookie = cookie_value(&form, "passerelle_login_csrf").unwrap();
    let token = csrf(&form.text().await.unwrap());
    let r = app
        .http
        .post(app.url("/connexion"))
        .header(COOKIE, format!("passerelle_login_csrf={login_cookie}"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", &email("esat-suzon")),
            ("password", "faux"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::UNAUTHORIZED);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Adresse électronique ou mot de passe incorrect") && html.contains("esat-suzon@passerelle.test")
    );

    let session = login(&app, "esat-suzon").await;
    let get = |path: &str| {
        app.http
            .get(app.url(path))
            .header(COOKIE, format!("passerelle_session={session}"))
            .send()
    };
    let html = get("/annuaire?department=21").await.unwrap().text().await.unwrap();
    assert!(
        html.contains("<html lang=\"fr\"")
            && html.contains("Agence France Travail Dijon Drapeau")
            && html.contains("/static/passerelle.css")
    );
    let html = get("/annuaire?kind=esat").await.unwrap().text().await.unwrap();
    assert!(html.contains("ESAT de la Vallée de l&#39;Ouche"), "{html}");
    assert!(!html.contains("Cap emploi Côte-d&#39;Or</a>"));
    let r = get("/annuaire?department=99").await.unwrap();
    assert!(r.text().await.unwrap().contains("n&#39;est pas un code de département"));
    // The ESAT sees its worker, and not the France Travail agency's job seeker.
    let html = get("/personnes").await.unwrap().text().await.unwrap();
    assert!(html.contains("Arnaud") && !html.contains("Leroy"));
    assert_eq!(
        get("/personnes/00000000-0000-0000-0000-000000000000")
            .await
            .unwrap()
            .status(),
        S::NOT_FOUND
    );
    assert_eq!(get("/nulle-part").await.unwrap().status(), S::NOT_FOUND);

    // Creating a person through the form needs the session's CSRF token.
    let new = get("/personnes/nouvelle").await.unwrap().text().await.unwrap();
    let token = csrf(&new);
    let org = app.org_id("esat-suzon").await.to_string();
    let post = |token: String, last: &'static str| {
        app.http
            .post(app.url("/personnes"))
            .header(COOKIE, format!("passerelle_session={session}"))
            .form(&[
                ("csrf", token),
                ("organisation_id", org.clone()),
                ("first_name", "Léon".into()),
                ("last_name", last.into()),
            ])
            .send()
    };
    let before = app.count("persons").await;
    assert_eq!(post("faux".into(), "Sansjeton").await.unwrap().status(), S::FORBIDDEN);
    let r = post(token.clone(), "").await.unwrap();
    assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("obligatoire"));
    assert_eq!(app.count("persons").await, before);
    let r = post(token, "Valide").await.unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert_eq!(app.count("persons").await, before + 1);

    // A State service sees no person and cannot open the creation form.
    let ddets = login(&app, "ddets-21").await;
    let r = app
        .http
        .get(app.url("/personnes/nouvelle"))
        .header(COOKIE, format!("passerelle_session={ddets}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);

    // IAE pages: the SIAE's applications, offers and people in pathway; forms need the CSRF token and valid input.
    let aci = login(&app, "aci-jardins").await;
    let aci_get = |path: String| {
        app.http
            .get(app.url(&path))
            .header(COOKIE, format!("passerelle_session={aci}"))
            .send()
    };
    let html = aci_get("/prescriptions".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("Inès Marchal") && html.contains("Kevin Durand"), "{html}");
    let html = aci_get("/offres".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("Ouvrier maraîcher") && html.contains("Publier une offre"));
    assert!(
        aci_get("/parcours".into())
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("Kevin Durand")
    );
    let siae = app.org_id("aci-jardins").await.to_string();
    let offer = |token: String, positions: &'static str| {
        app.http
            .post(app.url("/offres"))
            .header(COOKIE, format!("passerelle_session={aci}"))
            .form(&[
                ("csrf", token),
                ("siae_id", siae.clone()),
                ("title", "Magasinier".into()),
                ("place", "Dijon".into()),
                ("positions", positions.into()),
            ])
            .send()
    };
    let before = app.count("job_offers").await;
    assert_eq!(offer("faux".into(), "1").await.unwrap().status(), S::FORBIDDEN);
    let token = csrf(&html);
    let r = offer(token.clone(), "0").await.unwrap();
    assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("nombre de postes"));
    assert_eq!(app.count("job_offers").await, before);
    let r = offer(token, "2").await.unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert_eq!(app.count("job_offers").await, before + 1);
    // The redirect leaves a notice for the next page, which shows it once and clears it.
    let notice = notice_cookie(&r);
    assert!(!notice.is_empty(), "a notice cookie");
    let r = app
        .http
        .get(app.url("/offres"))
        .header(COOKIE, format!("passerelle_session={aci}; {notice}"))
        .send()
        .await
        .unwrap();
    let cleared = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("passerelle_notice=;") && v.contains("Max-Age=0"));
    assert!(cleared, "the notice is cleared once shown");
    assert!(r.text().await.unwrap().contains("Offre publiée."));
    assert!(
        !aci_get("/offres".into())
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("Offre publiée.")
    );
    // The ESAT is no party to the ACI's applications.
    let admin = app.token(passerelle_fixtures::demo::ADMIN_EMAIL).await;
    let (_, all) = app.get(&admin, "/api/v1/prescriptions").await;
    let marchal = all
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person_name"] == "Inès Marchal")
        .unwrap()["id"]
        .clone();
    let sheet = format!("/prescriptions/{}", marchal.as_str().unwrap());
    assert_eq!(get(&sheet).await.unwrap().status(), S::NOT_FOUND);
    assert_eq!(aci_get(sheet.clone()).await.unwrap().status(), S::OK);
    // A refused step comes back as typed, with nothing chosen in advance on a fresh form; a recorded one is
    // confirmed.
    let html = aci_get(sheet.clone()).await.unwrap().text().await.unwrap();
    assert!(
        html.contains("<option value=\"\" selected disabled>Choisissez l'étape</option>"),
        "{html}"
    );
    let steps = format!("{sheet}/etapes");
    let refusal = [
        ("csrf", csrf(&html)),
        ("status", "refused".to_owned()),
        ("comment", "Poste pourvu entre-temps".to_owned()),
    ];
    let refusal: Vec<(&str, &str)> = refusal.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, html) = post_form(&app, &aci, &steps, &refusal).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("<option value=\"refused\" selected>") && html.contains(">Poste pourvu entre-temps</textarea>"),
        "{html}"
    );
    let token = csrf(&html);
    let (s, html) = post_and_follow(&app, &aci, &steps, &[("csrf", &token), ("status", "received")]).await;
    assert_eq!(s, S::SEE_OTHER);
    assert!(html.contains("Étape enregistrée"), "{html}");

    // Logout ends the session.
    let home = get("/").await.unwrap().text().await.unwrap();
    let r = app
        .http
        .post(app.url("/deconnexion"))
        .header(COOKIE, format!("passerelle_session={session}"))
        .form(&[("csrf", csrf(&home))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert_eq!(get("/").await.unwrap().status(), S::SEE_OTHER);
}

/// A page read with a session cookie: status and HTML.
pub(crate) async fn page(app: &TestApp, session: &str, path: &str) -> (S, String) {
    let r = app
        .http
        .get(app.url(path))
        .header(COOKIE, format!("passerelle_session={session}"))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// A form posted with a session cookie: status and HTML.
pub(crate) async fn post_form(app: &TestApp, session: &str, path: &str, form: &[(&str, &str)]) -> (S, String) {
    let r = app
        .http
        .post(app.url(path))
        .header(COOKIE, format!("passerelle_session={session}"))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The notice cookie a redirect sets (`passerelle_notice=<code>`), empty when it sets none.
pub(crate) fn notice_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("passerelle_notice="))
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned()
}

/// A form posted with a session cookie and, when it redirects, the page it leads to, read with the notice the
/// redirect left: the form's status and that page's HTML (or the form's own when it did not redirect).
pub(crate) async fn post_and_follow(app: &TestApp, session: &str, path: &str, form: &[(&str, &str)]) -> (S, String) {
    let r = app
        .http
        .post(app.url(path))
        .header(COOKIE, format!("passerelle_session={session}"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let Some(to) = r
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return (status, r.text().await.unwrap());
    };
    let notice = notice_cookie(&r);
    let next = app
        .http
        .get(app.url(&to))
        .header(COOKIE, format!("passerelle_session={session}; {notice}"))
        .send()
        .await
        .unwrap();
    (status, next.text().await.unwrap())
}

/// Agrément requests and decisions from the approval page (CSRF, French errors, nothing changed on error),
/// the paged people in pathway and the referent's dashboard.
async fn iae_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let aci = app.token(&email("aci-jardins")).await;
    let (ft_id, aci_id) = (app.org_id("ft-dijon").await, app.org_id("aci-jardins").await);
    // A record of 2021: France Travail prescribed, the ACI hired on 2021-03-01 (an agrément of Pôle emploi).
    let post = |token: &str, path: &str, body: serde_json::Value| {
        let (token, path) = (token.to_owned(), path.to_owned());
        let app = &app;
        async move { app.call(&token, reqwest::Method::POST, &path, Some(body)).await }
    };
    let (_, person) = post(
        &ft,
        "/api/v1/persons",
        serde_json::json!({"organisation_id": ft_id,
        "first_name": "Rose", "last_name": "Petit", "birth_date": "1975-05-05", "consent_data_sharing": true,
        "consent_date": "2021-01-04"}),
    )
    .await;
    let person = person["id"].as_str().unwrap().to_owned();
    post(
        &ft,
        &format!("/api/v1/persons/{person}/diagnoses"),
        serde_json::json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["rsa"]}),
    )
    .await;
    let (_, p) = post(
        &ft,
        "/api/v1/prescriptions",
        serde_json::json!({"prescriber_id": ft_id, "person_id": person,
        "siae_id": aci_id, "message": "Historique 2021", "person_consent": true}),
    )
    .await;
    let (s, _) = post(
        &aci,
        &format!("/api/v1/prescriptions/{}/steps", p["id"].as_str().unwrap()),
        serde_json::json!({"status": "hired", "date": "2021-03-01"}),
    )
    .await;
    assert_eq!(s, S::OK);

    let aci_session = login(&app, "aci-jardins").await;
    let ft_session = login(&app, "ft-dijon").await;
    let approval = format!("/personnes/{person}/parcours-iae");
    let (s, html) = page(&app, &aci_session, &approval).await;
    assert!(
        s == S::OK && html.contains("Enregistrer une demande d'agrément"),
        "{html}"
    );
    assert!(
        !html.contains("Enregistrer la décision de Pôle emploi"),
        "the SIAE records no decision"
    );
    let token = csrf(&html);
    let request = format!("{approval}/agrement-demande");
    // Refused, each with its French message, and nothing changed.
    for (form, status, message) in [
        (
            vec![("csrf", "faux"), ("kind", "initial"), ("from", "2021-02-26")],
            S::FORBIDDEN,
            "Formulaire expiré",
        ),
        (
            vec![("csrf", token.as_str()), ("kind", "initiale"), ("from", "2021-02-26")],
            S::BAD_REQUEST,
            "Choisissez le type de demande",
        ),
        (
            vec![("csrf", token.as_str()), ("kind", "initial"), ("from", "31/02/2021")],
            S::BAD_REQUEST,
            "au format JJ/MM/AAAA",
        ),
        (
            vec![("csrf", token.as_str()), ("kind", "renewal"), ("from", "2022-01-10")],
            S::UNPROCESSABLE_ENTITY,
            "PASS IAE",
        ),
    ] {
        let before = app.snapshot().await;
        let (s, html) = post_form(&app, &aci_session, &request, &form).await;
        assert!(s == status && html.contains(message), "{form:?}: {s} {html}");
        assert_eq!(app.snapshot().await, before, "{form:?} changed something");
    }
    let form = [("csrf", token.as_str()), ("kind", "initial"), ("from", "2021-02-26")];
    assert_eq!(post_form(&app, &aci_session, &request, &form).await.0, S::SEE_OTHER);
    let (_, html) = page(&app, &ft_session, &approval).await;
    assert!(
        html.contains(
            "Demande du 26 février 2021 (agrément initial), réponse attendue au plus tard le 5 mars 2021 : accordée tacitement"
        ),
        "{html}"
    );
    assert!(
        html.contains("Enregistrer la décision de Pôle emploi") && !html.contains("Enregistrer une demande d'agrément")
    );

    // The agency's decision: a refusal needs its motive.
    let ft_token = csrf(&html);
    let decision = format!("{approval}/agrement-decision");
    let form = [
        ("csrf", ft_token.as_str()),
        ("decision", "granted"),
        ("from", "2021-02-25"),
    ];
    assert_eq!(
        post_form(
            &app,
            &aci_session,
            &decision,
            &[("csrf", &token), ("decision", "granted"), ("from", "2021-03-02")]
        )
        .await
        .0,
        S::FORBIDDEN,
        "only the agency decides"
    );
    let before = app.snapshot().await;
    for (form, status, message) in [
        (
            vec![
                ("csrf", ft_token.as_str()),
                ("decision", "peut-etre"),
                ("from", "2021-03-02"),
            ],
            S::BAD_REQUEST,
            "Choisissez la décision",
        ),
        (
            vec![
                ("csrf", ft_token.as_str()),
                ("decision", "refused"),
                ("from", "2021-03-02"),
            ],
            S::UNPROCESSABLE_ENTITY,
            "doit être motivé par écrit",
        ),
        (form.to_vec(), S::UNPROCESSABLE_ENTITY, "avant"),
    ] {
        let (s, html) = post_form(&app, &ft_session, &decision, &form).await;
        assert!(s == status && html.contains(message), "{form:?}: {s} {html}");
    }
    assert_eq!(app.snapshot().await, before);
    let form = [
        ("csrf", ft_token.as_str()),
        ("decision", "refused"),
        ("from", "2021-03-02"),
        ("motive", "Bilan d'accompagnement absent"),
    ];
    assert_eq!(post_form(&app, &ft_session, &decision, &form).await.0, S::SEE_OTHER);
    let (_, html) = page(&app, &aci_session, &approval).await;
    assert!(
        html.contains("réponse attendue au plus tard le 5 mars 2021 : refusée"),
        "{html}"
    );

    // Two requests wait together: the agency names the one it decides (a suspension), else the page explains
    // the ambiguity and keeps nothing.
    let token = csrf(&html);
    for kind in ["extension", "suspension"] {
        let form = [("csrf", token.as_str()), ("kind", kind), ("from", "2021-07-01")];
        assert_eq!(post_form(&app, &aci_session, &request, &form).await.0, S::SEE_OTHER);
    }
    let (_, html) = page(&app, &ft_session, &approval).await;
    let ft_token = csrf(&html);
    let option = html
        .split("<option value=\"")
        .find(|o| o.contains("suspension, demande du 1er juillet 2021"))
        .unwrap_or_else(|| panic!("no option for the suspension request: {html}"));
    let suspension_id = option.split('"').next().unwrap().to_owned();
    let refusal = [
        ("csrf", ft_token.as_str()),
        ("decision", "refused"),
        ("from", "2021-07-02"),
        ("motive", "Contrat non suspendu"),
    ];
    let before = app.snapshot().await;
    let (s, html) = post_form(&app, &ft_session, &decision, &refusal).await;
    assert!(
        s == S::UNPROCESSABLE_ENTITY && html.contains("plusieurs demandes attendent une réponse"),
        "{s} {html}"
    );
    assert_eq!(app.snapshot().await, before);
    let mut named = refusal.to_vec();
    named.push(("request_id", suspension_id.as_str()));
    assert_eq!(post_form(&app, &ft_session, &decision, &named).await.0, S::SEE_OTHER);
    let (_, html) = page(&app, &aci_session, &approval).await;
    assert!(
        html.contains(
            "Demande du 1er juillet 2021 (extension à une autre SIAE), réponse attendue au plus tard le 8 juillet \
             2021 : accordée tacitement"
        ) && html.contains(
            "Demande du 1er juillet 2021 (suspension), réponse attendue au plus tard le 8 juillet 2021 : refusée"
        ),
        "{html}"
    );
    // The SIAE appeals the refused suspension to the agency's director (seed 004, 2.2.3): without grounds the
    // form comes back as typed; with them, the appeal waits for the director, without deadline.
    let appeal = format!("{approval}/agrement-recours");
    let aci_token = csrf(&html);
    let mut typed = vec![
        ("csrf", aci_token.as_str()),
        ("request_id", suspension_id.as_str()),
        ("from", "2021-07-09"),
        ("comment", " "),
    ];
    let before = app.snapshot().await;
    let (s, html) = post_form(&app, &aci_session, &appeal, &typed).await;
    assert!(
        s == S::UNPROCESSABLE_ENTITY
            && html.contains("éléments objectifs")
            && html.contains("id=\"recours-date\" name=\"from\" value=\"2021-07-09\""),
        "{s} {html}"
    );
    assert_eq!(app.snapshot().await, before);
    typed[3] = ("comment", "Reprise du contrat après un arrêt maladie");
    let (s, html) = post_and_follow(&app, &aci_session, &appeal, &typed).await;
    assert!(
        s == S::SEE_OTHER
            && html.contains("Recours enregistré")
            && html.contains("Recours du 9 juillet 2021 contre un refus, tranché par le directeur de l'agence"),
        "{s} {html}"
    );

    // The people in pathway, paged and filtered; a bad filter is a French error page.
    let (s, html) = page(&app, &aci_session, "/parcours?q=durand&status=in_progress").await;
    assert!(
        s == S::OK && html.contains("Kevin Durand") && !html.contains("Rose Petit"),
        "{html}"
    );
    assert!(html.contains("page 1 sur 1") && html.contains("fr-table__wrapper"));
    let (s, html) = page(&app, &aci_session, "/parcours?status=fini").await;
    assert!(s == S::BAD_REQUEST && html.contains("statut attendu"), "{html}");
    // The referent's dashboard is in the agency's menu, not the SIAE's.
    let (_, home) = page(&app, &ft_session, "/").await;
    assert!(home.contains("href=\"/referent\""));
    let (_, home) = page(&app, &aci_session, "/").await;
    assert!(!home.contains("href=\"/referent\""));
    crate::agreements::sign_demo_ccl(&app).await;
    let (s, html) = page(&app, &ft_session, "/referent").await;
    assert!(
        s == S::OK && html.contains("Les Jardins de la Combe") && html.contains("Kevin Durand"),
        "{html}"
    );
    assert_eq!(page(&app, &aci_session, "/referent").await.0, S::FORBIDDEN);
}

#[tokio::test]
async fn iae_pages_on_sqlite() {
    iae_pages(Backend::Sqlite).await;
}

#[tokio::test]
async fn iae_pages_on_postgres() {
    iae_pages(Backend::Postgres).await;
}
