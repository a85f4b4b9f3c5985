//! `passerelle retention`: the report of the people inactive for the period, and with `--apply` their
//! anonymisation (docs/registre-des-traitements.md).

use crate::{Failure, open};
use passerelle_store::privacy::retention::{DEFAULT_INACTIVE_DAYS, MIN_INACTIVE_DAYS};

#[derive(clap::Args)]
pub struct RetentionOptions {
    /// Days without activity after which a person is anonymised.
    #[arg(long, default_value_t = DEFAULT_INACTIVE_DAYS)]
    inactive_days: u32,
    /// Anonymises; without it, only the report (dry run).
    #[arg(long)]
    apply: bool,
}

pub async fn run(db: &str, o: RetentionOptions) -> Result<(), Failure> {
    if o.inactive_days < MIN_INACTIVE_DAYS {
        return Err(Failure::Input(format!(
            "--inactive-days {} : au moins {MIN_INACTIVE_DAYS} jours, pour ne pas effacer des parcours en cours",
            o.inactive_days
        )));
    }
    let store = open(db).await?;
    let ctx = store.operator_context("règle de conservation");
    let today = passerelle_store::infra::clock::now().date();
    let report = store.retention(&ctx, o.inactive_days, today, o.apply).await?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    eprintln!(
        "{} personne(s) sans activité depuis le {} : {}",
        report.count,
        report.cutoff,
        if o.apply {
            "anonymisée(s)"
        } else {
            "rapport à blanc, rien n'a été modifié (--apply pour anonymiser)"
        }
    );
    Ok(())
}
