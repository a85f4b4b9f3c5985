//! The referrals list a caller reads page by page: filtered by direction, status and the day received, ordered
//! by that day, cut into pages in SQL (the access restriction included), and journaled with the ids shown.

use super::{Direction, PRESCRIPTION_COLUMNS, PRESCRIPTION_FROM, Prescription, prescription, restrict};
use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::Result;
use crate::infra::events::{Event, journal_reads};
use crate::infra::paging::{Page, fetch_page};
use crate::infra::sql::query;
use passerelle_domain::calendar::paris;
use passerelle_domain::pathways::iae::referral::Status;
use time::{Date, UtcOffset};
use uuid::Uuid;

/// Which referrals a page of the list shows.
#[derive(Debug, Clone, Default)]
pub struct PrescriptionFilter {
    /// `Sent` leaves out an SIAE's own diagnoses, which are among the received ones.
    pub direction: Direction,
    pub status: Option<Status>,
    /// Received on or after this day (in Paris).
    pub from: Option<Date>,
    /// Received on or before this day (in Paris).
    pub to: Option<Date>,
    pub oldest_first: bool,
    pub page: u32,
    pub per_page: u32,
}

impl Store {
    /// One page of the prescriptions the caller's organisations sent or received (without their steps).
    pub async fn prescriptions_page(&self, ctx: &AccessContext, f: &PrescriptionFilter) -> Result<Page<Prescription>> {
        let mut filter = query(format!("{PRESCRIPTION_FROM} WHERE 1 = 1"));
        restrict(ctx, &mut filter, f.direction);
        if f.direction == Direction::Sent {
            filter.push_sql(" AND p.prescriber_id <> p.siae_id");
        }
        if let Some(status) = f.status {
            filter.push_bound(" AND p.status = {}", status.code());
        }
        let start = |d: Date| paris::start_of(d).to_offset(UtcOffset::UTC);
        if let Some(from) = f.from {
            filter.push_bound(" AND p.created_at >= {}", start(from));
        }
        if let Some(to) = f.to.and_then(Date::next_day) {
            filter.push_bound(" AND p.created_at < {}", start(to));
        }
        let order = if f.oldest_first {
            "p.created_at, p.id"
        } else {
            "p.created_at DESC, p.id"
        };
        let mut db = self.pool.clone();
        let (rows, total, page, per_page) =
            fetch_page(&mut db, filter, PRESCRIPTION_COLUMNS, order, f.page, f.per_page).await?;
        let items = rows.iter().map(prescription).collect::<Result<Vec<_>>>()?;
        if !items.is_empty() {
            let ids: Vec<Uuid> = items.iter().map(|p| p.id).collect();
            let listed = Event::new("prescriptions", Uuid::nil(), "prescription.listed").after(&ids);
            journal_reads(&self.pool, ctx, vec![listed]).await?;
        }
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }
}
