//! The ROME job referential (docs/rome.md): the import of a snapshot, the job-title search of the pickers, and the
//! check that a code given with an offer is one of the loaded referential's. Public data: read without a scope.

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::paging::push_search;
use crate::infra::sql::{Executor, Query, Value, query};
use passerelle_domain::rome::{self, Referential};
use passerelle_domain::text::fold;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Rows per INSERT: 5 values a row stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const ROWS_PER_INSERT: usize = 500;
/// Most job titles a search answers.
pub const MAX_MATCHES: u32 = 50;

/// The snapshot loaded last.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct RomeVersion {
    #[schema(example = "Référentiel ROME de France Travail")]
    pub source: String,
    /// The date of the snapshot that France Travail published.
    pub version: Date,
    pub codes: i64,
    pub appellations: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub imported_at: OffsetDateTime,
}

impl RomeVersion {
    /// « Référentiel ROME de France Travail, version du 1er mars 2024 ».
    pub fn edition(&self) -> String {
        rome::edition(self.version)
    }
}

/// What an import changed, per table: rows added, rows whose labels changed, rows left as they were.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct RomeImport {
    pub codes: Counts,
    pub appellations: Counts,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// A job title found by the picker's search.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Appellation {
    /// Its number in France Travail's OGR register.
    #[schema(example = 17506)]
    pub ogr: i64,
    #[schema(example = "Ouvrier maraîcher / Ouvrière maraîchère")]
    pub label: String,
    #[schema(example = "A1414")]
    pub rome_code: String,
    #[schema(example = "Horticulture et maraîchage")]
    pub rome_label: String,
}

/// Fails with `rome_unknown` when a referential is loaded and does not hold `code`; without one, the code's
/// shape (checked by the domain) is all there is to check.
pub(crate) async fn check_code(ex: &mut impl Executor, code: Option<&str>) -> Result<()> {
    let Some(code) = code else { return Ok(()) };
    let Some(version) = latest(ex).await? else {
        return Ok(());
    };
    let known = ex
        .fetch_optional(query("SELECT code FROM rome_codes WHERE code = $1").bind(code))
        .await?
        .is_some();
    if known {
        Ok(())
    } else {
        Err(rome::unknown(code, version.version).into())
    }
}

async fn latest(ex: &mut impl Executor) -> Result<Option<RomeVersion>> {
    let row = ex
        .fetch_optional(query(
            "SELECT source, version, codes, appellations, imported_at FROM rome_imports \
             ORDER BY imported_at DESC, id LIMIT 1",
        ))
        .await?;
    row.map(|r| {
        Ok(RomeVersion {
            source: r.get("source")?,
            version: r.get("version")?,
            codes: r.get("codes")?,
            appellations: r.get("appellations")?,
            imported_at: r.get("imported_at")?,
        })
    })
    .transpose()
}

/// `INSERT ... VALUES (...), (...) ON CONFLICT (key) DO UPDATE` for `rows`, changing only the rows whose
/// values differ, so that the number of rows written tells the created and updated ones from the others.
fn upsert(table: &str, key: &str, columns: &[&str], rows: &[Vec<Value>]) -> Query {
    let mut q = query(format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")));
    for (i, row) in rows.iter().enumerate() {
        q.push_sql(if i == 0 { "(" } else { ", (" });
        for (j, value) in row.iter().enumerate() {
            q.push_bound(if j == 0 { "{}" } else { ", {}" }, value.clone());
        }
        q.push_sql(")");
    }
    let others: Vec<&&str> = columns.iter().filter(|c| **c != key).collect();
    let set: Vec<String> = others.iter().map(|c| format!("{c} = excluded.{c}")).collect();
    let changed: Vec<String> = others.iter().map(|c| format!("{table}.{c} <> excluded.{c}")).collect();
    q.push_sql(&format!(
        " ON CONFLICT ({key}) DO UPDATE SET {} WHERE {}",
        set.join(", "),
        changed.join(" OR ")
    ));
    q
}

async fn count(ex: &mut impl Executor, table: &str) -> Result<u64> {
    let n: i64 = ex
        .fetch_one(query(format!("SELECT COUNT(*) AS n FROM {table}")))
        .await?
        .get("n")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Writes `rows` by batches and tells what changed; `progress` gets the rows written so far.
async fn load(
    ex: &mut impl Executor,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    progress: &impl Fn(usize),
    done: &mut usize,
) -> Result<Counts> {
    let before = count(ex, table).await?;
    let mut written = 0;
    for batch in rows.chunks(ROWS_PER_INSERT) {
        written += ex.execute(upsert(table, columns[0], columns, batch)).await?;
        *done += batch.len();
        progress(*done);
    }
    let created = count(ex, table).await? - before;
    Ok(Counts {
        created,
        updated: written - created,
        unchanged: rows.len() as u64 - written,
    })
}

impl Store {
    /// Loads a snapshot of the referential in one transaction: families then job titles, upserted by their
    /// code and OGR number (a second import of the same files changes nothing), and the import itself with
    /// `version`, the snapshot's date. Platform administrators and the operator only. `progress` gets the
    /// rows written so far, out of families and titles together.
    pub async fn import_rome(
        &self,
        ctx: &AccessContext,
        referential: &Referential,
        version: Date,
        progress: impl Fn(usize),
    ) -> Result<RomeImport> {
        if !ctx.is_platform_admin() {
            return Err(StoreError::forbidden(
                "forbidden",
                "Seul un administrateur de la plateforme peut charger le référentiel ROME.",
            ));
        }
        let families = referential
            .families
            .iter()
            .map(|f| vec![Value::from(&f.code), Value::from(&f.label)])
            .collect();
        let titles = referential
            .titles
            .iter()
            .map(|t| {
                vec![
                    Value::from(t.ogr),
                    Value::from(&t.code),
                    Value::from(&t.label),
                    Value::from(&t.short_label),
                    Value::from(fold(&t.label)),
                ]
            })
            .collect();
        let mut tx = self.pool.begin().await?;
        let mut done = 0;
        let report = RomeImport {
            codes: load(
                &mut tx,
                "rome_codes",
                &["code", "label"],
                families,
                &progress,
                &mut done,
            )
            .await?,
            appellations: load(
                &mut tx,
                "rome_appellations",
                &["ogr", "rome_code", "label", "short_label", "search_text"],
                titles,
                &progress,
                &mut done,
            )
            .await?,
        };
        let id = Uuid::new_v4();
        let imported = RomeVersion {
            source: rome::SOURCE.to_owned(),
            version,
            codes: count(&mut tx, "rome_codes").await? as i64,
            appellations: count(&mut tx, "rome_appellations").await? as i64,
            imported_at: crate::infra::clock::now(),
        };
        tx.execute(
            query(
                "INSERT INTO rome_imports (id, source, version, codes, appellations, imported_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&imported.source)
            .bind(imported.version)
            .bind(imported.codes)
            .bind(imported.appellations)
            .bind(imported.imported_at),
        )
        .await?;
        let changes = serde_json::json!({ "version": imported, "changes": report });
        record(
            &mut tx,
            ctx,
            Event::new("rome_import", id, "rome.imported").after(&changes),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The snapshot loaded last, if any.
    pub async fn rome_version(&self) -> Result<Option<RomeVersion>> {
        latest(&mut self.pool.clone()).await
    }

    /// The job titles holding every word of `text`, accents and case ignored (« maraichere » finds « Ouvrier
    /// maraîcher / Ouvrière maraîchère »), or whose ROME code is `text`; shortest titles first, `limit` at most.
    pub async fn search_appellations(&self, text: &str, limit: u32) -> Result<Vec<Appellation>> {
        let mut q = query(
            "SELECT a.ogr, a.label, a.rome_code, c.label AS rome_label \
             FROM rome_appellations a JOIN rome_codes c ON c.code = a.rome_code WHERE ",
        );
        match rome::code(text) {
            Ok(code) => q.push_bound("a.rome_code = {}", code),
            Err(_) if text.trim().is_empty() => return Ok(Vec::new()),
            Err(_) => {
                q.push_sql("1 = 1");
                push_search(&mut q, "a.search_text", Some(text));
            }
        }
        q.push_bound(
            " ORDER BY length(a.label), a.label, a.ogr LIMIT {}",
            i64::from(limit.clamp(1, MAX_MATCHES)),
        );
        let rows = self.pool.clone().fetch_all(q).await?;
        rows.iter()
            .map(|r| {
                Ok(Appellation {
                    ogr: r.get("ogr")?,
                    label: r.get("label")?,
                    rome_code: r.get("rome_code")?,
                    rome_label: r.get("rome_label")?,
                })
            })
            .collect()
    }
}
