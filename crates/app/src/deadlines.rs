//! The deadlines engine's daily pass: refresh the agreements' obligations, tell each organisation what comes due,
//! enqueue the day's digests and record the tripartite interviews missed. Operators may run it from cron
//! (`passerelle deadlines scan`); every server also runs it itself once a day ([`run_daily`]), one server of
//! several doing it, so that reminders happen on every deployment.

use crate::{AppError, Clock};
use passerelle_store::Store;
use passerelle_store::infra::daily::DailyTask;
use passerelle_store::obligations::{ScanReport, Window};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use time::Date;

/// What a pass did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scan {
    /// Agreements whose obligations were written again.
    pub agreements_refreshed: u64,
    #[serde(flatten)]
    pub report: ScanReport,
}

/// How long a server holds the day's pass before another may take it over (a pass takes seconds).
const LEASE_SECONDS: i64 = 15 * 60;

/// One pass for the day `on` (today by default). Running it twice the same day sends and records nothing more.
pub async fn scan(store: &Store, clock: &dyn Clock, on: Option<Date>, window: Window) -> Result<Scan, AppError> {
    let now = clock.now();
    let agreements_refreshed = store.refresh_agreement_obligations().await?;
    let report = store.scan_deadlines(on.unwrap_or(now.date()), window, now).await?;
    Ok(Scan {
        agreements_refreshed,
        report,
    })
}

/// Today's pass, unless it is done or another server runs it (`None` then).
pub async fn daily_pass(store: &Store, clock: &dyn Clock, worker: &str) -> Result<Option<Scan>, AppError> {
    let today = clock.today();
    if !store
        .claim_daily(DailyTask::Deadlines, today, worker, clock.now(), LEASE_SECONDS)
        .await?
    {
        return Ok(None);
    }
    match scan(store, clock, Some(today), Window::default()).await {
        Ok(done) => {
            store.release_daily(DailyTask::Deadlines, worker, Some(today)).await?;
            Ok(Some(done))
        }
        Err(e) => {
            // The lease goes at once so that the next tick, here or elsewhere, tries again.
            store.release_daily(DailyTask::Deadlines, worker, None).await?;
            Err(e)
        }
    }
}

/// For the life of a server: every `every`, today's pass if no server did it yet.
pub async fn run_daily(store: Store, clock: Arc<dyn Clock>, every: Duration) {
    let worker = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        match daily_pass(&store, clock.as_ref(), &worker).await {
            Ok(Some(scan)) => tracing::info!(
                due = scan.report.due,
                notified = scan.report.notified,
                digests = scan.report.digests,
                missed_interviews = scan.report.missed_interviews,
                "échéances du jour examinées"
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "examen des échéances interrompu ; nouvel essai plus tard"),
        }
    }
}
