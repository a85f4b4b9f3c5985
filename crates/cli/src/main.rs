//! `passerelle`: the server and its operations (migrate, demo data, directory import and export, agreement
//! documents).

mod agreement;
mod backup;
mod benefits;
mod deadlines;
mod directory;
mod indicators;
mod outbox;
mod retention;
mod rules;
mod synth;

use clap::{Parser, Subcommand};
use passerelle_store::Store;
use passerelle_web::state::AppState;
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
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Loads the demo territory when the database has no organisation.
        #[arg(long)]
        demo: bool,
        /// The DSFR's dist folder (default: web/node_modules/@gouvfr/dsfr/dist).
        #[arg(long, env = "PASSERELLE_DSFR_DIR")]
        dsfr_dir: Option<PathBuf>,
        /// Marks cookies Secure: set it when the server is behind HTTPS.
        #[arg(long, env = "PASSERELLE_SECURE_COOKIES")]
        secure_cookies: bool,
        #[command(flatten)]
        mail: outbox::MailOptions,
    },
    /// Applies the database migrations.
    Migrate,
    /// Loads the demo territory (Côte-d'Or); does nothing when it is already there.
    Demo {
        /// Prints the demo accounts as JSON instead of loading.
        #[arg(long)]
        print_accounts: bool,
    },
    /// Imports data into the directory.
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

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Runtime(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(message) = passerelle_store::clock::start_from_environment() {
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
    match runtime.block_on(run(&cli.db, command)) {
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
        passerelle_store::OpenError::Connect(passerelle_store::sql::ConnectError::Url(_)) => {
            Failure::Input(e.to_string())
        }
        e => Failure::Runtime(e.to_string()),
    })
}

async fn run(db: &str, command: DatabaseCommand) -> Result<(), Failure> {
    match command {
        DatabaseCommand::Serve {
            addr,
            demo,
            dsfr_dir,
            secure_cookies,
            mail,
        } => {
            let store = open(db).await?;
            match mail.delivery() {
                Some(delivery) => {
                    tracing::info!(relay = %delivery.relay.address, "courriels envoyés par le relais SMTP");
                    tokio::spawn(
                        store
                            .clone()
                            .deliver_periodically(delivery, std::time::Duration::from_secs(mail.mail_every)),
                    );
                }
                None => tracing::info!("pas de relais SMTP (--smtp-relay) : les courriels attendent dans la file"),
            }
            if demo && passerelle_fixtures::demo::load(&store).await? {
                tracing::info!("territoire de démonstration chargé ; comptes : passerelle demo --print-accounts");
            }
            let dsfr_dir = dsfr_dir.unwrap_or_else(default_dsfr_dir);
            if !dsfr_dir.join("dsfr.min.css").exists() {
                tracing::warn!(dir = %dsfr_dir.display(), "DSFR introuvable : lancez scripts/setup (npm ci dans web/)");
            }
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| Failure::Input(format!("impossible d'écouter sur {addr} : {e}")))?;
            tracing::info!("Passerelle écoute sur http://{addr} ({})", store.pool().backend());
            if std::env::var_os(passerelle_store::clock::TODAY_VARIABLE).is_some() {
                tracing::warn!(
                    "horloge lancée au {} ({})",
                    passerelle_store::today(),
                    passerelle_store::clock::TODAY_VARIABLE
                );
            }
            passerelle_web::serve(
                AppState {
                    store,
                    dsfr_dir,
                    secure_cookies,
                },
                listener,
            )
            .await?;
            Ok(())
        }
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

/// The DSFR installed by `scripts/setup`, next to the working directory or to the source tree.
fn default_dsfr_dir() -> PathBuf {
    let relative = PathBuf::from("web/node_modules/@gouvfr/dsfr/dist");
    if relative.exists() {
        relative
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
    }
}
