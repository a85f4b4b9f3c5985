//! Bulk inserts: rows gathered per table and written as multi-row INSERTs, as many rows per statement as
//! the placeholders allow on both databases, inside the caller's transaction.

use crate::infra::error::Result;
use crate::infra::sql::{Executor, Tx, Value, query};

/// Placeholders per statement. SQLite reads `$n` as named parameters and looks each name up among those
/// already seen, so a statement's parsing grows with the square of its placeholders: a thousand is the sweet
/// spot there. PostgreSQL's are positional (up to 65,535): larger statements, fewer round trips.
fn max_params(tx: &Tx) -> usize {
    match tx {
        Tx::Sqlite(_) => 1_000,
        Tx::Postgres(_) => 30_000,
    }
}

/// The rows waiting for one table.
pub(super) struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<Value>,
}

impl Batch {
    pub(super) fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            table,
            columns,
            values: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.values.extend(row);
    }

    pub(super) fn rows(&self) -> usize {
        self.values.len() / self.columns.len()
    }

    /// Writes the rows and empties the batch.
    pub(super) async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
        let width = self.columns.len();
        let per_statement = (max_params(tx) / width).max(1);
        let values = std::mem::take(&mut self.values);
        for chunk in values.chunks(per_statement * width) {
            let mut q = query(format!(
                "INSERT INTO {} ({}) VALUES ",
                self.table,
                self.columns.join(", ")
            ));
            for (i, row) in chunk.chunks(width).enumerate() {
                q.push_sql(if i == 0 { "(" } else { ", (" });
                for (j, v) in row.iter().enumerate() {
                    q.push_bound(if j == 0 { "{}" } else { ", {}" }, v.clone());
                }
                q.push_sql(")");
            }
            tx.execute(q).await?;
        }
        Ok(())
    }
}
