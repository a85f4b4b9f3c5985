//! The `passerelle` command.

mod benefits;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "passerelle",
    version,
    about = "Passerelle : le système d'information de l'inclusion dans l'emploi."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulateur de droits : AAH et prime d'activité.
    #[command(subcommand)]
    Benefits(benefits::BenefitsCommand),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Benefits(command) => benefits::run(command),
    }
}
