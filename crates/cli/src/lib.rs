//! The commands of the `passerelle` binary: serve, migrate, demo data, directory import and export, agreement
//! documents, indicators... Every command but `serve` goes through the use cases of `passerelle-app`; `serve`
//! prepares the store and the address, then hands them to the web server the binary passes in ([`Server`]), so
//! that this crate does not depend on the web crate.

mod agreement;
mod backup;
mod benefits;
mod deadlines;
mod directory;
mod indicators;
mod outbox;
mod retention;
mod rome;
mod rules;
mod serve;
mod synth;

pub use serve::{OperatorOptions, ProConnectOptions, Served, Server};

use clap::{Parser, Subcommand};
use passerelle_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "passerelle",
    version,
    about = "Passerelle : le système d'information de l'inclusion dans l'emploi."
)]
struct Cli {
    /// Database: sqlite://chemin (embedded, default) or postgres://...
    #[arg(long, global = true, env = "PASSERELLE_DB", default_value = "sqlite://passerelle.db")]
    db: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Database(DatabaseCommand),
    /// Benefits simulator: AAH and prime d'activité, month by month.
    #[command(subcommand)]
    Benefits(benefits::BenefitsCommand),
    /// Calendar, eligibility and IAE pathway rules, in JSON.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
}

/// The commands that work on the database.
#[derive(Subcommand)]
enum DatabaseCommand {
    /// Starts the server (applies the migrations first).
    // Boxed: its options outweigh every other command's.
    Serve(Box<serve::ServeArgs>),
    /// Applies the database migrations.
    Migrate,
    /// Loads the demo territory (Côte-d'Or); does nothing when it is already there.
    Demo {
        /// Prints the demo accounts as JSON instead of loading.
        #[arg(long)]
        print_accounts: bool,
    },
    /// Imports data: the directory's structures, the ROME job referential.
    #[command(subcommand)]
    Import(directory::ImportCommand),
    /// Exports the directory.
    #[command(subcommand)]
    Export(directory::ExportCommand),
    /// The e-mail outbox: state, and one delivery pass through the relay.
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
    /// The deadlines engine: the daily scan (in-app notifications and digest e-mails through the outbox).
    #[command(subcommand)]
    Deadlines(deadlines::DeadlinesCommand),
    /// Writes a consistent copy of the database while the server runs (SQLite; PostgreSQL through pg_dump).
    Backup {
        /// The backup file to write; it must not exist.
        #[arg(long)]
        output: PathBuf,
    },
    /// Replaces the database by a backup, after checking it (stop the server first).
    Restore {
        /// The backup file written by `passerelle backup`.
        #[arg(long)]
        input: PathBuf,
        /// Replaces a database that already holds data.
        #[arg(long)]
        force: bool,
    },
    /// The retention rule: reports the people without activity for the period; --apply anonymises them.
    Retention(retention::RetentionOptions),
    /// Agreements: rendering as PDF, DOCX or HTML.
    #[command(subcommand)]
    Agreement(agreement::AgreementCommand),
    /// Indicators computed from what was recorded, as JSON, CSV or XLSX.
    Indicators(indicators::IndicatorsArgs),
    /// Writes a synthetic France (structures, conventions, people and their pathways) for scale tests.
    Synth(synth::SynthArgs),
}

/// A failure of the command: bad input exits 2, anything else 1.
pub enum Failure {
    Input(String),
    Runtime(String),
}

impl Failure {
    /// A use case's failure: bad input exits 2.
    fn app(e: passerelle_app::AppError) -> Self {
        if e.is_bad_input() {
            Failure::Input(e.to_string())
        } else {
            Failure::Runtime(e.to_string())
        }
    }
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Runtime(e.to_string())
    }
}

/// Parses the command line and runs the command; `server` answers HTTP for `passerelle serve`.
pub fn main(server: Server) -> ExitCode {
    let cli = Cli::parse();
    if let Err(message) = passerelle_store::infra::clock::start_from_environment() {
        eprintln!("erreur : {message}");
        return ExitCode::from(2);
    }
    // Pure computations need neither a database nor an async runtime.
    let command = match cli.command {
        Command::Benefits(c) => return benefits::run(c),
        Command::Rules(c) => return rules::run(c),
        Command::Database(c) => c,
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("erreur : {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&cli.db, command, server)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            eprintln!("erreur : {message}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(message)) => {
            eprintln!("erreur : {message}");
            ExitCode::FAILURE
        }
    }
}

async fn open(db: &str) -> Result<Store, Failure> {
    Store::open(db).await.map_err(|e| match e {
        passerelle_store::OpenError::Connect(passerelle_store::infra::sql::ConnectError::Url(_)) => {
            Failure::Input(e.to_string())
        }
        e => Failure::Runtime(e.to_string()),
    })
}

async fn run(db: &str, command: DatabaseCommand, server: Server) -> Result<(), Failure> {
    match command {
        DatabaseCommand::Serve(args) => serve::run(db, *args, server).await,
        DatabaseCommand::Migrate => {
            open(db).await?;
            eprintln!("migrations appliquées");
            Ok(())
        }
        DatabaseCommand::Demo { print_accounts: true } => {
            println!(
                "{}",
                serde_json::to_string_pretty(&passerelle_fixtures::demo::accounts())?
            );
            Ok(())
        }
        DatabaseCommand::Demo { print_accounts: false } => {
            let store = open(db).await?;
            if passerelle_fixtures::demo::load(&store).await? {
                eprintln!("territoire de démonstration chargé");
            } else {
                eprintln!("territoire de démonstration déjà présent : rien à faire");
            }
            Ok(())
        }
        DatabaseCommand::Import(cmd) => directory::import(db, cmd).await,
        DatabaseCommand::Export(cmd) => directory::export(db, cmd).await,
        DatabaseCommand::Agreement(cmd) => agreement::run(db, cmd).await,
        DatabaseCommand::Outbox(cmd) => outbox::run(db, cmd).await,
        DatabaseCommand::Indicators(args) => indicators::run(db, args).await,
        DatabaseCommand::Synth(args) => synth::run(db, args).await,
        DatabaseCommand::Deadlines(cmd) => deadlines::run(db, cmd).await,
        DatabaseCommand::Retention(o) => retention::run(db, o).await,
        DatabaseCommand::Backup { output } => backup::backup(db, &output).await,
        DatabaseCommand::Restore { input, force } => backup::restore(db, &input, force).await,
    }
}
