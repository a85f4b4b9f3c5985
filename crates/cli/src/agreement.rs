//! `passerelle agreement list` and `passerelle agreement render`: the agreements, and a convention as PDF,
//! DOCX or HTML, from the database.

use crate::{Failure, open};
use clap::{Subcommand, ValueEnum};
use passerelle_documents::Format;
use passerelle_store::agreements::AgreementSummary;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AgreementCommand {
    /// Lists the agreements (identifier, kind, title, status, version, dates) as JSON or CSV.
    List {
        #[arg(long, value_enum, default_value = "json")]
        format: ListFormat,
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
        AgreementCommand::List { format } => return list(&store.agreements(&ctx).list().await?, format),
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

/// The list on the standard output; the CSV has French headings, for a spreadsheet.
fn list(items: &[AgreementSummary], format: ListFormat) -> Result<(), Failure> {
    match format {
        ListFormat::Json => println!("{}", serde_json::to_string_pretty(items)?),
        ListFormat::Csv => {
            let mut out = csv::Writer::from_writer(std::io::stdout().lock());
            out.write_record(["identifiant", "type", "titre", "statut", "version", "début", "fin"])?;
            let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
            for a in items {
                out.write_record([
                    a.id.to_string(),
                    a.kind_label.to_owned(),
                    a.title.clone(),
                    a.status_label.to_owned(),
                    a.current_version.to_string(),
                    date(a.starts_on),
                    date(a.ends_on),
                ])?;
            }
            out.flush()?;
        }
    }
    Ok(())
}
