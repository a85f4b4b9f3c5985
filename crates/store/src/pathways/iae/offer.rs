//! Job offers of the SIAE: published and closed by the SIAE's members, readable by every
//! signed-in user (prescribers search them by territory). `offer.created` events count the offers deposited.

use crate::Store;
use crate::access::{AccessContext, Membership};
use crate::directory::{Organisation, OrganisationFilter};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, commit_created};
use crate::infra::paging::{MAX_PER_PAGE, matches_search};
use crate::infra::sql::{Executor, Query, Row, query};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::pathways::iae::offer::OfferFields;
use passerelle_domain::rome;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Offer {
    pub id: Uuid,
    pub siae_id: Uuid,
    pub siae_name: String,
    #[schema(example = "aci")]
    pub siae_kind: OrganisationKind,
    pub department: String,
    pub title: String,
    pub rome_code: Option<String>,
    /// The ROME family of `rome_code`, when the referential is loaded.
    #[schema(example = "Horticulture et maraîchage")]
    pub rome_label: Option<String>,
    pub place: String,
    pub weekly_hours: Option<i64>,
    pub positions: i64,
    pub prerequisites: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub open: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Filters of the offer search.
#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    pub siae_id: Option<Uuid>,
    /// Offers of SIAE located in this department.
    pub department: Option<String>,
    pub include_closed: bool,
    /// Offers of this job: its ROME code (`A1414`), or words of the title or of the ROME family, accents and
    /// case ignored.
    pub job: Option<String>,
    /// Offers whose place of work holds these words, accents and case ignored.
    pub town: Option<String>,
}

/// Most offers a search answers.
const MAX_OFFERS: usize = 500;

const OFFER_COLUMNS: &str = "j.id, j.siae_id, o.name AS siae_name, o.kind AS siae_kind, o.department, j.title, \
    j.rome_code, r.label AS rome_label, j.place, j.weekly_hours, j.positions, j.prerequisites, j.starts_on, j.ends_on, j.status, j.created_at";

const OFFERS: &str =
    "job_offers j JOIN organisations o ON o.id = j.siae_id LEFT JOIN rome_codes r ON r.code = j.rome_code";

fn offer(r: &Row) -> Result<Offer> {
    Ok(Offer {
        id: r.get("id")?,
        siae_id: r.get("siae_id")?,
        siae_name: r.get("siae_name")?,
        siae_kind: OrganisationKind::parse(&r.get::<String>("siae_kind")?)?,
        department: r.get("department")?,
        title: r.get("title")?,
        rome_code: r.get("rome_code")?,
        rome_label: r.get("rome_label")?,
        place: r.get("place")?,
        weekly_hours: r.get("weekly_hours")?,
        positions: r.get("positions")?,
        prerequisites: r.get("prerequisites")?,
        starts_on: r.get("starts_on")?,
        ends_on: r.get("ends_on")?,
        open: r.get::<String>("status")? == "open",
        created_at: r.get("created_at")?,
    })
}

/// The caller's membership of an SIAE, required to act on its offers and its side of referral sheets.
pub(crate) fn siae_member(ctx: &AccessContext, siae_id: Uuid) -> Result<&Membership> {
    ctx.membership(siae_id).filter(|m| m.kind.is_siae()).ok_or_else(|| {
        StoreError::forbidden(
            "not_a_member_of_siae",
            "Seuls les membres de la SIAE peuvent agir sur ses offres et ses candidatures.",
        )
    })
}

pub(crate) async fn load_offer(ex: &mut impl Executor, id: Uuid) -> Result<Offer> {
    let row = ex
        .fetch_optional(query(format!("SELECT {OFFER_COLUMNS} FROM {OFFERS} WHERE j.id = $1")).bind(id))
        .await?
        .ok_or(StoreError::not_found("offre"))?;
    offer(&row)
}

impl Store {
    pub async fn offers(&self, _ctx: &AccessContext, f: &OfferFilter) -> Result<Vec<Offer>> {
        let mut q: Query = query(format!("SELECT {OFFER_COLUMNS} FROM {OFFERS} WHERE 1 = 1"));
        if let Some(siae) = f.siae_id {
            q.push_bound(" AND j.siae_id = {}", siae);
        }
        if let Some(d) = &f.department {
            q.push_bound(" AND o.department = {}", d.as_str());
        }
        if !f.include_closed {
            q.push_sql(" AND j.status = 'open'");
        }
        let job = f.job.as_deref().map(str::trim).filter(|j| !j.is_empty());
        if let Some(code) = job.and_then(|j| rome::code(j).ok()) {
            q.push_bound(" AND j.rome_code = {}", code);
        }
        q.push_sql(" ORDER BY j.created_at DESC, j.id");
        let mut db = self.pool.clone();
        // Titles and places are typed freely, with no folded column: words are matched here, as the
        // prescription's SIAE search does.
        let words = job.filter(|j| rome::code(j).is_err());
        let mut offers = Vec::new();
        for row in db.fetch_all(q).await? {
            let o = offer(&row)?;
            let job_text = format!("{} {}", o.title, o.rome_label.as_deref().unwrap_or(""));
            if matches_search(&job_text, words) && matches_search(&o.place, f.town.as_deref()) {
                offers.push(o);
            }
            if offers.len() == MAX_OFFERS {
                break;
            }
        }
        Ok(offers)
    }

    /// The SIAE a prescription may go to, with their open offers: those whose name, commune or open offers
    /// (title, ROME code) hold every word of `text`, accents and case ignored; by kind, then name.
    pub async fn siae_with_offers(
        &self,
        ctx: &AccessContext,
        text: Option<&str>,
    ) -> Result<Vec<(Organisation, Vec<Offer>)>> {
        let mut siae = Vec::new();
        for kind in OrganisationKind::ALL.iter().filter(|k| k.is_siae()) {
            let filter = OrganisationFilter {
                kind: Some(*kind),
                page: 1,
                per_page: MAX_PER_PAGE,
                ..Default::default()
            };
            siae.extend(self.list_organisations(ctx, &filter).await?.items);
        }
        let mut offers = self.offers(ctx, &OfferFilter::default()).await?;
        offers.sort_by(|a, b| a.title.cmp(&b.title));
        Ok(siae
            .into_iter()
            .map(|o| {
                let own: Vec<Offer> = offers.iter().filter(|j| j.siae_id == o.id).cloned().collect();
                (o, own)
            })
            .filter(|(o, own)| {
                let jobs = own
                    .iter()
                    .map(|j| format!("{} {}", j.title, j.rome_code.as_deref().unwrap_or("")));
                let words = [o.name.clone(), o.commune.clone()]
                    .into_iter()
                    .chain(jobs)
                    .collect::<Vec<_>>();
                matches_search(&words.join(" "), text)
            })
            .collect())
    }

    pub async fn offer(&self, _ctx: &AccessContext, id: Uuid) -> Result<Offer> {
        load_offer(&mut self.pool.clone(), id).await
    }

    /// Publishes an offer of `siae_id`, one of the caller's SIAE.
    pub async fn create_offer(
        &self,
        ctx: &AccessContext,
        siae_id: Uuid,
        f: OfferFields,
        key: Option<IdempotencyKey>,
    ) -> Result<Offer> {
        siae_member(ctx, siae_id)?;
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        let mut tx = self.pool.begin().await?;
        crate::rome::check_code(&mut tx, f.rome_code.as_deref()).await?;
        tx.execute(
            query(
                "INSERT INTO job_offers (id, siae_id, title, rome_code, place, weekly_hours, positions, prerequisites, \
                 starts_on, ends_on, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $11)",
            )
            .bind(id)
            .bind(siae_id)
            .bind(&f.title)
            .bind(&f.rome_code)
            .bind(&f.place)
            .bind(f.weekly_hours)
            .bind(f.positions)
            .bind(&f.prerequisites)
            .bind(f.starts_on)
            .bind(f.ends_on)
            .bind(now),
        )
        .await?;
        let created = load_offer(&mut tx, id).await?;
        let event = Event::new("job_offer", id, "offer.created")
            .by(Some(siae_id))
            .after(&created);
        commit_created(tx, ctx, key.as_ref(), id, event).await?;
        Ok(created)
    }

    /// Opens or closes an offer.
    pub async fn set_offer_open(&self, ctx: &AccessContext, id: Uuid, open: bool) -> Result<Offer> {
        let mut tx = self.pool.begin().await?;
        let before = load_offer(&mut tx, id).await?;
        siae_member(ctx, before.siae_id)?;
        if before.open == open {
            return Ok(before);
        }
        tx.execute(
            query("UPDATE job_offers SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(if open { "open" } else { "closed" })
                .bind(crate::infra::clock::now())
                .bind(id),
        )
        .await?;
        let after = load_offer(&mut tx, id).await?;
        let action = if open { "offer.opened" } else { "offer.closed" };
        record(
            &mut tx,
            ctx,
            Event::new("job_offer", id, action)
                .by(Some(after.siae_id))
                .before(&before)
                .after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
