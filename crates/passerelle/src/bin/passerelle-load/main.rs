//! `passerelle-load`: proof under load and faults, on loopback.
//!
//! - `journeys`: virtual users of the demo territory log in and run a mix of realistic API journeys against a
//!   running server for a given time; the report gives p50/p99 per route, throughput, errors, the server's
//!   memory, and checks that every acknowledged write is found afterwards.
//! - `crash`: starts `passerelle serve`, kills it with SIGKILL again and again under write-heavy load,
//!   restarts it, and checks in the database that every acknowledged write is there and nothing is
//!   half-written (each person has its journal event, each creation event its person).

mod client;
mod crash;
mod journeys;
mod stats;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "passerelle-load",
    about = "Charge, pannes et reprise de Passerelle, sur la boucle locale."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the mixed journeys of `--users` virtual users for `--seconds` against `--base`, prints the JSON report.
    Journeys(journeys::Options),
    /// Kills and restarts the server under writes, then checks the database; prints the JSON report.
    Crash(crash::Options),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("erreur : {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Journeys(o) => journeys::run(o).await,
            Command::Crash(o) => crash::run(o).await,
        }
    });
    match outcome {
        Ok(report) => {
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            let clean = report["errors"].as_u64() == Some(0) && report["missing_writes"].as_u64() == Some(0);
            if clean {
                ExitCode::SUCCESS
            } else {
                eprintln!("erreur : des requêtes ont échoué ou des écritures acquittées manquent (voir le rapport)");
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("erreur : {message}");
            ExitCode::from(2)
        }
    }
}
