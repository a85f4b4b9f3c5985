//! Crash safety: the server is killed with SIGKILL while writers create persons, then restarted, round after
//! round. A write acknowledged by the server (201) must survive; a write cut off may be there or not, but
//! never half: the person and its journal event are committed together or not at all. Each acknowledged person
//! is then read back: a read answered must have its `person.read` entry in the journal (the journal of reads is
//! committed before the answer, by group commit).

use crate::client::{Api, WRITERS};
use crate::stats::{Dice, Stats};
use passerelle_store::Store;
use passerelle_store::infra::sql::{Executor, query};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(clap::Args)]
pub struct Options {
    /// The database the server runs on (the demo territory is loaded first if missing).
    #[arg(long)]
    db: String,
    /// Times the server is killed.
    #[arg(long, default_value_t = 5)]
    rounds: u32,
    /// Writers creating persons at the same time.
    #[arg(long, default_value_t = 8)]
    writers: u64,
    /// The `passerelle` binary (default: next to this one).
    #[arg(long)]
    passerelle: Option<PathBuf>,
}

pub async fn run(o: Options) -> Result<Value, String> {
    if o.rounds == 0 || o.writers == 0 {
        return Err("--rounds et --writers doivent être positifs".into());
    }
    let binary = match o.passerelle {
        Some(path) => path,
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("passerelle"),
    };
    let demo = Command::new(&binary)
        .args(["demo", "--db", &o.db])
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{} ne démarre pas : {e}", binary.display()))?;
    if !demo.success() {
        return Err(format!("passerelle demo --db {} a échoué", o.db));
    }
    let stats = Arc::new(Stats::default());
    let acknowledged = Arc::new(Mutex::new(Vec::<Uuid>::new()));
    let answered_reads = Arc::new(Mutex::new(Vec::<Uuid>::new()));
    let cut_off = Arc::new(AtomicU64::new(0));
    let mut tokens = Vec::new();
    let mut dice = Dice::new(u64::from(std::process::id()));
    for round in 0..o.rounds {
        let (mut server, api) = start(&binary, &o.db).await?;
        if tokens.is_empty() {
            // Sessions live in the database: the tokens outlive the server.
            for key in WRITERS {
                tokens.push(api.login(&stats, key).await?);
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..o.writers)
            .map(|w| {
                let (api, stats, acknowledged, answered_reads, cut_off, stop) = (
                    api.clone(),
                    stats.clone(),
                    acknowledged.clone(),
                    answered_reads.clone(),
                    cut_off.clone(),
                    stop.clone(),
                );
                let token = tokens[w as usize % tokens.len()].clone();
                tokio::spawn(async move {
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        let last_name = format!("Panne{round}-{w}-{n}");
                        match api.create_person(&stats, &token, "Usager", &last_name).await {
                            Some(id) => {
                                acknowledged.lock().unwrap().push(id);
                                if api.read_person(&stats, &token, id).await {
                                    answered_reads.lock().unwrap().push(id);
                                } else {
                                    cut_off.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                            None => {
                                cut_off.fetch_add(1, Ordering::Relaxed);
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(300 + dice.below(1200))).await;
        kill(&mut server);
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.await.map_err(|e| e.to_string())?;
        }
    }
    // A last start proves the database opens after the last kill; then the database itself is checked.
    let (mut server, _) = start(&binary, &o.db).await?;
    kill(&mut server);
    let written = acknowledged.lock().unwrap().clone();
    let reads = answered_reads.lock().unwrap().clone();
    let check = check(&o.db, &written, &reads).await?;
    let refused = stats.error_count() - cut_off.load(Ordering::Relaxed);
    Ok(json!({
        "rounds": o.rounds,
        "writers": o.writers,
        "writes_acknowledged": written.len(),
        "reads_answered": reads.len(),
        "writes_cut_off": cut_off.load(Ordering::Relaxed),
        // Answers other than 201 and missing answers that are not the kill's: none expected.
        "errors": refused,
        "missing_writes": check.missing,
        "persons_without_event": check.persons_without_event,
        "events_without_person": check.events_without_person,
        "reads_without_entry": check.reads_without_entry,
    }))
}

struct Check {
    missing: u64,
    persons_without_event: i64,
    events_without_person: i64,
    /// Answered reads of a person beyond the `person.read` entries the journal holds for it.
    reads_without_entry: u64,
}

async fn check(db: &str, written: &[Uuid], reads: &[Uuid]) -> Result<Check, String> {
    let store = Store::open(db).await.map_err(|e| e.to_string())?;
    let mut pool = store.pool().clone();
    let mut missing = 0;
    for id in written {
        let found = pool
            .fetch_optional(query("SELECT id FROM persons WHERE id = $1").bind(*id))
            .await
            .map_err(|e| e.to_string())?;
        missing += u64::from(found.is_none());
    }
    let scalar = |sql: &'static str| {
        let mut pool = pool.clone();
        async move {
            pool.fetch_one(query(sql))
                .await
                .and_then(|r| r.get::<i64>("n"))
                .map_err(|e| e.to_string())
        }
    };
    let persons_without_event = scalar(
        "SELECT COUNT(*) AS n FROM persons p WHERE NOT EXISTS \
         (SELECT 1 FROM events e WHERE e.entity_id = p.id AND e.action = 'person.created')",
    )
    .await?;
    let events_without_person = scalar(
        "SELECT COUNT(*) AS n FROM events e WHERE e.action = 'person.created' AND NOT EXISTS \
         (SELECT 1 FROM persons p WHERE p.id = e.entity_id)",
    )
    .await?;
    let mut answered = std::collections::HashMap::<Uuid, u64>::new();
    for id in reads {
        *answered.entry(*id).or_default() += 1;
    }
    let mut reads_without_entry = 0;
    for (id, answered) in answered {
        let journaled: i64 = pool
            .fetch_one(
                query("SELECT COUNT(*) AS n FROM events WHERE action = 'person.read' AND entity_id = $1").bind(id),
            )
            .await
            .and_then(|r| r.get("n"))
            .map_err(|e| e.to_string())?;
        reads_without_entry += answered.saturating_sub(u64::try_from(journaled).unwrap_or(0));
    }
    pool.close().await;
    Ok(Check {
        missing,
        persons_without_event,
        events_without_person,
        reads_without_entry,
    })
}

/// Starts `passerelle serve` on a free port and waits until it answers.
async fn start(binary: &PathBuf, db: &str) -> Result<(Child, Api), String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(binary)
        .args(["serve", "--db", db, "--addr", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{} ne démarre pas : {e}", binary.display()))?;
    let api = Api::new(&format!("http://{addr}"));
    let started = Instant::now();
    let probe = reqwest::Client::new();
    while started.elapsed() < Duration::from_secs(60) {
        if probe
            .get(format!("{}/api/v1/departments", api.base))
            .send()
            .await
            .is_ok()
        {
            return Ok((server, api));
        }
        if let Ok(Some(status)) = server.try_wait() {
            return Err(format!("le serveur s'est arrêté au démarrage ({status})"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill(&mut server);
    Err("le serveur ne répond pas après 60 s".into())
}

/// SIGKILL: no chance to flush or roll back anything.
fn kill(server: &mut Child) {
    let _ = server.kill();
    let _ = server.wait();
}
