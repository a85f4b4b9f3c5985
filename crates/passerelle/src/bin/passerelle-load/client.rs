//! The API calls of the virtual users, each timed under its route's name.

use crate::stats::Stats;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::time::Instant;
use uuid::Uuid;

/// The demo accounts that follow persons (SIAE and public employment service): they read and write.
pub const WRITERS: &[&str] = &[
    "aci-jardins",
    "ei-recyclage",
    "ai-solidarite",
    "ft-dijon",
    "cap-emploi",
    "ml-dijon",
];
pub const PASSWORD: &str = passerelle_fixtures::demo::DEMO_PASSWORD;

pub fn email(key: &str) -> String {
    format!("{key}@passerelle.test")
}

#[derive(Clone)]
pub struct Api {
    http: Client,
    pub base: String,
}

/// What a call gave: an answer with its status and JSON body, or no answer at all.
pub enum Outcome {
    Answer(StatusCode, Value),
    NoAnswer(String),
}

impl Api {
    pub fn new(base: &str) -> Self {
        let http = Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("the HTTP client builds");
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// Sends one request and times it under `route`; answers other than 2xx are counted as errors.
    pub async fn call(
        &self,
        stats: &Stats,
        route: &'static str,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Outcome {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let started = Instant::now();
        let outcome = match request.send().await {
            Ok(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(bytes) => Outcome::Answer(status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)),
                    Err(e) => Outcome::NoAnswer(e.to_string()),
                }
            }
            Err(e) => Outcome::NoAnswer(e.to_string()),
        };
        stats.record(route, started.elapsed());
        match &outcome {
            Outcome::Answer(status, _) if !status.is_success() => stats.error(format!("{route} : {status}")),
            Outcome::NoAnswer(e) => stats.error(format!("{route} : pas de réponse ({e})")),
            Outcome::Answer(..) => {}
        }
        outcome
    }

    pub async fn login(&self, stats: &Stats, key: &str) -> Result<String, String> {
        let body = json!({"email": email(key), "password": PASSWORD});
        match self
            .call(
                stats,
                "POST /api/v1/auth/login",
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(&body),
            )
            .await
        {
            Outcome::Answer(StatusCode::OK, v) => v["token"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| "réponse de connexion sans jeton".to_owned()),
            Outcome::Answer(status, v) => Err(format!("connexion de {key} refusée ({status}) : {v}")),
            Outcome::NoAnswer(e) => Err(format!("connexion de {key} sans réponse : {e}")),
        }
    }

    /// Creates a person; `Some(id)` only when the server acknowledged the creation.
    pub async fn create_person(&self, stats: &Stats, token: &str, first_name: &str, last_name: &str) -> Option<Uuid> {
        let body = json!({"first_name": first_name, "last_name": last_name});
        match self
            .call(
                stats,
                "POST /api/v1/persons",
                Method::POST,
                "/api/v1/persons",
                Some(token),
                Some(&body),
            )
            .await
        {
            Outcome::Answer(StatusCode::CREATED, v) => v["id"].as_str().and_then(|id| id.parse().ok()),
            _ => None,
        }
    }

    /// Reads a person's record; `true` only when the server answered it (after journaling the read).
    pub async fn read_person(&self, stats: &Stats, token: &str, id: Uuid) -> bool {
        let path = format!("/api/v1/persons/{id}");
        let outcome = self
            .call(stats, "GET /api/v1/persons/{id}", Method::GET, &path, Some(token), None)
            .await;
        matches!(outcome, Outcome::Answer(StatusCode::OK, _))
    }
}
