//! `passerelle agreement list` and `passerelle agreement render`: the agreements, and a convention as PDF,
//! DOCX or HTML, from the database.

use crate::{Failure, open};
use clap::{Subcommand, ValueEnum};
use passerelle_app::agreements::document::render_agreement;
use passerelle_app::agreements::list::{ListFormat as Sheet, export_agreements_file};
use passerelle_app::{AppError, SystemClock};
use passerelle_documents::Format;
use passerelle_store::StoreError;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AgreementCommand {
    /// Lists the agreements (identifier, kind, title, status, version, dates) as JSON, CSV, or an XLSX
    /// workbook with a second sheet of deadlines (the parties' to-do list).
    List {
        #[arg(long, value_enum, default_value = "json")]
        format: ListFormat,
        /// The file to write (required for xlsx; the standard output otherwise).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Renders one version of an agreement (the current one by default) from its structure.
    Render {
        /// The agreement's identifier.
        id: String,
        #[arg(long, value_enum)]
        format: DocumentFormat,
        #[arg(long, short)]
        output: PathBuf,
        /// The version to render.
        #[arg(long)]
        version: Option<i64>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Json,
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DocumentFormat {
    Pdf,
    Docx,
    Html,
}

pub async fn run(db: &str, command: AgreementCommand) -> Result<(), Failure> {
    let store = open(db).await?;
    let ctx = store.operator_context("passerelle agreement");
    let (id, format, output, version) = match command {
        AgreementCommand::List { format, output } => return list(&store, &ctx, format, output).await,
        AgreementCommand::Render {
            id,
            format,
            output,
            version,
        } => (id, format, output, version),
    };
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| Failure::Input(format!("« {id} » n'est pas un identifiant de convention.")))?;
    let format = match format {
        DocumentFormat::Pdf => Format::Pdf,
        DocumentFormat::Docx => Format::Docx,
        DocumentFormat::Html => Format::Html,
    };
    let bytes = render_agreement(&store, &ctx, &SystemClock, id, format, version)
        .await
        .map_err(|e| match e {
            AppError::Store(StoreError::NotFound { .. }) => Failure::Input(format!("{e} : {id}")),
            e => Failure::app(e),
        })?
        .bytes;
    std::fs::write(&output, &bytes)
        .map_err(|e| Failure::Input(format!("impossible d'écrire {} : {e}", output.display())))?;
    eprintln!("{} écrit ({} octets)", output.display(), bytes.len());
    Ok(())
}

/// The list on the standard output or in `output`; CSV and XLSX have French headings, for a spreadsheet.
async fn list(
    store: &passerelle_store::Store,
    ctx: &passerelle_store::AccessContext,
    format: ListFormat,
    output: Option<PathBuf>,
) -> Result<(), Failure> {
    let bytes = match format {
        ListFormat::Json => {
            let mut json = serde_json::to_vec_pretty(&store.agreements(ctx).list().await?)?;
            json.push(b'\n');
            json
        }
        ListFormat::Csv => {
            export_agreements_file(store, ctx, Sheet::Csv)
                .await
                .map_err(Failure::app)?
                .bytes
        }
        ListFormat::Xlsx if output.is_none() => {
            return Err(Failure::Input(
                "un classeur XLSX s'écrit dans un fichier : précisez --output FICHIER.xlsx".into(),
            ));
        }
        ListFormat::Xlsx => {
            export_agreements_file(store, ctx, Sheet::Xlsx)
                .await
                .map_err(Failure::app)?
                .bytes
        }
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .map_err(|e| Failure::Input(format!("impossible d'écrire {} : {e}", path.display())))?;
            eprintln!("{} écrit ({} octets)", path.display(), bytes.len());
        }
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), &bytes)?,
    }
    Ok(())
}
