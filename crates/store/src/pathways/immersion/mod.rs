//! Immersions (PMSMP): the convention, its signatures and its assessment (rules in
//! `passerelle_domain::pathways::immersion`).
//!
//! An immersion is seen and changed by the members of its prescriber and of its support structure (and platform
//! administrators); the members of the host structure, when it is in the directory (found by its SIRET), see it and
//! sign it as host; a signature link opens its one convention; the person's other organisations see it in the person's pathway when the person consented
//! ([`crate::pathways::person_pathway`]). The way in is [`Store::immersions`].

mod lifecycle;
mod links;
mod listing;
mod presence;

pub use lifecycle::{NewAssessment, NewSignature};
pub use links::{LINK_PATH, LinkedConvention, SentLink};
pub use listing::ImmersionFilter;

use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, commit_created};
use crate::infra::sql::{Executor, Query, Row, query};
use crate::{Store, today};
use passerelle_domain::calendar::days_inclusive;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::immersion::convention::check_prescriber;
use passerelle_domain::pathways::immersion::signatories::Method;
use passerelle_domain::pathways::immersion::{
    AidedContract, ContractKind, ConventionFields, Objective, Party, PastImmersion, Roles, Schedule, Status,
    check_duration, reminders,
};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Immersion {
    pub id: Uuid,
    pub person_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub prescriber_id: Uuid,
    pub prescriber_name: String,
    pub support_structure_id: Uuid,
    pub support_structure_name: String,
    /// The host structure when it is an organisation of the directory (same SIRET): its members see and sign.
    pub host_organisation_id: Option<Uuid>,
    pub host_name: String,
    pub host_siret: String,
    pub tutor_name: String,
    pub tutor_email: Option<String>,
    #[schema(example = "confirm_project")]
    pub objective: Objective,
    pub objective_label: &'static str,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Minutes of presence each day of the week, Monday first.
    #[schema(value_type = Vec<i64>)]
    pub schedule: Schedule,
    pub weekly_minutes: i64,
    pub days: i64,
    /// The days of presence: the listed days of a discontinuous immersion, else the days the schedule has hours.
    pub attendance_days: i64,
    /// The listed days of presence of a discontinuous immersion; empty when the schedule repeats every week.
    pub attendance_dates: Vec<Date>,
    /// The aided contract (CUI-CAE, CDDI) the person is employed on: immersions take at most 25 % of it.
    pub aided_contract: Option<AidedContract>,
    pub activities: Option<String>,
    pub renewal_of: Option<Uuid>,
    /// The status today (a signed convention is in progress from its first day).
    #[schema(example = "awaiting_signatures")]
    pub status: Status,
    pub status_label: &'static str,
    /// The duration rules' answer when the convention was last checked.
    pub explanation: String,
    pub signatures: Vec<Signature>,
    #[schema(value_type = Vec<String>)]
    pub missing_signatures: Vec<Party>,
    /// Of the missing signatures, those the caller may give (the choices its page offers).
    #[schema(value_type = Vec<String>)]
    pub signable_parties: Vec<Party>,
    pub reminders: Vec<String>,
    pub assessment: Option<AssessmentRecord>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Signature {
    #[schema(example = "host_company")]
    pub party: Party,
    pub party_label: &'static str,
    pub signer_name: String,
    pub signed_on: Date,
    /// `recorded` (a paper signature recorded by a member), `account` (a member of the signing organisation) or
    /// `link` (from the link e-mailed to the signer).
    #[schema(value_type = String, example = "link")]
    pub method: Method,
    pub method_label: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentRecord {
    pub assessed_on: Date,
    pub completed: bool,
    pub objective_met: bool,
    #[schema(value_type = Option<String>, example = "cdi")]
    pub contract_kind: Option<ContractKind>,
    pub contract_label: Option<&'static str>,
    pub comment: Option<String>,
}

/// A new convention, as a draft.
#[derive(Debug, Clone)]
pub struct NewImmersion {
    pub person_id: Uuid,
    pub prescriber_id: Uuid,
    pub support_structure_id: Uuid,
    pub fields: ConventionFields,
    pub renewal_of: Option<Uuid>,
}

const COLUMNS: &str = "i.id, i.person_id, p.first_name, p.last_name, i.prescriber_id, pr.name AS prescriber_name, \
    i.support_structure_id, su.name AS support_name, i.host_name, i.host_siret, i.tutor_name, i.tutor_email, \
    i.objective, i.starts_on, i.ends_on, i.schedule, i.weekly_minutes, i.activities, i.renewal_of, i.status, \
    i.explanation, h.id AS host_organisation_id, i.attendance_dates, i.aided_contract_kind, \
    i.aided_contract_starts_on, i.aided_contract_ends_on";
const FROM: &str = " FROM immersions i JOIN persons p ON p.id = i.person_id \
    JOIN organisations pr ON pr.id = i.prescriber_id JOIN organisations su ON su.id = i.support_structure_id \
    LEFT JOIN organisations h ON h.siret = i.host_siret AND h.archived_at IS NULL \
    WHERE p.archived_at IS NULL";

fn decode(what: &str, code: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(format!("{what} inconnu : {code}").into()))
}

fn immersion(r: &Row, today: Date) -> Result<Immersion> {
    let objective: String = r.get("objective")?;
    let objective = Objective::parse(&objective).ok_or_else(|| decode("objet", &objective))?;
    let stored: String = r.get("status")?;
    let stored = Status::parse(&stored).ok_or_else(|| decode("statut", &stored))?;
    let schedule: Schedule = r
        .json("schedule")?
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| decode("emploi du temps", "?"))?;
    let (starts_on, ends_on): (Date, Date) = (r.get("starts_on")?, r.get("ends_on")?);
    let status = stored.on(starts_on, today);
    let attendance_dates = presence::attendance_dates(r)?;
    Ok(Immersion {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        first_name: r.get("first_name")?,
        last_name: r.get("last_name")?,
        prescriber_id: r.get("prescriber_id")?,
        prescriber_name: r.get("prescriber_name")?,
        support_structure_id: r.get("support_structure_id")?,
        support_structure_name: r.get("support_name")?,
        host_organisation_id: r.get("host_organisation_id")?,
        host_name: r.get("host_name")?,
        host_siret: r.get("host_siret")?,
        tutor_name: r.get("tutor_name")?,
        tutor_email: r.get("tutor_email")?,
        objective,
        objective_label: objective.label(),
        starts_on,
        ends_on,
        schedule,
        weekly_minutes: r.get("weekly_minutes")?,
        days: days_inclusive(starts_on, ends_on),
        attendance_days: presence::presence_days(&attendance_dates, schedule, starts_on, ends_on),
        attendance_dates,
        aided_contract: presence::aided_contract(r)?,
        activities: r.get("activities")?,
        renewal_of: r.get("renewal_of")?,
        status,
        status_label: status.label(),
        explanation: r.get("explanation")?,
        signatures: Vec::new(),
        missing_signatures: Vec::new(),
        signable_parties: Vec::new(),
        reminders: Vec::new(),
        assessment: None,
    })
}

/// The immersions one caller may see.
pub struct ImmersionScope<'a> {
    store: &'a Store,
    ctx: &'a AccessContext,
    /// Set when a signature link opened the scope: it sees that one convention and nothing else.
    by_link: Option<Uuid>,
}

impl Store {
    pub fn immersions<'a>(&'a self, ctx: &'a AccessContext) -> ImmersionScope<'a> {
        ImmersionScope {
            store: self,
            ctx,
            by_link: None,
        }
    }
}

impl ImmersionScope<'_> {
    /// Restricts `q` (over `immersions i`) to the immersions of the caller's organisations, as prescriber, support
    /// structure or host.
    fn restrict(&self, q: &mut Query) {
        if let Some(id) = self.by_link {
            return q.push_bound(" AND i.id = {}", id);
        }
        if self.ctx.is_platform_admin() {
            return;
        }
        match self.ctx.user_id() {
            Some(user) => q.push_bound(
                " AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = {} \
                 AND (m.organisation_id IN (i.prescriber_id, i.support_structure_id) OR m.organisation_id = h.id))",
                user,
            ),
            None => q.push_sql(" AND 1 = 0"),
        }
    }

    /// What the caller is to the convention `i`.
    fn roles(&self, i: &Immersion) -> Roles {
        let member = |o: Option<Uuid>| o.is_some_and(|o| self.ctx.membership(o).is_some());
        Roles {
            prescriber: member(Some(i.prescriber_id)),
            support_structure: member(Some(i.support_structure_id)),
            host: member(i.host_organisation_id),
            platform_admin: self.ctx.is_platform_admin() && self.by_link.is_none(),
        }
    }

    /// Refuses a change by a visitor who only hosts the convention: the host signs, the prescriber and the
    /// support structure keep the convention.
    fn check_keeps(&self, i: &Immersion) -> Result<()> {
        if self.roles(i).keeps() {
            return Ok(());
        }
        Err(StoreError::forbidden(
            "not_an_immersion_party",
            "Seuls le prescripteur et la structure d'accompagnement modifient la convention ; la structure \
             d'accueil la signe.",
        ))
    }

    async fn load(&self, ex: &mut impl Executor, id: Uuid) -> Result<Immersion> {
        let mut q = query(format!("SELECT {COLUMNS}{FROM}"));
        q.push_bound(" AND i.id = {}", id);
        self.restrict(&mut q);
        let r = ex.fetch_optional(q).await?.ok_or(StoreError::not_found("immersion"))?;
        let today = today();
        let mut i = immersion(&r, today)?;
        for r in ex
            .fetch_all(
                query("SELECT party, signer_name, signed_on, method FROM immersion_signatures WHERE immersion_id = $1")
                    .bind(id),
            )
            .await?
        {
            let party: String = r.get("party")?;
            let party = Party::parse(&party).ok_or_else(|| decode("signataire", &party))?;
            let method: String = r.get("method")?;
            let method = Method::parse(&method).ok_or_else(|| decode("mode de signature", &method))?;
            i.signatures.push(Signature {
                party,
                party_label: party.label(),
                signer_name: r.get("signer_name")?,
                signed_on: r.get("signed_on")?,
                method,
                method_label: method.label(),
            });
        }
        i.signatures
            .sort_by_key(|s| Party::ALL.iter().position(|p| *p == s.party));
        i.missing_signatures = Party::ALL
            .iter()
            .copied()
            .filter(|p| !i.signatures.iter().any(|s| s.party == *p))
            .collect();
        i.signable_parties = self.roles(&i).signable(&i.missing_signatures);
        if let Some(r) = ex
            .fetch_optional(
                query(
                    "SELECT assessed_on, completed, objective_met, contract_kind, comment FROM immersion_assessments \
                     WHERE immersion_id = $1",
                )
                .bind(id),
            )
            .await?
        {
            let contract_kind = r
                .get::<Option<String>>("contract_kind")?
                .map(|c| ContractKind::parse(&c).ok_or_else(|| decode("contrat", &c)))
                .transpose()?;
            i.assessment = Some(AssessmentRecord {
                assessed_on: r.get("assessed_on")?,
                completed: r.get("completed")?,
                objective_met: r.get("objective_met")?,
                contract_kind,
                contract_label: contract_kind.map(ContractKind::label),
                comment: r.get("comment")?,
            });
        }
        i.reminders = reminders(i.status, &i.missing_signatures, i.starts_on, i.ends_on, today);
        Ok(i)
    }

    /// One immersion, journaled as a read of the person's data.
    pub async fn get(&self, id: Uuid) -> Result<Immersion> {
        let mut tx = self.store.pool.begin().await?;
        let i = self.load(&mut tx, id).await?;
        record(&mut tx, self.ctx, Event::new("immersion", id, "immersion.read")).await?;
        tx.commit().await?;
        Ok(i)
    }

    /// The immersions of the caller's organisations, the latest first; journaled with the ids shown.
    pub async fn list(&self) -> Result<Vec<Immersion>> {
        let mut q = query(format!("SELECT {COLUMNS}{FROM}"));
        self.restrict(&mut q);
        q.push_sql(" ORDER BY i.starts_on DESC, i.id");
        let mut tx = self.store.pool.begin().await?;
        let ids: Vec<Uuid> = tx
            .fetch_all(q)
            .await?
            .iter()
            .map(|r| r.get("id"))
            .collect::<Result<_, _>>()?;
        let mut items = Vec::with_capacity(ids.len());
        for id in &ids {
            items.push(self.load(&mut tx, *id).await?);
        }
        if !ids.is_empty() {
            record(
                &mut tx,
                self.ctx,
                Event::new("immersions", Uuid::nil(), "immersion.listed").after(&ids),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(items)
    }

    /// Checks the parties of a new convention: the caller acts for the prescriber or the support structure, the
    /// prescriber may prescribe, the support structure may follow people.
    async fn check_parties(&self, ex: &mut impl Executor, new: &NewImmersion) -> Result<()> {
        let member = [new.prescriber_id, new.support_structure_id]
            .iter()
            .any(|o| self.ctx.membership(*o).is_some());
        if !member && !self.ctx.is_platform_admin() {
            return Err(StoreError::forbidden(
                "not_an_immersion_party",
                "Vous établissez une convention d'immersion au nom du prescripteur ou de la structure \
                 d'accompagnement : choisissez l'une de vos structures.",
            ));
        }
        let org = |field: &'static str| {
            move |_| {
                StoreError::Invalid(Invalid::new("organisation_not_found", "Cette structure n'existe pas.").on(field))
            }
        };
        let prescriber = crate::directory::load_organisation(ex, new.prescriber_id)
            .await
            .map_err(org("prescriber_id"))?;
        check_prescriber(prescriber.kind).map_err(|e| Invalid::from(e).on("prescriber_id"))?;
        let support = crate::directory::load_organisation(ex, new.support_structure_id)
            .await
            .map_err(org("support_structure_id"))?;
        if support.kind.holds_names().is_err() || support.archived || prescriber.archived {
            return Err(Invalid::new(
                "immersion_support_not_allowed",
                "La structure d'accompagnement doit être une structure qui accompagne des personnes, non archivée.",
            )
            .on("support_structure_id")
            .into());
        }
        Ok(())
    }

    /// The person's other immersions (not cancelled) as the duration rules need them, and the one renewed.
    async fn check_rules(
        ex: &mut impl Executor,
        person_id: Uuid,
        except: Option<Uuid>,
        fields: &ConventionFields,
        renewal_of: Option<Uuid>,
    ) -> Result<String> {
        let rows = ex
            .fetch_all(
                query(
                    "SELECT i.id, i.host_siret, i.objective, i.starts_on, i.ends_on, i.renewal_of, a.objective_met, \
                     i.schedule, i.attendance_dates FROM immersions i LEFT JOIN immersion_assessments a ON a.immersion_id = i.id \
                     WHERE i.person_id = $1 AND i.status <> 'cancelled'",
                )
                .bind(person_id),
            )
            .await?;
        let mut history = Vec::new();
        let mut renewed = None;
        for r in &rows {
            let id: Uuid = r.get("id")?;
            if Some(id) == except {
                continue;
            }
            let objective: String = r.get("objective")?;
            let (starts_on, ends_on) = (r.get("starts_on")?, r.get("ends_on")?);
            let schedule: Schedule = r
                .json("schedule")?
                .and_then(|v| serde_json::from_value(v).ok())
                .ok_or_else(|| decode("emploi du temps", "?"))?;
            let past = PastImmersion {
                host_siret: r.get("host_siret")?,
                objective: Objective::parse(&objective).ok_or_else(|| decode("objet", &objective))?,
                starts_on,
                ends_on,
                is_renewal: r.get::<Option<Uuid>>("renewal_of")?.is_some(),
                objective_met: r.get("objective_met")?,
                presence_days: presence::presence_days(&presence::attendance_dates(r)?, schedule, starts_on, ends_on),
            };
            if Some(id) == renewal_of {
                renewed = Some(past.clone());
            }
            history.push(past);
        }
        if renewal_of.is_some() && renewed.is_none() {
            return Err(Invalid::new(
                "immersion_renewal_not_found",
                "L'immersion renouvelée n'est pas une immersion de cette personne.",
            )
            .on("renewal_of")
            .into());
        }
        let accepted =
            check_duration(fields, renewed.as_ref(), &history).map_err(|(field, e)| Invalid::from(e).on(field))?;
        Ok(accepted.message)
    }

    /// Creates a draft convention, checked against the duration rules and the person's other immersions.
    pub async fn create(&self, new: NewImmersion, key: Option<IdempotencyKey>) -> Result<Immersion> {
        let mut tx = self.store.pool.begin().await?;
        self.check_parties(&mut tx, &new).await?;
        // The person must be one the caller may see: 404 otherwise.
        self.store.persons(self.ctx).load(&mut tx, new.person_id).await?;
        let explanation = Self::check_rules(&mut tx, new.person_id, None, &new.fields, new.renewal_of).await?;
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        let f = &new.fields;
        let creator = [new.prescriber_id, new.support_structure_id]
            .into_iter()
            .find(|o| self.ctx.membership(*o).is_some())
            .unwrap_or(new.prescriber_id);
        tx.execute(presence::bind(
            query(
                "INSERT INTO immersions (id, person_id, prescriber_id, support_structure_id, host_name, host_siret, \
                 tutor_name, tutor_email, objective, starts_on, ends_on, schedule, weekly_minutes, activities, \
                 renewal_of, status, explanation, created_by_organisation_id, created_at, updated_at, attendance_dates, \
                 aided_contract_kind, aided_contract_starts_on, aided_contract_ends_on) VALUES ($1, $2, $3, $4, $5, \
                 $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'draft', $16, $17, $18, $18, $19, $20, $21, $22)",
            )
            .bind(id)
            .bind(new.person_id)
            .bind(new.prescriber_id)
            .bind(new.support_structure_id)
            .bind(&f.host_name)
            .bind(f.host_siret.as_str())
            .bind(&f.tutor_name)
            .bind(&f.tutor_email)
            .bind(f.objective.code())
            .bind(f.starts_on)
            .bind(f.ends_on)
            .bind(serde_json::to_value(f.schedule).unwrap_or_default())
            .bind(f.schedule.weekly_minutes())
            .bind(&f.activities)
            .bind(new.renewal_of)
            .bind(explanation)
            .bind(creator)
            .bind(now),
            f,
        ))
        .await?;
        let i = self.load(&mut tx, id).await?;
        let event = Event::new("immersion", id, "immersion.created")
            .by(Some(creator))
            .after(&i);
        commit_created(tx, self.ctx, key.as_ref(), id, event).await?;
        Ok(i)
    }

    /// Replaces the convention's fields while it is a draft.
    pub async fn update_draft(&self, id: Uuid, fields: ConventionFields) -> Result<Immersion> {
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        self.check_keeps(&before)?;
        if before.status != Status::Draft {
            return Err(StoreError::conflict(
                "immersion_not_draft",
                format!(
                    "La convention est au statut « {} » : seul un brouillon se modifie.",
                    before.status_label
                ),
            ));
        }
        let explanation = Self::check_rules(&mut tx, before.person_id, Some(id), &fields, before.renewal_of).await?;
        tx.execute(presence::bind(
            query(
                "UPDATE immersions SET host_name = $1, host_siret = $2, tutor_name = $3, tutor_email = $4, \
                 objective = $5, starts_on = $6, ends_on = $7, schedule = $8, weekly_minutes = $9, activities = $10, \
                 explanation = $11, updated_at = $12, attendance_dates = $14, aided_contract_kind = $15, \
                 aided_contract_starts_on = $16, aided_contract_ends_on = $17 WHERE id = $13",
            )
            .bind(&fields.host_name)
            .bind(fields.host_siret.as_str())
            .bind(&fields.tutor_name)
            .bind(&fields.tutor_email)
            .bind(fields.objective.code())
            .bind(fields.starts_on)
            .bind(fields.ends_on)
            .bind(serde_json::to_value(fields.schedule).unwrap_or_default())
            .bind(fields.schedule.weekly_minutes())
            .bind(&fields.activities)
            .bind(explanation)
            .bind(crate::infra::clock::now())
            .bind(id),
            &fields,
        ))
        .await?;
        self.finish(tx, id, "immersion.updated", &before).await
    }

    /// Reloads the immersion, journals the change with its before and after, commits.
    async fn finish(
        &self,
        mut tx: crate::infra::sql::Tx,
        id: Uuid,
        action: &'static str,
        before: &Immersion,
    ) -> Result<Immersion> {
        let after = self.load(&mut tx, id).await?;
        let convention = crate::obligations::ImmersionConvention {
            id: after.id,
            status: after.status,
            prescriber_id: after.prescriber_id,
            support_structure_id: after.support_structure_id,
            first_name: &after.first_name,
            last_name: &after.last_name,
            host_name: &after.host_name,
            starts_on: after.starts_on,
        };
        crate::obligations::immersion_changed(&mut tx, &convention).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("immersion", id, action).before(before).after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// The immersions of `organisations` with something to do on `day`, for the to-do list: as prescriber or
/// support structure, signatures still expected (due on the first day) and assessments due (from the last day);
/// as host structure (found by its SIRET), its own signature still expected.
pub(crate) async fn todo_items(
    ex: &mut impl Executor,
    organisations: &[Uuid],
    day: Date,
) -> Result<Vec<crate::pathways::todo::TodoItem>> {
    if organisations.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = query(format!(
        "SELECT {COLUMNS}{FROM} AND (i.status = 'awaiting_signatures' OR (i.status = 'signed' AND i.ends_on < $1)) AND ("
    ))
    .bind(day);
    crate::directory::push_in(&mut q, "i.prescriber_id", organisations);
    q.push_sql(" OR");
    crate::directory::push_in(&mut q, "i.support_structure_id", organisations);
    q.push_sql(" OR (i.status = 'awaiting_signatures' AND");
    crate::directory::push_in(&mut q, "h.id", organisations);
    q.push_sql("))");
    let mut items = Vec::new();
    for r in ex.fetch_all(q).await? {
        let i = immersion(&r, day)?;
        let keeps = [i.prescriber_id, i.support_structure_id]
            .iter()
            .any(|o| organisations.contains(o));
        let (what, due_on) = if i.status == Status::AwaitingSignatures {
            ("immersion_signatures", i.starts_on)
        } else {
            ("immersion_assessment", i.ends_on)
        };
        let mut missing = Vec::new();
        if what == "immersion_signatures" {
            let signed: Vec<String> = ex
                .fetch_all(query("SELECT party FROM immersion_signatures WHERE immersion_id = $1").bind(i.id))
                .await?
                .iter()
                .map(|r| r.get("party"))
                .collect::<Result<_, _>>()?;
            missing.extend(
                Party::ALL
                    .iter()
                    .copied()
                    .filter(|p| !signed.iter().any(|s| s == p.code())),
            );
            // The host structure only signs for itself: nothing to do for it once it has.
            if !keeps {
                missing.retain(|p| *p == Party::HostCompany);
                if missing.is_empty() {
                    continue;
                }
            }
        }
        items.push(crate::pathways::todo::TodoItem {
            person_id: i.person_id,
            person_name: format!("{} {}", i.first_name, i.last_name),
            what: what.into(),
            due_on,
            explanation: format!(
                "Immersion chez {} : {}",
                i.host_name,
                reminders(i.status, &missing, i.starts_on, i.ends_on, day).join(" ")
            ),
            link: format!("/immersions/{}", i.id),
        });
    }
    Ok(items)
}
