//! `passerelle import structures` and `passerelle export structures`: the directory in the
//! data·inclusion format (`passerelle import rome` is in `rome`).

use crate::{Failure, open};
use clap::{Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use passerelle_domain::directory::data_inclusion::{self, Format};
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Imports organisations from a data·inclusion structures file (JSON or CSV). A re-import updates,
    /// never duplicates. Nothing is written when the file is malformed or a row is invalid, unless
    /// --skip-invalid is given.
    Structures {
        file: PathBuf,
        /// File format (by default, from the file's extension).
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
        /// Imports the valid rows and reports the others instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Loads the ROME job referential published by France Travail (codes and job titles) in one transaction;
    /// a re-import updates, never duplicates. Nothing is written when a row is refused.
    Rome(crate::rome::RomeArgs),
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Exports the directory as data·inclusion structures.
    Structures {
        #[arg(long, value_enum, default_value = "json")]
        format: FileFormat,
        /// Output file (by default, the standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FileFormat {
    Json,
    Csv,
}

impl From<FileFormat> for Format {
    fn from(f: FileFormat) -> Self {
        match f {
            FileFormat::Json => Format::Json,
            FileFormat::Csv => Format::Csv,
        }
    }
}

pub async fn import(db: &str, cmd: ImportCommand) -> Result<(), Failure> {
    let (file, format, skip_invalid) = match cmd {
        ImportCommand::Structures {
            file,
            format,
            skip_invalid,
        } => (file, format, skip_invalid),
        ImportCommand::Rome(args) => return crate::rome::import(db, args).await,
    };
    let format = match format {
        Some(f) => f.into(),
        None => Format::from_file_name(&file.to_string_lossy()).ok_or_else(|| {
            Failure::Input(format!(
                "format de « {} » inconnu : précisez --format json ou --format csv",
                file.display()
            ))
        })?,
    };
    let bytes = std::fs::read(&file)
        .map_err(|e| Failure::Input(format!("lecture de « {} » impossible : {e}", file.display())))?;
    let parsed =
        data_inclusion::parse(&bytes, format).map_err(|e| Failure::Input(format!("{} ({})", e.message, e.code)))?;
    let (rows, errors): (Vec<_>, Vec<_>) = parsed.into_iter().partition(Result::is_ok);
    let rows: Vec<_> = rows.into_iter().flatten().collect();
    let errors: Vec<_> = errors.into_iter().filter_map(Result::err).collect();
    for e in &errors {
        let field = e.field.as_deref().map(|f| format!(" [{f}]")).unwrap_or_default();
        eprintln!("ligne {}{field} : {} ({})", e.row, e.message, e.code);
    }
    if !errors.is_empty() && !skip_invalid {
        return Err(Failure::Input(format!(
            "{} ligne(s) invalide(s) sur {} : rien n'a été importé (corrigez le fichier ou relancez avec --skip-invalid)",
            errors.len(),
            errors.len() + rows.len()
        )));
    }
    let store = open(db).await?;
    let ctx = store.operator_context(&format!("import {}", file.display()));
    let bar = ProgressBar::new(rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} structures ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = store
        .import_structures(&ctx, &rows, |n| bar.set_position(n as u64))
        .await?;
    bar.finish_and_clear();
    eprintln!(
        "import terminé : {} créée(s), {} mise(s) à jour, {} inchangée(s), {} ligne(s) ignorée(s)",
        report.created,
        report.updated,
        report.unchanged,
        errors.len()
    );
    println!(
        "{}",
        serde_json::json!({ "created": report.created, "updated": report.updated, "unchanged": report.unchanged, "skipped": errors.len() })
    );
    Ok(())
}

pub async fn export(db: &str, cmd: ExportCommand) -> Result<(), Failure> {
    let ExportCommand::Structures { format, output } = cmd;
    let store = open(db).await?;
    let ctx = store.operator_context("export");
    let structures = store.export_structures(&ctx).await?;
    let bytes = data_inclusion::write(&structures, format.into());
    match output {
        Some(path) => std::fs::write(&path, bytes)
            .map_err(|e| Failure::Input(format!("écriture de « {} » impossible : {e}", path.display())))?,
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(())
}
