//! ESAT pathways: a worker's record, the five situations with their history, double activity,
//! the conventions d'appui and the right to return (rules in `passerelle_domain::pathways::esat`).
//!
//! A worker's record is seen and changed by the members of its ESAT (and platform administrators) only; every
//! read is journaled. The way in is [`Store::esat`], which hands out an [`EsatScope`] bound to the caller.

mod facts;
mod sharing;
mod support;

pub use facts::FactRecord;
pub use sharing::{SharedWorker, SpeConsent};
pub use support::NewSupportConvention;

use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, commit_created};
use crate::infra::sql::{Executor, Query, Row, query};
use crate::{Store, today};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::esat::{
    Move, Orientation, Situation, WorkerFields, check_double_activity, check_return,
};
use passerelle_domain::text::{optional, required};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A worker in the ESAT's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkerSummary {
    pub id: Uuid,
    pub person_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub esat_id: Uuid,
    pub esat_name: String,
    #[schema(example = "double_activity")]
    pub situation: Situation,
    pub situation_number: usize,
    pub situation_label: &'static str,
    pub situation_since: Date,
    pub orientation_decided_on: Date,
    pub orientation_valid_until: Date,
    /// The orientation has ended or ends soon (RULES.md 3: the right to return lasts while it is valid).
    pub orientation_warning: Option<String>,
}

/// A worker's whole record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Worker {
    #[serde(flatten)]
    pub summary: WorkerSummary,
    pub contract_started_on: Date,
    pub professional_project: Option<String>,
    /// Every situation, oldest first; the right to return appears as a move with `is_return`.
    pub history: Vec<SituationRecord>,
    pub support_conventions: Vec<SupportConvention>,
    /// The situations the worker may move to from the current one.
    pub allowed_moves: Vec<SituationOption>,
    pub planned_actions: PlannedActions,
    /// The worker's consent to share this follow-up with the SPE parties to the ESAT's conventions in force.
    pub spe_consent: SpeConsent,
    /// Dated facts of the worker: parcours renforcé en emploi, CPF, invoicing of the convention d'appui.
    pub facts: Vec<FactRecord>,
    /// Dated facts of the ESAT: its OPCO membership.
    pub esat_facts: Vec<FactRecord>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SituationRecord {
    pub seq: i64,
    pub situation: Situation,
    pub situation_label: &'static str,
    pub since: Date,
    pub esat_minutes: Option<i64>,
    pub employer_minutes: Option<i64>,
    pub employer_name: Option<String>,
    pub local_plan: Option<String>,
    pub is_return: bool,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SituationOption {
    pub situation: Situation,
    pub number: usize,
    pub label: &'static str,
    /// Moving there uses the right to return to the ESAT.
    pub is_return: bool,
}

/// One period of a convention d'appui.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupportConvention {
    pub id: Uuid,
    pub period_number: i64,
    pub renewal_of: Option<Uuid>,
    pub employer_name: String,
    pub employer_siret: Option<String>,
    pub savs_name: Option<String>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub explanation: String,
}

/// The actions planned for the worker's current situation: from every ESAT-SPE convention in force to which the
/// ESAT is party (one per SPE party: seed 000, question 10) that has action sheets for this situation, else the
/// ESAT's own plan typed with the move.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlannedActions {
    /// `agreement` or `local`.
    pub source: &'static str,
    /// The conventions the actions come from, latest start first; empty when the source is `local`.
    pub conventions: Vec<ConventionActions>,
    pub local_plan: Option<String>,
}

/// The actions one ESAT-SPE convention in force plans for the worker's situation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConventionActions {
    pub agreement_id: Uuid,
    pub agreement_title: String,
    pub actions: Vec<PlannedAction>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlannedAction {
    pub title: String,
    pub objectives: Vec<String>,
    pub implementation: String,
}

/// A new worker record.
#[derive(Debug, Clone)]
pub struct NewWorker {
    pub esat_id: Uuid,
    pub person_id: Uuid,
    pub fields: WorkerFields,
    pub situation: SituationChange,
}

/// A situation as typed, to start a record in or to move to.
#[derive(Debug, Clone, Default)]
pub struct SituationChange {
    pub situation: String,
    pub since: Option<Date>,
    pub esat_minutes: Option<i64>,
    pub employer_minutes: Option<i64>,
    pub employer_name: Option<String>,
    pub local_plan: Option<String>,
}

/// A situation change once checked.
struct CheckedSituation {
    situation: Situation,
    since: Date,
    esat_minutes: Option<i64>,
    employer_minutes: Option<i64>,
    employer_name: Option<String>,
    local_plan: Option<String>,
    explanation: String,
}

impl SituationChange {
    fn check(&self) -> Result<CheckedSituation, Invalid> {
        let situation = Situation::parse(self.situation.trim()).ok_or_else(|| {
            Invalid::new(
                "esat_situation_unknown",
                "Choisissez l'une des cinq situations du travailleur d'ESAT.",
            )
            .on("situation")
        })?;
        let since = self
            .since
            .ok_or_else(|| Invalid::new("field_required", "Le champ « depuis le » est obligatoire.").on("since"))?;
        let local_plan = optional("local_plan", self.local_plan.as_deref(), 4000)?;
        if situation == Situation::DoubleActivity {
            let (esat, employer) = (self.esat_minutes.unwrap_or(0), self.employer_minutes.unwrap_or(0));
            let explanation =
                check_double_activity(esat, employer).map_err(|e| Invalid::from(e).on("employer_minutes"))?;
            let employer_name = required("employer_name", self.employer_name.as_deref().unwrap_or(""), 200)?;
            return Ok(CheckedSituation {
                situation,
                since,
                esat_minutes: Some(esat),
                employer_minutes: Some(employer),
                employer_name: Some(employer_name),
                local_plan,
                explanation: explanation.message,
            });
        }
        Ok(CheckedSituation {
            situation,
            since,
            esat_minutes: None,
            employer_minutes: None,
            employer_name: optional("employer_name", self.employer_name.as_deref(), 200)?,
            local_plan,
            explanation: format!("Situation {} : {}.", situation.number(), situation.label()),
        })
    }
}

const WORKER_COLUMNS: &str = "w.id, w.person_id, p.first_name, p.last_name, w.esat_id, o.name AS esat_name, \
    w.situation, w.situation_since, w.orientation_decided_on, w.orientation_valid_until, w.contract_started_on, \
    w.professional_project, w.spe_consent_on, w.spe_consent_withdrawn_on";
const WORKER_FROM: &str = " FROM esat_workers w JOIN persons p ON p.id = w.person_id \
    JOIN organisations o ON o.id = w.esat_id WHERE p.archived_at IS NULL";

fn situation_of(r: &Row, column: &str) -> Result<Situation> {
    let code: String = r.get(column)?;
    Situation::parse(&code)
        .ok_or_else(|| StoreError::Database(sqlx::Error::Decode(format!("situation : {code}").into())))
}

fn summary(r: &Row, today: Date) -> Result<WorkerSummary> {
    let situation = situation_of(r, "situation")?;
    let orientation = Orientation {
        decided_on: r.get("orientation_decided_on")?,
        valid_until: r.get("orientation_valid_until")?,
    };
    Ok(WorkerSummary {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        first_name: r.get("first_name")?,
        last_name: r.get("last_name")?,
        esat_id: r.get("esat_id")?,
        esat_name: r.get("esat_name")?,
        situation,
        situation_number: situation.number(),
        situation_label: situation.short_label(),
        situation_since: r.get("situation_since")?,
        orientation_decided_on: orientation.decided_on,
        orientation_valid_until: orientation.valid_until,
        orientation_warning: orientation.warning(today),
    })
}

/// The ESAT workers one caller may see.
pub struct EsatScope<'a> {
    store: &'a Store,
    ctx: &'a AccessContext,
}

impl Store {
    pub fn esat<'a>(&'a self, ctx: &'a AccessContext) -> EsatScope<'a> {
        EsatScope { store: self, ctx }
    }
}

impl EsatScope<'_> {
    /// Restricts `q` (over `esat_workers w`) to the workers of the caller's ESATs.
    fn restrict(&self, q: &mut Query) {
        if self.ctx.is_platform_admin() {
            return;
        }
        match self.ctx.user_id() {
            Some(user) => q.push_bound(
                " AND EXISTS (SELECT 1 FROM memberships m WHERE m.organisation_id = w.esat_id AND m.user_id = {})",
                user,
            ),
            None => q.push_sql(" AND 1 = 0"),
        }
    }

    async fn load(&self, ex: &mut impl Executor, id: Uuid) -> Result<Worker> {
        let mut q = query(format!("SELECT {WORKER_COLUMNS}{WORKER_FROM}"));
        q.push_bound(" AND w.id = {}", id);
        self.restrict(&mut q);
        load_record(ex, q, id).await
    }

    /// One worker's record, journaled as a read of the person.
    pub async fn get(&self, id: Uuid) -> Result<Worker> {
        let mut tx = self.store.pool.begin().await?;
        let w = self.load(&mut tx, id).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("esat_worker", id, "esat_worker.read").by(Some(w.summary.esat_id)),
        )
        .await?;
        tx.commit().await?;
        Ok(w)
    }

    /// The workers of the caller's ESATs (or of one of them), by name; the read is journaled with the ids shown.
    pub async fn list(&self, esat_id: Option<Uuid>) -> Result<Vec<WorkerSummary>> {
        let mut q = query(format!("SELECT {WORKER_COLUMNS}{WORKER_FROM}"));
        if let Some(esat) = esat_id {
            q.push_bound(" AND w.esat_id = {}", esat);
        }
        self.restrict(&mut q);
        q.push_sql(" ORDER BY p.last_name, p.first_name, w.id");
        let mut tx = self.store.pool.begin().await?;
        let today = today();
        let items = tx
            .fetch_all(q)
            .await?
            .iter()
            .map(|r| summary(r, today))
            .collect::<Result<Vec<_>>>()?;
        if !items.is_empty() {
            let ids: Vec<Uuid> = items.iter().map(|w| w.id).collect();
            record(
                &mut tx,
                self.ctx,
                Event::new("esat_workers", Uuid::nil(), "esat_worker.listed").after(&ids),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(items)
    }

    /// Opens the record of a person the ESAT follows, in situation 1 or 2.
    pub async fn create(&self, new: NewWorker, key: Option<IdempotencyKey>) -> Result<Worker> {
        let membership = self
            .ctx
            .membership(new.esat_id)
            .filter(|m| m.kind == OrganisationKind::Esat);
        if membership.is_none() && !self.ctx.is_platform_admin() {
            return Err(StoreError::forbidden(
                "not_an_esat_member",
                "Seuls les membres de l'ESAT ouvrent le dossier d'un de ses travailleurs.",
            ));
        }
        let start = new.situation.check()?;
        if !start.situation.can_start_in() {
            return Err(Invalid::new(
                "esat_situation_not_initial",
                format!(
                    "Un dossier s'ouvre pendant le travail à l'ESAT : en situation 1 ou 2, pas en situation {}.",
                    start.situation.number()
                ),
            )
            .on("situation")
            .into());
        }
        let mut tx = self.store.pool.begin().await?;
        // The person must be one the caller may see: 404 otherwise.
        let person = self.store.persons(self.ctx).load(&mut tx, new.person_id).await?;
        if !person.followers.iter().any(|f| f.organisation_id == new.esat_id) {
            return Err(StoreError::conflict(
                "person_not_followed_by_esat",
                "Cette personne n'est pas suivie par l'ESAT : partagez d'abord son dossier avec l'ESAT.",
            ));
        }
        let exists = tx
            .fetch_optional(
                query("SELECT id FROM esat_workers WHERE person_id = $1 AND esat_id = $2")
                    .bind(new.person_id)
                    .bind(new.esat_id),
            )
            .await?;
        if exists.is_some() {
            return Err(StoreError::conflict(
                "esat_worker_exists",
                "Cette personne a déjà un dossier de travailleur dans cet ESAT.",
            ));
        }
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        let f = &new.fields;
        tx.execute(
            query(
                "INSERT INTO esat_workers (id, person_id, esat_id, orientation_decided_on, orientation_valid_until, \
                 contract_started_on, professional_project, situation, situation_since, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
            )
            .bind(id)
            .bind(new.person_id)
            .bind(new.esat_id)
            .bind(f.orientation.decided_on)
            .bind(f.orientation.valid_until)
            .bind(f.contract_started_on)
            .bind(&f.professional_project)
            .bind(start.situation.code())
            .bind(start.since)
            .bind(now),
        )
        .await?;
        insert_situation(&mut tx, id, 1, &start, false).await?;
        let w = self.load(&mut tx, id).await?;
        let event = Event::new("esat_worker", id, "esat_worker.created")
            .by(Some(new.esat_id))
            .after(&w);
        commit_created(tx, self.ctx, key.as_ref(), id, event).await?;
        Ok(w)
    }

    /// Changes the record's orientation, contract and project (a renewed orientation, a new project).
    pub async fn update(&self, id: Uuid, f: WorkerFields) -> Result<Worker> {
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        tx.execute(
            query(
                "UPDATE esat_workers SET orientation_decided_on = $1, orientation_valid_until = $2, \
                 contract_started_on = $3, professional_project = $4, updated_at = $5 WHERE id = $6",
            )
            .bind(f.orientation.decided_on)
            .bind(f.orientation.valid_until)
            .bind(f.contract_started_on)
            .bind(&f.professional_project)
            .bind(crate::infra::clock::now())
            .bind(id),
        )
        .await?;
        let after = self.load(&mut tx, id).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("esat_worker", id, "esat_worker.updated")
                .by(Some(after.summary.esat_id))
                .before(&before)
                .after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Moves the worker to another situation; a move back into the ESAT uses the right to return, open while the
    /// orientation is valid.
    pub async fn move_to(&self, id: Uuid, change: SituationChange) -> Result<Worker> {
        let next = change.check()?;
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        let from = before.summary.situation;
        let kind = from
            .check_move(next.situation)
            .map_err(|e| Invalid::from(e).on("situation"))?;
        if next.since < before.summary.situation_since {
            return Err(Invalid::new(
                "esat_situation_date_before_current",
                format!(
                    "La nouvelle situation ne peut pas commencer avant la situation actuelle, en cours depuis le {}.",
                    passerelle_domain::calendar::french_date(before.summary.situation_since)
                ),
            )
            .on("since")
            .into());
        }
        let mut next = next;
        if kind == Move::Return {
            let orientation = Orientation {
                decided_on: before.summary.orientation_decided_on,
                valid_until: before.summary.orientation_valid_until,
            };
            let accepted = check_return(orientation, next.since).map_err(|e| Invalid::from(e).on("since"))?;
            next.explanation = format!("{} {}", accepted.message, next.explanation);
        }
        let seq = before.history.last().map_or(1, |h| h.seq + 1);
        insert_situation(&mut tx, id, seq, &next, kind == Move::Return).await?;
        tx.execute(
            query("UPDATE esat_workers SET situation = $1, situation_since = $2, updated_at = $3 WHERE id = $4")
                .bind(next.situation.code())
                .bind(next.since)
                .bind(crate::infra::clock::now())
                .bind(id),
        )
        .await?;
        if next.situation != Situation::TransitionWithSupportConvention {
            // The convention d'appui goes with the transition: the end of its period is no longer to prepare.
            let source = crate::obligations::Source::SupportPeriodEnd;
            crate::obligations::close(&mut tx, source, &id.to_string()).await?;
        }
        let after = self.load(&mut tx, id).await?;
        let action = if kind == Move::Return {
            "esat_worker.returned"
        } else {
            "esat_worker.situation_changed"
        };
        record(
            &mut tx,
            self.ctx,
            Event::new("esat_worker", id, action)
                .by(Some(after.summary.esat_id))
                .before(&before.summary)
                .after(&after.summary),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// The whole record of worker `id`, read with `q` (the worker's row, restricted to the caller).
async fn load_record(ex: &mut impl Executor, q: Query, id: Uuid) -> Result<Worker> {
    let r = ex
        .fetch_optional(q)
        .await?
        .ok_or(StoreError::not_found("travailleur d'ESAT"))?;
    let today = today();
    let summary = summary(&r, today)?;
    let history = ex
        .fetch_all(
            query(
                "SELECT seq, situation, since, esat_minutes, employer_minutes, employer_name, local_plan, is_return, \
                 explanation FROM esat_situations WHERE worker_id = $1 ORDER BY seq",
            )
            .bind(id),
        )
        .await?
        .iter()
        .map(|r| {
            let situation = situation_of(r, "situation")?;
            Ok(SituationRecord {
                seq: r.get("seq")?,
                situation,
                situation_label: situation.short_label(),
                since: r.get("since")?,
                esat_minutes: r.get("esat_minutes")?,
                employer_minutes: r.get("employer_minutes")?,
                employer_name: r.get("employer_name")?,
                local_plan: r.get("local_plan")?,
                is_return: r.get("is_return")?,
                explanation: r.get("explanation")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let support_conventions = ex
        .fetch_all(
            query(
                "SELECT id, period_number, renewal_of, employer_name, employer_siret, savs_name, starts_on, ends_on, \
                 explanation FROM esat_support_conventions WHERE worker_id = $1 ORDER BY starts_on, period_number",
            )
            .bind(id),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(SupportConvention {
                id: r.get("id")?,
                period_number: r.get("period_number")?,
                renewal_of: r.get("renewal_of")?,
                employer_name: r.get("employer_name")?,
                employer_siret: r.get("employer_siret")?,
                savs_name: r.get("savs_name")?,
                starts_on: r.get("starts_on")?,
                ends_on: r.get("ends_on")?,
                explanation: r.get("explanation")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let local_plan = history.last().and_then(|h| h.local_plan.clone());
    let planned_actions = planned_actions(ex, summary.esat_id, summary.situation, local_plan, today).await?;
    let allowed_moves = Situation::ALL
        .iter()
        .filter_map(|to| {
            summary.situation.check_move(*to).ok().map(|m| SituationOption {
                situation: *to,
                number: to.number(),
                label: to.short_label(),
                is_return: m == Move::Return,
            })
        })
        .collect();
    let (facts, esat_facts) = (
        facts::load(ex, summary.esat_id, Some(id)).await?,
        facts::load(ex, summary.esat_id, None).await?,
    );
    Ok(Worker {
        contract_started_on: r.get("contract_started_on")?,
        professional_project: r.get("professional_project")?,
        summary,
        history,
        support_conventions,
        allowed_moves,
        planned_actions,
        spe_consent: SpeConsent::new(r.get("spe_consent_on")?, r.get("spe_consent_withdrawn_on")?),
        facts,
        esat_facts,
    })
}

async fn insert_situation(
    ex: &mut impl Executor,
    worker_id: Uuid,
    seq: i64,
    s: &CheckedSituation,
    is_return: bool,
) -> Result<()> {
    ex.execute(
        query(
            "INSERT INTO esat_situations (id, worker_id, seq, situation, since, esat_minutes, employer_minutes, \
             employer_name, local_plan, is_return, explanation, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(Uuid::new_v4())
        .bind(worker_id)
        .bind(seq)
        .bind(s.situation.code())
        .bind(s.since)
        .bind(s.esat_minutes)
        .bind(s.employer_minutes)
        .bind(&s.employer_name)
        .bind(&s.local_plan)
        .bind(is_return)
        .bind(&s.explanation)
        .bind(crate::infra::clock::now()),
    )
    .await?;
    Ok(())
}

/// The actions planned for `situation`: the sheets that serve it in each ESAT-SPE convention in force, else the
/// local plan.
async fn planned_actions(
    ex: &mut impl Executor,
    esat_id: Uuid,
    situation: Situation,
    local_plan: Option<String>,
    today: Date,
) -> Result<PlannedActions> {
    let mut conventions = Vec::new();
    for (agreement_id, agreement_title, content) in crate::agreements::esat_spe_in_force(ex, esat_id, today).await? {
        let actions: Vec<PlannedAction> = content
            .sheets()
            .filter(|(_, s)| s.situations.contains(&situation))
            .map(|(_, s)| PlannedAction {
                title: s.title.clone(),
                objectives: s.objectives.clone(),
                implementation: s.implementation.clone(),
            })
            .collect();
        if !actions.is_empty() {
            conventions.push(ConventionActions {
                agreement_id,
                agreement_title,
                actions,
            });
        }
    }
    Ok(PlannedActions {
        source: if conventions.is_empty() { "local" } else { "agreement" },
        conventions,
        local_plan,
    })
}

/// The workers of `esats` whose orientation ends within the notice on `day` or has ended, for the to-do list.
pub(crate) async fn todo_items(
    ex: &mut impl Executor,
    esats: &[Uuid],
    day: Date,
) -> Result<Vec<crate::pathways::todo::TodoItem>> {
    if esats.is_empty() {
        return Ok(Vec::new());
    }
    let horizon =
        passerelle_domain::calendar::add_days(day, passerelle_domain::pathways::esat::worker::RENEWAL_NOTICE_DAYS);
    let mut q = query(format!(
        "SELECT {WORKER_COLUMNS}{WORKER_FROM} AND w.orientation_valid_until <= $1 AND"
    ))
    .bind(horizon);
    crate::directory::push_in(&mut q, "w.esat_id", esats);
    let mut items = Vec::new();
    for r in ex.fetch_all(q).await? {
        let w = summary(&r, day)?;
        if let Some(warning) = w.orientation_warning {
            items.push(crate::pathways::todo::TodoItem {
                person_id: w.person_id,
                person_name: format!("{} {}", w.first_name, w.last_name),
                what: "esat_orientation_renewal".into(),
                due_on: w.orientation_valid_until,
                explanation: warning,
                link: format!("/esat/{}", w.id),
            });
        }
    }
    Ok(items)
}
