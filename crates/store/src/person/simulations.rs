//! Benefit simulations saved in a person's record (docs/benefits.md, « Simulations enregistrées »): the
//! simulator's inputs and the summary it computed then, with the day and the organisation that saved it.
//!
//! A counsellor of an organisation following the person saves one; the caller sees those of its own
//! organisations, and the others' only when the person consented to sharing their data (the rule of the
//! pathway's steps). Only the organisation that saved a simulation deletes it; deleted ones stay in the
//! table, marked, and in the journal. Every list or opening is journaled as a read of personal data: the
//! inputs hold the birth date, the incapacity rate and the household's incomes.

use super::PersonScope;
use crate::directory::push_in;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, journal_reads, record};
use crate::infra::idempotency::{IdempotencyKey, claim};
use crate::infra::sql::{Executor, Row, query};
use passerelle_domain::invalid::Invalid;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// The most characters the inputs may take once written (the simulator has about thirty short fields).
pub const MAX_INPUTS_CHARS: usize = 8000;

/// One series of a saved simulation: the situation without change, or a scenario.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct SeriesSummary {
    /// « Sans changement », « Scénario 1 », ...
    pub title: String,
    /// What the series simulates, in French.
    pub description: String,
    /// The total income of each month (pay, AAH, MVA, prime d'activité), in cents, first month first.
    pub monthly_totals_cents: Vec<i64>,
    /// The total over the period, in cents.
    pub total_cents: i64,
    /// Compared with the situation without change over the period, in cents; none for that situation.
    pub difference_cents: Option<i64>,
    /// The warnings shown with the series (the RSDAE at half-time or more).
    pub warnings: Vec<String>,
}

/// What the simulator computed when the simulation was saved.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct SimulationSummary {
    /// The first simulated month, `AAAA-MM`.
    #[schema(example = "2026-01")]
    pub first_month: String,
    /// How many months were simulated.
    pub months: u32,
    pub series: Vec<SeriesSummary>,
}

/// A simulation to save: the simulator's fields as typed (`birth_date`, `incapacity`, `s1_hours`, ...; a ticked
/// box is `on`) and what it computed from them.
#[derive(Debug, Clone)]
pub struct NewSimulation {
    pub organisation_id: Uuid,
    pub inputs: BTreeMap<String, String>,
    pub summary: SimulationSummary,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SavedSimulation {
    pub id: Uuid,
    pub person_id: Uuid,
    /// The organisation on whose behalf it was saved.
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// The name of the account that saved it.
    pub author: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The simulator's fields as typed, to open it again with them.
    pub inputs: BTreeMap<String, String>,
    pub summary: SimulationSummary,
}

const COLUMNS: &str = "s.id, s.person_id, s.organisation_id, o.name AS organisation_name, u.display_name, \
    s.created_at, s.inputs, s.summary FROM benefit_simulations s JOIN organisations o ON o.id = s.organisation_id \
    LEFT JOIN users u ON u.id = s.author_user_id";

fn saved(r: &Row) -> Result<SavedSimulation> {
    let decode = |column: &'static str| {
        move |_| StoreError::Database(sqlx::Error::Decode(format!("benefit_simulations.{column}").into()))
    };
    let inputs: String = r.get("inputs")?;
    Ok(SavedSimulation {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        organisation_id: r.get("organisation_id")?,
        organisation_name: r.get("organisation_name")?,
        author: r.get("display_name")?,
        created_at: r.get("created_at")?,
        inputs: serde_json::from_str(&inputs).map_err(decode("inputs"))?,
        summary: serde_json::from_value(r.json("summary")?.unwrap_or_default()).map_err(decode("summary"))?,
    })
}

impl PersonScope<'_> {
    /// Restricts `q` (over `benefit_simulations s` of one person) to what the caller may see: its own
    /// organisations' simulations, and the others' when the person consented to sharing.
    fn restrict_simulations(&self, q: &mut crate::infra::sql::Query, consented: bool) {
        if consented || self.ctx.is_platform_admin() {
            return;
        }
        let own: Vec<Uuid> = self.ctx.memberships().iter().map(|m| m.organisation_id).collect();
        if own.is_empty() {
            q.push_sql(" AND 1 = 0");
        } else {
            q.push_sql(" AND");
            push_in(q, "s.organisation_id", &own);
        }
    }

    async fn load_simulations(
        &self,
        ex: &mut impl Executor,
        person_id: Uuid,
        only: Option<Uuid>,
    ) -> Result<Vec<SavedSimulation>> {
        let person = self.load(ex, person_id).await?;
        let mut q = query(format!("SELECT {COLUMNS} WHERE s.deleted_at IS NULL"));
        q.push_bound(" AND s.person_id = {}", person_id);
        if let Some(id) = only {
            q.push_bound(" AND s.id = {}", id);
        }
        self.restrict_simulations(&mut q, person.consent_data_sharing);
        q.push_sql(" ORDER BY s.created_at DESC, s.id");
        ex.fetch_all(q).await?.iter().map(saved).collect()
    }

    /// The simulations saved in a person's record that the caller may see, newest first; 404 when the person
    /// is out of scope. Journaled (`benefit_simulations.read`) with how many were shown.
    pub async fn simulations(&self, person_id: Uuid) -> Result<Vec<SavedSimulation>> {
        let mut tx = self.store.pool.begin_read().await?;
        let list = self.load_simulations(&mut tx, person_id, None).await?;
        tx.commit().await?;
        let ids: Vec<Uuid> = list.iter().map(|s| s.id).collect();
        journal_reads(
            &self.store.pool,
            self.ctx,
            vec![Event::new("person", person_id, "benefit_simulations.read").after(&ids)],
        )
        .await?;
        Ok(list)
    }

    /// One saved simulation; 404 when it or its person is out of the caller's sight. Journaled
    /// (`benefit_simulation.read`).
    pub async fn simulation(&self, person_id: Uuid, id: Uuid) -> Result<SavedSimulation> {
        let mut tx = self.store.pool.begin_read().await?;
        let found = self.load_simulations(&mut tx, person_id, Some(id)).await?;
        tx.commit().await?;
        let s = found.into_iter().next().ok_or(StoreError::not_found("simulation"))?;
        journal_reads(
            &self.store.pool,
            self.ctx,
            vec![Event::new("person", person_id, "benefit_simulation.read").after(&id)],
        )
        .await?;
        Ok(s)
    }

    /// Saves a simulation in the record on behalf of one of the caller's organisations that follows the
    /// person (403 otherwise), with its event (`benefit_simulation.saved`) and its idempotency key.
    pub async fn save_simulation(
        &self,
        person_id: Uuid,
        new: NewSimulation,
        key: Option<IdempotencyKey>,
    ) -> Result<SavedSimulation> {
        let member = self
            .ctx
            .membership(new.organisation_id)
            .filter(|m| m.kind.holds_names().is_ok())
            .ok_or_else(|| {
                StoreError::forbidden("not_a_member", "Vous ne pouvez agir qu'au nom de votre structure.")
            })?;
        let inputs = serde_json::to_string(&new.inputs).unwrap_or_default();
        if new.inputs.is_empty() || inputs.chars().count() > MAX_INPUTS_CHARS {
            return Err(Invalid::new(
                "simulation_inputs_invalid",
                "La simulation à enregistrer est vide ou trop longue : refaites-la dans le simulateur.",
            )
            .on("inputs")
            .into());
        }
        // The write transaction holds the write lock of both databases: the follower checked here stays one.
        let mut tx = self.store.pool.begin().await?;
        let person = self.load(&mut tx, person_id).await?;
        if !person
            .followers
            .iter()
            .any(|f| f.organisation_id == member.organisation_id)
        {
            return Err(StoreError::forbidden(
                "not_a_follower",
                "Votre structure ne suit pas cette personne : elle ne peut pas enregistrer de simulation dans son dossier.",
            ));
        }
        let id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO benefit_simulations (id, person_id, organisation_id, author_user_id, inputs, summary, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(person_id)
            .bind(new.organisation_id)
            .bind(self.ctx.user_id())
            .bind(inputs)
            .bind(serde_json::to_value(&new.summary).unwrap_or_default())
            .bind(crate::infra::clock::now()),
        )
        .await?;
        let mut found = self.load_simulations(&mut tx, person_id, Some(id)).await?;
        let saved = found.pop().ok_or(StoreError::not_found("simulation"))?;
        claim(&mut tx, self.ctx, key.as_ref(), id).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("person", person_id, "benefit_simulation.saved")
                .by(Some(new.organisation_id))
                .after(&saved),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Deletes a saved simulation: only a member of the organisation that saved it (403 otherwise). The row
    /// stays, marked deleted, and the journal keeps what it was (`benefit_simulation.deleted`).
    pub async fn delete_simulation(&self, person_id: Uuid, id: Uuid) -> Result<()> {
        let mut tx = self.store.pool.begin().await?;
        let before = self
            .load_simulations(&mut tx, person_id, Some(id))
            .await?
            .pop()
            .ok_or(StoreError::not_found("simulation"))?;
        if !self.ctx.is_platform_admin() && self.ctx.membership(before.organisation_id).is_none() {
            return Err(StoreError::forbidden(
                "not_the_saving_organisation",
                format!(
                    "Seule la structure qui a enregistré cette simulation ({}) peut la supprimer.",
                    before.organisation_name
                ),
            ));
        }
        tx.execute(
            query("UPDATE benefit_simulations SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL")
                .bind(crate::infra::clock::now())
                .bind(id),
        )
        .await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("person", person_id, "benefit_simulation.deleted")
                .by(Some(before.organisation_id))
                .before(&before),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
