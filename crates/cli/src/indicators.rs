//! `passerelle indicators`: the indicators computed from the database, as JSON, CSV or XLSX; small counts
//! are masked as in any published table.

use crate::{Failure, open};
use clap::Args;
use passerelle_app::indicators::export::{Format, MINIMUM_THRESHOLD, Query, render};
use passerelle_store::indicators::{self, Origin, Viewer};
use std::path::PathBuf;

#[derive(Args)]
pub struct IndicatorsArgs {
    /// First day (AAAA-MM-JJ).
    #[arg(long)]
    from: String,
    /// Last day (AAAA-MM-JJ).
    #[arg(long)]
    to: String,
    /// Dimensions and period cut, comma-separated: department, region, organisation, siae_kind, agreement,
    /// exit_outcome; month, quarter, year (the whole range by default).
    #[arg(long, default_value = "")]
    by: String,
    /// Only these indicators (codes, comma-separated).
    #[arg(long)]
    indicators: Option<String>,
    /// The values as they were at the end of this day (AAAA-MM-JJ).
    #[arg(long)]
    as_of: Option<String>,
    /// Cells counting fewer people are masked. The operator, who reads the database anyway, may go below the
    /// server's floor (5) for a check; the server's callers may not.
    #[arg(long, default_value_t = MINIMUM_THRESHOLD)]
    threshold: u64,
    /// json, csv or xlsx.
    #[arg(long, default_value = "json")]
    format: String,
    /// The file to write (required for xlsx; the standard output otherwise).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Computes from the recorded tables joined at query time instead of the fact table (the same figures;
    /// the benchmark's comparison).
    #[arg(long)]
    from_sources: bool,
    /// Prints the computation time and the peak memory of the process on the standard error.
    #[arg(long)]
    timing: bool,
}

pub async fn run(db: &str, args: IndicatorsArgs) -> Result<(), Failure> {
    let query = Query {
        from: args.from,
        to: args.to,
        by: Some(args.by),
        indicators: args.indicators,
        as_of: args.as_of,
        threshold: Some(args.threshold),
        format: Some(args.format),
    };
    let request = query
        .request(Viewer::Public, 1)
        .map_err(|e| Failure::Input(e.message))?;
    let format = query.format().map_err(|e| Failure::Input(e.message))?;
    if format == Format::Xlsx && args.output.is_none() {
        return Err(Failure::Input(
            "un classeur XLSX s'écrit dans un fichier : précisez --output FICHIER.xlsx".into(),
        ));
    }
    let store = open(db).await?;
    let origin = if args.from_sources {
        Origin::Sources
    } else {
        Origin::Facts
    };
    let started = std::time::Instant::now();
    let table = indicators::compute_from(&store, &request, origin).await?;
    if args.timing {
        eprintln!(
            "calcul : {:.3} s, {} valeurs, mémoire maximale du processus : {}",
            started.elapsed().as_secs_f64(),
            table.rows.len(),
            peak_memory()
        );
    }
    let bytes = render(&table, &request.dimensions, format);
    if !table.pending.is_empty() {
        let codes: Vec<&str> = table.pending.iter().map(|c| c.code()).collect();
        eprintln!("source à venir (non calculés) : {}", codes.join(", "));
    }
    match args.output {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .map_err(|e| Failure::Input(format!("impossible d'écrire {} : {e}", path.display())))?;
            eprintln!("{} écrit ({} valeurs)", path.display(), table.rows.len());
        }
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), &bytes)?,
    }
    Ok(())
}

/// The process's peak resident memory (VmHWM, Linux).
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "inconnue".into())
}
