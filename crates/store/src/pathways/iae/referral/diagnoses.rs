//! Diagnoses: who diagnoses (the domain says, from the organisation's kind and authorisations), the engine's
//! eligibility and expiry, kept with the record.

use super::{forbidden, member};
use crate::Store;
use crate::access::{AccessContext, Membership};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::Event;
use crate::infra::idempotency::{IdempotencyKey, commit_created};
use crate::infra::sql::{Executor, Row, Tx, query};
use crate::today;
use passerelle_domain::explanation::Explanation;
use passerelle_domain::pathways::iae::referral::prescription;
use passerelle_domain::pathways::iae::{Criterion, Diagnosis, DiagnosisAuthor, SiaeKind};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DiagnosisRecord {
    pub id: Uuid,
    pub person_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    #[schema(example = "authorized_prescriber")]
    pub author: DiagnosisAuthor,
    #[schema(example = "ACI")]
    pub siae_kind: SiaeKind,
    pub diagnosed_on: Date,
    #[schema(value_type = Vec<String>)]
    pub criteria: Vec<Criterion>,
    pub eligible: bool,
    /// First day the diagnosis is no longer valid.
    pub expires_on: Date,
    /// The rules engine's reasons, in French with their source.
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<Explanation>,
}

/// How the caller's organisation diagnoses: as an authorised prescriber (by right, or with an
/// authorisation in force) or as an employer (an SIAE's own diagnosis).
pub(super) async fn author_kind(ex: &mut impl Executor, m: &Membership) -> Result<DiagnosisAuthor> {
    let authorised = authorised(ex, m).await?;
    prescription::diagnosis_author(m.kind, authorised).map_err(forbidden)
}

/// Whether `m`'s organisation holds an authorisation to prescribe in force today.
async fn authorised(ex: &mut impl Executor, m: &Membership) -> Result<bool> {
    Ok(ex
        .fetch_optional(
            query(
                "SELECT 1 AS ok FROM authorisations WHERE organisation_id = $1 AND archived_at IS NULL \
                 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2)",
            )
            .bind(m.organisation_id)
            .bind(today()),
        )
        .await?
        .is_some())
}

/// Writes a diagnosis by `m`'s organisation in `tx` (the person already loaded in its scope): the rules engine
/// decides eligibility and expiry. Answers the record and its event, for the caller to record.
pub(super) async fn insert_diagnosis(
    tx: &mut Tx,
    m: &Membership,
    person_id: Uuid,
    siae_kind: SiaeKind,
    criteria: Vec<Criterion>,
) -> Result<(DiagnosisRecord, Event)> {
    let organisation_id = m.organisation_id;
    let author = author_kind(tx, m).await?;
    let d = Diagnosis {
        date: today(),
        siae_kind,
        author,
        criteria,
    };
    let assessed = d.assess()?;
    let mut criteria = d.criteria.clone();
    criteria.sort();
    criteria.dedup();
    let id = Uuid::new_v4();
    tx.execute(
        query(
            "INSERT INTO iae_diagnoses (id, person_id, organisation_id, author_kind, siae_kind, diagnosed_on, \
                 criteria, eligible, expires_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(person_id)
        .bind(organisation_id)
        .bind(
            serde_json::to_value(author)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned)),
        )
        .bind(siae_kind.acronym())
        .bind(d.date)
        .bind(serde_json::to_value(&criteria).unwrap_or_default())
        .bind(assessed.eligible)
        .bind(assessed.expires_on)
        .bind(crate::infra::clock::now()),
    )
    .await?;
    let created = load_diagnosis(tx, id).await?;
    let event = Event::new("iae_diagnosis", id, "diagnosis.created")
        .by(Some(organisation_id))
        .after(&created);
    Ok((created, event))
}

pub(super) const DIAGNOSIS_COLUMNS: &str = "d.id, d.person_id, d.organisation_id, o.name AS organisation_name, d.author_kind, \
    d.siae_kind, d.diagnosed_on, d.criteria, d.eligible, d.expires_on";

fn parse<T: serde::de::DeserializeOwned>(column: &str, value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(format!("{column}: {e}").into())))
}

pub(super) fn diagnosis(r: &Row) -> Result<DiagnosisRecord> {
    let author: DiagnosisAuthor = parse("author_kind", r.get::<String>("author_kind")?.into())?;
    let siae_kind: SiaeKind = parse("siae_kind", r.get::<String>("siae_kind")?.into())?;
    let criteria: Vec<Criterion> = parse("criteria", r.json("criteria")?.unwrap_or_default())?;
    let diagnosed_on: Date = r.get("diagnosed_on")?;
    // The reasons are the engine's, computed again: the stored decision is kept for queries and checks.
    let reasons = Diagnosis {
        date: diagnosed_on,
        siae_kind,
        author,
        criteria: criteria.clone(),
    }
    .assess()
    .map(|e| e.reasons)
    .unwrap_or_default();
    Ok(DiagnosisRecord {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        organisation_id: r.get("organisation_id")?,
        organisation_name: r.get("organisation_name")?,
        author,
        siae_kind,
        diagnosed_on,
        criteria,
        eligible: r.get("eligible")?,
        expires_on: r.get("expires_on")?,
        reasons,
    })
}

impl Store {
    /// Records a diagnosis of a person the caller follows; the rules engine decides eligibility and expiry.
    pub async fn create_diagnosis(
        &self,
        ctx: &AccessContext,
        organisation_id: Uuid,
        person_id: Uuid,
        siae_kind: SiaeKind,
        criteria: Vec<Criterion>,
        key: Option<IdempotencyKey>,
    ) -> Result<DiagnosisRecord> {
        let m = member(ctx, organisation_id)?;
        let mut tx = self.pool.begin().await?;
        self.persons(ctx).load(&mut tx, person_id).await?;
        let (created, event) = insert_diagnosis(&mut tx, m, person_id, siae_kind, criteria).await?;
        commit_created(tx, ctx, key.as_ref(), created.id, event).await?;
        Ok(created)
    }

    /// Whether one of the caller's organisations may prescribe an IAE pathway: an authorised prescriber, or an
    /// SIAE on its own diagnosis (the domain says which kinds). The pages link to the prescription form with it.
    pub async fn may_prescribe(&self, ctx: &AccessContext) -> Result<bool> {
        let mut db = self.pool.clone();
        for m in ctx.memberships() {
            let authorised = authorised(&mut db, m).await?;
            if prescription::diagnosis_author(m.kind, authorised).is_ok() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The diagnoses of a person the caller follows, newest first.
    pub async fn diagnoses(&self, ctx: &AccessContext, person_id: Uuid) -> Result<Vec<DiagnosisRecord>> {
        let mut db = self.pool.clone();
        self.persons(ctx).load(&mut db, person_id).await?;
        let rows = db
            .fetch_all(
                query(format!(
                    "SELECT {DIAGNOSIS_COLUMNS} FROM iae_diagnoses d JOIN organisations o ON o.id = d.organisation_id \
                     WHERE d.person_id = $1 ORDER BY d.diagnosed_on DESC, d.created_at DESC"
                ))
                .bind(person_id),
            )
            .await?;
        rows.iter().map(diagnosis).collect()
    }

    /// A diagnosis, for whoever may see its person.
    pub async fn diagnosis(&self, ctx: &AccessContext, id: Uuid) -> Result<DiagnosisRecord> {
        let mut db = self.pool.clone();
        let d = load_diagnosis(&mut db, id).await?;
        self.persons(ctx)
            .load(&mut db, d.person_id)
            .await
            .map_err(|_| StoreError::not_found("diagnostic"))?;
        Ok(d)
    }
}

async fn load_diagnosis(ex: &mut impl Executor, id: Uuid) -> Result<DiagnosisRecord> {
    let row = ex
        .fetch_optional(
            query(format!(
                "SELECT {DIAGNOSIS_COLUMNS} FROM iae_diagnoses d JOIN organisations o ON o.id = d.organisation_id \
                 WHERE d.id = $1"
            ))
            .bind(id),
        )
        .await?
        .ok_or(StoreError::not_found("diagnostic"))?;
    diagnosis(&row)
}
