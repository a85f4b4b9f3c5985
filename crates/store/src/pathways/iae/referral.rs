//! Diagnoses, prescriptions and their referral sheets (fiche navette).
//!
//! A prescription is visible to the members of its prescriber and of its SIAE. Sending it makes the SIAE
//! follow the person: the prescriber records that the person agreed to this sending (`consent_on`), which
//! is the consent this one sharing needs, even when the person refused a general sharing of their record.

mod diagnoses;
mod listing;

pub use diagnoses::DiagnosisRecord;
use diagnoses::{DIAGNOSIS_COLUMNS, author_kind, diagnosis, insert_diagnosis};
pub use listing::PrescriptionFilter;

use crate::access::{AccessContext, Membership};
use crate::directory::{load_organisation, push_in};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, claim, commit_created};
use crate::infra::notifications::notify;
use crate::infra::sql::{Executor, Row, query};
use crate::pathways::iae::offer::load_offer;
use crate::{Store, today};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::referral::prescription::{self, DiagnosisOnFile};
use passerelle_domain::pathways::iae::referral::{self, Motive, Side, Status, StepInput};
use passerelle_domain::pathways::iae::{Criterion, SiaeKind, coherence};
use passerelle_domain::text::required;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReferralStep {
    pub id: Uuid,
    #[schema(example = "refused")]
    pub status: Status,
    #[schema(value_type = String)]
    pub status_label: &'static str,
    #[schema(example = "siae")]
    pub side: Side,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// Who wrote the step (the account's e-mail address).
    pub author: String,
    pub date: Option<Date>,
    #[schema(value_type = Option<String>)]
    pub motive: Option<Motive>,
    #[schema(value_type = Option<String>)]
    pub motive_label: Option<&'static str>,
    pub comment: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Prescription {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub prescriber_id: Uuid,
    pub prescriber_name: String,
    pub siae_id: Uuid,
    pub siae_name: String,
    #[schema(example = "aci")]
    pub siae_kind: OrganisationKind,
    pub siae_department: String,
    pub offer_id: Option<Uuid>,
    pub offer_title: Option<String>,
    pub diagnosis_id: Uuid,
    pub message: String,
    pub consent_on: Date,
    pub waiting_period_waived: bool,
    #[schema(example = "sent")]
    pub status: Status,
    #[schema(value_type = String)]
    pub status_label: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The referral sheet, oldest step first.
    pub steps: Vec<ReferralStep>,
}

/// What a prescriber sends (also the body of `POST /api/v1/prescriptions`).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPrescription {
    /// The caller's prescriber organisation (or the SIAE itself for its own diagnosis).
    pub prescriber_id: Uuid,
    pub person_id: Uuid,
    pub siae_id: Uuid,
    pub offer_id: Option<Uuid>,
    /// The diagnosis it rests on; by default the person's latest valid one.
    pub diagnosis_id: Option<Uuid>,
    pub message: String,
    /// The person agreed to this prescription being sent to this SIAE.
    pub person_consent: bool,
    /// The authorised prescriber lifts the waiting period after a previous pathway (R5132-1-4).
    #[serde(default)]
    pub waiting_period_waived: bool,
}

/// Which prescriptions to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Sent or received by the caller's organisations.
    #[default]
    All,
    Sent,
    Received,
}

/// Refusals and withdrawals counted by department and SIAE kind (Accord régional BFC 2016, annex 1, fiches 4 and 5).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RefusalCount {
    pub department: String,
    #[schema(example = "aci")]
    pub siae_kind: OrganisationKind,
    #[schema(example = "siae")]
    pub side: Side,
    #[schema(example = "no_position")]
    pub motive: Motive,
    #[schema(value_type = String)]
    pub motive_label: &'static str,
    pub count: i64,
}

/// A refusal about who acts: the caller's rights, not the input.
fn forbidden(e: Invalid) -> StoreError {
    StoreError::forbidden(e.code, e.message)
}

fn member(ctx: &AccessContext, organisation_id: Uuid) -> Result<&Membership> {
    ctx.membership(organisation_id)
        .ok_or_else(|| StoreError::forbidden("not_a_member", "Vous ne pouvez agir qu'au nom de votre structure."))
}

const PRESCRIPTION_COLUMNS: &str = "p.id, p.person_id, pe.first_name, pe.last_name, p.prescriber_id, \
    pr.name AS prescriber_name, p.siae_id, s.name AS siae_name, s.kind AS siae_kind, s.department AS siae_department, \
    p.offer_id, j.title AS offer_title, p.diagnosis_id, p.message, p.consent_on, p.waiting_period_waived, p.status, p.created_at";

const PRESCRIPTION_FROM: &str = " FROM prescriptions p JOIN persons pe ON pe.id = p.person_id \
    JOIN organisations pr ON pr.id = p.prescriber_id JOIN organisations s ON s.id = p.siae_id \
    LEFT JOIN job_offers j ON j.id = p.offer_id";

fn status_of(code: &str) -> Result<Status> {
    Status::parse(code).ok_or_else(|| StoreError::Database(sqlx::Error::Decode(format!("status {code}").into())))
}

fn prescription(r: &Row) -> Result<Prescription> {
    let status = status_of(&r.get::<String>("status")?)?;
    Ok(Prescription {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        person_name: format!("{} {}", r.get::<String>("first_name")?, r.get::<String>("last_name")?),
        prescriber_id: r.get("prescriber_id")?,
        prescriber_name: r.get("prescriber_name")?,
        siae_id: r.get("siae_id")?,
        siae_name: r.get("siae_name")?,
        siae_kind: OrganisationKind::parse(&r.get::<String>("siae_kind")?)?,
        siae_department: r.get("siae_department")?,
        offer_id: r.get("offer_id")?,
        offer_title: r.get("offer_title")?,
        diagnosis_id: r.get("diagnosis_id")?,
        message: r.get("message")?,
        consent_on: r.get("consent_on")?,
        waiting_period_waived: r.get("waiting_period_waived")?,
        status,
        status_label: status.label(),
        created_at: r.get("created_at")?,
        steps: Vec::new(),
    })
}

async fn attach_steps(ex: &mut impl Executor, items: &mut [Prescription]) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = items.iter().map(|p| p.id).collect();
    let mut q = query(
        "SELECT r.id, r.prescription_id, r.status, r.side, r.organisation_id, o.name, r.author_label, r.step_date, \
         r.motive, r.comment, r.created_at FROM referral_steps r JOIN organisations o ON o.id = r.organisation_id WHERE",
    );
    push_in(&mut q, "r.prescription_id", &ids);
    q.push_sql(" ORDER BY r.created_at, r.id");
    for r in ex.fetch_all(q).await? {
        let id: Uuid = r.get("prescription_id")?;
        let status = status_of(&r.get::<String>("status")?)?;
        let motive = r.get::<Option<String>>("motive")?.and_then(|m| Motive::parse(&m));
        let step = ReferralStep {
            id: r.get("id")?,
            status,
            status_label: status.label(),
            side: if r.get::<String>("side")? == "siae" {
                Side::Siae
            } else {
                Side::Prescriber
            },
            organisation_id: r.get("organisation_id")?,
            organisation_name: r.get("name")?,
            author: r.get("author_label")?,
            date: r.get("step_date")?,
            motive,
            motive_label: motive.map(Motive::label),
            comment: r.get("comment")?,
            created_at: r.get("created_at")?,
        };
        if let Some(p) = items.iter_mut().find(|p| p.id == id) {
            p.steps.push(step);
        }
    }
    Ok(())
}

/// Restricts a prescription query to those of the caller's organisations.
fn restrict(ctx: &AccessContext, q: &mut crate::infra::sql::Query, direction: Direction) {
    restrict_to_parties(ctx, q, direction, ("p.prescriber_id", "p.siae_id"));
}

/// Restricts a query to the rows the caller's organisations sent (`Sent`: the `sender` column), received
/// (`Received`: the `receiver` column) or either; a platform administrator sees them all.
pub(crate) fn restrict_to_parties(
    ctx: &AccessContext,
    q: &mut crate::infra::sql::Query,
    direction: Direction,
    (sender, receiver): (&str, &str),
) {
    if ctx.is_platform_admin() && direction == Direction::All {
        return;
    }
    let ids: Vec<Uuid> = ctx.memberships().iter().map(|m| m.organisation_id).collect();
    if ids.is_empty() {
        q.push_sql(" AND 1 = 0");
        return;
    }
    q.push_sql(" AND (");
    match direction {
        Direction::Sent => push_in(q, sender, &ids),
        Direction::Received => push_in(q, receiver, &ids),
        Direction::All => {
            push_in(q, sender, &ids);
            q.push_sql(" OR");
            push_in(q, receiver, &ids);
        }
    }
    q.push_sql(")");
}

async fn load(ex: &mut impl Executor, ctx: &AccessContext, id: Uuid) -> Result<Prescription> {
    let mut q = query(format!("SELECT {PRESCRIPTION_COLUMNS}{PRESCRIPTION_FROM} WHERE 1 = 1"));
    q.push_bound(" AND p.id = {}", id);
    restrict(ctx, &mut q, Direction::All);
    let row = ex
        .fetch_optional(q)
        .await?
        .ok_or(StoreError::not_found("prescription"))?;
    let mut p = [prescription(&row)?];
    attach_steps(ex, &mut p).await?;
    let [p] = p;
    Ok(p)
}

impl Store {
    /// Sends a prescription: the first step of its referral sheet; the SIAE follows the person and is notified.
    pub async fn create_prescription(
        &self,
        ctx: &AccessContext,
        new: NewPrescription,
        key: Option<IdempotencyKey>,
    ) -> Result<Prescription> {
        self.prescribe(ctx, new, None, key).await
    }

    /// Establishes a diagnosis with `criteria` and sends a prescription resting on it, in one transaction: a
    /// prescription refused (no consent, no eligibility...) leaves no diagnosis behind, however often the form
    /// is sent again.
    pub async fn diagnose_and_prescribe(
        &self,
        ctx: &AccessContext,
        new: NewPrescription,
        criteria: Vec<Criterion>,
    ) -> Result<Prescription> {
        self.prescribe(ctx, new, Some(criteria), None).await
    }

    async fn prescribe(
        &self,
        ctx: &AccessContext,
        mut new: NewPrescription,
        criteria: Option<Vec<Criterion>>,
        key: Option<IdempotencyKey>,
    ) -> Result<Prescription> {
        let m = member(ctx, new.prescriber_id)?;
        let auto = new.prescriber_id == new.siae_id;
        let author = {
            let mut db = self.pool.clone();
            author_kind(&mut db, m).await?
        };
        prescription::may_prescribe(author, auto, new.waiting_period_waived).map_err(forbidden)?;
        let message = required("message", &new.message, 4_000)?;
        prescription::consent(new.person_consent)?;
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, new.person_id).await?;
        let siae = load_organisation(&mut tx, new.siae_id)
            .await
            .ok()
            .filter(|o| o.kind.is_siae() && !o.archived)
            .ok_or_else(|| Invalid::new("siae_invalid", "Choisissez une SIAE de l'annuaire.").on("siae_id"))?;
        let kind = SiaeKind::of(siae.kind)
            .ok_or_else(|| Invalid::new("siae_invalid", "Choisissez une SIAE.").on("siae_id"))?;
        if let Some(offer_id) = new.offer_id {
            let offer = load_offer(&mut tx, offer_id)
                .await
                .map_err(|_| Invalid::new("offer_invalid", "Cette offre n'existe pas.").on("offer_id"))?;
            if offer.siae_id != siae.id || !offer.open {
                return Err(
                    Invalid::new("offer_invalid", "L'offre doit être une offre ouverte de cette SIAE.")
                        .on("offer_id")
                        .into(),
                );
            }
        }
        if let Some(criteria) = criteria {
            let (created, event) = insert_diagnosis(&mut tx, m, person.id, kind, criteria).await?;
            record(&mut tx, ctx, event).await?;
            new.diagnosis_id = Some(created.id);
        }
        let diagnosis = self.valid_diagnosis(&mut tx, &new, kind, auto).await?;
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        tx.execute(
            query(
                "INSERT INTO prescriptions (id, person_id, prescriber_id, siae_id, offer_id, diagnosis_id, message, \
                 consent_on, waiting_period_waived, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'sent', $10, $10)",
            )
            .bind(id)
            .bind(person.id)
            .bind(new.prescriber_id)
            .bind(siae.id)
            .bind(new.offer_id)
            .bind(diagnosis.id)
            .bind(&message)
            .bind(today())
            .bind(new.waiting_period_waived)
            .bind(now),
        )
        .await?;
        insert_step(
            &mut tx,
            ctx,
            id,
            Status::Sent,
            Side::Prescriber,
            new.prescriber_id,
            None,
            None,
            None,
        )
        .await?;
        // The SIAE takes part in the pathway from now on (the person agreed to this sending).
        tx.execute(
            query(
                "INSERT INTO person_followers (person_id, organisation_id, since) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(person.id)
            .bind(siae.id)
            .bind(now),
        )
        .await?;
        if !auto {
            notify(
                &mut tx,
                siae.id,
                ("prescription", id),
                &format!(
                    "Nouvelle candidature de {} {} envoyée par {}",
                    person.first_name, person.last_name, m.organisation_name
                ),
                &format!("/prescriptions/{id}"),
            )
            .await?;
        }
        let created = load(&mut tx, ctx, id).await?;
        let event = Event::new("prescription", id, "prescription.created")
            .by(Some(new.prescriber_id))
            .after(&created);
        commit_created(tx, ctx, key.as_ref(), id, event).await?;
        Ok(created)
    }

    /// The diagnosis a prescription rests on: named, or the person's latest; valid today and eligible.
    async fn valid_diagnosis(
        &self,
        ex: &mut impl Executor,
        new: &NewPrescription,
        kind: SiaeKind,
        auto: bool,
    ) -> Result<DiagnosisRecord> {
        let mut q = query(format!(
            "SELECT {DIAGNOSIS_COLUMNS} FROM iae_diagnoses d JOIN organisations o ON o.id = d.organisation_id \
             WHERE d.person_id = $1"
        ))
        .bind(new.person_id);
        if let Some(id) = new.diagnosis_id {
            q.push_bound(" AND d.id = {}", id);
        }
        q.push_sql(" ORDER BY d.diagnosed_on DESC, d.created_at DESC LIMIT 1");
        let d = match ex.fetch_optional(q).await? {
            Some(r) => diagnosis(&r)?,
            None => return Err(prescription::diagnosis_required().into()),
        };
        let on_file = DiagnosisOnFile {
            diagnosed_on: d.diagnosed_on,
            expires_on: d.expires_on,
            eligible: d.eligible,
            reasons: &d.reasons,
            author: d.author,
            siae_kind: d.siae_kind,
            by_that_siae: d.organisation_id == new.siae_id,
        };
        prescription::supports(&on_file, today(), kind, auto)?;
        Ok(d)
    }

    /// One prescription with its referral sheet; 404 outside the prescriber and the SIAE.
    pub async fn prescription(&self, ctx: &AccessContext, id: Uuid) -> Result<Prescription> {
        let mut tx = self.pool.begin().await?;
        let p = load(&mut tx, ctx, id).await?;
        record(&mut tx, ctx, Event::new("prescription", id, "prescription.read")).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// The prescriptions the caller's organisations sent or received, newest first.
    pub async fn prescriptions(
        &self,
        ctx: &AccessContext,
        direction: Direction,
        person_id: Option<Uuid>,
    ) -> Result<Vec<Prescription>> {
        let mut q = query(format!("SELECT {PRESCRIPTION_COLUMNS}{PRESCRIPTION_FROM} WHERE 1 = 1"));
        if let Some(person) = person_id {
            q.push_bound(" AND p.person_id = {}", person);
        }
        restrict(ctx, &mut q, direction);
        q.push_sql(" ORDER BY p.created_at DESC, p.id LIMIT 500");
        let mut tx = self.pool.begin().await?;
        let mut items = tx
            .fetch_all(q)
            .await?
            .iter()
            .map(prescription)
            .collect::<Result<Vec<_>>>()?;
        attach_steps(&mut tx, &mut items).await?;
        if !items.is_empty() {
            let ids: Vec<Uuid> = items.iter().map(|p| p.id).collect();
            record(
                &mut tx,
                ctx,
                Event::new("prescriptions", Uuid::nil(), "prescription.listed").after(&ids),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(items)
    }

    /// Adds a step to the referral sheet, on the caller's side; the other side is notified. A hiring opens
    /// or continues the person's approval through the rules engine, in the same transaction.
    pub async fn add_referral_step(
        &self,
        ctx: &AccessContext,
        id: Uuid,
        input: &StepInput,
        key: Option<IdempotencyKey>,
    ) -> Result<Prescription> {
        let mut tx = self.pool.begin().await?;
        let before = load(&mut tx, ctx, id).await?;
        let on_siae = ctx.membership(before.siae_id).is_some();
        let on_prescriber = ctx.membership(before.prescriber_id).is_some();
        let side = match (on_siae, on_prescriber) {
            (true, true) => Status::parse(input.status.trim())
                .map(Status::side)
                .unwrap_or(Side::Siae),
            (true, false) => Side::Siae,
            (false, true) => Side::Prescriber,
            (false, false) => {
                return Err(StoreError::forbidden(
                    "not_a_party",
                    "Seuls le prescripteur et la SIAE de cette candidature peuvent compléter la fiche navette.",
                ));
            }
        };
        let step = referral::step(before.status, side, input)?;
        if step.status == Status::InterviewHeld {
            let planned = before
                .steps
                .iter()
                .rev()
                .find(|s| s.status == Status::InterviewPlanned)
                .and_then(|s| s.date);
            coherence::check_referral_interview_held(planned, step.date, today())
                .map_err(|e| Invalid::new(e.code, e.message).on(if step.date.is_some() { "date" } else { "status" }))?;
        }
        let (organisation_id, other) = match side {
            Side::Siae => (before.siae_id, before.prescriber_id),
            Side::Prescriber => (before.prescriber_id, before.siae_id),
        };
        insert_step(
            &mut tx,
            ctx,
            id,
            step.status,
            side,
            organisation_id,
            step.date,
            step.motive,
            step.comment.as_deref(),
        )
        .await?;
        tx.execute(
            query("UPDATE prescriptions SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(step.status.code())
                .bind(crate::infra::clock::now())
                .bind(id),
        )
        .await?;
        if step.status == Status::Hired {
            let date = step.date.unwrap_or_else(today);
            let hiring = crate::pathways::iae::pathway::Hiring {
                prescription_id: before.id,
                person_id: before.person_id,
                siae_id: before.siae_id,
                siae_kind: before.siae_kind,
                waiver: before.waiting_period_waived,
                date,
            };
            crate::pathways::iae::pathway::hire(self, &mut tx, ctx, hiring).await?;
        }
        if other != organisation_id {
            let mut message = format!("{} : {}", before.person_name, step.status.label());
            if let Some(m) = step.motive {
                message.push_str(&format!(" ({})", m.label()));
            }
            notify(
                &mut tx,
                other,
                ("prescription", id),
                &message,
                &format!("/prescriptions/{id}"),
            )
            .await?;
        }
        claim(&mut tx, ctx, key.as_ref(), id).await?;
        let after = load(&mut tx, ctx, id).await?;
        record(
            &mut tx,
            ctx,
            Event::new("prescription", id, format!("referral.{}", step.status.code()))
                .by(Some(organisation_id))
                .before(&before)
                .after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Refusals (SIAE) and withdrawals (prescriber) by department and SIAE kind; counts only, no names.
    pub async fn referral_refusals(&self, _ctx: &AccessContext, department: Option<&str>) -> Result<Vec<RefusalCount>> {
        let mut q = query(
            "SELECT s.department, s.kind, r.side, r.motive, COUNT(*) AS n FROM referral_steps r \
             JOIN prescriptions p ON p.id = r.prescription_id JOIN organisations s ON s.id = p.siae_id \
             WHERE r.motive IS NOT NULL",
        );
        if let Some(d) = department {
            q.push_bound(" AND s.department = {}", d);
        }
        q.push_sql(" GROUP BY s.department, s.kind, r.side, r.motive ORDER BY s.department, s.kind, r.side, r.motive");
        let mut db = self.pool.clone();
        let mut out = Vec::new();
        for r in db.fetch_all(q).await? {
            let Some(motive) = Motive::parse(&r.get::<String>("motive")?) else {
                continue;
            };
            out.push(RefusalCount {
                department: r.get("department")?,
                siae_kind: OrganisationKind::parse(&r.get::<String>("kind")?)?,
                side: if r.get::<String>("side")? == "siae" {
                    Side::Siae
                } else {
                    Side::Prescriber
                },
                motive,
                motive_label: motive.label(),
                count: r.get("n")?,
            });
        }
        Ok(out)
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_step(
    ex: &mut impl Executor,
    ctx: &AccessContext,
    prescription_id: Uuid,
    status: Status,
    side: Side,
    organisation_id: Uuid,
    date: Option<Date>,
    motive: Option<Motive>,
    comment: Option<&str>,
) -> Result<()> {
    ex.execute(
        query(
            "INSERT INTO referral_steps (id, prescription_id, status, side, organisation_id, author_label, step_date, \
             motive, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(Uuid::new_v4())
        .bind(prescription_id)
        .bind(status.code())
        .bind(if side == Side::Siae { "siae" } else { "prescriber" })
        .bind(organisation_id)
        .bind(ctx.actor_label())
        .bind(date)
        .bind(motive.map(Motive::code))
        .bind(comment)
        .bind(crate::infra::clock::now()),
    )
    .await?;
    Ok(())
}

/// The referral sheets waiting for the answer of one of `organisations` as the SIAE, oldest first, for its
/// to-do list.
pub(crate) async fn todo_items(
    ex: &mut impl Executor,
    organisations: &[Uuid],
) -> Result<Vec<crate::pathways::todo::TodoItem>> {
    if organisations.is_empty() {
        return Ok(Vec::new());
    }
    let waiting: Vec<String> = Status::ALL
        .iter()
        .filter(|s| s.awaits_siae())
        .map(|s| format!("'{}'", s.code()))
        .collect();
    let mut q = query(format!(
        "SELECT p.id, p.person_id, pe.first_name, pe.last_name, p.created_at FROM prescriptions p \
         JOIN persons pe ON pe.id = p.person_id WHERE p.status IN ({}) AND",
        waiting.join(", ")
    ));
    push_in(&mut q, "p.siae_id", organisations);
    q.push_sql(" ORDER BY p.created_at");
    let mut items = Vec::new();
    for r in ex.fetch_all(q).await? {
        let sent: OffsetDateTime = r.get("created_at")?;
        items.push(crate::pathways::todo::TodoItem {
            person_id: r.get("person_id")?,
            person_name: format!("{} {}", r.get::<String>("first_name")?, r.get::<String>("last_name")?),
            what: "referral_answer".into(),
            due_on: passerelle_domain::calendar::paris::date(sent),
            explanation: referral::awaiting_answer(),
            link: format!("/prescriptions/{}", r.get::<Uuid>("id")?),
        });
    }
    Ok(items)
}
