//! `passerelle rules ...`: the rules engine for integrators, JSON in and out.
//!
//! Success: JSON on standard output, exit 0. Invalid input: `{"error":{"code","message"}}` on standard
//! error, exit 2.

use passerelle_domain::calendar::{self, Territory};
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::{Diagnosis, PathwayInput, evaluate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use time::Date;

/// Values are taken as text (hyphens allowed) and checked here, so that a bad one gets the JSON error of the
/// contract rather than clap's usage message.
#[derive(clap::Subcommand)]
pub enum RulesCommand {
    /// Jours fériés d'une année, triés par date : [{"date","name"}].
    Holidays {
        /// Année, de 1900 à 2200.
        #[arg(long, allow_hyphen_values = true)]
        year: String,
        /// Département (57, 974...) ; métropole hors Alsace-Moselle par défaut.
        #[arg(long)]
        department: Option<String>,
    },
    /// Le N-ième jour ouvré strictement après une date : {"date"}.
    WorkingDays {
        /// Date de départ, AAAA-MM-JJ.
        #[arg(long, allow_hyphen_values = true)]
        from: String,
        /// Nombre de jours ouvrés, 1 ou plus.
        #[arg(long, allow_hyphen_values = true)]
        days: String,
        /// Département (57, 974...) ; métropole hors Alsace-Moselle par défaut.
        #[arg(long)]
        department: Option<String>,
    },
    /// Éligibilité à l'IAE d'après un diagnostic (JSON) : {"eligible","expires_on","reasons"}.
    Eligibility {
        /// Fichier JSON ; l'entrée standard sinon.
        #[arg(long)]
        input: Option<PathBuf>,
    },
    /// Rejoue les événements d'un parcours IAE (JSON) et donne l'agrément ou le PASS IAE qui en résulte.
    Pathway {
        /// Fichier JSON ; l'entrée standard sinon.
        #[arg(long)]
        input: Option<PathBuf>,
    },
}

pub fn run(command: RulesCommand) -> ExitCode {
    let result = match command {
        RulesCommand::Holidays { year, department } => holidays(&year, department.as_deref()),
        RulesCommand::WorkingDays { from, days, department } => working_days(&from, &days, department.as_deref()),
        RulesCommand::Eligibility { input } => {
            read::<Diagnosis>(input).and_then(|diagnosis| to_json(&diagnosis.assess()?))
        }
        RulesCommand::Pathway { input } => read::<PathwayInput>(input).and_then(|input| to_json(&evaluate(&input)?)),
    };
    match result {
        Ok(output) => {
            // A closed standard output (`| head`) is the reader's choice, not an error of ours.
            let _ = writeln!(std::io::stdout().lock(), "{output}");
            ExitCode::SUCCESS
        }
        Err(invalid) => {
            let error = json!({"error": {"code": invalid.code, "message": invalid.message}});
            let _ = writeln!(std::io::stderr().lock(), "{error}");
            ExitCode::from(2)
        }
    }
}

fn holidays(year: &str, department: Option<&str>) -> Result<String, Invalid> {
    let year = year.trim().parse().map_err(|_| {
        Invalid::new(
            "year_invalid",
            format!("« {year} » n'est pas une année (exemple : 2025)."),
        )
        .on("year")
    })?;
    to_json(&calendar::holidays(year, Territory::of(department)?)?)
}

fn working_days(from: &str, days: &str, department: Option<&str>) -> Result<String, Invalid> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let from = Date::parse(from.trim(), format).map_err(|_| {
        Invalid::new(
            "date_invalid",
            format!("« {from} » n'est pas une date AAAA-MM-JJ valide."),
        )
        .on("from")
    })?;
    let days = days.trim().parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
        Invalid::new(
            "days_invalid",
            format!("« {days} » : indiquez un nombre de jours ouvrés, 1 ou plus."),
        )
        .on("days")
    })?;
    let date = calendar::nth_working_day_after(from, days, Territory::of(department)?)
        .ok_or_else(|| Invalid::new("date_out_of_range", "La date cherchée dépasse le calendrier.").on("days"))?;
    to_json(&json!({ "date": date }))
}

/// Reads the JSON document from `path`, or standard input when there is none.
fn read<T: DeserializeOwned>(path: Option<PathBuf>) -> Result<T, Invalid> {
    let mut text = String::new();
    let read = match &path {
        Some(path) => std::fs::File::open(path).and_then(|mut file| file.read_to_string(&mut text)),
        None => std::io::stdin().read_to_string(&mut text),
    };
    read.map_err(|error| {
        let origin = path.map_or("l'entrée standard".to_owned(), |p| format!("« {} »", p.display()));
        Invalid::new("input_unreadable", format!("Impossible de lire {origin} : {error}.")).on("input")
    })?;
    serde_json::from_str(&text).map_err(|error| {
        Invalid::new(
            "input_invalid",
            format!("Le JSON reçu ne respecte pas le format attendu : {error}."),
        )
        .on("input")
    })
}

fn to_json(value: &impl Serialize) -> Result<String, Invalid> {
    serde_json::to_string(value)
        .map_err(|error| Invalid::new("output_failed", format!("Réponse impossible à écrire : {error}.")))
}
