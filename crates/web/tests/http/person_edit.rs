//! A person's pages over HTTP on both databases: the IAE page at every step before the hiring (what comes next and
//! who does it, never a 404 or a 422 for a normal state), and the record's edit page: refused input comes back with
//! every value and changes nothing, a saved record confirms with a notice, the history names who changed what,
//! someone not following the person gets 404, a form without its token is refused.

use crate::pages::{csrf, login, page, post_and_follow, post_form};
use crate::{Backend, TestApp, email, today};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};

/// How many times the journal recorded `action` on the person.
async fn journaled(app: &TestApp, person: &str, action: &str) -> i64 {
    use passerelle_store::infra::sql::{Executor, query};
    let mut db = app.store.pool().clone();
    db.fetch_one(
        query("SELECT COUNT(*) AS n FROM events WHERE entity_type = 'person' AND entity_id = $1 AND action = $2")
            .bind(uuid::Uuid::parse_str(person).unwrap())
            .bind(action),
    )
    .await
    .unwrap()
    .get("n")
    .unwrap()
}

async fn person_edit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let aci = app.token(&email("aci-jardins")).await;
    let (ft_id, aci_id) = (app.org_id("ft-dijon").await, app.org_id("aci-jardins").await);
    // Recorded by the agency without a birth date, as happens at a first meeting.
    let (s, person) = app
        .call(
            &ft,
            Method::POST,
            "/api/v1/persons",
            Some(json!({"organisation_id": ft_id, "first_name": "Inès", "last_name": "Moreau", "commune": "Dijon"})),
        )
        .await;
    assert_eq!(s, S::CREATED, "{person}");
    let id = person["id"].as_str().unwrap().to_owned();
    let session = login(&app, "ft-dijon").await;
    let outsider = login(&app, "aci-jardins").await;

    // Before any prescription: 200, the missing birth date and the prescription come next, with their links.
    let pathway = format!("/personnes/{id}/parcours-iae");
    let edit = format!("/personnes/{id}/modifier");
    let (s, html) = page(&app, &session, &pathway).await;
    assert_eq!(s, S::OK, "{html}");
    assert!(html.contains("Aucune embauche en SIAE pour l&#39;instant : le PASS IAE sera délivré à l&#39;embauche"));
    assert!(
        html.contains("La date de naissance de la personne n&#39;est pas renseignée"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{edit}\">Compléter la fiche")));
    assert!(html.contains(&format!("href=\"/personnes/{id}/prescrire\">Prescrire un parcours IAE")));
    assert!(!html.contains("introuvable") && !html.contains("complétez sa fiche"));
    // The ACI does not follow her: the same 404 as for a record that does not exist.
    assert_eq!(page(&app, &outsider, &pathway).await.0, S::NOT_FOUND);

    // The person's page links to the edit page, which shows the record and its creation.
    let (s, html) = page(&app, &session, &format!("/personnes/{id}")).await;
    assert!(
        s == S::OK && html.contains(&format!("href=\"{edit}\">Modifier la fiche")),
        "{html}"
    );
    let (s, html) = page(&app, &session, &edit).await;
    assert_eq!(s, S::OK, "{html}");
    assert!(html.contains("value=\"Inès\"") && html.contains("value=\"Dijon\""));
    assert!(
        html.contains("Fiche créée par Marc Lefèvre (Agence France Travail Dijon Drapeau)")
            && html.contains("Commune : Dijon"),
        "{html}"
    );
    let token = csrf(&html);
    let form = |birth: &'static str| {
        vec![
            ("csrf", token.clone()),
            ("first_name", "Inès".to_owned()),
            ("last_name", "Moreau-Diallo".to_owned()),
            ("birth_date", birth.to_owned()),
            ("email", "ines.moreau@exemple.fr".to_owned()),
            ("phone", "06 12 34 56 78".to_owned()),
            ("address_line", "3 rue des Perrières".to_owned()),
            ("postal_code", "21000".to_owned()),
            ("commune", "Dijon".to_owned()),
            ("consent_data_sharing", "on".to_owned()),
            ("consent_date", "2026-12-01".to_owned()),
        ]
    };
    let refs = |f: &[(&'static str, String)]| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();

    // A bad birth date: 4xx with the French message, every value kept, nothing changed.
    let (_, unchanged) = app.get(&ft, &format!("/api/v1/persons/{id}")).await;
    for (birth, status, message) in [
        (
            "2031-04-02",
            S::UNPROCESSABLE_ENTITY,
            "La date de naissance du 2 avril 2031 n&#39;est pas plausible",
        ),
        ("31/02/1994", S::BAD_REQUEST, "doit être au format JJ/MM/AAAA"),
    ] {
        let before = app.snapshot().await;
        let typed = refs(&form(birth));
        let typed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, html) = post_form(&app, &session, &edit, &typed).await;
        assert_eq!(s, status, "{birth}: {html}");
        assert!(html.contains(message), "{birth}: {html}");
        assert!(
            html.contains("id=\"birth_date-error\""),
            "the message is under the birth date"
        );
        for kept in [
            format!("value=\"{birth}\""),
            "value=\"Moreau-Diallo\"".into(),
            "value=\"ines.moreau@exemple.fr\"".into(),
            "value=\"06 12 34 56 78\"".into(),
            "value=\"3 rue des Perrières\"".into(),
            "value=\"21000\"".into(),
            "value=\"2026-12-01\"".into(),
        ] {
            assert!(html.contains(&kept), "{birth}: {kept} is kept");
        }
        assert!(html.contains("name=\"consent_data_sharing\" value=\"on\" checked"));
        assert_eq!(app.snapshot().await, before, "{birth} changed something");
        assert_eq!(app.get(&ft, &format!("/api/v1/persons/{id}")).await.1, unchanged);
    }
    assert_eq!(journaled(&app, &id, "person.updated").await, 0);

    // Without the form's token: refused, nothing changed.
    let before = app.snapshot().await;
    let (s, html) = post_form(&app, &session, &edit, &[("first_name", "Inès"), ("last_name", "Forgé")]).await;
    assert!(s == S::FORBIDDEN && html.contains("Formulaire expiré"), "{s} {html}");
    assert_eq!(app.snapshot().await, before);

    // Someone not following her: 404 for the page and for the form, with their own valid token.
    assert_eq!(page(&app, &outsider, &edit).await.0, S::NOT_FOUND);
    let (_, own) = page(&app, &outsider, "/personnes/nouvelle").await;
    let (s, _) = post_form(
        &app,
        &outsider,
        &edit,
        &[("csrf", &csrf(&own)), ("first_name", "Inès"), ("last_name", "Piratée")],
    )
    .await;
    assert_eq!(s, S::NOT_FOUND);
    assert_eq!(app.snapshot().await, before);

    // Saved: 303 to her page, which confirms and shows the new values in French.
    let good = refs(&form("1994-03-12"));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, html) = post_and_follow(&app, &session, &edit, &good).await;
    assert_eq!(s, S::SEE_OTHER, "{html}");
    assert!(html.contains("Fiche mise à jour."), "{html}");
    for shown in [
        "Inès Moreau-Diallo",
        "12 mars 1994",
        "ines.moreau@exemple.fr",
        "3 rue des Perrières",
        "consenti le 1er décembre 2026",
    ] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    let (_, saved) = app.get(&ft, &format!("/api/v1/persons/{id}")).await;
    assert_eq!(
        (&saved["birth_date"], &saved["last_name"], &saved["consent_date"]),
        (
            &Value::from("1994-03-12"),
            &Value::from("Moreau-Diallo"),
            &Value::from("2026-12-01")
        )
    );
    assert_eq!(journaled(&app, &id, "person.updated").await, 1);
    // The history says who changed what, by name, with French values.
    let (_, html) = page(&app, &session, &edit).await;
    assert!(html.contains("Fiche modifiée par Marc Lefèvre"), "{html}");
    assert!(
        html.contains("Date de naissance : non renseignée → 12 mars 1994"),
        "{html}"
    );
    assert!(html.contains("Nom : Moreau → Moreau-Diallo"));
    // Reading the history shows personal data: it is journaled like any read of the record.
    assert_eq!(journaled(&app, &id, "person_history.read").await, 4);

    // A prescription to the ACI: the SIAE answers on the referral sheet, each side with its link.
    let (s, _) = app
        .call(
            &ft,
            Method::POST,
            &format!("/api/v1/persons/{id}/diagnoses"),
            Some(json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["rsa"]})),
        )
        .await;
    assert_eq!(s, S::CREATED);
    let (s, p) = app
        .call(
            &ft,
            Method::POST,
            "/api/v1/prescriptions",
            Some(json!({"prescriber_id": ft_id, "person_id": id, "siae_id": aci_id,
                "message": "Motivée pour le maraîchage", "person_consent": true})),
        )
        .await;
    assert_eq!(s, S::CREATED, "{p}");
    let sheet = format!("/prescriptions/{}", p["id"].as_str().unwrap());
    let (s, html) = page(&app, &session, &pathway).await;
    assert_eq!(s, S::OK);
    assert!(
        html.contains("Candidature du 6 décembre 2026 à la SIAE « Les Jardins de la Combe » (état : envoyée)"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{sheet}\">Voir la fiche navette")));
    assert!(
        !html.contains("n&#39;est pas renseignée"),
        "the birth date is known now"
    );
    let (s, html) = page(&app, &outsider, &pathway).await;
    assert_eq!(s, S::OK, "the SIAE follows her once the prescription is sent");
    assert!(
        html.contains(&format!("href=\"{sheet}\">Répondre sur la fiche navette")),
        "{html}"
    );

    // The hiring opens the PASS IAE: the page shows the approval.
    let (s, answer) = app
        .call(
            &aci,
            Method::POST,
            &format!("{}/steps", sheet.replace("/prescriptions", "/api/v1/prescriptions")),
            Some(json!({"status": "hired", "date": today().to_string()})),
        )
        .await;
    assert_eq!(s, S::OK, "{answer}");
    let (s, html) = page(&app, &session, &pathway).await;
    assert!(
        s == S::OK && html.contains("Au (inclus)") && !html.contains("Aucune embauche"),
        "{html}"
    );

    // A birth date emptied after the hiring: the engine cannot replay the approval, the page says what to complete.
    let emptied = refs(&form(""));
    let emptied: Vec<(&str, &str)> = emptied.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post_form(&app, &session, &edit, &emptied).await.0, S::SEE_OTHER);
    let (s, html) = page(&app, &session, &pathway).await;
    assert_eq!(s, S::OK, "{html}");
    assert!(
        html.contains("La date de naissance de la personne n&#39;est plus renseignée"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{edit}\">Compléter la fiche")) && !html.contains("Aucune embauche"));
    // One person's missing birth date does not break the organisation's home, menu and lists.
    for path in ["/", "/parcours", "/offres"] {
        let (s, html) = page(&app, &session, path).await;
        assert_eq!(s, S::OK, "{path}: {html}");
    }
}

#[tokio::test]
async fn person_edit_on_sqlite() {
    person_edit(Backend::Sqlite).await;
}

#[tokio::test]
async fn person_edit_on_postgres() {
    person_edit(Backend::Postgres).await;
}
