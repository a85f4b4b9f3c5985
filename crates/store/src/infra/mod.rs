//! What every area stands on: the SQL layer over both databases, the clock, errors, the event journal,
//! idempotency keys, the journal of reads, the outbox and the notifications inbox, paging and backups.

pub mod backup;
pub mod clock;
pub mod daily;
pub mod error;
pub mod event;
pub mod events;
pub mod idempotency;
pub mod notifications;
pub mod outbox;
pub mod paging;
pub mod sql;
