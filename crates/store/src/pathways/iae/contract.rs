//! Contracts and assignments of IAE employees: the CDDI of ACI and EI, and AI/ETTI
//! assignments with the 480-hour cap and the préfet's waivers. Each is checked by
//! `pathways::iae::contract` and needs the person's approval valid on its first day.

use crate::Store;
use crate::access::AccessContext;
use crate::directory::load_organisation;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::Event;
use crate::infra::idempotency::{IdempotencyKey, commit_created};
use crate::infra::sql::{Executor, Row, query};
use crate::pathways::iae::offer::siae_member;
use crate::pathways::iae::pathway::require_within_approval;
pub use crate::pathways::iae::waiver::WaiverRecord;
use crate::pathways::iae::waiver::{granted_waivers, waivers};
use passerelle_domain::explanation::Explanation;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::SiaeKind;
use passerelle_domain::pathways::iae::approval::Period;
use passerelle_domain::pathways::iae::coherence::EmploymentKind;
use passerelle_domain::pathways::iae::contract::{self, Assignment, Cddi, CddiException, ClientKind};
use passerelle_domain::text::required;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContractRecord {
    pub id: Uuid,
    pub person_id: Uuid,
    pub siae_id: Uuid,
    pub siae_name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub weekly_hours: i64,
    pub hours_derogation: bool,
    #[schema(value_type = Option<String>)]
    pub exception: Option<CddiException>,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssignmentRecord {
    pub id: Uuid,
    pub person_id: Uuid,
    pub siae_id: Uuid,
    pub siae_name: String,
    pub client_name: String,
    #[schema(example = "company")]
    pub client_kind: ClientKind,
    pub starts_on: Date,
    pub hours: i64,
    pub explanation: String,
}

/// A person's contracts, assignments and waivers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Employment {
    pub contracts: Vec<ContractRecord>,
    pub assignments: Vec<AssignmentRecord>,
    pub waivers: Vec<WaiverRecord>,
}

pub(super) fn refused(e: Explanation) -> StoreError {
    StoreError::Invalid(Invalid::new(e.code, e.message))
}

fn code<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse<T: serde::de::DeserializeOwned>(s: String) -> Result<T> {
    serde_json::from_value(s.into()).map_err(|e| StoreError::Database(sqlx::Error::Decode(e.to_string().into())))
}

fn contract_row(r: &Row) -> Result<ContractRecord> {
    Ok(ContractRecord {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        siae_id: r.get("siae_id")?,
        siae_name: r.get("name")?,
        starts_on: r.get("starts_on")?,
        ends_on: r.get("ends_on")?,
        weekly_hours: r.get("weekly_hours")?,
        hours_derogation: r.get("hours_derogation")?,
        exception: r.get::<Option<String>>("exception")?.map(parse).transpose()?,
        explanation: r.get("explanation")?,
    })
}

fn assignment_row(r: &Row) -> Result<AssignmentRecord> {
    Ok(AssignmentRecord {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        siae_id: r.get("siae_id")?,
        siae_name: r.get("name")?,
        client_name: r.get("client_name")?,
        client_kind: parse(r.get("client_kind")?)?,
        starts_on: r.get("starts_on")?,
        hours: r.get("hours")?,
        explanation: r.get("explanation")?,
    })
}

const CONTRACTS: &str = "SELECT c.id, c.person_id, c.siae_id, o.name, c.starts_on, c.ends_on, c.weekly_hours, \
    c.hours_derogation, c.exception, c.explanation FROM iae_contracts c JOIN organisations o ON o.id = c.siae_id";
const ASSIGNMENTS: &str = "SELECT a.id, a.person_id, a.siae_id, o.name, a.client_name, a.client_kind, a.starts_on, \
    a.hours, a.explanation FROM iae_assignments a JOIN organisations o ON o.id = a.siae_id";

impl Store {
    /// The SIAE kind of `siae_id`, which the caller must belong to, employing the person over `period`, which
    /// the person's approval must cover (or a pending prolongation explain: the explanation comes second).
    async fn employer(
        &self,
        ex: &mut impl Executor,
        ctx: &AccessContext,
        (person_id, siae_id): (Uuid, Uuid),
        what: EmploymentKind,
        period: Period,
    ) -> Result<(SiaeKind, Option<String>)> {
        siae_member(ctx, siae_id)?;
        let person = self.persons(ctx).load(ex, person_id).await?;
        let siae = load_organisation(ex, siae_id).await?;
        let explained = require_within_approval(ex, &person, what, period).await?;
        let kind = SiaeKind::of(siae.kind).ok_or(StoreError::not_found("SIAE"))?;
        Ok((kind, explained))
    }

    pub async fn employment(&self, ctx: &AccessContext, person_id: Uuid) -> Result<Employment> {
        let mut db = self.pool.clone();
        self.persons(ctx).load(&mut db, person_id).await?;
        let contracts = db
            .fetch_all(query(format!("{CONTRACTS} WHERE c.person_id = $1 ORDER BY c.starts_on")).bind(person_id))
            .await?
            .iter()
            .map(contract_row)
            .collect::<Result<_>>()?;
        let assignments = db
            .fetch_all(query(format!("{ASSIGNMENTS} WHERE a.person_id = $1 ORDER BY a.starts_on")).bind(person_id))
            .await?
            .iter()
            .map(assignment_row)
            .collect::<Result<_>>()?;
        Ok(Employment {
            contracts,
            assignments,
            waivers: waivers(&mut db, person_id).await?,
        })
    }

    pub async fn contract(&self, ctx: &AccessContext, id: Uuid) -> Result<ContractRecord> {
        let mut db = self.pool.clone();
        let row = db
            .fetch_optional(query(format!("{CONTRACTS} WHERE c.id = $1")).bind(id))
            .await?
            .ok_or(StoreError::not_found("contrat"))?;
        let c = contract_row(&row)?;
        self.persons(ctx).load(&mut db, c.person_id).await?;
        Ok(c)
    }

    pub async fn assignment(&self, ctx: &AccessContext, id: Uuid) -> Result<AssignmentRecord> {
        let mut db = self.pool.clone();
        let row = db
            .fetch_optional(query(format!("{ASSIGNMENTS} WHERE a.id = $1")).bind(id))
            .await?
            .ok_or(StoreError::not_found("mise à disposition"))?;
        let a = assignment_row(&row)?;
        self.persons(ctx).load(&mut db, a.person_id).await?;
        Ok(a)
    }

    /// Records a CDDI of one of the caller's SIAE, checked with the earlier CDDI of that SIAE.
    pub async fn create_contract(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        siae_id: Uuid,
        c: Cddi,
        key: Option<IdempotencyKey>,
    ) -> Result<ContractRecord> {
        let mut tx = self.pool.begin().await?;
        let (kind, past_the_approval) = self
            .employer(&mut tx, ctx, (person_id, siae_id), EmploymentKind::Contract, c.period)
            .await?;
        let earlier: i64 = tx
            .fetch_all(
                query("SELECT starts_on, ends_on FROM iae_contracts WHERE person_id = $1 AND siae_id = $2")
                    .bind(person_id)
                    .bind(siae_id),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Period {
                    from: r.get("starts_on")?,
                    to: r.get("ends_on")?,
                }
                .days())
            })
            .sum::<Result<i64>>()?;
        let mut explanation = contract::check_cddi(kind, &c, earlier).map_err(refused)?.message;
        if let Some(note) = past_the_approval {
            explanation = format!("{explanation} {note}.");
        }
        let id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO iae_contracts (id, person_id, siae_id, starts_on, ends_on, weekly_hours, hours_derogation, \
                 exception, explanation, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(person_id)
            .bind(siae_id)
            .bind(c.period.from)
            .bind(c.period.to)
            .bind(c.weekly_hours)
            .bind(c.hours_derogation)
            .bind(c.exception.map(code))
            .bind(explanation.as_str())
            .bind(crate::infra::clock::now()),
        )
        .await?;
        crate::obligations::contract_recorded(&mut tx, person_id).await?;
        let event = Event::new("person", person_id, "contract.created")
            .by(Some(siae_id))
            .after(&serde_json::json!({"id": id, "explanation": explanation}));
        commit_created(tx, ctx, key.as_ref(), id, event).await?;
        self.contract(ctx, id).await
    }

    /// Records an assignment of one of the caller's AI or ETTI, within the 480-hour cap unless waived.
    pub async fn create_assignment(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        siae_id: Uuid,
        client_name: &str,
        a: Assignment,
        key: Option<IdempotencyKey>,
    ) -> Result<AssignmentRecord> {
        let client_name = required("client_name", client_name, 200)?;
        let mut tx = self.pool.begin().await?;
        let first_day = Period {
            from: a.date,
            to: a.date,
        };
        // An assignment is its first day: inside the approval, nothing to explain.
        let (kind, _) = self
            .employer(
                &mut tx,
                ctx,
                (person_id, siae_id),
                EmploymentKind::Assignment,
                first_day,
            )
            .await?;
        let earlier = tx
            .fetch_all(
                query(
                    "SELECT starts_on, hours, client_kind FROM iae_assignments WHERE person_id = $1 AND siae_id = $2",
                )
                .bind(person_id)
                .bind(siae_id),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Assignment {
                    date: r.get("starts_on")?,
                    hours: r.get("hours")?,
                    client: parse(r.get("client_kind")?)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let waived = granted_waivers(&mut tx, person_id, siae_id).await?;
        let explanation = contract::check_assignment(kind, &earlier, a, &waived).map_err(refused)?;
        let id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO iae_assignments (id, person_id, siae_id, client_name, client_kind, starts_on, hours, \
                 explanation, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(person_id)
            .bind(siae_id)
            .bind(&client_name)
            .bind(code(a.client))
            .bind(a.date)
            .bind(a.hours)
            .bind(explanation.message.as_str())
            .bind(crate::infra::clock::now()),
        )
        .await?;
        let event = Event::new("person", person_id, "assignment.created")
            .by(Some(siae_id))
            .after(&serde_json::json!({"id": id, "hours": a.hours, "explanation": explanation.message}));
        commit_created(tx, ctx, key.as_ref(), id, event).await?;
        self.assignment(ctx, id).await
    }
}
