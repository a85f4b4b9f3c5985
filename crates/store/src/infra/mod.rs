//! What every area stands on: the SQL layer over both databases, the clock, the event journal and its readers,
//! idempotency keys, the outbox and the inbox, paging, backups and the retention purge.

pub mod audit;
pub mod backup;
pub mod clock;
pub mod error;
pub mod events;
pub mod idempotency;
pub mod notifications;
pub mod outbox;
pub mod paging;
pub mod retention;
pub mod sql;
