//! Pages of a list and word search, the same for every list of the store.

use crate::error::Result;
use crate::sql::{Executor, Query, Row};
use passerelle_domain::text::fold;
use serde::Serialize;

pub const MAX_PER_PAGE: u32 = 200;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Adds one `LIKE` condition per word (at most 8) of `text` on a column holding folded text, so that
/// search ignores case and accents the same way on SQLite and PostgreSQL.
pub fn push_search(q: &mut Query, column: &str, text: Option<&str>) {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return;
    };
    for word in fold(text).split_whitespace().take(8) {
        let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        q.push_bound(&format!(" AND {column} LIKE {{}} ESCAPE '\\'"), format!("%{escaped}%"));
    }
}

/// Runs `filter` (a ` FROM … WHERE …` fragment) for one page: the rows of `columns` in `order`, and the total.
/// The total comes with the rows (`COUNT(*) OVER ()`), so a page costs one query; only a page past the end
/// needs a second one.
pub async fn fetch_page(
    ex: &mut impl Executor,
    filter: Query,
    columns: &str,
    order: &str,
    page: u32,
    per_page: u32,
) -> Result<(Vec<Row>, i64, u32, u32)> {
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let page = page.max(1);
    let mut list = filter.clone();
    list.prepend_sql(&format!("SELECT {columns}, COUNT(*) OVER () AS total_count"));
    list.push_sql(&format!(
        " ORDER BY {order} LIMIT {per_page} OFFSET {}",
        u64::from(page - 1) * u64::from(per_page)
    ));
    let rows = ex.fetch_all(list).await?;
    let total = match rows.first() {
        Some(r) => r.get("total_count")?,
        None if page == 1 => 0,
        None => {
            let mut count = filter;
            count.prepend_sql("SELECT COUNT(*) AS n");
            ex.fetch_one(count).await?.get("n")?
        }
    };
    Ok((rows, total, page, per_page))
}
