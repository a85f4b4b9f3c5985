//! One SQL layer over two databases.
//!
//! Queries are written once, with `$1..$n` placeholders that both SQLite and PostgreSQL accept, and bound
//! with typed [`Value`]s so that dates, timestamps and UUIDs keep their native types on each side
//! (unlike `sqlx::Any`). Rows are read through [`Row::get`], which decodes from either backend.

pub mod read_journal;

use read_journal::ReadJournal;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Decode, Postgres, Sqlite, Transaction, Type};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use time::{Date, OffsetDateTime};
use tokio::sync::OwnedMutexGuard;
use uuid::Uuid;

/// A value bound to a placeholder; each variant carries its type even when NULL, as PostgreSQL needs.
#[derive(Debug, Clone)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Uuid(Option<Uuid>),
    Date(Option<Date>),
    Time(Option<OffsetDateTime>),
    Json(Option<serde_json::Value>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! value_from {
    ($($t:ty => $variant:ident),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::$variant(Some(v.into())) }
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Self { Value::$variant(v.map(Into::into)) }
        }
    )*};
}

value_from!(String => Text, &str => Text, i64 => Int, bool => Bool, Uuid => Uuid, Date => Date,
    OffsetDateTime => Time, serde_json::Value => Json, Vec<u8> => Bytes);

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}

impl From<&Option<String>> for Value {
    fn from(v: &Option<String>) -> Self {
        Value::Text(v.clone())
    }
}

/// A statement and its arguments.
#[derive(Debug, Clone)]
pub struct Query {
    sql: String,
    args: Vec<Value>,
}

/// Starts a query; `sql` is built by the store from its own fragments, never from user input.
pub fn query(sql: impl Into<String>) -> Query {
    Query {
        sql: sql.into(),
        args: Vec::new(),
    }
}

impl Query {
    pub fn bind(mut self, v: impl Into<Value>) -> Self {
        self.args.push(v.into());
        self
    }

    /// Number of the next placeholder, to build `$n` in dynamic SQL.
    pub fn next_placeholder(&self) -> usize {
        self.args.len() + 1
    }

    pub fn prepend_sql(&mut self, fragment: &str) {
        self.sql.insert_str(0, fragment);
    }

    pub fn push_sql(&mut self, fragment: &str) {
        self.sql.push_str(fragment);
    }

    /// Appends a fragment with one `{}` standing for a new placeholder bound to `v`.
    pub fn push_bound(&mut self, fragment: &str, v: impl Into<Value>) {
        let n = self.next_placeholder();
        self.sql.push_str(&fragment.replace("{}", &format!("${n}")));
        self.args.push(v.into());
    }
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Value::Text(v) => q.bind(v),
                Value::Int(v) => q.bind(v),
                Value::Bool(v) => q.bind(v),
                Value::Uuid(v) => q.bind(v),
                Value::Date(v) => q.bind(v),
                Value::Time(v) => q.bind(v),
                Value::Json(v) => q.bind(v.map(sqlx::types::Json)),
                Value::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

/// A row from either backend.
pub enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

/// Types that decode from both backends.
pub trait Column: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres> {}
impl<T> Column for T where T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres> {}

impl Row {
    pub fn get<T: Column>(&self, column: &str) -> Result<T, sqlx::Error> {
        use sqlx::Row as _;
        match self {
            Row::Sqlite(r) => r.try_get(column),
            Row::Postgres(r) => r.try_get(column),
        }
    }

    pub fn json(&self, column: &str) -> Result<Option<serde_json::Value>, sqlx::Error> {
        self.get::<Option<sqlx::types::Json<serde_json::Value>>>(column)
            .map(|v| v.map(|j| j.0))
    }
}

/// The key of PostgreSQL's advisory lock that every write transaction holds ("Passerel" in ASCII):
/// any number, as long as nothing else in the database uses it.
pub const WRITE_LOCK: i64 = 0x5061_7373_6572_656c;

/// The database: an embedded SQLite file or a PostgreSQL server.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool, WriteQueue, ReadJournal),
    Postgres(PgPool, ReadJournal),
}

/// SQLite has one writer at a time. Its busy handler lets waiting writers poll the lock, so under load one of
/// them can lose the race again and again until its timeout; the writers of one process wait in this line
/// instead, first come first served, and only poll for writers of other processes (a command beside the
/// server).
#[derive(Clone, Debug, Default)]
pub struct WriteQueue(Arc<tokio::sync::Mutex<()>>);

impl WriteQueue {
    /// The turn of one write transaction, held until it ends; busy after the same 10 seconds as the lock.
    async fn turn(&self) -> Result<OwnedMutexGuard<()>, sqlx::Error> {
        tokio::time::timeout(LOCK_WAIT, self.0.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)
    }
}

/// How long a write waits for its turn before the store answers busy.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// A transaction on either backend; dropped without [`Tx::commit`], it rolls back. A SQLite write transaction
/// holds its turn in the [`WriteQueue`] (dropped after the transaction: fields drop in order).
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>, Option<OwnedMutexGuard<()>>),
    Postgres(Transaction<'static, Postgres>),
}

/// The executor of one backend or the other: a pool, or a transaction's connection.
enum Target<S, P> {
    Sqlite(S),
    Postgres(P),
}

impl<'c, S, P> Target<S, P>
where
    S: sqlx::Executor<'c, Database = Sqlite>,
    P: sqlx::Executor<'c, Database = Postgres>,
{
    async fn execute(self, q: Query) -> Result<u64, sqlx::Error> {
        let Query { sql, args } = q;
        match self {
            Target::Sqlite(ex) => bind_all!(sqlx::query::<Sqlite>(AssertSqlSafe(sql)), args)
                .execute(ex)
                .await
                .map(|r| r.rows_affected()),
            Target::Postgres(ex) => bind_all!(sqlx::query::<Postgres>(AssertSqlSafe(sql)), args)
                .execute(ex)
                .await
                .map(|r| r.rows_affected()),
        }
    }

    async fn fetch_all(self, q: Query) -> Result<Vec<Row>, sqlx::Error> {
        let Query { sql, args } = q;
        match self {
            Target::Sqlite(ex) => {
                let rows = bind_all!(sqlx::query::<Sqlite>(AssertSqlSafe(sql)), args)
                    .fetch_all(ex)
                    .await?;
                Ok(rows.into_iter().map(Row::Sqlite).collect())
            }
            Target::Postgres(ex) => {
                let rows = bind_all!(sqlx::query::<Postgres>(AssertSqlSafe(sql)), args)
                    .fetch_all(ex)
                    .await?;
                Ok(rows.into_iter().map(Row::Postgres).collect())
            }
        }
    }

    async fn fetch_optional(self, q: Query) -> Result<Option<Row>, sqlx::Error> {
        let Query { sql, args } = q;
        match self {
            Target::Sqlite(ex) => Ok(bind_all!(sqlx::query::<Sqlite>(AssertSqlSafe(sql)), args)
                .fetch_optional(ex)
                .await?
                .map(Row::Sqlite)),
            Target::Postgres(ex) => Ok(bind_all!(sqlx::query::<Postgres>(AssertSqlSafe(sql)), args)
                .fetch_optional(ex)
                .await?
                .map(Row::Postgres)),
        }
    }
}

/// Reading and writing, the same on a pool or inside a transaction.
pub trait Executor: Send {
    fn execute(&mut self, q: Query) -> impl Future<Output = Result<u64, sqlx::Error>> + Send;
    fn fetch_all(&mut self, q: Query) -> impl Future<Output = Result<Vec<Row>, sqlx::Error>> + Send;
    fn fetch_optional(&mut self, q: Query) -> impl Future<Output = Result<Option<Row>, sqlx::Error>> + Send;

    fn fetch_one(&mut self, q: Query) -> impl Future<Output = Result<Row, sqlx::Error>> + Send {
        async move { self.fetch_optional(q).await?.ok_or(sqlx::Error::RowNotFound) }
    }
}

impl Executor for Tx {
    fn execute(&mut self, q: Query) -> impl Future<Output = Result<u64, sqlx::Error>> + Send {
        self.target().execute(q)
    }
    fn fetch_all(&mut self, q: Query) -> impl Future<Output = Result<Vec<Row>, sqlx::Error>> + Send {
        self.target().fetch_all(q)
    }
    fn fetch_optional(&mut self, q: Query) -> impl Future<Output = Result<Option<Row>, sqlx::Error>> + Send {
        self.target().fetch_optional(q)
    }
}

impl Tx {
    fn target(&mut self) -> Target<&mut sqlx::SqliteConnection, &mut sqlx::PgConnection> {
        match self {
            Tx::Sqlite(t, _) => Target::Sqlite(&mut **t),
            Tx::Postgres(t) => Target::Postgres(&mut **t),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t, _) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

/// The rows of `q`, each read by `read`.
pub async fn rows<T>(
    ex: &mut impl Executor,
    q: Query,
    read: impl Fn(&Row) -> crate::infra::error::Result<T>,
) -> crate::infra::error::Result<Vec<T>> {
    ex.fetch_all(q).await?.iter().map(read).collect()
}

/// The file of a `sqlite://path` (or `sqlite:path`) URL; `None` for other URLs or an empty path.
pub fn sqlite_path(url: &str) -> Option<&str> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .filter(|path| !path.is_empty())
}

/// A statement run on the pool outside a transaction commits alone; on SQLite, one that may write (anything
/// but a `SELECT`) waits for its turn in the [`WriteQueue`] like a transaction, else it would poll the lock
/// and could starve behind the queued writers (a login's attempt counter did, under load).
impl Executor for Pool {
    async fn execute(&mut self, q: Query) -> Result<u64, sqlx::Error> {
        let _turn = self.turn_for(&q).await?;
        self.target().execute(q).await
    }
    async fn fetch_all(&mut self, q: Query) -> Result<Vec<Row>, sqlx::Error> {
        let _turn = self.turn_for(&q).await?;
        self.target().fetch_all(q).await
    }
    async fn fetch_optional(&mut self, q: Query) -> Result<Option<Row>, sqlx::Error> {
        let _turn = self.turn_for(&q).await?;
        self.target().fetch_optional(q).await
    }
}

impl Pool {
    async fn turn_for(&self, q: &Query) -> Result<Option<OwnedMutexGuard<()>>, sqlx::Error> {
        let reads = q
            .sql
            .trim_start()
            .get(..6)
            .is_some_and(|word| word.eq_ignore_ascii_case("SELECT"));
        match self {
            Pool::Sqlite(_, queue, _) if !reads => Ok(Some(queue.turn().await?)),
            _ => Ok(None),
        }
    }

    fn target(&self) -> Target<&SqlitePool, &PgPool> {
        match self {
            Pool::Sqlite(p, ..) => Target::Sqlite(p),
            Pool::Postgres(p, _) => Target::Postgres(p),
        }
    }

    /// Opens `sqlite://path` (created if missing; WAL, foreign keys on) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        if url.starts_with("sqlite:") {
            let path = sqlite_path(url).ok_or_else(|| ConnectError::Url(url.to_owned()))?;
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                .map_err(|e| ConnectError::Open(url.to_owned(), e))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(LOCK_WAIT);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await
                .map_err(|e| ConnectError::Open(url.to_owned(), e))?;
            Ok(Pool::Sqlite(pool, WriteQueue::default(), ReadJournal::default()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(|e| ConnectError::Open(url.to_owned(), e))?;
            Ok(Pool::Postgres(pool, ReadJournal::default()))
        } else {
            Err(ConnectError::Url(url.to_owned()))
        }
    }

    /// Begins a write transaction; write transactions run one at a time on both databases, so that a decision
    /// read-then-written (a referral step, a signature, a follower) always sees the one before it.
    ///
    /// SQLite takes its write lock at once (`BEGIN IMMEDIATE`). PostgreSQL takes one transaction-scoped
    /// advisory lock, [`WRITE_LOCK`], released at commit or rollback: one lock for all, so no deadlock, and no
    /// per-route locking to forget. Both wait at most 10 seconds (SQLite's busy timeout, PostgreSQL's
    /// `lock_timeout`), then answer busy. So a write transaction must never open another one: it would wait
    /// on itself (docs/reliability.md).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p, queue, _) => {
                let turn = queue.turn().await?;
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            Pool::Postgres(p, _) => {
                let mut tx = p.begin_with("BEGIN; SET LOCAL lock_timeout = '10s'").await?;
                sqlx::query::<Postgres>("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// Begins a transaction that only inserts rows no decision reads (the journal of reads): on PostgreSQL it
    /// does not take [`WRITE_LOCK`], so that journaled reads do not queue behind every decision's commit; SQLite
    /// has one writer whatever the transaction.
    pub async fn begin_append_only(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p, queue, _) => {
                let turn = queue.turn().await?;
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            Pool::Postgres(p, _) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Begins a transaction that only reads, on one snapshot. SQLite does not take the write lock (a long read
    /// would otherwise hold every writer back); PostgreSQL reads at REPEATABLE READ.
    pub async fn begin_read(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p, ..) => Tx::Sqlite(p.begin_with("BEGIN DEFERRED").await?, None),
            Pool::Postgres(p, _) => {
                Tx::Postgres(p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?)
            }
        })
    }

    /// The journal of reads, written by group commit ([`crate::infra::events::journal_reads`]).
    pub(crate) fn read_journal(&self) -> &ReadJournal {
        match self {
            Pool::Sqlite(_, _, journal) | Pool::Postgres(_, journal) => journal,
        }
    }

    /// The same connections without the journal of reads: its writer task's, which must not keep its own line
    /// open.
    pub(crate) fn without_read_journal(&self) -> Pool {
        match self {
            Pool::Sqlite(p, queue, _) => Pool::Sqlite(p.clone(), queue.clone(), ReadJournal::default()),
            Pool::Postgres(p, _) => Pool::Postgres(p.clone(), ReadJournal::default()),
        }
    }

    /// Applies the migrations of the backend.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Pool::Sqlite(p, ..) => sqlx::migrate!("./migrations/sqlite").run(p).await,
            Pool::Postgres(p, _) => sqlx::migrate!("./migrations/postgres").run(p).await,
        }
    }

    /// A digest of the migrations of both dialects (versions and checksums), so that a test template built from
    /// other migrations is never taken for the current schema. Stable within one build, which is all it needs.
    pub fn migrations_digest() -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        for migrator in [
            sqlx::migrate!("./migrations/sqlite"),
            sqlx::migrate!("./migrations/postgres"),
        ] {
            for migration in migrator.iter() {
                migration.version.hash(&mut hasher);
                migration.checksum.hash(&mut hasher);
            }
        }
        hasher.finish()
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Pool::Sqlite(..) => "sqlite",
            Pool::Postgres(..) => "postgres",
        }
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p, ..) => p.close().await,
            Pool::Postgres(p, _) => p.close().await,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("adresse de base de données non reconnue : « {0} » (attendu sqlite://chemin ou postgres://...)")]
    Url(String),
    #[error("impossible d'ouvrir la base de données « {0} » : {1}")]
    Open(String, sqlx::Error),
}

/// The server on which tests and benchmarks create their scratch databases: `PASSERELLE_TEST_POSTGRES`, or the
/// local server that `scripts/test` starts.
pub fn scratch_postgres_admin_url() -> String {
    std::env::var("PASSERELLE_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Creates an empty PostgreSQL database next to `admin_url` and returns its URL: each test run and each
/// scratch server gets its own.
pub async fn create_postgres_database(admin_url: &str, name: &str) -> Result<String, ConnectError> {
    create_database(admin_url, name, "").await
}

/// Creates a PostgreSQL database as a copy of `template`, to which no session may be connected, and returns its URL.
pub async fn clone_postgres_database(admin_url: &str, template: &str, name: &str) -> Result<String, ConnectError> {
    create_database(admin_url, name, &format!(" TEMPLATE {}", identifier(template)?)).await
}

/// Runs `CREATE DATABASE name` followed by `options` on the server of `admin_url`; returns the new URL.
async fn create_database(admin_url: &str, name: &str, options: &str) -> Result<String, ConnectError> {
    let name = identifier(name)?;
    let Pool::Postgres(admin, _) = Pool::connect(admin_url).await? else {
        return Err(ConnectError::Url(admin_url.to_owned()));
    };
    sqlx::query::<Postgres>(AssertSqlSafe(format!("CREATE DATABASE {name}{options}")))
        .execute(&admin)
        .await
        .map_err(|e| ConnectError::Open(admin_url.to_owned(), e))?;
    admin.close().await;
    let (base, _) = admin_url
        .rsplit_once('/')
        .ok_or_else(|| ConnectError::Url(admin_url.to_owned()))?;
    Ok(format!("{base}/{name}"))
}

/// `name` if it is safe to write unquoted into SQL as a database name.
fn identifier(name: &str) -> Result<&str, ConnectError> {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(name)
    } else {
        Err(ConnectError::Url(name.to_owned()))
    }
}
