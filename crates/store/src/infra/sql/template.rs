//! Scratch databases for tests: each a copy of a template that the process migrates, and seeds if asked, once.
//!
//! Migrating and loading the demo (whose passwords are hashed with argon2) costs far more than copying a file or
//! cloning a PostgreSQL database, and every test starts from the same state. Templates are named per process (a
//! UUID), so that test binaries running side by side never share one.

use std::path::{Path, PathBuf};

use tokio::sync::OnceCell;
use uuid::Uuid;

use super::{ConnectError, clone_postgres_database, create_postgres_database, scratch_postgres_admin_url};
use crate::{OpenError, Store, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What a scratch database holds besides its schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    Empty,
    Demo,
}

/// The templates, one per content, built at first use.
static SQLITE: [OnceCell<PathBuf>; 2] = [OnceCell::const_new(), OnceCell::const_new()];
static POSTGRES: [OnceCell<String>; 2] = [OnceCell::const_new(), OnceCell::const_new()];

/// A database of its own on `backend`, migrated, holding `content`, opened. Start the clock
/// ([`crate::infra::clock::start_at`]) before the first call: the template is dated when it is seeded.
pub async fn store(backend: Backend, content: Content) -> Result<Store, TemplateError> {
    let url = match backend {
        Backend::Sqlite => sqlite_copy(content).await?,
        Backend::Postgres => postgres_clone(content).await?,
    };
    Ok(Store::open(&url).await?)
}

/// Migrates the database at `url`, loads the demo if asked, and closes every connection to it: closing the last
/// one checkpoints SQLite's write-ahead log into the file, and PostgreSQL clones no database that has a session.
async fn seed(url: &str, content: Content) -> Result<(), TemplateError> {
    let store = Store::open(url).await?;
    if content == Content::Demo {
        crate::demo::load(&store).await?;
    }
    store.pool().close().await;
    Ok(())
}

async fn sqlite_copy(content: Content) -> Result<String, TemplateError> {
    let template = SQLITE[content as usize]
        .get_or_try_init(|| async {
            let path = scratch_file("template");
            seed(&sqlite_url(&path), content).await?;
            Ok::<_, TemplateError>(path)
        })
        .await?;
    let copy = scratch_file("test");
    tokio::fs::copy(template, &copy).await?;
    Ok(sqlite_url(&copy))
}

fn scratch_file(role: &str) -> PathBuf {
    std::env::temp_dir().join(format!("passerelle-{role}-{}.db", Uuid::new_v4()))
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Clones need no lock between them: a clone connects to the admin database, not to the template, and PostgreSQL
/// lets several copy one template at once.
async fn postgres_clone(content: Content) -> Result<String, TemplateError> {
    let admin = scratch_postgres_admin_url();
    let template = POSTGRES[content as usize]
        .get_or_try_init(|| async {
            let name = scratch_name("template");
            seed(&create_postgres_database(&admin, &name).await?, content).await?;
            Ok::<_, TemplateError>(name)
        })
        .await?;
    Ok(clone_postgres_database(&admin, template, &scratch_name("test")).await?)
}

fn scratch_name(role: &str) -> String {
    format!("passerelle_{role}_{}", Uuid::new_v4().simple())
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("chargement de la démonstration : {0}")]
    Seed(#[from] StoreError),
    #[error("copie du modèle de base SQLite : {0}")]
    Copy(#[from] std::io::Error),
}
