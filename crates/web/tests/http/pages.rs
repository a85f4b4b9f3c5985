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

fn cookie_value(r: &reqwest::Response, name: &str) -> Option<String> {
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
            && html.contains("/dsfr/dsfr.min.css")
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
    assert_eq!(offer(token, "2").await.unwrap().status(), S::SEE_OTHER);
    assert_eq!(app.count("job_offers").await, before + 1);
    // The ESAT is no party to the ACI's applications.
    let admin = app.token(passerelle_store::demo::ADMIN_EMAIL).await;
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
    assert_eq!(aci_get(sheet).await.unwrap().status(), S::OK);

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
