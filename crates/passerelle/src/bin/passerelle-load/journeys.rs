//! The mixed workload: each virtual user logs in as one of the demo accounts that follow persons, then loops
//! over the journeys of a working day until the time is up, with a random pause between steps.

use crate::client::{Api, Outcome, WRITERS};
use crate::stats::{Dice, Stats};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(clap::Args)]
pub struct Options {
    /// The server, e.g. http://127.0.0.1:8080 (loaded with the demo territory).
    #[arg(long)]
    base: String,
    /// Virtual users running at the same time.
    #[arg(long, default_value_t = 200)]
    users: u64,
    #[arg(long, default_value_t = 600)]
    seconds: u64,
    /// Mean pause between two steps of a user, in milliseconds (uniform between 0 and twice this).
    #[arg(long, default_value_t = 500)]
    think_ms: u64,
    /// The server's process, to report its memory: resident every second of the run, at the end and at its peak.
    #[arg(long)]
    server_pid: Option<u32>,
}

/// The persons a user created and had acknowledged, with the token that may read them back.
type Acknowledged = Arc<Mutex<Vec<(String, Uuid)>>>;

pub async fn run(o: Options) -> Result<Value, String> {
    if o.users == 0 || o.seconds == 0 {
        return Err("--users et --seconds doivent être positifs".into());
    }
    let api = Api::new(&o.base);
    let stats = Arc::new(Stats::default());
    let acknowledged: Acknowledged = Arc::default();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(o.seconds);
    let sampler = o
        .server_pid
        .map(|pid| tokio::spawn(resident_every_second(pid, deadline)));
    let users: Vec<_> = (0..o.users)
        .map(|n| {
            let (api, stats, acknowledged) = (api.clone(), stats.clone(), acknowledged.clone());
            let think_ms = o.think_ms;
            tokio::spawn(async move { user(n, api, stats, acknowledged, deadline, think_ms).await })
        })
        .collect();
    for user in users {
        user.await.map_err(|e| e.to_string())??;
    }
    let elapsed = started.elapsed();
    let mut report = stats.report(elapsed);
    // Every acknowledged creation is read back, outside the measured figures.
    let written = acknowledged.lock().unwrap().clone();
    let check = Stats::default();
    let mut missing = 0;
    for (token, id) in &written {
        let path = format!("/api/v1/persons/{id}");
        if !matches!(
            api.call(&check, "relecture", Method::GET, &path, Some(token), None)
                .await,
            Outcome::Answer(StatusCode::OK, _)
        ) {
            missing += 1;
        }
    }
    report["users"] = json!(o.users);
    report["seconds"] = json!(elapsed.as_secs_f64().round());
    report["think_ms"] = json!(o.think_ms);
    report["writes_acknowledged"] = json!(written.len());
    report["missing_writes"] = json!(missing);
    if let (Some(pid), Some(sampler)) = (o.server_pid, sampler) {
        report["server_memory_kib"] = memory(pid);
        report["server_memory_kib"]["series"] = json!(sampler.await.map_err(|e| e.to_string())?);
    }
    Ok(report)
}

async fn user(
    n: u64,
    api: Api,
    stats: Arc<Stats>,
    acknowledged: Acknowledged,
    deadline: Instant,
    think_ms: u64,
) -> Result<(), String> {
    let key = WRITERS[(n as usize) % WRITERS.len()];
    let siae = n as usize % WRITERS.len() < 3;
    let mut dice = Dice::new(n + 1);
    let mut token = api.login(&stats, key).await?;
    let mut known: Vec<Uuid> = Vec::new();
    let mut step = 0u64;
    while Instant::now() < deadline {
        if think_ms > 0 {
            tokio::time::sleep(Duration::from_millis(dice.below(2 * think_ms + 1))).await;
        }
        step += 1;
        let get = |route: &'static str, path: String| {
            let (api, stats, token) = (&api, &stats, token.clone());
            async move { api.call(stats, route, Method::GET, &path, Some(&token), None).await }
        };
        match dice.below(100) {
            // A new session now and then: logins are part of a day (and the slowest call, by design).
            0 => token = api.login(&stats, key).await?,
            1..=25 => {
                if let Outcome::Answer(StatusCode::OK, page) =
                    get("GET /api/v1/persons", "/api/v1/persons?per_page=20".into()).await
                {
                    known = ids(&page["items"]);
                }
            }
            26..=45 => {
                if let Some(id) = pick(&known, &mut dice) {
                    get("GET /api/v1/persons/{id}", format!("/api/v1/persons/{id}")).await;
                }
            }
            46..=55 => {
                get("GET /api/v1/me", "/api/v1/me".into()).await;
            }
            56..=68 => {
                get(
                    "GET /api/v1/organisations",
                    "/api/v1/organisations?department=21".into(),
                )
                .await;
            }
            69..=78 if siae => {
                get("GET /api/v1/pathways", "/api/v1/pathways?per_page=20".into()).await;
            }
            69..=78 => {
                get("GET /api/v1/referent", "/api/v1/referent?per_page=20".into()).await;
            }
            79..=83 => {
                get("GET /api/v1/todo", "/api/v1/todo".into()).await;
            }
            84..=88 => {
                get("GET /api/v1/notifications", "/api/v1/notifications".into()).await;
            }
            _ => {
                let last_name = format!("Charge{n}-{step}");
                if let Some(id) = api.create_person(&stats, &token, "Usager", &last_name).await {
                    acknowledged.lock().unwrap().push((token.clone(), id));
                    known.push(id);
                }
            }
        }
    }
    Ok(())
}

fn ids(items: &Value) -> Vec<Uuid> {
    items
        .as_array()
        .map(|items| items.iter().filter_map(|p| p["id"].as_str()?.parse().ok()).collect())
        .unwrap_or_default()
}

fn pick(ids: &[Uuid], dice: &mut Dice) -> Option<Uuid> {
    (!ids.is_empty()).then(|| ids[dice.below(ids.len() as u64) as usize])
}

/// The resident and peak memory of a process.
fn memory(pid: u32) -> Value {
    json!({"rss": status_kib(pid, "VmRSS:"), "peak": status_kib(pid, "VmHWM:")})
}

/// The resident memory of a process once a second until `deadline`.
async fn resident_every_second(pid: u32, deadline: Instant) -> Vec<Option<u64>> {
    let mut series = Vec::new();
    let mut second = tokio::time::interval(Duration::from_secs(1));
    while Instant::now() < deadline {
        second.tick().await;
        series.push(status_kib(pid, "VmRSS:"));
    }
    series
}

/// A field of a process's status in KiB, from /proc (Linux).
fn status_kib(pid: u32, name: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(name)?.split_whitespace().next()?.parse::<u64>().ok())
}
