//! The two themes (docs/themes.md): the neutral one uses none of the State's protected assets (no `/dsfr`, no
//! Marianne, no « République française ») and names the operator; the DSFR's is served only when chosen.

use crate::pages::login;
use crate::{Backend, OPERATOR, TestApp, dsfr};
use passerelle_web::theme::Theme;
use reqwest::StatusCode as S;
use reqwest::header::COOKIE;

/// An anonymous page, a signed-in page and an error page, as HTML.
async fn pages(app: &TestApp) -> Vec<String> {
    let session = login(app, "ft-dijon").await;
    let mut out = Vec::new();
    for (path, status) in [
        ("/connexion", S::OK),
        ("/annuaire", S::OK),
        ("/pas-de-page", S::NOT_FOUND),
    ] {
        let r = app
            .http
            .get(app.url(path))
            .header(COOKIE, format!("passerelle_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{path}");
        out.push(r.text().await.unwrap());
    }
    out
}

async fn status_of(app: &TestApp, path: &str) -> S {
    app.http.get(app.url(path)).send().await.unwrap().status()
}

async fn neutral_theme(backend: Backend) {
    let app = TestApp::spawn_themed(backend, Theme::Neutral).await;
    for html in pages(&app).await {
        for protected in ["/dsfr", "Marianne", "République", "fr-logo", "data-fr-scheme"] {
            assert!(
                !html.contains(protected),
                "the neutral theme shows « {protected} »:\n{html}"
            );
        }
        assert!(html.contains("/static/neutral.css") && html.contains("/static/neutral.js"));
        // The header names the operator where the DSFR names the State.
        let operator = OPERATOR.name.replace('\'', "&#39;");
        assert!(
            html.contains(&format!("<p class=\"passerelle-operator\">{operator}</p>")),
            "{html}"
        );
    }
    // Neither the DSFR's files nor its font are served.
    assert_eq!(status_of(&app, "/dsfr/dsfr.min.css").await, S::NOT_FOUND);
    assert_eq!(
        status_of(&app, "/dsfr/fonts/Marianne-Regular.woff2").await,
        S::NOT_FOUND
    );
    let css = app.http.get(app.url("/static/neutral.css")).send().await.unwrap();
    assert_eq!(css.status(), S::OK);
    let css = css.text().await.unwrap();
    assert!(!css.contains("Marianne") && css.contains("system-ui"));
    assert_eq!(status_of(&app, "/static/neutral.js").await, S::OK);
}

#[tokio::test]
async fn neutral_theme_on_sqlite() {
    neutral_theme(Backend::Sqlite).await;
}

#[tokio::test]
async fn neutral_theme_on_postgres() {
    neutral_theme(Backend::Postgres).await;
}

async fn dsfr_theme(backend: Backend) {
    let app = TestApp::spawn_themed(backend, dsfr()).await;
    for html in pages(&app).await {
        assert!(
            html.contains("/dsfr/dsfr.min.css")
                && html.contains("/dsfr/dsfr.module.min.js")
                && html.contains("<p class=\"fr-logo\">République<br>Française</p>"),
            "{html}"
        );
        assert!(!html.contains("/static/neutral.css") && !html.contains("passerelle-operator"));
    }
    let css = app.http.get(app.url("/dsfr/dsfr.min.css")).send().await.unwrap();
    assert_eq!(css.status(), S::OK);
    assert!(css.text().await.unwrap().contains("Marianne"));
}

#[tokio::test]
async fn dsfr_theme_on_sqlite() {
    dsfr_theme(Backend::Sqlite).await;
}

#[tokio::test]
async fn dsfr_theme_on_postgres() {
    dsfr_theme(Backend::Postgres).await;
}
