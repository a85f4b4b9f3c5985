//! `passerelle synth`: a synthetic France written into the database, for scale tests and benchmarks
//! (scripts/bench-indicators); a progress bar on the standard error.

use crate::{Failure, open};
use clap::Args;
use passerelle_fixtures::synth::{self, Options};

#[derive(Args)]
pub struct SynthArgs {
    /// How many people, each with an IAE pathway.
    #[arg(long)]
    people: u64,
    /// The first year over which the prescriptions are spread.
    #[arg(long, default_value_t = 2025)]
    year: i32,
    /// How many years the people are spread over, from --year (a national history: --years 10).
    #[arg(long, default_value_t = 1)]
    years: u32,
    /// Seed of the generator (the same seed, the same France).
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

pub async fn run(db: &str, args: SynthArgs) -> Result<(), Failure> {
    if args.people == 0 || args.people > 5_000_000 {
        return Err(Failure::Input("--people : entre 1 et 5 000 000 personnes".into()));
    }
    if !(2000..=2100).contains(&args.year) {
        return Err(Failure::Input("--year : une année entre 2000 et 2100".into()));
    }
    if !(1..=10).contains(&args.years) || args.year + args.years as i32 > 2101 {
        return Err(Failure::Input(
            "--years : de 1 à 10 ans, la dernière année au plus tard en 2100".into(),
        ));
    }
    let store = open(db).await?;
    let bar = indicatif::ProgressBar::new(args.people);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} personnes ({per_sec}, reste {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let summary = synth::generate(
        &store,
        Options {
            people: args.people,
            year: args.year,
            years: args.years,
            seed: args.seed,
        },
        |done| bar.set_position(done),
    )
    .await?;
    bar.finish();
    eprintln!(
        "France synthétique écrite en {:.1} s : {} structures dont {} SIAE et {} ESAT, {} conventions, {} personnes, {} lignes de parcours",
        started.elapsed().as_secs_f64(),
        summary.organisations,
        summary.siae,
        summary.esat,
        summary.agreements,
        summary.people,
        summary.rows
    );
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}
