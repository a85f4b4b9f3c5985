//! Agreements through the API and the pages, on both databases: who sees what, the checklist, signature,
//! notice, versions and their comparison, bad input refused without change.

use crate::pages::{csrf, login};
use crate::{Backend, TestApp, email};
use reqwest::Method;
use reqwest::StatusCode as S;
use reqwest::header::COOKIE;
use serde_json::json;

async fn ids(app: &TestApp, token: &str) -> (String, String) {
    let (s, list) = app.get(token, "/api/v1/agreements").await;
    assert_eq!(s, S::OK);
    let id = |kind: &str| {
        list.as_array().unwrap().iter().find(|a| a["kind"] == kind).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    (id("regional"), id("local_cooperation"))
}

async fn api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let aci = app.token(&email("aci-jardins")).await;
    let esat = app.token(&email("esat-suzon")).await;
    let (regional, ccl) = ids(&app, &aci).await;

    // Accord régional BFC 2016 as demo data: 3 axes, 8 action sheets, an avenant; the CCL declines it.
    let (s, r) = app.get(&aci, &format!("/api/v1/agreements/{regional}")).await;
    assert_eq!(s, S::OK);
    assert_eq!(r["content"]["axes"].as_array().unwrap().len(), 3);
    let sheets: usize = r["content"]["axes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["sheets"].as_array().unwrap().len())
        .sum();
    assert_eq!(sheets, 8);
    assert_eq!(r["children"][0]["id"], ccl.as_str());
    let (s, cmp) = app
        .get(&aci, &format!("/api/v1/agreements/{regional}/compare?from=1&to=2"))
        .await;
    assert_eq!(s, S::OK);
    assert!(cmp["changes"].as_array().unwrap().iter().any(|c| c["label"] == "Durée"));
    let (s, v1) = app
        .get(&aci, &format!("/api/v1/agreements/{regional}/versions/1"))
        .await;
    assert_eq!(
        (s, v1["content"]["parties"][1]["name"].as_str()),
        (S::OK, Some("Pôle emploi"))
    );

    // Documents of any version: PDF and DOCX by their signatures, bad format refused.
    for (query, magic, kind) in [
        ("format=pdf", &b"%PDF"[..], "application/pdf"),
        (
            "format=docx&version=1",
            &b"PK"[..],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("format=html", &b"<!doctype"[..], "text/html; charset=utf-8"),
    ] {
        let r = app
            .http
            .get(app.url(&format!("/api/v1/agreements/{regional}/document?{query}")))
            .bearer_auth(&aci)
            .send()
            .await
            .unwrap();
        assert_eq!(
            (r.status(), r.headers()["content-type"].to_str().unwrap()),
            (S::OK, kind)
        );
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(magic), "{query}");
        if kind == "application/pdf" {
            crate::pdf_access::accessible(&bytes);
        }
    }
    let (s, e) = app
        .get(&aci, &format!("/api/v1/agreements/{regional}/document?format=odt"))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (S::UNPROCESSABLE_ENTITY, Some("format_unknown"))
    );

    // Outsiders get 404, whatever exists.
    let (s, _) = app.get(&esat, &format!("/api/v1/agreements/{ccl}")).await;
    assert_eq!(s, S::NOT_FOUND);
    let (s, list) = app.get(&esat, "/api/v1/agreements").await;
    assert_eq!((s, list.as_array().unwrap().len()), (S::OK, 0));

    // Bad input: stable codes, nothing changed.
    let before = app.snapshot().await;
    let events = app.count("events WHERE action LIKE 'agreement.%'").await;
    let aci_org = app.org_id("aci-jardins").await;
    let esat_org = app.org_id("esat-suzon").await;
    let party = |id: uuid::Uuid| json!({"organisation_id": id, "name": "Partie"});
    for (token, method, path, body, status, code) in [
        (
            &aci,
            Method::POST,
            format!("/api/v1/agreements/{ccl}/actions"),
            json!({"action": "jump"}),
            S::UNPROCESSABLE_ENTITY,
            "action_unknown",
        ),
        (
            &aci,
            Method::POST,
            format!("/api/v1/agreements/{ccl}/actions"),
            json!({"action": "give_notice"}),
            S::CONFLICT,
            "transition_not_allowed",
        ),
        (
            &aci,
            Method::POST,
            format!("/api/v1/agreements/{ccl}/actions"),
            json!({"action": "sign", "extra": 1}),
            S::BAD_REQUEST,
            "invalid_body",
        ),
        (
            &aci,
            Method::PUT,
            format!("/api/v1/agreements/{ccl}/content"),
            json!({"title": "X", "parties": [party(aci_org)]}),
            S::CONFLICT,
            "agreement_not_draft",
        ),
        (
            &aci,
            Method::POST,
            "/api/v1/agreements".into(),
            json!({"kind": "bail", "content": {"title": "X", "parties": [party(aci_org)]}}),
            S::UNPROCESSABLE_ENTITY,
            "agreement_kind_unknown",
        ),
        (
            &aci,
            Method::POST,
            "/api/v1/agreements".into(),
            json!({"kind": "partnership", "content": {"title": "X", "parties": [party(esat_org)]}}),
            S::FORBIDDEN,
            "not_party_admin",
        ),
        (
            &aci,
            Method::POST,
            "/api/v1/agreements".into(),
            json!({"kind": "local_cooperation", "parent_id": ccl, "content": {"title": "X", "parties": [party(aci_org)]}}),
            S::UNPROCESSABLE_ENTITY,
            "agreement_parent_kind",
        ),
        (
            &aci,
            Method::POST,
            "/api/v1/agreements".into(),
            json!({"kind": "partnership", "content": {"title": "X", "parties": [party(aci_org)], "not_applicable": [{"item": "reciprocity", "reason": "non"}]}}),
            S::UNPROCESSABLE_ENTITY,
            "item_not_waivable",
        ),
        (
            &esat,
            Method::POST,
            format!("/api/v1/agreements/{ccl}/actions"),
            json!({"action": "sign"}),
            S::NOT_FOUND,
            "not_found",
        ),
    ] {
        let (s, body) = app.call(token, method.clone(), &path, Some(body)).await;
        assert_eq!(
            (s, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {body}"
        );
    }
    assert_eq!(app.snapshot().await, before);
    assert_eq!(app.count("events WHERE action LIKE 'agreement.%'").await, events);

    // The ACI signs: the CCL is complete and comes into force; its notice runs three months.
    let (s, list) = app.get(&aci, &format!("/api/v1/agreements/{ccl}/checklist")).await;
    assert_eq!((s, list["score"].as_i64()), (S::OK, Some(100)));
    let (s, done) = app
        .call(
            &aci,
            Method::POST,
            &format!("/api/v1/agreements/{ccl}/actions"),
            Some(json!({"action": "sign", "on": "2026-11-20"})),
        )
        .await;
    assert_eq!((s, done["change"]["to"].as_str()), (S::OK, Some("in_force")), "{done}");
    let (s, done) = app
        .call(
            &aci,
            Method::POST,
            &format!("/api/v1/agreements/{ccl}/actions"),
            Some(json!({"action": "give_notice", "on": "2026-11-20"})),
        )
        .await;
    assert_eq!(
        (s, done["agreement"]["terminates_on"].as_str()),
        (S::OK, Some("2027-02-20"))
    );
    assert!(
        done["change"]["explanation"]["message"]
            .as_str()
            .unwrap()
            .contains("20 février 2027")
    );

    // A new draft by the ESAT with Cap emploi, guided by Questions incontournables ESAT – SPE.
    let cap = app.org_id("cap-emploi").await;
    let (s, d) = app
        .call(&esat, Method::POST, "/api/v1/agreements", Some(json!({"kind": "esat_spe", "content": {"title": "ESAT – Cap emploi", "parties": [party(esat_org), party(cap)]}})))
        .await;
    assert_eq!(s, S::CREATED, "{d}");
    let (_, list) = app
        .get(
            &esat,
            &format!("/api/v1/agreements/{}/checklist", d["id"].as_str().unwrap()),
        )
        .await;
    let missing: Vec<&str> = list["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        missing.contains(&"worker_situations") && missing.contains(&"tracking_tools"),
        "{missing:?}"
    );
    // The ACI's to-do list: the CCL's notice takes effect.
    let (s, to_do) = app.get(&aci, "/api/v1/agreement-deadlines").await;
    assert_eq!(s, S::OK);
    assert!(
        to_do
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["deadline"]["code"] == "termination_effect"),
        "{to_do}"
    );
    let (s, kinds) = app.get(&esat, "/api/v1/agreement-kinds").await;
    assert_eq!((s, kinds.as_array().unwrap().len()), (S::OK, 7));
}

#[tokio::test]
async fn agreements_api_on_sqlite() {
    api(Backend::Sqlite).await;
}

#[tokio::test]
async fn agreements_api_on_postgres() {
    api(Backend::Postgres).await;
}

async fn page(app: &TestApp, session: &str, path: &str) -> (S, String) {
    let r = app
        .http
        .get(app.url(path))
        .header(COOKIE, format!("passerelle_session={session}"))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn agreements_pages() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token(&email("aci-jardins")).await;
    let (regional, ccl) = ids(&app, &token).await;
    let session = login(&app, "aci-jardins").await;
    let agency = login(&app, "ft-dijon").await;
    let (_, html) = page(&app, &agency, &format!("/conventions/{ccl}")).await;
    assert!(
        !html.contains(">Signer</button>") && html.contains("Reprendre la rédaction"),
        "the agency has signed"
    );
    let (s, html) = page(&app, &session, "/conventions").await;
    assert_eq!(s, S::OK);
    assert!(html.contains("Accord régional de coopération Bourgogne-Franche-Comté") && html.contains("en signature"));
    let (s, html) = page(&app, &session, &format!("/conventions/{ccl}")).await;
    assert_eq!(s, S::OK);
    assert!(
        html.contains("100 %") && html.contains("Sophie Bernard") && html.contains(">Signer</button>"),
        "{html}"
    );
    // Sign through the form.
    let r = app
        .http
        .post(app.url(&format!("/conventions/{ccl}/actions")))
        .header(COOKIE, format!("passerelle_session={session}"))
        .header("origin", app.base.clone())
        .form(&[
            ("csrf", csrf(&html).as_str()),
            ("action", "sign"),
            ("on", ""),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Dernière signature") && html.contains("en vigueur"),
        "{html}"
    );
    assert!(
        html.contains("Échéances") && html.contains("La convention prend fin le"),
        "{html}"
    );
    assert!(html.contains("Proposer un avenant"));
    // An avenant from the pages: without its object it is refused; with it, version 2 extends the end.
    let token = csrf(&html);
    let fields = |reason: &'static str| {
        [
            ("csrf", token.clone()),
            ("reason", reason.to_owned()),
            ("on", "2026-11-21".to_owned()),
            ("title", "CCL Dijon Drapeau – Jardins de la Combe".to_owned()),
            ("object", "Coopérer.".to_owned()),
            ("starts_on", "2026-01-01".to_owned()),
            ("ends_on", "2029-12-31".to_owned()),
            ("notice_months", "3".to_owned()),
        ]
    };
    let avenant = format!("/conventions/{ccl}/avenant");
    let without = fields("");
    let without: Vec<(&str, &str)> = without.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _, html) = post(&app, &session, &avenant, &without).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Indiquez l&#x27;objet de l&#x27;avenant") || html.contains("objet de l"),
        "{html}"
    );
    let with = fields("Avenant n° 1 : prorogation");
    let with: Vec<(&str, &str)> = with.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, location, _) = post(&app, &session, &avenant, &with).await;
    assert_eq!(
        (s, location.as_str()),
        (S::SEE_OTHER, format!("/conventions/{ccl}").as_str())
    );
    // The avenant waits for every party: signed by each, it becomes version 2.
    for who in [&agency, &session] {
        let (_, html) = page(&app, who, &format!("/conventions/{ccl}")).await;
        assert!(html.contains("Avenant en attente de signatures"), "{html}");
        let signer = format!("/conventions/{ccl}/avenant/signer");
        let (s, location, _) = post(&app, who, &signer, &[("csrf", csrf(&html).as_str())]).await;
        assert_eq!(
            (s, location.as_str()),
            (S::SEE_OTHER, format!("/conventions/{ccl}").as_str())
        );
    }
    let (_, html) = page(&app, &session, &format!("/conventions/{ccl}/comparaison?de=1&a=2")).await;
    // Word by word: the year taken out, the year put in.
    assert!(
        html.contains("<del><span class=\"fr-sr-only\">[retiré : </span>2028")
            && html.contains("<ins><span class=\"fr-sr-only\">[ajouté : </span>2029"),
        "{html}"
    );
    let (_, html) = page(&app, &session, "/conventions").await;
    assert!(
        html.contains("À faire") && html.contains("Examen annuel de la convention le"),
        "{html}"
    );
    // A forged form changes nothing.
    let before = app.snapshot().await;
    let r = app
        .http
        .post(app.url(&format!("/conventions/{ccl}/actions")))
        .header(COOKIE, format!("passerelle_session={session}"))
        .header("origin", app.base.clone())
        .form(&[("csrf", "forged"), ("action", "give_notice")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    assert_eq!(app.snapshot().await, before);
    // The comparison of the regional agreement's versions.
    let (s, html) = page(&app, &session, &format!("/conventions/{regional}/comparaison?de=1&a=2")).await;
    assert_eq!(s, S::OK);
    assert!(html.contains("Durée") && html.contains("2027"), "{html}");
    let r = app
        .http
        .get(app.url(&format!("/conventions/{ccl}/document?format=pdf")))
        .header(COOKIE, format!("passerelle_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    let (s, _) = page(&app, &session, "/conventions/pas-un-id").await;
    assert_eq!(s, S::NOT_FOUND);
}

/// Posts a form with the session and the same origin; returns status, location and body.
async fn post(app: &TestApp, session: &str, path: &str, form: &[(&str, &str)]) -> (S, String, String) {
    let r = app
        .http
        .post(app.url(path))
        .header(COOKIE, format!("passerelle_session={session}"))
        .header("origin", app.base.clone())
        .form(form)
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status(), location, r.text().await.unwrap())
}

// Questions incontournables ESAT – SPE: an ESAT starts its convention with Cap emploi from the pages; the checklist guides it.
#[tokio::test]
async fn a_draft_is_started_and_written_from_the_pages() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let session = login(&app, "esat-suzon").await;
    let (s, html) = page(&app, &session, "/conventions/nouvelle").await;
    assert_eq!(s, S::OK);
    let token = csrf(&html);
    let (esat, cap) = (
        app.org_id("esat-suzon").await.to_string(),
        app.org_id("cap-emploi").await.to_string(),
    );
    let form = |partner: &str| {
        vec![
            ("csrf", token.clone()),
            ("kind", "esat_spe".to_owned()),
            ("title", "Convention ESAT du Suzon – Cap emploi".to_owned()),
            ("parent_id", String::new()),
            ("organisation_id", esat.clone()),
            ("partner_id", partner.to_owned()),
        ]
    };
    let refs = |f: &[(&'static str, String)]| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let (bad, good) = (refs(&form("")), refs(&form(&cap)));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _, html) = post(&app, &session, "/conventions", &bad).await;
    assert_eq!(s, S::BAD_REQUEST);
    assert!(html.contains("Choisissez la structure partenaire"));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, location, _) = post(&app, &session, "/conventions", &good).await;
    assert_eq!(s, S::SEE_OTHER);
    let (s, html) = page(&app, &session, &location).await;
    assert_eq!(s, S::OK);
    assert!(
        html.contains("manquant")
            && html.contains("Questions incontournables ESAT – SPE question 10")
            && html.contains("L344-2"),
        "{html}"
    );
    // Submitting now is refused with what is missing; writing the object satisfies that item.
    let (s, _, html) = post(
        &app,
        &session,
        &format!("{location}/actions"),
        &[("csrf", &token), ("action", "submit")],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(html.contains("il manque encore"), "{html}");
    let (s, _, _) = post(
        &app,
        &session,
        &format!("{location}/brouillon"),
        &[
            ("csrf", &token),
            ("title", "Convention ESAT – Cap emploi"),
            ("object", "Sécuriser les sorties d'ESAT."),
            ("notice_months", "3"),
        ],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER);
    let id = location.rsplit('/').next().unwrap();
    let api = app.token(&email("esat-suzon")).await;
    let (_, list) = app.get(&api, &format!("/api/v1/agreements/{id}/checklist")).await;
    assert!(
        !list["missing"].as_array().unwrap().iter().any(|m| m == "object"),
        "{list}"
    );
    // Cap emploi, a party, sees the draft; it cannot sign a draft.
    let cap_token = app.token(&email("cap-emploi")).await;
    let (s, a) = app.get(&cap_token, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!((s, a["status"].as_str()), (S::OK, Some("draft")));
}

/// The contact of `org` whose last name is `last`, from the API.
async fn contact(app: &TestApp, token: &str, org: uuid::Uuid, last: &str) -> String {
    let (_, list) = app.get(token, &format!("/api/v1/organisations/{org}/contacts")).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["last_name"] == last)
        .unwrap_or_else(|| panic!("{last} in {list}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn checklist_states(app: &TestApp, token: &str, id: &str) -> serde_json::Value {
    let (s, list) = app.get(token, &format!("/api/v1/agreements/{id}/checklist")).await;
    assert_eq!(s, S::OK);
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["code"].as_str().unwrap().to_owned(), i["state"].clone()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

// The whole structure of a draft is written from the pages, one form per part, through the same
// store method as the API; refused input shows its message next to the field and changes nothing.
#[tokio::test]
async fn the_whole_structure_is_written_from_the_pages() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let session = login(&app, "aci-jardins").await;
    let token = app.token(&email("aci-jardins")).await;
    let (aci, agency) = (app.org_id("aci-jardins").await, app.org_id("ft-dijon").await);
    let (regional, ccl) = ids(&app, &token).await;
    let (s, d) = app
        .call(
            &token,
            Method::POST,
            "/api/v1/agreements",
            Some(
                json!({"kind": "local_cooperation", "parent_id": regional, "content": {"title": "CCL 2027",
                "parties": [{"organisation_id": agency, "name": "Agence"}, {"organisation_id": aci, "name": "ACI"}]}}),
            ),
        )
        .await;
    assert_eq!(s, S::CREATED, "{d}");
    let id = d["id"].as_str().unwrap().to_owned();
    let path = format!("/conventions/{id}");
    let edit = format!("{path}/redaction");
    let (s, html) = page(&app, &session, &path).await;
    assert_eq!(s, S::OK);
    // The checklist sits next to the forms; a missing item links to the form that fills it.
    assert!(
        html.contains("href=\"#redaction-axes\">Chaque partie prend au moins un engagement")
            && html.contains("id=\"redaction-axes\"")
            && html.contains("href=\"#redaction-correspondants\"")
            && html.contains("optgroup label=\"ACI\""),
        "{html}"
    );
    // A target's indicator suggests the computed ones, free wording still accepted (below).
    assert!(
        html.contains("list=\"objectifs-target-0-suggestions\"")
            && html.contains("<option value=\"Périodes de mise en situation en milieu professionnel (PMSMP)\">"),
        "{html}"
    );
    let csrf = csrf(&html);
    let form = |pairs: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(pairs);
        all.into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<Vec<_>>()
    };
    let send = |pairs: Vec<(String, String)>| {
        let (app, session, edit) = (&app, &session, &edit);
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            post(app, session, edit, &pairs).await
        }
    };
    let (girard, mercier, bernard) = (
        contact(&app, &token, aci, "Girard").await,
        contact(&app, &token, aci, "Mercier").await,
        contact(&app, &token, agency, "Bernard").await,
    );

    // An axis, then an action sheet with each party's commitments and an indicator with its provider.
    let (s, location, _) = send(form(&[
        ("part", "axis"),
        ("index", "0"),
        ("title", "Axe 1 : sécuriser les parcours"),
        ("theme", ""),
        ("op", "save"),
    ]))
    .await;
    assert_eq!(
        (s, location.as_str()),
        (S::SEE_OTHER, format!("{path}#redaction-axes").as_str())
    );
    let (s, _, html) = send(form(&[
        ("part", "sheet"),
        ("axis", "0"),
        ("index", "0"),
        ("title", "Fiche 1 : l'entrée en parcours"),
        ("objectives", "Orienter les candidats\nRéduire les délais"),
        ("implementation", "Une fiche navette commune."),
        ("commitments_0", "Prescrire les candidats"),
        ("commitments_1", "Répondre sous 8 jours"),
        ("indicator_0", "Délai moyen de réponse"),
        ("provider_0", "La SIAE"),
        ("indicator_1", ""),
        ("provider_1", ""),
        ("op", "save"),
    ]))
    .await;
    assert_eq!(s, S::SEE_OTHER, "{html}");
    let states = checklist_states(&app, &token, &id).await;
    assert_eq!(states["reciprocity"], "satisfied", "{states}");
    assert_eq!(states["correspondents"], "missing");

    // Correspondents picked from the directory, with their substitutes.
    for (party, holder, substitute, name) in [
        (aci.to_string(), girard.as_str(), mercier.as_str(), ""),
        (agency.to_string(), bernard.as_str(), "", "Karim Haddad (hors annuaire)"),
    ] {
        let (s, _, html) = send(form(&[
            ("part", "correspondent"),
            ("index", if name.is_empty() { "0" } else { "1" }),
            ("party", &party),
            ("contact_id", holder),
            ("name", ""),
            ("function", ""),
            ("substitute_contact_id", substitute),
            ("substitute_name", name),
            ("mission", "Suivi des parcours."),
            ("op", "save"),
        ]))
        .await;
        assert_eq!(s, S::SEE_OTHER, "{html}");
    }
    let states = checklist_states(&app, &token, &id).await;
    assert_eq!(
        (&states["correspondents"], &states["substitutes"]),
        (&json!("satisfied"), &json!("satisfied")),
        "{states}"
    );
    let (_, a) = app.get(&token, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!(a["content"]["correspondents"][0]["name"], "Thomas Girard");
    assert_eq!(a["content"]["correspondents"][0]["substitute_name"], "Léa Mercier");

    // An annex with a dated roadmap, targets, an item declared without object, the proposed visas.
    for pairs in [
        vec![
            ("part", "annex"),
            ("index", "0"),
            ("title", "Annexe 1 : feuille de route"),
            ("text", "Grille d'éligibilité : critères de niveau 1."),
            ("action_0", "Réunion de lancement"),
            ("due_0", "janvier 2027"),
            ("due_on_0", "2027-01-15"),
            ("op", "save"),
        ],
        vec![
            ("part", "targets"),
            ("target_0", "Sorties en emploi durable"),
            ("period_0", "2027"),
            ("value_0", "12"),
            ("unit_0", "personnes"),
            ("op", "save"),
        ],
        vec![
            ("part", "not_applicable"),
            ("reason_lapse", "La structure n'est pas conventionnée IAE."),
            ("reason_communication", ""),
            ("op", "save"),
        ],
        vec![("part", "presets"), ("op", "save")],
    ] {
        let (s, _, html) = send(form(&pairs)).await;
        assert_eq!(s, S::SEE_OTHER, "{pairs:?}: {html}");
    }
    let (_, a) = app.get(&token, &format!("/api/v1/agreements/{id}")).await;
    let c = &a["content"];
    assert_eq!(c["annexes"][0]["roadmap"][0]["due_on"], "2027-01-15");
    assert_eq!(
        (
            c["targets"][0]["value"].as_i64(),
            c["targets"].as_array().unwrap().len()
        ),
        (Some(12), 1)
    );
    assert_eq!(c["legal_references"].as_array().unwrap().len(), 6, "{c}");
    let states = checklist_states(&app, &token, &id).await;
    assert_eq!(states["lapse"], "not_applicable");

    // Refused input: the message next to its field, what was typed kept, nothing saved.
    let events = app.count("events WHERE action LIKE 'agreement.%'").await;
    let before = a["content"].clone();
    for (pairs, status, marker, message) in [
        (
            vec![
                ("part", "targets"),
                ("target_0", "Sorties"),
                ("value_0", "douze"),
                ("op", "save"),
            ],
            S::UNPROCESSABLE_ENTITY,
            "id=\"objectifs-value-0-erreur\"",
            "doit être un nombre entier",
        ),
        (
            vec![("part", "axis"), ("index", "1"), ("title", "  "), ("op", "save")],
            S::UNPROCESSABLE_ENTITY,
            "id=\"axe-1-title-erreur\"",
            "est obligatoire",
        ),
        (
            vec![
                ("part", "correspondent"),
                ("index", "2"),
                ("party", &agency.to_string()),
                ("contact_id", &girard),
                ("op", "save"),
            ],
            S::UNPROCESSABLE_ENTITY,
            "id=\"correspondant-2-contact-id-erreur\"",
            "doit être un contact de la structure",
        ),
        (
            vec![
                ("part", "annex"),
                ("index", "0"),
                ("title", "Annexe 1"),
                ("action_0", "Réunion"),
                ("due_on_0", "15 janvier"),
                ("op", "save"),
            ],
            S::UNPROCESSABLE_ENTITY,
            "id=\"annexe-0-due-on-0-erreur\"",
            "au format JJ/MM/AAAA",
        ),
        (
            vec![
                ("part", "sheet"),
                ("axis", "0"),
                ("index", "7"),
                ("title", "X"),
                ("op", "save"),
            ],
            S::UNPROCESSABLE_ENTITY,
            "href=\"#fiche-0-7\"",
            "rechargez la page",
        ),
    ] {
        let (s, _, html) = send(form(&pairs)).await;
        assert_eq!(s, status, "{pairs:?}");
        assert!(html.contains(marker) && html.contains(message), "{pairs:?}: {html}");
    }
    let (s, _, html) = send(form(&[
        ("part", "targets"),
        ("target_0", "Sorties"),
        ("value_0", "douze"),
        ("op", "save"),
    ]))
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(html.contains("value=\"douze\""), "what was typed is shown again");
    let (_, a) = app.get(&token, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!(a["content"], before);
    assert_eq!(app.count("events WHERE action LIKE 'agreement.%'").await, events);

    // Removing a party takes its commitments and correspondents; it comes back through the party form.
    let (s, _, _) = send(form(&[("part", "party"), ("index", "0"), ("op", "remove")])).await;
    assert_eq!(s, S::SEE_OTHER);
    let (_, a) = app.get(&token, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!(a["parties"].as_array().unwrap().len(), 1);
    assert_eq!(a["content"]["correspondents"].as_array().unwrap().len(), 1);
    let (s, _, html) = send(form(&[
        ("part", "party"),
        ("index", "1"),
        ("organisation_id", &agency.to_string()),
        ("representative", "Marc Lefèvre"),
        ("capacity", "Directeur d'agence"),
        ("op", "save"),
    ]))
    .await;
    assert_eq!(s, S::SEE_OTHER, "{html}");
    let (_, a) = app.get(&token, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!(
        a["content"]["parties"][1]["name"],
        "Agence France Travail Dijon Drapeau"
    );

    // Only a draft, only its parties' administrators, only with the form's token.
    let before = app.snapshot().await;
    let (s, _, html) = post(
        &app,
        &session,
        &format!("/conventions/{ccl}/redaction"),
        &[
            ("csrf", &csrf),
            ("part", "targets"),
            ("target_0", "X"),
            ("value_0", "1"),
            ("op", "save"),
        ],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(html.contains("seul un brouillon se modifie"), "{html}");
    let outsider = login(&app, "esat-suzon").await;
    let (_, other) = page(&app, &outsider, "/conventions").await;
    let other = crate::pages::csrf(&other);
    let (s, _, _) = post(
        &app,
        &outsider,
        &edit,
        &[("csrf", &other), ("part", "targets"), ("op", "save")],
    )
    .await;
    assert_eq!(s, S::NOT_FOUND);
    let (s, _, _) = post(&app, &session, &edit, &[("csrf", "forged"), ("part", "presets")]).await;
    assert_eq!(s, S::FORBIDDEN);
    assert_eq!(app.snapshot().await, before);
}

// Export: the list as XLSX (with the deadlines) or CSV; an unknown format is refused.
#[tokio::test]
async fn agreements_are_exported_as_a_spreadsheet() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let token = app.token(&email("aci-jardins")).await;
    for (query, kind, magic) in [
        (
            "",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &b"PK"[..],
        ),
        ("?format=csv", "text/csv; charset=utf-8", &b"identifiant,type,titre"[..]),
    ] {
        let r = app
            .http
            .get(app.url(&format!("/api/v1/agreements/export{query}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            (r.status(), r.headers()["content-type"].to_str().unwrap()),
            (S::OK, kind)
        );
        assert!(r.bytes().await.unwrap().starts_with(magic), "{query}");
    }
    let (s, e) = app.get(&token, "/api/v1/agreements/export?format=ods").await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (S::UNPROCESSABLE_ENTITY, Some("format_unknown"))
    );
    let session = login(&app, "aci-jardins").await;
    let (_, html) = page(&app, &session, "/conventions").await;
    assert!(html.contains("href=\"/conventions/export.xlsx\""));
    let r = app
        .http
        .get(app.url("/conventions/export.xlsx"))
        .header(COOKIE, format!("passerelle_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    let bytes = r.bytes().await.unwrap();
    // The workbook holds both sheets, the CCL's title among its texts.
    use passerelle_documents::readback::zip_part;
    assert!(zip_part(&bytes, "xl/worksheets/sheet2.xml").contains("<sheetData"));
    let texts = zip_part(&bytes, "xl/sharedStrings.xml");
    assert!(texts.contains("Convention de coopération locale entre"), "{texts}");
}

/// The demo CCL between the Dijon agency and the ACI awaits the ACI's signature: the ACI signs it, and it is in
/// force (its start date is past).
pub async fn sign_demo_ccl(app: &TestApp) {
    let aci = app.token(&email("aci-jardins")).await;
    let (_, ccl) = ids(app, &aci).await;
    let (s, b) = app
        .call(
            &aci,
            Method::POST,
            &format!("/api/v1/agreements/{ccl}/actions"),
            Some(json!({"action": "sign"})),
        )
        .await;
    assert_eq!((s, b["agreement"]["status"].as_str()), (S::OK, Some("in_force")), "{b}");
}

fn referred(dashboard: &serde_json::Value) -> Vec<&str> {
    dashboard["siae"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}

/// Consent before visibility: a CCL opens the referent's lists (API and page) only once every party has signed
/// and it is in force; an avenant keeps the parties that signed.
async fn consent_opens_the_referent_lists(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let session = login(&app, "ft-dijon").await;
    let (s, d) = app.get(&ft, "/api/v1/referent").await;
    assert_eq!(
        (s, referred(&d), d["people"]["total"].as_i64()),
        (S::OK, vec![], Some(0)),
        "in signature, the CCL opens nothing: {d}"
    );
    let (s, html) = page(&app, &session, "/referent").await;
    assert!(s == S::OK && !html.contains("Les Jardins de la Combe"), "{html}");

    sign_demo_ccl(&app).await;
    let (s, d) = app.get(&ft, "/api/v1/referent").await;
    assert_eq!((s, referred(&d)), (S::OK, vec!["Les Jardins de la Combe"]), "{d}");
    let (_, html) = page(&app, &session, "/referent").await;
    assert!(html.contains("Les Jardins de la Combe"), "{html}");

    // An avenant cannot bring in a party that never signed.
    let (_, ccl) = ids(&app, &ft).await;
    let (_, a) = app.get(&ft, &format!("/api/v1/agreements/{ccl}")).await;
    let mut content = a["content"].clone();
    let ei = app.org_id("ei-recyclage").await;
    content["parties"]
        .as_array_mut()
        .unwrap()
        .push(json!({"organisation_id": ei, "name": "Brigade du recyclage"}));
    let before = app.snapshot().await;
    let (s, b) = app
        .call(
            &ft,
            Method::POST,
            &format!("/api/v1/agreements/{ccl}/actions"),
            Some(json!({"action": "amend", "reason": "Ajout d'une SIAE", "content": content})),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::CONFLICT, Some("amendment_parties_changed")),
        "{b}"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn consent_opens_the_referent_lists_on_sqlite() {
    consent_opens_the_referent_lists(Backend::Sqlite).await;
}

#[tokio::test]
async fn consent_opens_the_referent_lists_on_postgres() {
    consent_opens_the_referent_lists(Backend::Postgres).await;
}

/// A draft's parties: only kinds the agreement's kind allows; an organisation named is told and may decline
/// (API and page); the organisation that started it stays a party.
async fn parties_consent_to_a_draft(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let ei = app.token(&email("ei-recyclage")).await;
    let (ft_org, ei_org) = (app.org_id("ft-dijon").await, app.org_id("ei-recyclage").await);
    let employer = app.org_id("employeur-boulangerie").await;
    let party = |id: uuid::Uuid| json!({"organisation_id": id, "name": "Partie"});
    let draft = |parties: Vec<serde_json::Value>| json!({"kind": "local_cooperation", "content": {"title": "CCL Dijon – Recyclage", "parties": parties}});

    let before = app.snapshot().await;
    let (s, b) = app
        .call(
            &ft,
            Method::POST,
            "/api/v1/agreements",
            Some(draft(vec![party(ft_org), party(employer)])),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str(), b["error"]["field"].as_str()),
        (S::UNPROCESSABLE_ENTITY, Some("party_kind_not_allowed"), Some("parties")),
        "{b}"
    );
    assert!(b["error"]["message"].as_str().unwrap().contains("Employeur"), "{b}");
    assert_eq!(app.snapshot().await, before);

    let (s, a) = app
        .call(
            &ft,
            Method::POST,
            "/api/v1/agreements",
            Some(draft(vec![party(ft_org), party(ei_org)])),
        )
        .await;
    assert_eq!(s, S::CREATED, "{a}");
    let id = crate::id(&a);
    let (_, notes) = app.get(&ei, "/api/v1/notifications").await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["subject_id"] == id.as_str() && n["message"].as_str().unwrap().contains("décliner")),
        "{notes}"
    );

    // The named party cannot take the creator out, and the creator cannot decline.
    let (s, b) = app
        .call(
            &ei,
            Method::PUT,
            &format!("/api/v1/agreements/{id}/content"),
            Some(json!({"title": "CCL Dijon – Recyclage", "parties": [party(ei_org)]})),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::CONFLICT, Some("creator_party_required")),
        "{b}"
    );
    let decline = Some(json!({"action": "decline"}));
    let (s, b) = app
        .call(
            &ft,
            Method::POST,
            &format!("/api/v1/agreements/{id}/actions"),
            decline.clone(),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::CONFLICT, Some("creator_cannot_decline")),
        "{b}"
    );

    // The page offers declining to the party named, not to the creator; the party declines from it.
    let ft_session = login(&app, "ft-dijon").await;
    let (_, html) = page(&app, &ft_session, &format!("/conventions/{id}")).await;
    assert!(!html.contains("Décliner la participation"), "{html}");
    let ei_session = login(&app, "ei-recyclage").await;
    let (s, html) = page(&app, &ei_session, &format!("/conventions/{id}")).await;
    assert!(s == S::OK && html.contains("Décliner la participation"), "{html}");
    let (s, location, _) = post(
        &app,
        &ei_session,
        &format!("/conventions/{id}/actions"),
        &[("csrf", &csrf(&html)), ("action", "decline")],
    )
    .await;
    assert_eq!((s, location.as_str()), (S::SEE_OTHER, "/conventions"));
    let (s, _) = app.get(&ei, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!(s, S::NOT_FOUND, "the party that declined no longer sees the draft");
    let (_, a) = app.get(&ft, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!(
        (a["status"].as_str(), a["parties"].as_array().unwrap().len()),
        (Some("draft"), 1),
        "{a}"
    );
    assert_eq!(app.count("events WHERE action = 'agreement.decline'").await, 1);
    let (s, b) = app
        .call(
            &ft,
            Method::PUT,
            &format!("/api/v1/agreements/{id}/content"),
            Some(json!({"title": "CCL Dijon – Recyclage", "parties": [party(ft_org), party(ei_org)]})),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (S::CONFLICT, Some("party_declined")),
        "a party that declined is not named again: {b}"
    );
    let (_, notes) = app.get(&ft, "/api/v1/notifications").await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["subject_id"] == id.as_str()
                && n["message"].as_str().unwrap().contains("a décliné sa participation")),
        "{notes}"
    );

    // The ACI never agreed to the demo CCL the agency submitted and signed: it declines, and the CCL goes back
    // to draft without it, its correspondents, nor the agency's signature.
    let aci = app.token(&email("aci-jardins")).await;
    let (_, ccl) = ids(&app, &aci).await;
    let (s, b) = app
        .call(
            &aci,
            Method::POST,
            &format!("/api/v1/agreements/{ccl}/actions"),
            decline,
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    let (_, a) = app.get(&ft, &format!("/api/v1/agreements/{ccl}")).await;
    assert_eq!(
        (
            a["status"].as_str(),
            a["parties"].as_array().unwrap().len(),
            &a["parties"][0]["signed_on"],
            a["content"]["correspondents"].as_array().unwrap().len()
        ),
        (Some("draft"), 1, &serde_json::Value::Null, 1),
        "{a}"
    );
}

#[tokio::test]
async fn parties_consent_to_a_draft_on_sqlite() {
    parties_consent_to_a_draft(Backend::Sqlite).await;
}

#[tokio::test]
async fn parties_consent_to_a_draft_on_postgres() {
    parties_consent_to_a_draft(Backend::Postgres).await;
}
