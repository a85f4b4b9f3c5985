//! The two schemas stay one: after every migration, SQLite and PostgreSQL have the same tables, columns (name,
//! nullability, kind of type), primary keys, foreign keys, unique and plain indexes, views and triggers. The
//! migrations are written once per dialect; this is what keeps the two copies from drifting apart.

use std::collections::BTreeSet;

use passerelle_store::Store;
use passerelle_store::infra::sql::{Executor, Row, query};

use crate::{postgres_store, sqlite_store};

/// One fact about a schema, comparable across the dialects.
type Fact = String;

/// The kind of a column's type, by what it holds rather than how each dialect spells it: SQLite keeps
/// identifiers as 16-byte BLOBs, instants and JSON as TEXT, where PostgreSQL has uuid, timestamptz and jsonb.
fn kind(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "uuid" | "blob" | "bytea" => "bytes or uuid",
        "text" | "character varying" | "varchar" | "timestamp with time zone" | "timestamptz" | "jsonb" | "json" => {
            "text, instant or json"
        }
        "integer" | "int" | "bigint" | "smallint" => "integer",
        "boolean" => "boolean",
        "date" => "date",
        "real" | "double precision" | "numeric" => "real",
        _ => "other",
    }
}

async fn facts(store: &Store, sql: &str, read: impl Fn(&Row) -> Fact) -> BTreeSet<Fact> {
    let mut pool = store.pool().clone();
    pool.fetch_all(query(sql))
        .await
        .expect("the catalogue reads")
        .iter()
        .map(read)
        .collect()
}

fn text(row: &Row, column: &str) -> String {
    row.get::<String>(column).expect("a text column of the catalogue")
}

async fn sqlite_schema(store: &Store) -> BTreeSet<Fact> {
    let tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\'";
    let mut all = facts(store, &format!("SELECT 'table ' || name AS f FROM ({tables})"), |r| {
        text(r, "f")
    })
    .await;
    all.extend(
        facts(
            store,
            &format!(
                "SELECT t.name AS t, c.name AS c, c.type AS ty, c.\"notnull\" OR c.pk AS nn, c.pk > 0 AS pk \
                 FROM ({tables}) t, pragma_table_info(t.name) c"
            ),
            column,
        )
        .await,
    );
    all.extend(
        facts(
            store,
            &format!(
                "SELECT t.name AS t, f.\"from\" AS c, f.\"table\" AS r, f.\"to\" AS rc \
                 FROM ({tables}) t, pragma_foreign_key_list(t.name) f"
            ),
            |r| {
                let to = r.get::<Option<String>>("rc").unwrap().unwrap_or_else(|| "id".into());
                format!("foreign key {}.{} -> {}.{to}", text(r, "t"), text(r, "c"), text(r, "r"))
            },
        )
        .await,
    );
    all.extend(
        facts(
            store,
            &format!(
                "SELECT t.name AS t, i.name AS i, i.\"unique\" AS u, i.origin AS o, \
                 (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(i.name) ORDER BY seqno)) AS cols \
                 FROM ({tables}) t, pragma_index_list(t.name) i WHERE i.origin <> 'pk'"
            ),
            |r| index(&text(r, "t"), r.get::<bool>("u").unwrap(), &r.get::<Option<String>>("cols").unwrap().unwrap_or_default()),
        )
        .await,
    );
    all.extend(
        facts(
            store,
            "SELECT type || ' ' || name AS f FROM sqlite_master WHERE type IN ('view', 'trigger')",
            |r| text(r, "f"),
        )
        .await,
    );
    all
}

async fn postgres_schema(store: &Store) -> BTreeSet<Fact> {
    let tables = "SELECT table_name::text AS name FROM information_schema.tables \
                  WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%'";
    let mut all = facts(store, &format!("SELECT 'table ' || name AS f FROM ({tables}) t"), |r| {
        text(r, "f")
    })
    .await;
    all.extend(
        facts(
            store,
            &format!(
                "SELECT c.table_name::text AS t, c.column_name::text AS c, c.data_type::text AS ty, \
                 c.is_nullable = 'NO' AS nn, EXISTS (SELECT 1 FROM information_schema.table_constraints k \
                 JOIN information_schema.key_column_usage u ON u.constraint_name = k.constraint_name \
                 AND u.table_name = k.table_name WHERE k.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name \
                 AND u.column_name = c.column_name) AS pk \
                 FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name IN ({tables})"
            ),
            column,
        )
        .await,
    );
    all.extend(
        facts(
            store,
            "SELECT cl.relname::text AS t, a.attname::text AS c, rt.relname::text AS r, ra.attname::text AS rc \
             FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class rt ON rt.oid = k.confrelid \
             JOIN pg_namespace n ON n.oid = cl.relnamespace, \
             unnest(k.conkey, k.confkey) AS x(col, rcol) \
             JOIN pg_attribute a ON a.attnum = x.col JOIN pg_attribute ra ON ra.attnum = x.rcol \
             WHERE k.contype = 'f' AND n.nspname = 'public' AND a.attrelid = k.conrelid AND ra.attrelid = k.confrelid",
            |r| {
                format!(
                    "foreign key {}.{} -> {}.{}",
                    text(r, "t"),
                    text(r, "c"),
                    text(r, "r"),
                    text(r, "rc")
                )
            },
        )
        .await,
    );
    all.extend(
        facts(
            store,
            "SELECT t.relname::text AS t, i.indisunique AS u, \
             (SELECT string_agg(a.attname::text, ',' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY AS k(att, n) \
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.att) AS cols \
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = 'public' AND NOT i.indisprimary AND t.relname NOT LIKE '\\_%'",
            |r| {
                index(
                    &text(r, "t"),
                    r.get::<bool>("u").unwrap(),
                    &r.get::<Option<String>>("cols").unwrap().unwrap_or_default(),
                )
            },
        )
        .await,
    );
    all.extend(
        facts(
            store,
            "SELECT 'view ' || table_name AS f FROM information_schema.views WHERE table_schema = 'public'",
            |r| text(r, "f"),
        )
        .await,
    );
    all.extend(
        facts(
            store,
            "SELECT DISTINCT 'trigger ' || trigger_name AS f FROM information_schema.triggers WHERE trigger_schema = 'public'",
            |r| text(r, "f"),
        )
        .await,
    );
    all
}

/// A column read from either catalogue as `t`, `c`, `ty`, `nn` (not null) and `pk` (in the primary key).
fn column(r: &Row) -> Fact {
    let (t, c) = (text(r, "t"), text(r, "c"));
    let fact = format!(
        "column {t}.{c} {} {}",
        kind(&text(r, "ty")),
        null(r.get::<bool>("nn").unwrap())
    );
    if r.get::<bool>("pk").unwrap() {
        format!("{fact} primary key")
    } else {
        fact
    }
}

fn null(not_null: bool) -> &'static str {
    if not_null { "not null" } else { "null" }
}

/// An index by what it does (its table, columns and uniqueness), not its name: SQLite names the indexes of
/// UNIQUE constraints itself.
fn index(table: &str, unique: bool, columns: &str) -> Fact {
    format!("{} index {table} ({columns})", if unique { "unique" } else { "plain" })
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_are_the_same() {
    let (sqlite, postgres) = (
        sqlite_schema(&sqlite_store().await).await,
        postgres_schema(&postgres_store().await).await,
    );
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(sqlite.len() > 500, "the catalogue was read: {} facts", sqlite.len());
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas differ:\nonly on SQLite:\n  {}\nonly on PostgreSQL:\n  {}",
        only_sqlite.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\n  "),
        only_postgres
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}
