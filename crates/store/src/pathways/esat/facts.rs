//! Dated facts of an ESAT and of its workers (`passerelle_domain::pathways::esat::facts`): the parcours renforcé
//! en emploi, the worker's CPF, the invoicing of the convention d'appui, the ESAT's OPCO membership. Recorded by
//! the ESAT's members, each with its event in the same transaction; read with the worker's record (whose read is
//! journaled) or on the ESAT's list.

use super::{EsatScope, Worker};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, Row, query};
use passerelle_domain::pathways::esat::{Fact, FactContext, FactInput, FactKind, Situation};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A recorded fact, with its rule's source.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FactRecord {
    pub id: Uuid,
    pub kind: FactKind,
    pub kind_label: &'static str,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub detail: Option<String>,
    /// The text the fact's rule comes from.
    pub source: String,
}

fn fact(r: &Row) -> Result<FactRecord> {
    let kind: String = r.get("kind")?;
    let kind = FactKind::parse(&kind)
        .ok_or_else(|| StoreError::Database(sqlx::Error::Decode(format!("fait inconnu : {kind}").into())))?;
    Ok(FactRecord {
        id: r.get("id")?,
        kind,
        kind_label: kind.label(),
        starts_on: r.get("starts_on")?,
        ends_on: r.get("ends_on")?,
        detail: r.get("detail")?,
        source: r.get("source")?,
    })
}

/// The facts of a worker (`Some`) or of the ESAT itself (`None`), oldest first.
pub(super) async fn load(ex: &mut impl Executor, esat_id: Uuid, worker_id: Option<Uuid>) -> Result<Vec<FactRecord>> {
    let mut q =
        query("SELECT id, kind, starts_on, ends_on, detail, source FROM esat_facts WHERE esat_id = $1").bind(esat_id);
    match worker_id {
        Some(w) => q.push_bound(" AND worker_id = {}", w),
        None => q.push_sql(" AND worker_id IS NULL"),
    }
    q.push_sql(" ORDER BY starts_on, created_at, id");
    ex.fetch_all(q).await?.iter().map(fact).collect()
}

async fn insert(ex: &mut impl Executor, esat_id: Uuid, worker_id: Option<Uuid>, f: &Fact) -> Result<Uuid> {
    let id = Uuid::new_v4();
    ex.execute(
        query(
            "INSERT INTO esat_facts (id, esat_id, worker_id, kind, starts_on, ends_on, detail, source, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(esat_id)
        .bind(worker_id)
        .bind(f.kind.code())
        .bind(f.starts_on)
        .bind(f.ends_on)
        .bind(f.detail.clone())
        .bind(f.kind.source())
        .bind(crate::infra::clock::now()),
    )
    .await?;
    Ok(id)
}

impl EsatScope<'_> {
    /// Records a fact of a worker, checked against their situation and conventions d'appui on its first day.
    pub async fn add_worker_fact(&self, id: Uuid, input: FactInput) -> Result<Worker> {
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        let situation_on = |day: Date| -> Option<Situation> {
            before
                .history
                .iter()
                .rev()
                .find(|h| h.since <= day)
                .map(|h| h.situation)
        };
        let periods: Vec<(Date, Date)> = before
            .support_conventions
            .iter()
            .map(|c| (c.starts_on, c.ends_on))
            .collect();
        let at = FactContext {
            situation_on: Some(&situation_on),
            support_periods: &periods,
            today: Some(crate::today()),
        };
        let fact = input.validate(false, at)?;
        let esat_id = before.summary.esat_id;
        let fact_id = insert(&mut tx, esat_id, Some(id), &fact).await?;
        let after = self.load(&mut tx, id).await?;
        let added = after.facts.iter().find(|f| f.id == fact_id);
        record(
            &mut tx,
            self.ctx,
            Event::new("esat_worker", id, "esat_worker.fact_recorded")
                .by(Some(esat_id))
                .after(&added),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The ESAT's own facts (its OPCO membership), for its members.
    pub async fn esat_facts(&self, esat_id: Uuid) -> Result<Vec<FactRecord>> {
        self.check_member(esat_id)?;
        let mut tx = self.store.pool.begin_read().await?;
        let facts = load(&mut tx, esat_id, None).await?;
        tx.commit().await?;
        Ok(facts)
    }

    /// Records a fact of the ESAT itself.
    pub async fn add_esat_fact(&self, esat_id: Uuid, input: FactInput) -> Result<Vec<FactRecord>> {
        self.check_member(esat_id)?;
        let fact = input.validate(
            true,
            FactContext {
                today: Some(crate::today()),
                ..FactContext::default()
            },
        )?;
        let mut tx = self.store.pool.begin().await?;
        let fact_id = insert(&mut tx, esat_id, None, &fact).await?;
        let facts = load(&mut tx, esat_id, None).await?;
        let added = facts.iter().find(|f| f.id == fact_id);
        record(
            &mut tx,
            self.ctx,
            Event::new("organisation", esat_id, "esat.fact_recorded")
                .by(Some(esat_id))
                .after(&added),
        )
        .await?;
        tx.commit().await?;
        Ok(facts)
    }

    /// Only the ESAT's members record or read its facts; others get 404.
    fn check_member(&self, esat_id: Uuid) -> Result<()> {
        // The ESAT's own staff only: a platform administrator runs the platform, not the ESAT's records (and an
        // unknown ESAT is then not found, for them too).
        if self
            .ctx
            .membership(esat_id)
            .is_some_and(|m| m.kind == passerelle_domain::directory::OrganisationKind::Esat)
        {
            Ok(())
        } else {
            Err(StoreError::not_found("ESAT"))
        }
    }
}
