//! `passerelle import rome`: loads the ROME referential that France Travail publishes (docs/rome.md).

use crate::{Failure, open};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use passerelle_domain::rome;
use std::path::{Path, PathBuf};
use time::Date;
use time::macros::format_description;

#[derive(Args)]
pub struct RomeArgs {
    /// The families file (`code_rome;libelle_rome`), e.g. romes.csv.
    #[arg(long)]
    codes: PathBuf,
    /// The job titles file (`ogr_appellation;rome_code;libelle_appellation_long;libelle_appellation_court`),
    /// e.g. appellations.csv.
    #[arg(long)]
    titles: PathBuf,
    /// The date of the snapshot France Travail published (YYYY-MM-DD), shown with the job pickers.
    #[arg(long)]
    version: String,
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::Input(format!("lecture de « {} » impossible : {e}", path.display())))
}

/// The snapshot's date: a day, not after today.
fn version(raw: &str) -> Result<Date, Failure> {
    let day = Date::parse(raw.trim(), format_description!("[year]-[month]-[day]")).map_err(|_| {
        Failure::Input(format!(
            "--version « {raw} » : indiquez la date de la version publiée, AAAA-MM-JJ."
        ))
    })?;
    if day > passerelle_store::today() {
        return Err(Failure::Input(format!(
            "--version « {raw} » : la version publiée ne peut pas être postérieure à aujourd'hui."
        )));
    }
    Ok(day)
}

/// Reads both files whole and refuses them, every bad row named by its line, before the database is opened:
/// nothing is half-loaded. The store writes them in one transaction.
pub async fn import(db: &str, args: RomeArgs) -> Result<(), Failure> {
    let version = version(&args.version)?;
    let referential = rome::read(&read(&args.codes)?, &read(&args.titles)?).map_err(|errors| {
        for e in &errors {
            eprintln!("{e}");
        }
        Failure::Input(format!(
            "{} ligne(s) refusée(s) : rien n'a été importé, corrigez les fichiers",
            errors.len()
        ))
    })?;
    let store = open(db).await?;
    let ctx = store.operator_context("import rome");
    let bar = ProgressBar::new((referential.families.len() + referential.titles.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} codes et appellations ROME ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = store
        .import_rome(&ctx, &referential, version, |n| bar.set_position(n as u64))
        .await?;
    bar.finish_and_clear();
    eprintln!(
        "{} chargé : codes ROME {} créé(s), {} mis à jour, {} inchangé(s) ; appellations {} créée(s), {} mise(s) à jour, {} inchangée(s)",
        rome::edition(version),
        report.codes.created,
        report.codes.updated,
        report.codes.unchanged,
        report.appellations.created,
        report.appellations.updated,
        report.appellations.unchanged
    );
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
