//! `passerelle deadlines scan`: the daily pass of the deadlines engine, for operators who run it from cron or a
//! timer (every server also runs it once a day, `passerelle serve --deadlines-every`).

use crate::{Failure, open};
use clap::Subcommand;
use passerelle_app::SystemClock;
use passerelle_app::deadlines::scan;
use passerelle_store::obligations::Window;
use time::Date;

#[derive(Subcommand)]
pub enum DeadlinesCommand {
    /// Refreshes the agreements' deadlines, tells each organisation in the application about what comes
    /// due, enqueues one digest e-mail per user for the day and records the tripartite interviews missed;
    /// prints what it did as JSON. Running it twice the same day sends and records nothing more.
    Scan {
        /// The day of the scan (YYYY-MM-DD); today by default.
        #[arg(long, value_parser = parse_day)]
        on: Option<Date>,
        /// Overdue obligations of the last N days are included.
        #[arg(long, default_value_t = 30)]
        overdue_days: i64,
        /// Obligations due within N days are included.
        #[arg(long, default_value_t = 14)]
        ahead_days: i64,
    },
}

fn parse_day(value: &str) -> Result<Date, String> {
    Date::parse(value, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("« {value} » n'est pas une date AAAA-MM-JJ"))
}

pub async fn run(db: &str, command: DeadlinesCommand) -> Result<(), Failure> {
    match command {
        DeadlinesCommand::Scan {
            on,
            overdue_days,
            ahead_days,
        } => {
            if !(0..=366).contains(&overdue_days) || !(0..=366).contains(&ahead_days) {
                return Err(Failure::Input(
                    "--overdue-days et --ahead-days vont de 0 à 366 jours".into(),
                ));
            }
            let store = open(db).await?;
            let window = Window {
                overdue_days,
                ahead_days,
            };
            let scan = scan(&store, &SystemClock, on, window).await.map_err(Failure::app)?;
            println!("{}", serde_json::to_string(&scan)?);
        }
    }
    Ok(())
}
