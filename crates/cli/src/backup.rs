//! `passerelle backup` and `passerelle restore`: SQLite in process (a consistent copy taken while the server
//! runs), PostgreSQL through its own tools (`pg_dump` custom format, `pg_restore` in one transaction).

use crate::{Failure, open};
use passerelle_store::infra::backup::{self, BackupError, BackupSummary};
use passerelle_store::infra::sql::{Executor, query, sqlite_path};
use std::path::{Path, PathBuf};
use std::process::Command;

fn failure(e: BackupError) -> Failure {
    if e.is_input() {
        Failure::Input(e.to_string())
    } else {
        Failure::Runtime(e.to_string())
    }
}

pub async fn backup(db: &str, output: &Path) -> Result<(), Failure> {
    if sqlite_path(db).is_some() {
        if output.exists() {
            return Err(failure(BackupError::Exists(output.to_owned())));
        }
        let store = open(db).await?;
        report("sauvegarde écrite", &store.backup_to(output).await.map_err(failure)?);
        return Ok(());
    }
    postgres_only(db)?;
    if output.exists() {
        return Err(failure(BackupError::Exists(output.to_owned())));
    }
    // The custom format is compressed and lets pg_restore check the archive before touching the database.
    let dumped = run_tool(
        Command::new("pg_dump")
            .args(["--format=custom", "--no-owner", "--dbname", db, "--file"])
            .arg(output),
    )?;
    if !dumped {
        let _ = std::fs::remove_file(output);
        return Err(Failure::Runtime("pg_dump a échoué (voir son message ci-dessus)".into()));
    }
    eprintln!(
        "sauvegarde écrite : {} ({} octets)",
        output.display(),
        std::fs::metadata(output)?.len()
    );
    Ok(())
}

pub async fn restore(db: &str, input: &Path, force: bool) -> Result<(), Failure> {
    if let Some(target) = sqlite_path(db) {
        let summary = backup::restore(input, &PathBuf::from(target), force)
            .await
            .map_err(failure)?;
        report("base restaurée", &summary);
        return Ok(());
    }
    postgres_only(db)?;
    if !run_tool(
        Command::new("pg_restore")
            .arg("--list")
            .arg(input)
            .stdout(std::process::Stdio::null()),
    )? {
        return Err(Failure::Input(format!(
            "{} n'est pas une sauvegarde pg_dump (format custom) : rien n'a été changé",
            input.display()
        )));
    }
    let store = open(db).await?;
    let mut pool = store.pool().clone();
    let organisations: i64 = pool
        .fetch_one(query("SELECT COUNT(*) AS n FROM organisations"))
        .await?
        .get("n")?;
    pool.close().await;
    if organisations > 0 && !force {
        return Err(Failure::Input(format!(
            "la base contient déjà {organisations} organisations : ajoutez --force pour la remplacer par la sauvegarde"
        )));
    }
    // One transaction: a failed restore leaves the database as it was.
    let restored = run_tool(
        Command::new("pg_restore")
            .args([
                "--single-transaction",
                "--exit-on-error",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--dbname",
                db,
            ])
            .arg(input),
    )?;
    if !restored {
        return Err(Failure::Runtime(
            "pg_restore a échoué : la base est restée telle quelle".into(),
        ));
    }
    eprintln!("base restaurée depuis {}", input.display());
    Ok(())
}

fn postgres_only(db: &str) -> Result<(), Failure> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        Ok(())
    } else {
        Err(Failure::Input(format!(
            "base inconnue : {db} (attendu sqlite://chemin ou postgres://...)"
        )))
    }
}

/// Runs a PostgreSQL tool, its messages going to the operator; `Ok(false)` when it fails.
fn run_tool(command: &mut Command) -> Result<bool, Failure> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command
        .status()
        .map_err(|e| Failure::Runtime(format!("{program} introuvable ({e}) : installez postgresql-client")))?;
    Ok(status.success())
}

fn report(what: &str, summary: &BackupSummary) {
    eprintln!(
        "{what} : {} ({} octets, schéma {}, {} organisations, {} personnes, {} événements)",
        summary.path.display(),
        summary.bytes,
        summary.schema_version,
        summary.organisations,
        summary.persons,
        summary.events
    );
}
