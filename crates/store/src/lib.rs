//! Passerelle's storage: one SQL layer over SQLite (embedded default) and PostgreSQL (production).
//!
//! Every change is written with its event in one transaction ([`events`]); access is enforced in the
//! queries through the [`access::AccessContext`] that only [`auth`] builds.

pub mod access;
pub mod agreements;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod clock;
pub mod contracts;
pub mod demo;
pub mod directory;
pub mod error;
pub mod esat;
pub mod events;
pub mod follow_up;
pub mod governance;
pub mod iae_pathway;
pub mod idempotency;
pub mod immersions;
pub mod indicators;
pub mod notifications;
pub mod obligations;
pub mod offers;
pub mod outbox;
pub mod paging;
pub mod pathway_lists;
pub mod person_file;
pub mod person_pathways;
pub mod persons;
pub mod prescriptions;
pub mod retention;
pub mod second_factor;
pub mod skills_record;
pub mod sql;
pub mod structures;
pub mod supported;
pub mod synth;

pub use access::{AccessContext, MemberRole, Membership};
pub use clock::today;
pub use error::{Result, StoreError};
pub use sql::Pool;

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
    pub async fn begin(&self) -> Result<sql::Tx> {
        Ok(self.pool.begin().await?)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Connect(#[from] sql::ConnectError),
    #[error("échec des migrations : {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
