//! The ESAT follow-up shared with the SPE over HTTP, on both databases (seed 000, questions 4, 10-11): the ESAT
//! records the worker's consent (a refused date comes back with its value and its message, and writes nothing),
//! and withdraws it only with the box ticked; the SPE party to a convention in force, and a Team TH, list the
//! worker and read the follow-up, read-only; France Travail, not a party, gets nothing; an SIAE gets 403; without
//! consent, or after its withdrawal, 404.

use crate::pages::{login, page, post_and_follow, post_form};
use crate::{Backend, TestApp, email, today};
use passerelle_domain::agreements::content::{ActionSheet, Axis, Party, WorkerSituation};
use passerelle_domain::agreements::{AgreementContent, AgreementKind};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::StatusCode as S;
use time::Duration;
use uuid::Uuid;

/// An ESAT-SPE convention between the ESAT du Suzon and `partner`, signed by both and in force since yesterday,
/// whose one sheet serves every situation.
async fn convention_in_force(app: &TestApp, partner: &str, sheet: &str) {
    let ctx = app.store.login_context_for(&email("esat-suzon")).await.unwrap();
    let party = |organisation_id, name: &str| Party {
        organisation_id,
        name: name.into(),
        ..Default::default()
    };
    let content = AgreementContent {
        title: format!("Convention ESAT – {partner}"),
        parties: vec![
            party(app.org_id("esat-suzon").await, "ESAT du Suzon"),
            party(app.org_id(partner).await, partner),
        ],
        axes: vec![Axis {
            title: "Suivi individuel".into(),
            theme: None,
            sheets: vec![ActionSheet {
                title: sheet.into(),
                situations: WorkerSituation::ALL.to_vec(),
                ..Default::default()
            }],
        }],
        ..Default::default()
    };
    let a = app
        .store
        .agreements(&ctx)
        .create(AgreementKind::EsatSpe, None, content)
        .await
        .unwrap();
    let mut db = app.store.pool().clone();
    let since = today() - Duration::days(1);
    db.execute(
        query("UPDATE agreements SET status = 'in_force', starts_on = $1, ends_on = $2 WHERE id = $3")
            .bind(since)
            .bind(today() + Duration::days(365))
            .bind(a.id),
    )
    .await
    .unwrap();
    db.execute(
        query(
            "UPDATE agreement_parties SET signed_on = $1, signed_by_user_id = (SELECT id FROM users ORDER BY email \
             LIMIT 1) WHERE agreement_id = $2",
        )
        .bind(since)
        .bind(a.id),
    )
    .await
    .unwrap();
}

/// How many times the journal recorded an action whose name starts with `prefix` on worker `w`.
async fn journaled(app: &TestApp, w: Uuid, prefix: &str) -> i64 {
    let mut db = app.store.pool().clone();
    db.fetch_one(
        query("SELECT COUNT(*) AS n FROM events WHERE entity_id = $1 AND action LIKE $2")
            .bind(w)
            .bind(format!("{prefix}%")),
    )
    .await
    .unwrap()
    .get("n")
    .unwrap()
}

async fn esat_sharing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ctx = app.store.login_context_for(&email("esat-suzon")).await.unwrap();
    let workers = app.store.esat(&ctx).list(None).await.unwrap();
    let (w, name) = (workers[0].id, workers[0].last_name.clone());
    let (esat, cap, ft, th, aci) = (
        login(&app, "esat-suzon").await,
        login(&app, "cap-emploi").await,
        login(&app, "ft-dijon").await,
        login(&app, "team-th-dijon").await,
        login(&app, "aci-jardins").await,
    );
    let list = "/esat-suivis-partages";
    let shared = format!("/esat-suivis-partages/{w}");
    let worker = format!("/esat/{w}");

    // The directory finds the Team TH under its kind (seed 000, question 4: the ESAT's interlocutor).
    let (s, html) = page(&app, &esat, "/annuaire?kind=th_team").await;
    assert_eq!(s, S::OK, "{html}");
    assert!(
        html.contains("Équipe TH Dijon – France Travail et Cap emploi"),
        "{html}"
    );
    assert!(html.contains("Équipe TH / lieu unique d&#39;accompagnement"), "{html}");
    assert!(!html.contains("Agence France Travail Dijon Drapeau</a>"), "{html}");

    // Nothing shared yet: Cap emploi's list is empty, the worker not found; an SIAE is not the SPE.
    let (s, html) = page(&app, &cap, list).await;
    assert!(
        s == S::OK && html.contains("Aucun travailleur d'ESAT n'est suivi avec vous"),
        "{html}"
    );
    assert_eq!(page(&app, &cap, &shared).await.0, S::NOT_FOUND);
    assert_eq!(page(&app, &aci, list).await.0, S::FORBIDDEN);
    assert_eq!(page(&app, &aci, &shared).await.0, S::NOT_FOUND);
    let (_, home) = page(&app, &cap, "/").await;
    assert!(
        home.contains(&format!("href=\"{list}\"")),
        "the SPE finds the page from its home"
    );
    let (_, home) = page(&app, &aci, "/").await;
    assert!(!home.contains(&format!("href=\"{list}\"")));

    // The ESAT's page: no consent; a consent dated tomorrow comes back with its value and message, writes nothing.
    let (s, html) = page(&app, &esat, &worker).await;
    assert!(s == S::OK && html.contains("Aucun consentement enregistré"), "{html}");
    let csrf = crate::pages::csrf(&html);
    let tomorrow = (today() + Duration::days(1)).to_string();
    let before = journaled(&app, w, "esat_worker.spe_consent").await;
    let (s, html) = post_form(
        &app,
        &esat,
        &format!("{worker}/consentement-spe"),
        &[("csrf", &csrf), ("consent_on", &tomorrow)],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains(&format!("value=\"{tomorrow}\"")), "{html}");
    assert!(html.contains("pas d&#39;une date à venir"), "{html}");
    assert_eq!(journaled(&app, w, "esat_worker.spe_consent").await, before);
    // Cap emploi cannot record it for the ESAT.
    let (s, _) = post_form(
        &app,
        &cap,
        &format!("{worker}/consentement-spe"),
        &[("csrf", &csrf), ("consent_on", &today().to_string())],
    )
    .await;
    assert!(s == S::NOT_FOUND || s == S::FORBIDDEN, "{s}");
    let (s, html) = post_and_follow(
        &app,
        &esat,
        &format!("{worker}/consentement-spe"),
        &[("csrf", &csrf), ("consent_on", &today().to_string())],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER);
    assert!(html.contains("Consentement enregistré"), "{html}");
    assert!(html.contains("le suivi est partagé"), "{html}");

    // Consent alone opens nothing: no convention binds the ESAT and Cap emploi yet.
    assert_eq!(page(&app, &cap, &shared).await.0, S::NOT_FOUND);

    // With the conventions in force (Cap emploi; the Team TH), both list the worker and read the follow-up.
    convention_in_force(&app, "cap-emploi", "Point trimestriel avec le conseiller Cap emploi").await;
    convention_in_force(&app, "team-th-dijon", "Rendez-vous à l'équipe TH").await;
    for session in [&cap, &th] {
        let (s, html) = page(&app, session, list).await;
        assert!(s == S::OK && html.contains(&name) && html.contains(&shared), "{html}");
        let (s, html) = page(&app, session, &shared).await;
        assert_eq!(s, S::OK, "{html}");
        assert!(html.contains("Suivi partagé par l'ESAT"), "{html}");
        assert!(
            html.contains("Point trimestriel avec le conseiller Cap emploi"),
            "{html}"
        );
        assert!(html.contains("Rendez-vous à l&#39;équipe TH"), "{html}");
        assert!(!html.contains("Changer de situation") && !html.contains("<form method=\"post\" action=\"/esat/"));
    }
    assert_eq!(
        journaled(&app, w, "esat_worker.read_by_spe").await,
        2,
        "each read journaled"
    );
    // France Travail's agency is no party: nothing.
    let (_, html) = page(&app, &ft, list).await;
    assert!(!html.contains(&shared));
    assert_eq!(page(&app, &ft, &shared).await.0, S::NOT_FOUND);
    assert_eq!(
        page(&app, &cap, &format!("/esat-suivis-partages/{}", Uuid::new_v4()))
            .await
            .0,
        S::NOT_FOUND
    );
    assert_eq!(
        page(&app, &cap, "/esat-suivis-partages/pas-un-identifiant").await.0,
        S::NOT_FOUND
    );

    // Withdrawal asks for its box; then nothing more is shared.
    let before = journaled(&app, w, "esat_worker.spe_consent").await;
    let (s, html) = post_form(
        &app,
        &esat,
        &format!("{worker}/retrait-consentement-spe"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Cochez la case de confirmation"), "{html}");
    assert_eq!(journaled(&app, w, "esat_worker.spe_consent").await, before);
    let (s, html) = post_and_follow(
        &app,
        &esat,
        &format!("{worker}/retrait-consentement-spe"),
        &[("csrf", &csrf), ("confirm", "oui")],
    )
    .await;
    assert_eq!(s, S::SEE_OTHER);
    assert!(html.contains("Retrait du consentement enregistré"), "{html}");
    assert!(html.contains("Consentement retiré le"), "{html}");
    for session in [&cap, &th] {
        assert_eq!(page(&app, session, &shared).await.0, S::NOT_FOUND);
        let (_, html) = page(&app, session, list).await;
        assert!(!html.contains(&shared));
    }
}

#[tokio::test]
async fn esat_sharing_on_sqlite() {
    esat_sharing(Backend::Sqlite).await;
}

#[tokio::test]
async fn esat_sharing_on_postgres() {
    esat_sharing(Backend::Postgres).await;
}
