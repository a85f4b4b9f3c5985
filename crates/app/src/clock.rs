//! The clock port: what a use case takes for now and today.

use time::{Date, OffsetDateTime};

/// Now and today, as the use cases date what they record and decide.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;

    fn today(&self) -> Date {
        self.now().date()
    }
}

/// The server's clock: the wall clock, moved to another day when the process was started at one
/// (`PASSERELLE_TODAY`, or tests through [`passerelle_store::infra::clock::start_at`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        passerelle_store::infra::clock::now()
    }
}

/// A clock stopped at one instant, for tests that must not depend on the day they run.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}
