//! The referrals and immersions lists an adviser reads: filtered by direction, status and dates (the day in
//! Paris), sorted, 50 a page with the filters kept in the pager's links, a count, and a message telling apart
//! « nothing matches » from « nothing yet »; a filter the list cannot use comes back under its field with 422.
//! And the prescription form's SIAE picker: searched by name, town or job, the offers offered are the chosen
//! SIAE's, and an offer of another SIAE is refused next to its field with every value kept.

use crate::pages::{csrf, login, page, post_form};
use crate::{Backend, TestApp, email, today};
use passerelle_domain::pathways::iae::Criterion;
use passerelle_domain::person::PersonInput;
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::pathways::iae::referral::NewPrescription;
use reqwest::StatusCode as S;
use time::macros::datetime;
use uuid::Uuid;

/// Rows of the list shown on a page.
fn rows(html: &str) -> usize {
    html.matches("<td><a href=\"/prescriptions/").count()
}

/// The person named in the first row of the list.
fn first_row(html: &str) -> &str {
    let start = html.find("<td><a href=\"/prescriptions/").expect("a row");
    let name = &html[start..];
    let name = &name[name.find('>').unwrap() + 1..];
    let name = &name[name.find('>').unwrap() + 1..];
    &name[..name.find('<').unwrap()]
}

/// `n` people recorded by France Travail Dijon, each prescribed to the ACI; their ids, in order.
pub(crate) async fn prescribed(app: &TestApp, n: usize) -> Vec<Uuid> {
    let ctx = app.store.login_context_for(&email("ft-dijon")).await.unwrap();
    let (ft, aci) = (app.org_id("ft-dijon").await, app.org_id("aci-jardins").await);
    let mut ids = Vec::new();
    for k in 0..n {
        let fields = PersonInput {
            first_name: format!("Prénom{k:02}"),
            last_name: "Filtrée".into(),
            birth_date: Some(time::macros::date!(1980 - 01 - 01)),
            ..Default::default()
        }
        .validate(today())
        .unwrap();
        let person = app.store.persons(&ctx).create(ft, fields).await.unwrap();
        let new = NewPrescription {
            prescriber_id: ft,
            person_id: person.id,
            siae_id: aci,
            offer_id: None,
            diagnosis_id: None,
            message: "Motivée.".into(),
            person_consent: true,
            waiting_period_waived: false,
        };
        let p = app
            .store
            .diagnose_and_prescribe(&ctx, new, vec![Criterion::Rsa])
            .await
            .unwrap();
        ids.push(p.id);
    }
    ids
}

async fn sent_on(app: &TestApp, id: Uuid, at: time::OffsetDateTime) {
    let mut db = app.store.pool().clone();
    db.execute(
        query("UPDATE prescriptions SET created_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id),
    )
    .await
    .unwrap();
}

async fn referrals_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ids = prescribed(&app, 53).await;
    // Four sent long ago, around the Paris midnights of 9 and 12 February 2025.
    sent_on(&app, ids[0], datetime!(2025-02-08 23:30 UTC)).await; // 9 February in Paris
    sent_on(&app, ids[1], datetime!(2025-02-10 10:00 UTC)).await;
    sent_on(&app, ids[2], datetime!(2025-02-11 22:30 UTC)).await; // 11 February, 23:30 in Paris
    sent_on(&app, ids[3], datetime!(2025-02-11 23:30 UTC)).await; // 12 February in Paris
    let ft = login(&app, "ft-dijon").await;

    // Sent by France Travail: the 53 and the demo's 2, 50 a page, the newest first; the pager keeps the filters.
    let (s, first) = page(&app, &ft, "/prescriptions?sens=envoyees").await;
    assert_eq!(s, S::OK);
    assert!(
        first.contains("<caption>55 candidatures</caption>") && rows(&first) == 50,
        "{first}"
    );
    assert!(
        first.contains("href=\"/prescriptions?sens=envoyees&#38;page=2\">Page suivante"),
        "{first}"
    );
    assert!(
        first.contains("<option value=\"envoyees\" selected>"),
        "the form keeps the direction"
    );
    assert_ne!(first_row(&first), "Prénom00 Filtrée");
    let (_, second) = page(&app, &ft, "/prescriptions?sens=envoyees&page=2").await;
    assert!(rows(&second) == 5 && second.contains("Page précédente"), "{second}");
    let (_, oldest) = page(&app, &ft, "/prescriptions?sens=envoyees&tri=anciennes").await;
    assert_eq!(first_row(&oldest), "Prénom00 Filtrée", "{oldest}");
    assert!(oldest.contains("<option value=\"anciennes\" selected>"));

    // By day received in Paris, typed as JJ/MM/AAAA or ISO; by step.
    let (s, period) = page(&app, &ft, "/prescriptions?du=09/02/2025&au=2025-02-11").await;
    assert_eq!(s, S::OK);
    assert!(
        period.contains("<caption>3 candidatures</caption>")
            && ["Prénom00", "Prénom01", "Prénom02"].iter().all(|n| period.contains(n))
            && !period.contains("Prénom03")
            && period.contains("value=\"09/02/2025\"")
            && period.contains("value=\"2025-02-11\""),
        "{period}"
    );
    let (_, sent) = page(&app, &ft, "/prescriptions?statut=sent&tri=anciennes").await;
    assert!(sent.contains("<caption>53 candidatures</caption>"), "{sent}");
    assert!(
        sent.contains("href=\"/prescriptions?statut=sent&#38;tri=anciennes&#38;page=2\">Page suivante"),
        "{sent}"
    );
    let (_, hired) = page(&app, &ft, "/prescriptions?statut=hired").await;
    assert!(
        hired.contains("<caption>1 candidature</caption>") && rows(&hired) == 1,
        "{hired}"
    );

    // Nothing matches, or nothing at all.
    let (s, none) = page(&app, &ft, "/prescriptions?statut=withdrawn").await;
    assert_eq!(s, S::OK);
    assert!(
        none.contains(
            "Aucune candidature ne correspond à ces filtres. <a href=\"/prescriptions\">Effacer les filtres</a>"
        ) && rows(&none) == 0,
        "{none}"
    );
    let cap = login(&app, "cap-emploi").await;
    let (_, empty) = page(&app, &cap, "/prescriptions").await;
    assert!(
        empty.contains("Aucune candidature pour l'instant") && !empty.contains("ne correspond"),
        "{empty}"
    );

    // Access is the store's: the ACI receives the 53 and the demo's 2; the EI only its own.
    let aci = login(&app, "aci-jardins").await;
    let (_, received) = page(&app, &aci, "/prescriptions?sens=recues").await;
    assert!(received.contains("<caption>55 candidatures</caption>"), "{received}");
    let ei = login(&app, "ei-recyclage").await;
    let (_, own) = page(&app, &ei, "/prescriptions").await;
    assert!(
        own.contains("<caption>1 candidature</caption>") && !own.contains("Filtrée"),
        "{own}"
    );

    // Filters the list cannot use: 422, the values kept, what to fix under the field.
    for (path, field, message) in [
        (
            "/prescriptions?statut=perdue",
            "statut",
            "Choisissez un statut dans la liste.",
        ),
        ("/prescriptions?du=32/01/2025", "du", "doit être au format JJ/MM/AAAA"),
        (
            "/prescriptions?du=12/02/2025&au=10/02/2025",
            "au",
            "précède la date « du »",
        ),
        (
            "/prescriptions?sens=ailleurs",
            "sens",
            "Choisissez un sens dans la liste.",
        ),
        ("/prescriptions?tri=hasard", "tri", "Choisissez un ordre dans la liste."),
    ] {
        let (s, html) = page(&app, &ft, path).await;
        assert_eq!(s, S::UNPROCESSABLE_ENTITY, "{path}");
        let error = html
            .find(&format!("id=\"{field}-error\""))
            .map(|i| &html[i..])
            .unwrap_or_default();
        assert!(error.contains(message) && rows(&html) == 0, "{path}: {html}");
    }
    let (_, kept) = page(&app, &ft, "/prescriptions?du=12/02/2025&au=10/02/2025&statut=sent").await;
    assert!(
        kept.contains("value=\"12/02/2025\"")
            && kept.contains("value=\"10/02/2025\"")
            && kept.contains("<option value=\"sent\" selected>"),
        "{kept}"
    );
}

#[tokio::test]
async fn referrals_list_on_sqlite() {
    referrals_list(Backend::Sqlite).await;
}

#[tokio::test]
async fn referrals_list_on_postgres() {
    referrals_list(Backend::Postgres).await;
}

/// The immersions list: the demo's convention, signed and begun three days ago, reads « en cours ».
async fn immersions_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cap = login(&app, "cap-emploi").await;
    let (s, all) = page(&app, &cap, "/immersions").await;
    assert!(
        s == S::OK && all.contains("<caption>1 immersion</caption>") && all.contains("Arnaud"),
        "{all}"
    );
    let (_, running) = page(&app, &cap, "/immersions?statut=in_progress").await;
    assert!(
        running.contains("<caption>1 immersion</caption>") && running.contains("Arnaud"),
        "{running}"
    );
    let (_, signed) = page(&app, &cap, "/immersions?statut=signed").await;
    assert!(
        signed.contains("<caption>0 immersion</caption>")
            && signed.contains("Aucune immersion ne correspond à ces filtres. <a href=\"/immersions\">"),
        "{signed}"
    );
    let start = today() - time::Duration::days(3);
    let (_, by_start) = page(&app, &cap, &format!("/immersions?du={start}&au={start}")).await;
    assert!(by_start.contains("<caption>1 immersion</caption>"), "{by_start}");
    let (_, later) = page(&app, &cap, &format!("/immersions?du={}", today())).await;
    assert!(later.contains("<caption>0 immersion</caption>"), "{later}");
    let (s, bad) = page(&app, &cap, "/immersions?au=demain&statut=draft").await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        bad.contains("id=\"au-error\"")
            && bad.contains("value=\"demain\"")
            && bad.contains("<option value=\"draft\" selected>"),
        "{bad}"
    );
    // The draft form is still there, and a State service sees no immersion at all.
    assert!(bad.contains("Enregistrer le brouillon"));
    let ddets = login(&app, "ddets-21").await;
    let (_, empty) = page(&app, &ddets, "/immersions").await;
    assert!(empty.contains("Aucune immersion pour l'instant"), "{empty}");
}

#[tokio::test]
async fn immersions_list_on_sqlite() {
    immersions_list(Backend::Sqlite).await;
}

#[tokio::test]
async fn immersions_list_on_postgres() {
    immersions_list(Backend::Postgres).await;
}

/// The SIAE picker of the prescription form.
async fn siae_picker(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ctx = app.store.login_context_for(&email("ft-dijon")).await.unwrap();
    let ft = app.org_id("ft-dijon").await;
    let fields = PersonInput {
        first_name: "Noé".into(),
        last_name: "Choisi".into(),
        birth_date: Some(time::macros::date!(1985 - 05 - 05)),
        ..Default::default()
    }
    .validate(today())
    .unwrap();
    let person = app.store.persons(&ctx).create(ft, fields).await.unwrap();
    let path = format!("/personnes/{}/prescrire", person.id);
    let session = login(&app, "ft-dijon").await;
    let (aci, ei) = (app.org_id("aci-jardins").await, app.org_id("ei-recyclage").await);
    let siae_options = |html: &str| {
        let select = &html[html.find("id=\"siae\"").unwrap_or(0)..];
        let select = &select[..select.find("</select>").unwrap_or(0)];
        (select.contains(&aci.to_string()), select.contains(&ei.to_string()))
    };

    // By town (accents and case folded), by job title, by ROME code.
    for (search, expected) in [
        ("PLOMBIERES", (true, false)),
        ("Chenôve", (false, true)),
        ("maraicher", (true, false)),
        ("k2304", (false, true)),
        ("", (true, true)),
    ] {
        let (s, html) = page(&app, &session, &format!("{path}?recherche={search}&etape=recherche")).await;
        assert_eq!((s, siae_options(&html)), (S::OK, expected), "{search}: {html}");
    }
    let (_, nothing) = page(&app, &session, &format!("{path}?recherche=introuvable")).await;
    assert!(
        nothing.contains("Aucune SIAE ne correspond à « introuvable »"),
        "{nothing}"
    );

    // The offers offered are the chosen SIAE's open ones.
    let offers = app.store.offers(&ctx, &Default::default()).await.unwrap();
    let offer_of = |siae: Uuid| offers.iter().find(|o| o.siae_id == siae).unwrap().id.to_string();
    let (s, chosen) = page(&app, &session, &format!("{path}?recherche=Chenove&siae={ei}")).await;
    assert!(
        s == S::OK
            && chosen.contains("Agent de tri")
            && !chosen.contains("Ouvrier maraîcher")
            && chosen.contains(&format!("name=\"siae_id\" value=\"{ei}\"")),
        "{chosen}"
    );
    let (s, _) = page(&app, &session, &format!("{path}?siae={}", Uuid::nil())).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);

    // An offer of another SIAE is refused under its field, every value kept; so is a missing SIAE.
    let token = csrf(&chosen);
    let (ft_s, ei_s, aci_offer) = (ft.to_string(), ei.to_string(), offer_of(aci));
    let form = [
        ("csrf", token.as_str()),
        ("recherche", "Chenove"),
        ("prescriber_id", ft_s.as_str()),
        ("criteria", "rsa"),
        ("siae_id", ei_s.as_str()),
        ("offer_id", aci_offer.as_str()),
        ("message", "Intéressé par le tri."),
        ("person_consent", "on"),
    ];
    let prescriptions = app.count("prescriptions").await;
    let (s, html) = post_form(&app, &session, &path, &form).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY, "{html}");
    let error = &html[html.find("id=\"offer_id-error\"").expect("the error under the offer")..];
    assert!(
        error.contains("L&#39;offre doit être une offre ouverte de cette SIAE."),
        "{html}"
    );
    assert!(
        html.contains("Intéressé par le tri.</textarea>")
            && html.contains("id=\"critere-rsa\" name=\"criteria\" value=\"rsa\" checked")
            && html.contains("id=\"person_consent\" name=\"person_consent\" value=\"on\" checked")
            && html.contains(&format!("name=\"siae_id\" value=\"{ei}\""))
            && html.contains("value=\"Chenove\""),
        "{html}"
    );
    let no_siae: Vec<_> = form.iter().filter(|(k, _)| *k != "siae_id").copied().collect();
    let (s, html) = post_form(&app, &session, &path, &no_siae).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("<p id=\"siae_id-error\" class=\"fr-error-text\">Choisissez la SIAE.</p>"),
        "{html}"
    );
    assert_eq!(app.count("prescriptions").await, prescriptions);

    // Its own offer goes through.
    let ei_offer = offer_of(ei);
    let good: Vec<_> = form
        .iter()
        .map(|(k, v)| {
            if *k == "offer_id" {
                (*k, ei_offer.as_str())
            } else {
                (*k, *v)
            }
        })
        .collect();
    let (s, _) = post_form(&app, &session, &path, &good).await;
    assert_eq!(s, S::SEE_OTHER);
    assert_eq!(app.count("prescriptions").await, prescriptions + 1);
}

#[tokio::test]
async fn siae_picker_on_sqlite() {
    siae_picker(Backend::Sqlite).await;
}

#[tokio::test]
async fn siae_picker_on_postgres() {
    siae_picker(Backend::Postgres).await;
}
