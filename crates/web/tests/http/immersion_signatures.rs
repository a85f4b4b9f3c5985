//! Who signs an immersion convention, through the pages (seed 002: an ACI employee discovering ESAT work): the host
//! ESAT sees the convention and is offered only its own signature; the ACI e-mails a signature link to the person,
//! whose page signs nothing until its button is pressed, then never again; an expired or unknown link says what to
//! do; the convention as PDF carries the names, dates and signatures.

use crate::pages::{csrf, login, page};
use crate::{Backend, TestApp, email, id, today};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::Method;
use reqwest::StatusCode as S;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};
use serde_json::json;
use time::Duration;

fn unescaped(html: &str) -> String {
    html.replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&")
}

/// Posts `form` with the session `session`; answers the status, the redirect and the page.
async fn post(app: &TestApp, session: &str, path: &str, form: &[(&str, &str)]) -> (S, String, String) {
    let r = app
        .http
        .post(app.url(path))
        .header(COOKIE, format!("passerelle_session={session}"))
        .form(form)
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status(), location, unescaped(&r.text().await.unwrap()))
}

/// An anonymous request to the link's page: status and page.
async fn anonymous(app: &TestApp, method: Method, jeton: &str) -> (S, String) {
    let r = if method == Method::GET {
        app.http
            .get(app.url(&format!("/signature-immersion?jeton={jeton}")))
            .send()
            .await
    } else {
        app.http
            .post(app.url("/signature-immersion"))
            .form(&[("jeton", jeton)])
            .send()
            .await
    }
    .unwrap();
    (r.status(), unescaped(&r.text().await.unwrap()))
}

/// The token of the last mail sent to `to`.
async fn mailed_token(app: &TestApp, to: &str) -> String {
    let mut db = app.store.pool().clone();
    let rows = db
        .fetch_all(query("SELECT body FROM outbox WHERE recipient = $1 ORDER BY created_at").bind(to))
        .await
        .unwrap();
    let body: String = rows.last().expect("a mail").get("body").unwrap();
    let start = body
        .find("https://passerelle.test/signature-immersion?jeton=")
        .expect("the link")
        + 50;
    body[start..].split_whitespace().next().unwrap().to_owned()
}

/// The days of the immersions drafted here.
fn period() -> (time::Date, time::Date) {
    (today() + Duration::days(10), today() + Duration::days(14))
}

/// An immersion the ACI drafts for a new person `(first, last)`, hosted by the directory's organisation `host` (named
/// and found by its SIRET) with its tutor `(name, e-mail)`, then submits for signatures: its id and the person.
async fn submitted_immersion(
    app: &TestApp,
    host: &str,
    (first_name, last_name): (&str, &str),
    (tutor_name, tutor_email): (&str, &str),
) -> (String, serde_json::Value) {
    let aci = app.token(&email("aci-jardins")).await;
    let aci_id = app.org_id("aci-jardins").await;
    let host_id = app.org_id(host).await;
    let mut db = app.store.pool().clone();
    let row = db
        .fetch_one(query("SELECT name, siret FROM organisations WHERE id = $1").bind(host_id))
        .await
        .unwrap();
    let (host_name, siret): (String, String) = (row.get("name").unwrap(), row.get("siret").unwrap());
    let (s, person) = app
        .call(
            &aci,
            Method::POST,
            "/api/v1/persons",
            Some(json!({"first_name": first_name, "last_name": last_name})),
        )
        .await;
    assert_eq!(s, S::CREATED, "{person}");
    let (start, end) = period();
    let convention = json!({"person_id": id(&person), "prescriber_id": aci_id, "support_structure_id": aci_id,
        "host_name": host_name, "host_siret": siret, "tutor_name": tutor_name,
        "tutor_email": tutor_email, "objective": "discover_trade", "starts_on": start.to_string(),
        "ends_on": end.to_string(), "schedule": [420, 420, 420, 420, 420, 0, 0]});
    let (s, i) = app
        .call(&aci, Method::POST, "/api/v1/immersions", Some(convention))
        .await;
    assert_eq!(s, S::CREATED, "{i}");
    let (s, _) = app
        .call(
            &aci,
            Method::POST,
            &format!("/api/v1/immersions/{}/submit", id(&i)),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    (id(&i), person)
}

async fn signatures(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.token(&email("aci-jardins")).await;
    let mut db = app.store.pool().clone();
    let (iid, _) = submitted_immersion(
        &app,
        "esat-ouche",
        ("Lucas", "Bernard"),
        ("Paul Girard", "p.girard@example.fr"),
    )
    .await;
    let here = format!("/immersions/{iid}");
    let (start, end) = period();

    // The host ESAT lists the convention and is offered its own signature only: no « Prescripteur » ending on 403.
    let host = login(&app, "esat-ouche").await;
    let (s, list) = page(&app, &host, "/immersions").await;
    assert_eq!(s, S::OK);
    assert!(list.contains(&here), "the host lists it");
    let (s, html) = page(&app, &host, &here).await;
    assert_eq!(s, S::OK, "{html}");
    assert!(html.contains("<option value=\"host_company\""), "{html}");
    for absent in [
        "value=\"prescriber\"",
        "value=\"beneficiary\"",
        "/lien-signature",
        "/envoi",
        "parcours-complet",
    ] {
        assert!(!html.contains(absent), "the host is not offered {absent}");
    }
    let token = csrf(&html);
    let (s, _, refused) = post(
        &app,
        &host,
        &format!("{here}/signature"),
        &[
            ("csrf", &token),
            ("party", "prescriber"),
            ("signer_name", "Marie Leroy"),
        ],
    )
    .await;
    assert_eq!(s, S::FORBIDDEN);
    assert!(
        refused.contains("Signature refusée") && refused.contains("signe un membre du prescripteur"),
        "a French message saying who signs: {refused}"
    );
    let (s, location, _) = post(
        &app,
        &host,
        &format!("{here}/signature"),
        &[
            ("csrf", &token),
            ("party", "host_company"),
            ("signer_name", "Marie Leroy"),
        ],
    )
    .await;
    assert_eq!((s, location.as_str()), (S::SEE_OTHER, here.as_str()));

    // The ACI sends a link to the person; a bad address comes back with what was typed.
    let keeper = login(&app, "aci-jardins").await;
    let (_, html) = page(&app, &keeper, &here).await;
    // The host has signed: the link goes to the person, and the tutor's address is not proposed for it.
    assert!(html.contains("/lien-signature") && !html.contains("value=\"p.girard@example.fr\""));
    let token = csrf(&html);
    let send = |to: &'static str| {
        let (app, keeper, token, here) = (&app, keeper.clone(), token.clone(), here.clone());
        async move {
            post(
                app,
                &keeper,
                &format!("{here}/lien-signature"),
                &[("csrf", &token), ("party", "beneficiary"), ("email", to)],
            )
            .await
        }
    };
    let (s, _, html) = send("lucas-sans-arobase").await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("value=\"lucas-sans-arobase\""),
        "the typed address is kept"
    );
    // A first link through the API, a second from the page.
    let links = format!("/api/v1/immersions/{iid}/signature-links");
    let (s, sent) = app
        .call(
            &aci,
            Method::POST,
            &links,
            Some(json!({"party": "beneficiary", "email": "lucas.ancien@example.fr"})),
        )
        .await;
    assert_eq!(s, S::CREATED, "{sent}");
    assert_eq!(sent["valid_until"], (today() + Duration::days(14)).to_string());
    for (party, status, code) in [
        (
            "prescriber",
            S::UNPROCESSABLE_ENTITY,
            "signature_link_party_not_allowed",
        ),
        ("host_company", S::CONFLICT, "immersion_already_signed"),
    ] {
        let (s, e) = app
            .call(
                &aci,
                Method::POST,
                &links,
                Some(json!({"party": party, "email": "x@example.fr"})),
            )
            .await;
        assert_eq!((s, e["error"]["code"].as_str()), (status, Some(code)), "{e}");
    }
    let old = mailed_token(&app, "lucas.ancien@example.fr").await;
    let (s, location, _) = send("lucas@example.fr").await;
    assert_eq!((s, location.as_str()), (S::SEE_OTHER, here.as_str()));
    let jeton = mailed_token(&app, "lucas@example.fr").await;

    // Opening the link shows the convention and a button; it signs nothing.
    let (s, html) = anonymous(&app, Method::GET, &jeton).await;
    assert_eq!(s, S::OK, "{html}");
    assert!(html.contains("Lucas Bernard") && html.contains("ESAT de la Vallée de l'Ouche"));
    assert!(html.contains("Signer la convention") && html.contains("method=\"post\""));
    assert!(!html.contains("/personnes/") && !html.contains("passerelle_session"));
    let (_, api) = app.get(&aci, &format!("/api/v1/immersions/{iid}")).await;
    assert!(
        api["missing_signatures"]
            .as_array()
            .unwrap()
            .contains(&json!("beneficiary")),
        "{api}"
    );

    // An expired link (aged in the database: the server's clock only runs forward) and an unknown one.
    let now = passerelle_store::infra::clock::now().unix_timestamp();
    db.execute(
        query("UPDATE immersion_signature_links SET created_at = $1, expires_at = $2 WHERE email = $3")
            .bind(now - 20 * 86_400)
            .bind(now - 1)
            .bind("lucas.ancien@example.fr"),
    )
    .await
    .unwrap();
    for method in [Method::GET, Method::POST] {
        let (s, html) = anonymous(&app, method, &old).await;
        assert_eq!(s, S::GONE);
        assert!(
            html.contains("a expiré") && html.contains("Demandez un nouveau lien"),
            "{html}"
        );
    }
    let (s, html) = anonymous(&app, Method::GET, "inconnu").await;
    assert_eq!(s, S::NOT_FOUND);
    assert!(html.contains("n'est pas valable"));

    // The button signs, once.
    let (s, html) = anonymous(&app, Method::POST, &jeton).await;
    assert_eq!(s, S::OK, "{html}");
    assert!(html.contains("Convention signée"));
    let (s, html) = anonymous(&app, Method::POST, &jeton).await;
    assert_eq!(s, S::GONE);
    assert!(html.contains("déjà servi"));
    let (_, api) = app.get(&aci, &format!("/api/v1/immersions/{iid}")).await;
    let by_link = api["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["party"] == "beneficiary")
        .unwrap_or_else(|| panic!("{api}"));
    assert_eq!(
        (by_link["method"].as_str(), by_link["signer_name"].as_str()),
        (Some("link"), Some("Lucas Bernard"))
    );
    assert_eq!(api["signable_parties"], json!(["prescriber", "support_structure"]));

    let (s, _) = app.get(&aci, &format!("/api/v1/immersions/{iid}/convention")).await;
    assert_eq!(s, S::OK, "the API serves the PDF too");

    // The convention as PDF, read back: names, dates, signatures.
    for (session, status) in [
        (&keeper, S::OK),
        (&host, S::OK),
        (&login(&app, "esat-suzon").await, S::NOT_FOUND),
    ] {
        let r = app
            .http
            .get(app.url(&format!("{here}/convention.pdf")))
            .header(COOKIE, format!("passerelle_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status);
        if status == S::OK {
            assert_eq!(r.headers()[CONTENT_TYPE], "application/pdf");
            let text = crate::pdf_access::accessible(&r.bytes().await.unwrap())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            for expected in [
                "Convention d'immersion professionnelle",
                "Projet",
                "Lucas Bernard",
                "ESAT de la Vallée de l'Ouche",
                "Paul Girard",
                "Marie Leroy",
                &format!("Du {}", passerelle_domain::calendar::french_date(start)),
                &passerelle_domain::calendar::french_date(end),
                "signature par le lien de signature",
                &format!("Signé le {}", passerelle_domain::calendar::french_date(today())),
                "signature attendue",
            ] {
                assert!(text.contains(expected), "« {expected} » missing from: {text}");
            }
        }
    }
}

#[tokio::test]
async fn immersion_signatures_on_sqlite() {
    signatures(Backend::Sqlite).await;
}

#[tokio::test]
async fn immersion_signatures_on_postgres() {
    signatures(Backend::Postgres).await;
}

/// A company that only hosts (an employer of the directory, found by its SIRET) finds the immersions it hosts in
/// its menu, lists them without a drafting form it could not use (it does not prescribe, L5135-2), and signs.
async fn host_company(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (iid, person) = submitted_immersion(
        &app,
        "employeur-boulangerie",
        ("Inès", "Garnier"),
        ("Jean Morel", "j.morel@example.fr"),
    )
    .await;
    let here = format!("/immersions/{iid}");

    let host = login(&app, "employeur-boulangerie").await;
    let (s, home) = page(&app, &host, "/").await;
    assert_eq!(s, S::OK);
    assert!(
        home.contains("class=\"fr-nav__link\" href=\"/immersions\""),
        "the menu leads to the immersions: {home}"
    );
    assert!(
        home.contains("Immersions à signer"),
        "the home counts its signature: {home}"
    );
    let (s, list) = page(&app, &host, "/immersions").await;
    assert_eq!(s, S::OK, "{list}");
    assert!(list.contains(&here), "the host lists it: {list}");
    assert!(
        !list.contains("Préparer une convention") && !list.contains("method=\"post\" action=\"/immersions\""),
        "no drafting form for a host: {list}"
    );
    assert!(
        list.contains("préparées par le prescripteur"),
        "the page says who drafts: {list}"
    );
    let (s, html) = page(&app, &host, &here).await;
    assert_eq!(s, S::OK, "{html}");
    let token = csrf(&html);
    let (s, location, _) = post(
        &app,
        &host,
        &format!("{here}/signature"),
        &[
            ("csrf", &token),
            ("party", "host_company"),
            ("signer_name", "Jean Morel"),
        ],
    )
    .await;
    assert_eq!((s, location.as_str()), (S::SEE_OTHER, here.as_str()));
    // A host that tries to draft anyway is told who does.
    let (s, _, refused) = post(
        &app,
        &host,
        "/immersions",
        &[("csrf", &token), ("person_id", &id(&person))],
    )
    .await;
    assert_eq!(s, S::FORBIDDEN, "{refused}");
}

#[tokio::test]
async fn host_company_on_sqlite() {
    host_company(Backend::Sqlite).await;
}

#[tokio::test]
async fn host_company_on_postgres() {
    host_company(Backend::Postgres).await;
}
