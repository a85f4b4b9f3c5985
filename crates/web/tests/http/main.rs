//! The web crate's one integration-test binary: the real server on loopback, over SQLite and PostgreSQL.

mod access;
mod agreement_report;
mod agreements;
mod amendments;
mod approval_forms;
mod bad_input;
mod benefits;
mod browser;
mod concurrency;
mod contract;
mod csrf;
mod duplicates;
// « Integrity and privacy »: redirects, exports, caching, refusals in French.
mod edges;
mod esat;
mod governance;
mod home;
mod iae;
mod idempotency;
mod indicator_views;
mod indicators;
mod lists;
// Accessibility statement, legal notice, personal data, password reset.
mod legal;
mod lockout;
mod pages;
mod pathway_lists;
mod perf;
mod person_edit;
mod privacy;
mod route_matrix;
mod second_factor;
mod simulator;
// Supported employment and the skills record.
mod supported;
mod uploads;

use passerelle_fixtures::template::{self, Content};
use passerelle_store::Store;
use passerelle_web::state::AppState;
use passerelle_web::theme::Theme;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::path::PathBuf;
use uuid::Uuid;

/// The day every test runs on, whatever the date ([`passerelle_store::infra::clock`]).
pub const TEST_DAY: time::Date = time::macros::date!(2026 - 12 - 06);

pub const PASSWORD: &str = passerelle_fixtures::demo::DEMO_PASSWORD;

pub use passerelle_fixtures::template::Backend;

/// The operator of the test server, as the legal pages must show it.
pub static OPERATOR: std::sync::LazyLock<passerelle_web::state::Operator> =
    std::sync::LazyLock::new(|| passerelle_web::state::Operator {
        name: "Direction de l'emploi de Côte-d'Or (test)".to_owned(),
        address: "1 rue de la Préfecture, 21000 Dijon".to_owned(),
        publication_director: "Camille Directrice".to_owned(),
        contact_email: "accessibilite@passerelle.test".to_owned(),
        hosting: "Hébergeur de test, 2 rue des Serveurs, 59100 Roubaix".to_owned(),
        source_url: "https://forge.passerelle.test/passerelle".to_owned(),
        public_url: "https://passerelle.test".to_owned(),
    });

/// The DSFR theme, with the package scripts/setup installs.
pub fn dsfr() -> Theme {
    Theme::Dsfr {
        dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/node_modules/@gouvfr/dsfr/dist"),
    }
}

/// The theme `PASSERELLE_TEST_THEME` names (`dsfr`; the neutral theme otherwise): scripts/test runs the browser
/// tests once more with the DSFR (docs/themes.md).
pub fn test_theme() -> Theme {
    match std::env::var("PASSERELLE_TEST_THEME").as_deref() {
        Ok("dsfr") => dsfr(),
        _ => Theme::Neutral,
    }
}

/// A running server with the demo territory loaded.
pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub http: Client,
}

impl TestApp {
    /// A server in the theme of the run ([`test_theme`]).
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_themed(backend, test_theme()).await
    }

    pub async fn spawn_themed(backend: Backend, theme: Theme) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::spawn_on(backend, listener, theme, None).await
    }

    /// A server on `listener`, with sign-in through ProConnect when given.
    pub async fn spawn_on(
        backend: Backend,
        listener: tokio::net::TcpListener,
        theme: Theme,
        proconnect: Option<std::sync::Arc<passerelle_web::pages::proconnect::ProConnect>>,
    ) -> Self {
        passerelle_store::infra::clock::start_at(TEST_DAY).expect("one day for every test");
        let store = template::store(backend, Content::Demo)
            .await
            .expect("the database opens (for PostgreSQL, scripts/test starts it)");
        let state = AppState {
            store: store.clone(),
            theme,
            secure_cookies: false,
            operator: std::sync::Arc::new(OPERATOR.clone()),
            waiting: Default::default(),
            proconnect,
        };
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(passerelle_web::serve(state, listener));
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { base, store, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn token(&self, email: &str) -> String {
        let r = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login of {email}");
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }

    /// Sends `method path` with the token and an optional JSON body; returns status and JSON body.
    pub async fn call(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(token, reqwest::Method::GET, path, None).await
    }

    /// The id of a demo organisation by its demo key (`ft-dijon`, ...).
    /// The OpenAPI description the server serves.
    pub async fn openapi(&self) -> Value {
        let r = self.http.get(self.url("/api/openapi.json")).send().await.unwrap();
        r.json().await.unwrap()
    }

    pub async fn org_id(&self, key: &str) -> Uuid {
        let ctx = self.store.operator_context("test");
        let orgs = self.store.all_organisations(&ctx).await.unwrap();
        orgs.iter()
            .find(|o| o.external_id.as_deref() == Some(key))
            .map(|o| o.id)
            .unwrap_or_else(|| panic!("no demo organisation {key}"))
    }

    /// Rows of a table, to check that a refused write changed nothing.
    pub async fn count(&self, table: &str) -> i64 {
        use passerelle_store::infra::sql::{Executor, query};
        let mut db = self.store.pool().clone();
        db.fetch_one(query(format!("SELECT COUNT(*) AS n FROM {table}")))
            .await
            .unwrap()
            .get("n")
            .unwrap()
    }

    /// Counts of everything a write could touch.
    pub async fn snapshot(&self) -> Vec<i64> {
        let mut out = Vec::new();
        for t in [
            "organisations",
            "organisation_territories",
            "contacts",
            "contact_roles",
            "authorisations",
            "persons",
            "person_followers",
            "agreements",
            "agreement_parties",
            "agreement_versions",
            "users",
            "job_offers",
            "iae_diagnoses",
            "prescriptions",
            "referral_steps",
            "notifications",
            "idempotency_keys",
            "iae_pathway_events",
            "prolongation_requests",
            "iae_contracts",
            "iae_assignments",
            "ai_cap_waivers",
            "accompaniment_actions",
            "spe_registrations",
            "tripartite_interviews",
            "exit_reviews",
            // ESAT pathways and immersions.
            "esat_workers",
            "esat_situations",
            "esat_support_conventions",
            "immersions",
            "immersion_signatures",
            "immersion_assessments",
            "benefit_simulations",
        ] {
            out.push(self.count(t).await);
        }
        // Changes are journaled: no new event of a change kind either (reads and logins are journaled too).
        use passerelle_store::infra::sql::{Executor, query};
        let mut db = self.store.pool().clone();
        let n: i64 = db
            .fetch_one(query("SELECT COUNT(*) AS n FROM events WHERE action NOT LIKE 'session.%' AND action NOT LIKE '%.read' AND action NOT LIKE '%.listed'"))
            .await
            .unwrap()
            .get("n")
            .unwrap();
        out.push(n);
        out
    }
}

/// Today in UTC, as the server dates what it records.
pub use passerelle_store::today;

/// The `id` of a JSON record.
pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

pub use passerelle_documents::readback::text as pdf_text;

pub fn email(key: &str) -> String {
    format!("{key}@passerelle.test")
}
mod avenant_origin;
mod breadcrumbs;
mod ddets;
mod esat_sharing;
mod immersion_signatures;
mod indicator_esat;
mod meeting_documents;
mod orientations;
mod referral_lists;
mod widths;
// Benefit simulations saved in a person's record.
mod simulations;
// The ROME referential: search, offers' codes checked, offers by job and town.
mod rome;
// The tripartite interview scheduled, moved, cancelled and held with who attended.
mod interviews;
// FINESS numbers of ESAT and supported-employment services: API and directory sheet.
mod finess;
// PDFs tagged, fonts embedded, any name printed (issue 22).
mod pdf_access;
// The neutral theme and the DSFR's (docs/themes.md).
mod themes;
// Immersions: listed days of presence and the 25 % cap of an aided contract.
mod immersion_presence;
// Dated facts of ESAT workers and of the ESAT (reinforced pathway, CPF, invoicing, OPCO).
mod esat_facts;
// « S'identifier avec ProConnect » against a local OpenID provider.
mod proconnect;
