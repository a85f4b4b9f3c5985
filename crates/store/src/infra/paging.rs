//! Pages of a list and word search, the same for every list of the store.

use crate::infra::error::Result;
use crate::infra::sql::{Executor, Query, Row};
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

/// The page asked for, within bounds: page 1 and up, 1 to [`MAX_PER_PAGE`] rows.
fn bounds(page: u32, per_page: u32) -> (u32, u32) {
    (page.max(1), per_page.clamp(1, MAX_PER_PAGE))
}

impl<T> Page<T> {
    /// One page of a list already filtered and ordered in memory, for the lists whose filters and order are
    /// the rules engine's (an approval's status and end come from replaying its events, not from a column).
    pub fn of(items: Vec<T>, page: u32, per_page: u32) -> Self {
        let (page, per_page) = bounds(page, per_page);
        let total = items.len() as i64;
        let skip = usize::try_from(u64::from(page - 1) * u64::from(per_page)).unwrap_or(usize::MAX);
        Page {
            items: items.into_iter().skip(skip).take(per_page as usize).collect(),
            total,
            page,
            per_page,
        }
    }

    /// The number of pages (at least 1).
    pub fn pages(&self) -> u32 {
        u32::try_from((self.total + i64::from(self.per_page) - 1) / i64::from(self.per_page.max(1)))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// The folded words of a search (at most 8), the same in SQL and in memory.
fn search_words(text: Option<&str>) -> Vec<String> {
    let text = text.map(fold).unwrap_or_default();
    text.split_whitespace().take(8).map(str::to_owned).collect()
}

/// Adds one `LIKE` condition per word (at most 8) of `text` on a column holding folded text, so that
/// search ignores case and accents the same way on SQLite and PostgreSQL.
pub fn push_search(q: &mut Query, column: &str, text: Option<&str>) {
    for word in search_words(text) {
        let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        q.push_bound(&format!(" AND {column} LIKE {{}} ESCAPE '\\'"), format!("%{escaped}%"));
    }
}

/// Whether `value` holds every word of `text` the way [`push_search`] finds it, for lists filtered in memory.
pub fn matches_search(value: &str, text: Option<&str>) -> bool {
    let value = fold(value);
    search_words(text).iter().all(|w| value.contains(w.as_str()))
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
    let (page, per_page) = bounds(page, per_page);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_in_memory_is_cut_like_a_page_in_sql() {
        // (items, page asked, per page asked) -> (first item shown, items shown, page, per page, pages)
        type Shown = (Option<u32>, usize, u32, u32, u32);
        let cases: &[((u32, u32, u32), Shown)] = &[
            ((5, 1, 2), (Some(0), 2, 1, 2, 3)),
            ((5, 3, 2), (Some(4), 1, 3, 2, 3)),
            ((5, 4, 2), (None, 0, 4, 2, 3)),
            ((5, 0, 0), (Some(0), 1, 1, 1, 5)),
            ((0, 1, 50), (None, 0, 1, 50, 1)),
            ((300, 2, 1_000), (Some(200), 100, 2, MAX_PER_PAGE, 2)),
        ];
        for ((n, page, per_page), expected) in cases {
            let got = Page::of((0..*n).collect(), *page, *per_page);
            let seen = (
                got.items.first().copied(),
                got.items.len(),
                got.page,
                got.per_page,
                got.pages(),
            );
            assert_eq!(seen, *expected, "{n} items, page {page} of {per_page}");
            assert_eq!(got.total, i64::from(*n));
        }
    }

    #[test]
    fn search_in_memory_folds_like_search_in_sql() {
        let cases = [
            ("Léa Perrin", None, true),
            ("Léa Perrin", Some("  "), true),
            ("Léa Perrin", Some("lea"), true),
            ("Léa Perrin", Some("PERR léa"), true),
            ("Léa Perrin", Some("lea martin"), false),
            ("Noé Vidal", Some("noe_"), false),
        ];
        for (value, text, expected) in cases {
            assert_eq!(matches_search(value, text), expected, "{value} / {text:?}");
        }
    }
}
