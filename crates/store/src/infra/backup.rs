//! Backups of the embedded database. `VACUUM INTO` writes a consistent snapshot while the server keeps
//! running (it reads inside one transaction, and WAL lets writers go on); a restore checks the copy before it
//! replaces anything, so a wrong file never destroys a working database.
//! PostgreSQL is saved with its own tools (`pg_dump`), see docs/operations.md.

use crate::Store;
use crate::infra::sql::Pool;
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("le fichier {} existe déjà : choisissez un autre nom (rien n'a été écrit)", .0.display())]
    Exists(PathBuf),
    #[error(
        "la base {} existe déjà : ajoutez --force pour la remplacer par la sauvegarde",
        .0.display()
    )]
    TargetExists(PathBuf),
    #[error("{} n'est pas une sauvegarde de Passerelle : {reason}", .path.display())]
    NotABackup { path: PathBuf, reason: String },
    #[error(
        "la sauvegarde {} vient d'une version plus récente de Passerelle (migration {version} inconnue) : \
         restaurez-la avec cette version",
        .path.display()
    )]
    Newer { path: PathBuf, version: i64 },
    #[error("la sauvegarde en ligne par Passerelle concerne SQLite ; pour PostgreSQL, utilisez pg_dump")]
    NotSqlite,
    #[error("erreur de base de données : {0}")]
    Database(#[from] sqlx::Error),
    #[error("erreur de fichier : {0}")]
    Io(#[from] std::io::Error),
}

impl BackupError {
    /// Whether the operator asked for something that cannot be done (CLI exit code 2), rather than the
    /// machine failing.
    pub fn is_input(&self) -> bool {
        !matches!(self, Self::Database(_) | Self::Io(_))
    }
}

/// What a backup holds, read back from the file itself.
#[derive(Debug, Clone, Serialize)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    /// The last migration applied in the copy.
    pub schema_version: i64,
    pub organisations: i64,
    pub persons: i64,
    pub events: i64,
}

impl Store {
    /// Writes a consistent copy of the SQLite database to `output`, which must not exist, and checks it.
    pub async fn backup_to(&self, output: &Path) -> Result<BackupSummary, BackupError> {
        let Pool::Sqlite(pool, ..) = &self.pool else {
            return Err(BackupError::NotSqlite);
        };
        if output.exists() {
            return Err(BackupError::Exists(output.to_owned()));
        }
        let target = output.to_str().ok_or_else(|| BackupError::NotABackup {
            path: output.to_owned(),
            reason: "le chemin n'est pas en UTF-8".into(),
        })?;
        sqlx::query("VACUUM INTO ?").bind(target).execute(pool).await?;
        inspect(output).await
    }
}

/// Opens `path` read-only and checks that it is a whole Passerelle database this version knows.
pub async fn inspect(path: &Path) -> Result<BackupSummary, BackupError> {
    let not_a_backup = |reason: &str| BackupError::NotABackup {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let bytes = std::fs::metadata(path)
        .map_err(|_| not_a_backup("fichier introuvable"))?
        .len();
    let mut db = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| not_a_backup(&e.to_string()))?;
    let summary = read_summary(&mut db, path, bytes).await;
    db.close().await?;
    summary
}

async fn read_summary(db: &mut SqliteConnection, path: &Path, bytes: u64) -> Result<BackupSummary, BackupError> {
    let not_a_backup = |reason: String| BackupError::NotABackup {
        path: path.to_owned(),
        reason,
    };
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut *db)
        .await
        .map_err(|e| not_a_backup(format!("fichier SQLite illisible ({e})")))?;
    if integrity != "ok" {
        return Err(not_a_backup(format!("fichier abîmé ({integrity})")));
    }
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(&mut *db)
        .await
        .map_err(|_| not_a_backup("aucune migration de Passerelle".into()))?;
    let known: BTreeSet<i64> = sqlx::migrate!("./migrations/sqlite")
        .iter()
        .map(|m| m.version)
        .collect();
    if let Some(&version) = applied.iter().find(|v| !known.contains(v)) {
        return Err(BackupError::Newer {
            path: path.to_owned(),
            version,
        });
    }
    let count = |table: &str| format!("SELECT COUNT(*) AS n FROM {table}");
    let mut counts = Vec::with_capacity(3);
    for table in ["organisations", "persons", "events"] {
        let row = sqlx::query(sqlx::AssertSqlSafe(count(table)))
            .fetch_one(&mut *db)
            .await
            .map_err(|_| not_a_backup(format!("table {table} absente")))?;
        counts.push(row.try_get::<i64, _>("n")?);
    }
    Ok(BackupSummary {
        path: path.to_owned(),
        bytes,
        schema_version: applied.last().copied().unwrap_or(0),
        organisations: counts[0],
        persons: counts[1],
        events: counts[2],
    })
}

/// Replaces the SQLite database at `target` by the backup at `backup`, after checking the backup. The copy is
/// written beside the target and renamed over it, so the target is either the old database or the whole
/// backup. The server must be stopped while it runs (docs/operations.md).
pub async fn restore(backup: &Path, target: &Path, force: bool) -> Result<BackupSummary, BackupError> {
    let summary = inspect(backup).await?;
    if target.exists() && !force {
        return Err(BackupError::TargetExists(target.to_owned()));
    }
    let partial = sibling(target, ".restauration");
    std::fs::copy(backup, &partial)?;
    std::fs::File::open(&partial)?.sync_all()?;
    // The old database's journal must not be replayed onto the restored file.
    for suffix in ["-wal", "-shm"] {
        match std::fs::remove_file(sibling(target, suffix)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&partial, target)?;
    Ok(BackupSummary {
        path: target.to_owned(),
        ..summary
    })
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
