//! The pages every French public service owes: the accessibility statement, the legal notice and the personal
//! data page, open without an account and linked from the footer of every page.

use crate::pages::{login, page};
use crate::{Backend, OPERATOR, TestApp};
use reqwest::StatusCode as S;

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
