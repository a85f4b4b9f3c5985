//! The immersions list a caller reads page by page: filtered by status (as it reads today) and start, ordered
//! by start, cut into pages in SQL (the access restriction included), and journaled with the ids shown.

use super::{FROM, Immersion, ImmersionScope};
use crate::infra::error::Result;
use crate::infra::events::{Event, journal_reads};
use crate::infra::paging::{Page, fetch_page};
use crate::infra::sql::query;
use crate::today;
use passerelle_domain::pathways::immersion::Status;
use time::Date;
use uuid::Uuid;

/// Which immersions a page of the list shows.
#[derive(Debug, Clone, Default)]
pub struct ImmersionFilter {
    /// The status today (a signed convention is in progress from its first day).
    pub status: Option<Status>,
    /// Starting on or after this day.
    pub from: Option<Date>,
    /// Starting on or before this day.
    pub to: Option<Date>,
    pub oldest_first: bool,
    pub page: u32,
    pub per_page: u32,
}

impl ImmersionScope<'_> {
    /// One page of the immersions of the caller's organisations.
    pub async fn page(&self, f: &ImmersionFilter) -> Result<Page<Immersion>> {
        let mut filter = query(FROM);
        self.restrict(&mut filter);
        if let Some(status) = f.status {
            let today = today();
            filter.push_sql(" AND (1 = 0");
            for (stored, started) in status.stored_as() {
                filter.push_bound(" OR (i.status = {}", stored.code());
                match started {
                    Some(true) => filter.push_bound(" AND i.starts_on <= {}", today),
                    Some(false) => filter.push_bound(" AND i.starts_on > {}", today),
                    None => {}
                }
                filter.push_sql(")");
            }
            filter.push_sql(")");
        }
        if let Some(from) = f.from {
            filter.push_bound(" AND i.starts_on >= {}", from);
        }
        if let Some(to) = f.to {
            filter.push_bound(" AND i.starts_on <= {}", to);
        }
        let order = if f.oldest_first {
            "i.starts_on, i.id"
        } else {
            "i.starts_on DESC, i.id"
        };
        let mut tx = self.store.pool.begin_read().await?;
        let (rows, total, page, per_page) = fetch_page(&mut tx, filter, "i.id", order, f.page, f.per_page).await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.get("id")).collect::<Result<_, _>>()?;
        let mut items = Vec::with_capacity(ids.len());
        for id in &ids {
            items.push(self.load(&mut tx, *id).await?);
        }
        tx.commit().await?;
        if !ids.is_empty() {
            let listed = Event::new("immersions", Uuid::nil(), "immersion.listed").after(&ids);
            journal_reads(&self.store.pool, self.ctx, vec![listed]).await?;
        }
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }
}
