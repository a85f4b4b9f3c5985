//! The server's clock: what every module takes for now and today when it dates what it records or decides.
//!
//! One clock for the process, read here and nowhere else (a TOTP check excepted: it follows the user's phone,
//! so the wall clock). It runs on the wall clock unless it is started at another day, once, before first use:
//! `PASSERELLE_TODAY=2026-12-06` (a demo shown as of a day) or [`start_at`] (tests, so that they do not depend on
//! the day they run). A started clock is the wall clock moved by whole days: it still runs, and two processes
//! started at the same day read the same instant (a test and the server it spawned agree to the second).

use std::sync::OnceLock;

use time::{Date, Duration, OffsetDateTime};

/// How far the clock is from the wall clock (zero unless started at another day).
static OFFSET: OnceLock<Duration> = OnceLock::new();

/// The variable that starts the clock at another day (`YYYY-MM-DD`).
pub const TODAY_VARIABLE: &str = "PASSERELLE_TODAY";

/// Now, on the server's clock.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc() + offset()
}

/// Today in UTC, as the server dates what it records.
pub fn today() -> Date {
    now().date()
}

fn offset() -> Duration {
    *OFFSET.get_or_init(|| match std::env::var(TODAY_VARIABLE) {
        Ok(day) => parse(&day).map_or(Duration::ZERO, offset_to),
        Err(_) => Duration::ZERO,
    })
}

/// Starts the clock at `day`: today becomes `day`, at the wall clock's time of day. Fails if the clock has
/// already been read or started at another day (starting it again at the same day is allowed, for tests that
/// each start it).
pub fn start_at(day: Date) -> Result<(), AlreadyRunning> {
    let wanted = offset_to(day);
    if *OFFSET.get_or_init(|| wanted) == wanted {
        Ok(())
    } else {
        Err(AlreadyRunning)
    }
}

/// Starts the clock from `PASSERELLE_TODAY` when it is set; an unreadable value is an error, not the wall clock.
pub fn start_from_environment() -> Result<(), String> {
    match std::env::var(TODAY_VARIABLE) {
        Ok(value) => {
            let day = parse(&value).ok_or_else(|| {
                format!("{TODAY_VARIABLE} : date invalide « {value} » (attendu AAAA-MM-JJ, par exemple 2026-12-06)")
            })?;
            start_at(day).map_err(|_| format!("{TODAY_VARIABLE} : l'horloge tourne déjà"))
        }
        Err(_) => Ok(()),
    }
}

fn parse(day: &str) -> Option<Date> {
    Date::parse(day.trim(), time::macros::format_description!("[year]-[month]-[day]")).ok()
}

fn offset_to(day: Date) -> Duration {
    day - OffsetDateTime::now_utc().date()
}

#[derive(Debug, thiserror::Error)]
#[error("l'horloge a déjà été lue ou lancée à un autre jour")]
pub struct AlreadyRunning;

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn a_started_clock_reads_its_day_and_runs() {
        start_at(date!(2026 - 12 - 06)).unwrap();
        let first = now();
        assert_eq!(today(), date!(2026 - 12 - 06));
        assert!(now() >= first);
        start_at(date!(2026 - 12 - 06)).unwrap();
        assert!(start_at(date!(2027 - 01 - 02)).is_err());
        assert_eq!(parse("2027-01-02"), Some(date!(2027 - 01 - 02)));
        assert_eq!(parse("02/01/2027"), None);
    }
}
