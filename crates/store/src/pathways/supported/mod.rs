//! Supported employment (RULES.md section 4): entries, the individual support convention,
//! the activities of the four modules, the jobs found, the counsellors' working time, and the counsellors'
//! dashboard with the figures of Journées nationales de l'emploi accompagné 2020.
//!
//! Access is decided in SQL: an entry is seen by the members of its scheme and by the members of the
//! organisation that prescribed it; only the scheme's members change it. Anything else answers 404.

mod caseload;
mod convention;

pub use caseload::{Accompanied, CounsellorLine, SchemeDashboard, dashboard};

use crate::access::AccessContext;
use crate::directory::{load_organisation, push_in};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, claim};
use crate::infra::sql::{Executor, Query, Row, Tx, query};
use crate::{Store, today};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::supported::module::ActivityContext;
use passerelle_domain::pathways::supported::{
    ActivityInput, ContractKind, EntryInput, ExitContext, ExitInput, ExitReason, JobInput, Module, SpePrescriber,
};
use passerelle_domain::text::fold;
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

fn decode(what: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(format!("code inconnu : {what}").into()))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConventionRecord {
    pub signed_on: Date,
    /// The employer party, when the person works.
    pub employer: Option<String>,
    /// The day the employer joined a convention signed before the person was hired; none when it signed.
    pub employer_joined_on: Option<Date>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActivityRecord {
    pub id: Uuid,
    #[schema(example = "job_search")]
    pub module: Module,
    #[schema(value_type = String)]
    pub module_label: &'static str,
    pub done_on: Date,
    pub minutes: i64,
    pub counsellor_name: String,
    pub note: Option<String>,
    pub employer: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobRecord {
    pub id: Uuid,
    pub employer: String,
    pub siret: Option<String>,
    pub position: String,
    #[schema(example = "cdi")]
    pub contract: ContractKind,
    #[schema(value_type = String)]
    pub contract_label: &'static str,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub weekly_hours: i64,
}

/// Time spent in one module by one counsellor.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModuleTime {
    pub module: Module,
    #[schema(value_type = String)]
    pub module_label: &'static str,
    pub counsellor_name: String,
    pub minutes: i64,
}

/// One entry into a scheme, with everything recorded under it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryRecord {
    pub id: Uuid,
    pub person_id: Uuid,
    pub scheme_id: Uuid,
    pub scheme_name: String,
    /// `cdaph` or `spe`.
    pub route: String,
    /// The route with its dates, in French.
    pub route_label: String,
    pub prescriber_name: Option<String>,
    pub entered_on: Date,
    /// The last day of the CDAPH decision (route `cdaph`).
    pub valid_until: Option<Date>,
    pub exited_on: Option<Date>,
    /// Absent for an exit recorded before reasons were asked.
    #[schema(value_type = Option<String>, example = "employment")]
    pub exit_reason: Option<ExitReason>,
    #[schema(value_type = Option<String>)]
    pub exit_reason_label: Option<&'static str>,
    pub counsellor_user_id: Uuid,
    pub counsellor_name: String,
    pub convention: Option<ConventionRecord>,
    /// Oldest first.
    pub activities: Vec<ActivityRecord>,
    pub jobs: Vec<JobRecord>,
    /// The module of the latest activity.
    #[schema(value_type = Option<String>)]
    pub current_module: Option<Module>,
    pub time_spent: Vec<ModuleTime>,
    /// Employers met or working with the person (convention, modules c and d, jobs), by name.
    pub employers: Vec<String>,
}

/// A person's supported-employment entries that the caller may see.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupportedRecord {
    pub person_id: Uuid,
    pub entries: Vec<EntryRecord>,
}

/// An entry as the scheme records it.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub scheme_id: Uuid,
    /// The counsellor following the person; the caller when not given.
    pub counsellor_user_id: Option<Uuid>,
    /// For the SPE route: the prescribing organisation.
    pub prescriber_id: Option<Uuid>,
    pub input: EntryInput,
}

/// The key employers are counted by: their SIRET when known, else their folded name.
fn employer_key(name: &str, siret: Option<&str>) -> String {
    siret.map_or_else(|| fold(name), |s| format!("siret:{s}"))
}

const ENTRY_COLUMNS: &str = "e.id, e.person_id, e.scheme_id, s.name AS scheme_name, e.route, e.decided_on, \
    e.valid_until, e.prescriber_kind, e.prescribed_on, p.name AS prescriber_name, e.entered_on, e.exited_on, \
    e.exit_reason, e.counsellor_user_id, u.display_name AS counsellor_name";
const ENTRY_FROM: &str = " FROM supported_entries e JOIN organisations s ON s.id = e.scheme_id \
    JOIN users u ON u.id = e.counsellor_user_id LEFT JOIN organisations p ON p.id = e.prescriber_id WHERE 1 = 1";

/// Restricts `q` (over `supported_entries e`) to the entries of the caller's schemes and prescriptions.
fn restrict(ctx: &AccessContext, q: &mut Query) {
    if ctx.is_platform_admin() {
        return;
    }
    match ctx.user_id() {
        Some(user) => {
            q.push_bound(
                " AND (e.scheme_id IN (SELECT organisation_id FROM memberships WHERE user_id = {})",
                user,
            );
            q.push_bound(
                " OR e.prescriber_id IN (SELECT organisation_id FROM memberships WHERE user_id = {}))",
                user,
            );
        }
        None => q.push_sql(" AND 1 = 0"),
    }
}

/// An exit reason read back from the database.
pub(crate) fn exit_reason(r: &Row) -> Result<Option<ExitReason>> {
    match r.get::<Option<String>>("exit_reason")? {
        Some(code) => Ok(Some(ExitReason::parse(&code).ok_or_else(|| decode(&code))?)),
        None => Ok(None),
    }
}

fn entry(r: &Row) -> Result<EntryRecord> {
    let route: String = r.get("route")?;
    let exit_reason = exit_reason(r)?;
    let route_label = match route.as_str() {
        "cdaph" => passerelle_domain::pathways::supported::Route::Cdaph {
            decided_on: r.get("decided_on")?,
            valid_until: r.get("valid_until")?,
        }
        .label(),
        _ => {
            let kind: String = r.get("prescriber_kind")?;
            passerelle_domain::pathways::supported::Route::Spe {
                prescriber: SpePrescriber::parse(&kind).ok_or_else(|| decode(&kind))?,
                prescribed_on: r.get("prescribed_on")?,
            }
            .label()
        }
    };
    Ok(EntryRecord {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        scheme_id: r.get("scheme_id")?,
        scheme_name: r.get("scheme_name")?,
        route,
        route_label,
        prescriber_name: r.get("prescriber_name")?,
        entered_on: r.get("entered_on")?,
        valid_until: r.get("valid_until")?,
        exited_on: r.get("exited_on")?,
        exit_reason,
        exit_reason_label: exit_reason.map(ExitReason::label),
        counsellor_user_id: r.get("counsellor_user_id")?,
        counsellor_name: r.get("counsellor_name")?,
        convention: None,
        activities: Vec::new(),
        jobs: Vec::new(),
        current_module: None,
        time_spent: Vec::new(),
        employers: Vec::new(),
    })
}

/// The entries selected by `filter` (over `supported_entries e`), restricted to the caller, with their
/// conventions, activities and jobs: four statements whatever the number of entries.
async fn load_entries(ex: &mut impl Executor, ctx: &AccessContext, filter: (&str, Uuid)) -> Result<Vec<EntryRecord>> {
    let mut q = query(format!("SELECT {ENTRY_COLUMNS}{ENTRY_FROM}"));
    q.push_bound(filter.0, filter.1);
    restrict(ctx, &mut q);
    q.push_sql(" ORDER BY e.entered_on, e.id");
    let mut entries = ex.fetch_all(q).await?.iter().map(entry).collect::<Result<Vec<_>>>()?;
    if entries.is_empty() {
        return Ok(entries);
    }
    let ids: Vec<Uuid> = entries.iter().map(|e| e.id).collect();
    let mut index: HashMap<Uuid, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        index.insert(e.id, i);
    }
    let mut q = query("SELECT entry_id, signed_on, employer, employer_joined_on FROM supported_conventions WHERE");
    push_in(&mut q, "entry_id", &ids);
    for r in ex.fetch_all(q).await? {
        let e = &mut entries[index[&r.get::<Uuid>("entry_id")?]];
        e.convention = Some(ConventionRecord {
            signed_on: r.get("signed_on")?,
            employer: r.get("employer")?,
            employer_joined_on: r.get("employer_joined_on")?,
        });
    }
    let mut q = query(
        "SELECT a.id, a.entry_id, a.module, a.done_on, a.minutes, a.note, a.employer, u.display_name \
         FROM supported_activities a JOIN users u ON u.id = a.counsellor_user_id WHERE",
    );
    push_in(&mut q, "a.entry_id", &ids);
    q.push_sql(" ORDER BY a.done_on, a.created_at");
    for r in ex.fetch_all(q).await? {
        let code: String = r.get("module")?;
        let module = Module::parse(&code).ok_or_else(|| decode(&code))?;
        entries[index[&r.get::<Uuid>("entry_id")?]]
            .activities
            .push(ActivityRecord {
                id: r.get("id")?,
                module,
                module_label: module.label(),
                done_on: r.get("done_on")?,
                minutes: r.get("minutes")?,
                counsellor_name: r.get("display_name")?,
                note: r.get("note")?,
                employer: r.get("employer")?,
            });
    }
    let mut q = query(
        "SELECT id, entry_id, employer, siret, position, contract, starts_on, ends_on, weekly_hours \
         FROM supported_jobs WHERE",
    );
    push_in(&mut q, "entry_id", &ids);
    q.push_sql(" ORDER BY starts_on");
    for r in ex.fetch_all(q).await? {
        let code: String = r.get("contract")?;
        let contract = ContractKind::parse(&code).ok_or_else(|| decode(&code))?;
        entries[index[&r.get::<Uuid>("entry_id")?]].jobs.push(JobRecord {
            id: r.get("id")?,
            employer: r.get("employer")?,
            siret: r.get("siret")?,
            position: r.get("position")?,
            contract,
            contract_label: contract.label(),
            starts_on: r.get("starts_on")?,
            ends_on: r.get("ends_on")?,
            weekly_hours: r.get("weekly_hours")?,
        });
    }
    for e in &mut entries {
        e.current_module = e.activities.last().map(|a| a.module);
        for a in &e.activities {
            match e
                .time_spent
                .iter_mut()
                .find(|t| t.module == a.module && t.counsellor_name == a.counsellor_name)
            {
                Some(t) => t.minutes += a.minutes,
                None => e.time_spent.push(ModuleTime {
                    module: a.module,
                    module_label: a.module.label(),
                    counsellor_name: a.counsellor_name.clone(),
                    minutes: a.minutes,
                }),
            }
        }
        e.time_spent
            .sort_by_key(|t| (t.module.letter(), t.counsellor_name.clone()));
        let mut employers: Vec<String> = e
            .convention
            .iter()
            .filter_map(|c| c.employer.clone())
            .chain(e.activities.iter().filter_map(|a| a.employer.clone()))
            .chain(e.jobs.iter().map(|j| j.employer.clone()))
            .collect();
        employers.sort_by_key(|n| fold(n));
        employers.dedup_by_key(|n| fold(n));
        e.employers = employers;
    }
    Ok(entries)
}

/// The caller's membership of `scheme_id` if it is a supported-employment scheme, else why not.
fn scheme_member(ctx: &AccessContext, scheme_id: Uuid) -> Result<()> {
    match ctx.membership(scheme_id) {
        Some(m) if m.kind == OrganisationKind::SupportedEmployment => Ok(()),
        Some(_) => Err(StoreError::forbidden(
            "not_a_scheme",
            "Seul un dispositif d'emploi accompagné enregistre une entrée en emploi accompagné.",
        )),
        None => Err(StoreError::forbidden(
            "not_a_member",
            "Vous ne pouvez agir qu'au nom de votre dispositif d'emploi accompagné.",
        )),
    }
}

async fn is_member(ex: &mut impl Executor, user: Uuid, organisation_id: Uuid) -> Result<bool> {
    Ok(ex
        .fetch_optional(
            query("SELECT 1 AS one FROM memberships WHERE user_id = $1 AND organisation_id = $2")
                .bind(user)
                .bind(organisation_id),
        )
        .await?
        .is_some())
}

/// A change to an entry: the entry as the caller sees it, checked to be of one of the caller's schemes.
struct EntryChange {
    tx: Tx,
    entry: EntryRecord,
}

impl Store {
    /// A person's supported-employment entries the caller may see; the read is journaled.
    pub async fn supported(&self, ctx: &AccessContext, person_id: Uuid) -> Result<SupportedRecord> {
        let mut tx = self.pool.begin().await?;
        self.persons(ctx).load(&mut tx, person_id).await?;
        let entries = load_entries(&mut tx, ctx, (" AND e.person_id = {}", person_id)).await?;
        record(&mut tx, ctx, Event::new("person", person_id, "supported.read")).await?;
        tx.commit().await?;
        Ok(SupportedRecord { person_id, entries })
    }

    /// The record of the person of one entry (to answer a replayed creation on an entry).
    pub async fn supported_of_entry(&self, ctx: &AccessContext, entry_id: Uuid) -> Result<SupportedRecord> {
        let mut db = self.pool.clone();
        let entry = load_entries(&mut db, ctx, (" AND e.id = {}", entry_id))
            .await?
            .pop()
            .ok_or(StoreError::not_found("entrée en emploi accompagné"))?;
        self.supported(ctx, entry.person_id).await
    }

    /// Records a person's entry into one of the caller's schemes (D5213-88 ff.).
    pub async fn enter_supported(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        new: NewEntry,
        key: Option<IdempotencyKey>,
    ) -> Result<SupportedRecord> {
        scheme_member(ctx, new.scheme_id)?;
        let mut tx = self.pool.begin().await?;
        self.persons(ctx).load(&mut tx, person_id).await?;
        let mut input = new.input.clone();
        if input.route.trim() == "spe" {
            let prescriber = new.prescriber_id.ok_or_else(|| {
                Invalid::new(
                    "field_required",
                    "Indiquez l'organisme qui a prescrit l'emploi accompagné.",
                )
                .on("prescriber_id")
            })?;
            let org = load_organisation(&mut tx, prescriber).await.map_err(|_| {
                Invalid::new("organisation_not_found", "Cette structure n'existe pas.").on("prescriber_id")
            })?;
            input.prescriber = SpePrescriber::of(org.kind);
        }
        let entry = input.validate()?;
        let counsellor = new
            .counsellor_user_id
            .or(ctx.user_id())
            .ok_or_else(|| Invalid::new("field_required", "Indiquez le conseiller.").on("counsellor_user_id"))?;
        if !is_member(&mut tx, counsellor, new.scheme_id).await? {
            return Err(Invalid::new(
                "counsellor_not_in_scheme",
                "Le conseiller doit être membre du dispositif d'emploi accompagné.",
            )
            .on("counsellor_user_id")
            .into());
        }
        let (decided_on, valid_until, prescriber_kind, prescribed_on) = match entry.route {
            passerelle_domain::pathways::supported::Route::Cdaph {
                decided_on,
                valid_until,
            } => (Some(decided_on), Some(valid_until), None, None),
            passerelle_domain::pathways::supported::Route::Spe {
                prescriber,
                prescribed_on,
            } => (None, None, Some(prescriber.code()), Some(prescribed_on)),
        };
        let id = Uuid::new_v4();
        let inserted = tx
            .execute(
                query(
                    "INSERT INTO supported_entries (id, person_id, scheme_id, route, decided_on, valid_until, \
                     prescriber_id, prescriber_kind, prescribed_on, entered_on, counsellor_user_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(id)
                .bind(person_id)
                .bind(new.scheme_id)
                .bind(entry.route.code())
                .bind(decided_on)
                .bind(valid_until)
                .bind(prescribed_on.and(new.prescriber_id))
                .bind(prescriber_kind)
                .bind(prescribed_on)
                .bind(entry.entered_on)
                .bind(counsellor)
                .bind(crate::infra::clock::now()),
            )
            .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::conflict(
                    "already_in_scheme",
                    "La personne est déjà accompagnée par ce dispositif : enregistrez sa sortie avant une nouvelle entrée.",
                ));
            }
            other => other?,
        };
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        record(
            &mut tx,
            ctx,
            Event::new("person", person_id, "supported.entered")
                .by(Some(new.scheme_id))
                .after(&serde_json::json!({"entry": id, "entry_route": entry.route, "entered_on": entry.entered_on})),
        )
        .await?;
        tx.commit().await?;
        self.supported(ctx, person_id).await
    }

    /// Opens a change to an entry of one of the caller's schemes: 404 when the caller does not see it, 403
    /// when they see it as its prescriber only.
    async fn entry_change(&self, ctx: &AccessContext, entry_id: Uuid) -> Result<EntryChange> {
        let mut tx = self.pool.begin().await?;
        let entry = load_entries(&mut tx, ctx, (" AND e.id = {}", entry_id))
            .await?
            .pop()
            .ok_or(StoreError::not_found("entrée en emploi accompagné"))?;
        if !ctx.is_platform_admin() && ctx.membership(entry.scheme_id).is_none() {
            return Err(StoreError::forbidden(
                "not_scheme_member",
                "Seuls les membres du dispositif enregistrent l'accompagnement ; le prescripteur le consulte.",
            ));
        }
        Ok(EntryChange { tx, entry })
    }

    /// Ends a change: claims the key (on the entry), journals the event and commits, then answers the record.
    async fn end_change(
        &self,
        ctx: &AccessContext,
        mut change: EntryChange,
        action: &'static str,
        after: serde_json::Value,
        key: Option<IdempotencyKey>,
    ) -> Result<SupportedRecord> {
        claim(&mut change.tx, ctx, key.as_ref(), change.entry.id).await?;
        record(
            &mut change.tx,
            ctx,
            Event::new("person", change.entry.person_id, action)
                .by(Some(change.entry.scheme_id))
                .after(&after),
        )
        .await?;
        change.tx.commit().await?;
        self.supported(ctx, change.entry.person_id).await
    }

    /// An activity of one of the four modules, by the calling counsellor.
    pub async fn add_supported_activity(
        &self,
        ctx: &AccessContext,
        entry_id: Uuid,
        input: &ActivityInput,
        key: Option<IdempotencyKey>,
    ) -> Result<SupportedRecord> {
        let mut change = self.entry_change(ctx, entry_id).await?;
        let counsellor = ctx
            .user_id()
            .ok_or_else(|| StoreError::forbidden("not_a_member", "Une activité est enregistrée par un conseiller."))?;
        let activity = input.validate(ActivityContext {
            entered_on: change.entry.entered_on,
            today: today(),
            first_job_on: change.entry.jobs.first().map(|j| j.starts_on),
        })?;
        if change.entry.exited_on.is_some_and(|out| activity.done_on > out) {
            return Err(
                Invalid::new("entry_closed", "La personne est sortie du dispositif à cette date.")
                    .on("done_on")
                    .into(),
            );
        }
        let id = Uuid::new_v4();
        change
            .tx
            .execute(
                query(
                    "INSERT INTO supported_activities (id, entry_id, counsellor_user_id, module, done_on, minutes, note, \
                     employer, employer_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(id)
                .bind(entry_id)
                .bind(counsellor)
                .bind(activity.module.code())
                .bind(activity.done_on)
                .bind(activity.minutes)
                .bind(&activity.note)
                .bind(&activity.employer)
                .bind(activity.employer.as_deref().map(|e| employer_key(e, None)))
                .bind(crate::infra::clock::now()),
            )
            .await?;
        let after = serde_json::json!({"entry": entry_id, "activity": id, "module": activity.module,
            "done_on": activity.done_on, "minutes": activity.minutes});
        self.end_change(ctx, change, "supported.activity_added", after, key)
            .await
    }

    /// A job found with the scheme.
    pub async fn add_supported_job(
        &self,
        ctx: &AccessContext,
        entry_id: Uuid,
        input: &JobInput,
        key: Option<IdempotencyKey>,
    ) -> Result<SupportedRecord> {
        let mut change = self.entry_change(ctx, entry_id).await?;
        let job = input.validate(change.entry.entered_on)?;
        if change.entry.exited_on.is_some_and(|out| job.starts_on > out) {
            return Err(Invalid::new(
                "entry_closed",
                "La personne est sortie du dispositif avant le début de cet emploi.",
            )
            .on("starts_on")
            .into());
        }
        let id = Uuid::new_v4();
        change
            .tx
            .execute(
                query(
                    "INSERT INTO supported_jobs (id, entry_id, employer, employer_key, siret, position, contract, \
                     starts_on, ends_on, weekly_hours, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(id)
                .bind(entry_id)
                .bind(job.employer.as_str())
                .bind(employer_key(&job.employer, job.siret.as_deref()))
                .bind(&job.siret)
                .bind(job.position.as_str())
                .bind(job.contract.code())
                .bind(job.starts_on)
                .bind(job.ends_on)
                .bind(job.weekly_hours)
                .bind(crate::infra::clock::now()),
            )
            .await?;
        let after =
            serde_json::json!({"entry": entry_id, "job": id, "employer": job.employer, "starts_on": job.starts_on});
        self.end_change(ctx, change, "supported.job_added", after, key).await
    }

    /// The person leaves the scheme, for a reason checked against the entry ([`ExitInput::validate`]).
    pub async fn exit_supported(
        &self,
        ctx: &AccessContext,
        entry_id: Uuid,
        input: &ExitInput,
        key: Option<IdempotencyKey>,
    ) -> Result<SupportedRecord> {
        let mut change = self.entry_change(ctx, entry_id).await?;
        if change.entry.exited_on.is_some() {
            return Err(StoreError::conflict(
                "entry_closed",
                "La sortie du dispositif est déjà enregistrée.",
            ));
        }
        let jobs: Vec<(Date, Option<Date>)> = change.entry.jobs.iter().map(|j| (j.starts_on, j.ends_on)).collect();
        let exit = input.validate(ExitContext {
            entered_on: change.entry.entered_on,
            decision_valid_until: change.entry.valid_until,
            jobs: &jobs,
            last_activity_on: change.entry.activities.iter().map(|a| a.done_on).max(),
            today: today(),
        })?;
        change
            .tx
            .execute(
                query("UPDATE supported_entries SET exited_on = $1, exit_reason = $2, updated_at = $3 WHERE id = $4")
                    .bind(exit.exited_on)
                    .bind(exit.reason.code())
                    .bind(crate::infra::clock::now())
                    .bind(entry_id),
            )
            .await?;
        let after = serde_json::json!({"entry": entry_id, "exited_on": exit.exited_on, "reason": exit.reason});
        self.end_change(ctx, change, "supported.exited", after, key).await
    }
}
