//! `passerelle agreement list` and `passerelle agreement render`: the agreements, and a convention as PDF,
//! DOCX or HTML, from the database.

use crate::{Failure, open};
use clap::{Subcommand, ValueEnum};
use passerelle_documents::Format;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AgreementCommand {
    /// Lists the agreements as JSON (identifier, kind, title, status, version, dates).
    List,
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
pub enum DocumentFormat {
    Pdf,
    Docx,
    Html,
}

pub async fn run(db: &str, command: AgreementCommand) -> Result<(), Failure> {
    let store = open(db).await?;
    let ctx = store.operator_context("passerelle agreement");
    let AgreementCommand::Render {
        id,
        format,
        output,
        version,
    } = command
    else {
        println!(
            "{}",
            serde_json::to_string_pretty(&store.agreements(&ctx).list().await?)?
        );
        return Ok(());
    };
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| Failure::Input(format!("« {id} » n'est pas un identifiant de convention.")))?;
    let format = match format {
        DocumentFormat::Pdf => Format::Pdf,
        DocumentFormat::Docx => Format::Docx,
        DocumentFormat::Html => Format::Html,
    };
    let (bytes, _) = passerelle_web::api::agreements::render_agreement(&store, &ctx, id, format, version)
        .await
        .map_err(|e| match e {
            passerelle_store::StoreError::NotFound { .. } => Failure::Input(format!("{e} : {id}")),
            e => Failure::Runtime(e.to_string()),
        })?;
    std::fs::write(&output, &bytes)
        .map_err(|e| Failure::Input(format!("impossible d'écrire {} : {e}", output.display())))?;
    eprintln!("{} écrit ({} octets)", output.display(), bytes.len());
    Ok(())
}
