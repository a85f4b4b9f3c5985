//! Passerelle's storage: one SQL layer over SQLite (embedded default) and PostgreSQL (production), laid out like
//! the domain.
//!
//! - [`infra`]: the SQL layer, the clock, errors, the event journal ([`infra::events`]), idempotency keys, the
//!   outbox and the notifications inbox, paging and backups.
//! - [`access`]: the [`AccessContext`] through which every query is filtered, built by [`auth`] only
//!   (passwords, sessions, tokens, the second factor).
//! - [`directory`] (organisations, contacts, authorisations, data·inclusion), [`person`], [`agreements`],
//!   [`pathways`] (`iae`, `esat`, `immersion`, `supported`, and the views across them), [`governance`],
//!   [`obligations`] (the deadlines engine), [`indicators`] and [`privacy`] (audit of reads, a person's file,
//!   retention).
//!
//! Every change is written with its event in one transaction. The demo territory and the synthetic France are
//! in the `passerelle-fixtures` crate, written through this crate's public API.

pub mod access;
pub mod agreements;
pub mod auth;
pub mod directory;
pub mod governance;
pub mod indicators;
pub mod infra;
pub mod obligations;
pub mod pathways;
pub mod person;
pub mod privacy;
pub mod rome;

pub use access::{AccessContext, MemberRole, Membership};
pub use infra::clock::today;
pub use infra::error::{Result, StoreError};
pub use infra::sql::Pool;

/// The database, opened and migrated.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
}

impl Store {
    /// Opens the database at `url` (`sqlite://path` or `postgres://...`) and applies the migrations.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let pool = Pool::connect(url).await?;
        pool.migrate().await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// A transaction for changes that span several store calls (imports, the demo loader).
    pub async fn begin(&self) -> Result<infra::sql::Tx> {
        Ok(self.pool.begin().await?)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Connect(#[from] infra::sql::ConnectError),
    #[error("échec des migrations : {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
