//! `passerelle benefits simulate`: AAH and prime d'activité month by month, JSON in and out.

use clap::Subcommand;
use passerelle_domain::benefits;
use passerelle_domain::invalid::Invalid;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum BenefitsCommand {
    /// Simule l'AAH et la prime d'activité mois par mois : un cas ou {"cases": [...]} en JSON.
    Simulate {
        /// Fichier JSON à lire (l'entrée standard sinon).
        #[arg(long)]
        input: Option<PathBuf>,
        /// Sortie indentée, pour la lecture.
        #[arg(long)]
        pretty: bool,
    },
}

/// Writes the answer on standard output; invalid input gives `{"error": {...}}` there too and exit code 2.
pub fn run(command: BenefitsCommand) -> ExitCode {
    let BenefitsCommand::Simulate { input, pretty } = command;
    let answer = read(input.as_ref())
        .and_then(|json| benefits::parse_request(&json))
        .and_then(|request| benefits::answer(&request));
    let (body, code) = match answer {
        Ok(response) => (serialize(&response, pretty), ExitCode::SUCCESS),
        Err(invalid) => (serialize(&error_body(&invalid), pretty), ExitCode::from(2)),
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(body.as_bytes()).and_then(|()| out.write_all(b"\n")) {
        Ok(()) => code,
        Err(_) => ExitCode::FAILURE,
    }
}

fn read(path: Option<&PathBuf>) -> Result<String, Invalid> {
    let unreadable =
        |e: std::io::Error| Invalid::new("input_unreadable", format!("Lecture de l'entrée impossible : {e}."));
    match path {
        Some(path) => std::fs::read_to_string(path).map_err(unreadable),
        None => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(unreadable)?;
            Ok(text)
        }
    }
}

fn error_body(invalid: &Invalid) -> serde_json::Value {
    serde_json::json!({"error": {"code": invalid.code, "message": invalid.message, "field": invalid.field}})
}

fn serialize(value: &impl serde::Serialize, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    // Our types only hold strings, numbers and finite amounts: serialising them cannot fail.
    text.unwrap_or_else(|e| format!(r#"{{"error":{{"code":"internal","message":"{e}"}}}}"#))
}
