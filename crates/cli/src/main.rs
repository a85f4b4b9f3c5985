//! The `passerelle` command.

mod rules;

use clap::Parser;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "passerelle",
    version,
    about = "Passerelle : le système d'information de l'emploi inclusif."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Calendrier, éligibilité et parcours IAE : les règles, en JSON.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Rules(command) => rules::run(command),
    }
}
