//! Orientations: an organisation sends a person to an authorised prescriber, which takes the person on or
//! refuses with a reason (the domain's `pathways::iae::orientation` says who may receive one and how it is
//! answered).
//!
//! An orientation is visible to the members of the orienting organisation and of the prescriber. The person
//! agreed to being sent (`consent_on`): their name and the message go to the prescriber, which sees nothing else
//! of the record until it takes the person on; then it follows the person and may diagnose and prescribe.

use crate::access::{AccessContext, Membership};
use crate::directory::{load_organisation, push_in};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, journal_reads, record};
use crate::infra::idempotency::{IdempotencyKey, claim, commit_created};
use crate::infra::notifications::notify;
use crate::infra::sql::{Executor, Query, Row, query};
use crate::pathways::iae::referral::{Direction, restrict_to_parties};
use crate::pathways::todo::TodoItem;
use crate::{Store, today};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::orientation::{self, AnswerInput, Status};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The page where a prescriber answers its orientations.
pub const ORIENTATIONS_PAGE: &str = "/orientations";

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Orientation {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    /// The organisation that oriented the person.
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// The authorised prescriber the person is sent to.
    pub prescriber_id: Uuid,
    pub prescriber_name: String,
    pub message: String,
    /// The day the person agreed to being sent to this prescriber.
    pub consent_on: Date,
    #[schema(example = "sent")]
    pub status: Status,
    #[schema(value_type = String)]
    pub status_label: &'static str,
    pub answered_on: Option<Date>,
    /// Who answered (the account's e-mail address).
    pub answered_by: Option<String>,
    pub refusal_reason: Option<String>,
    /// The day it was sent, in France (Europe/Paris).
    pub sent_on: Date,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// What an organisation sends (also the body of `POST /api/v1/orientations`).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrientation {
    /// The caller's organisation that orients the person.
    pub organisation_id: Uuid,
    pub person_id: Uuid,
    /// An authorised prescriber of the directory (`GET /api/v1/orientations/prescribers`).
    pub prescriber_id: Uuid,
    /// Why an IAE pathway may fit the person.
    pub message: String,
    /// The person agreed to being sent to this prescriber.
    pub person_consent: bool,
}

/// An authorised prescriber a person may be oriented to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Prescriber {
    pub id: Uuid,
    pub name: String,
    #[schema(example = "mission_locale")]
    pub kind: OrganisationKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub commune: String,
    pub department: String,
}

const COLUMNS: &str = "x.id, x.person_id, pe.first_name, pe.last_name, x.organisation_id, o.name AS organisation_name, \
    x.prescriber_id, pr.name AS prescriber_name, x.message, x.consent_on, x.status, x.answered_on, x.answered_by, \
    x.refusal_reason, x.created_at";

const FROM: &str = " FROM orientations x JOIN persons pe ON pe.id = x.person_id \
    JOIN organisations o ON o.id = x.organisation_id JOIN organisations pr ON pr.id = x.prescriber_id";

fn orientation_of(r: &Row) -> Result<Orientation> {
    let code: String = r.get("status")?;
    let status = Status::parse(&code)
        .ok_or_else(|| StoreError::Database(sqlx::Error::Decode(format!("status {code}").into())))?;
    Ok(Orientation {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        person_name: format!("{} {}", r.get::<String>("first_name")?, r.get::<String>("last_name")?),
        organisation_id: r.get("organisation_id")?,
        organisation_name: r.get("organisation_name")?,
        prescriber_id: r.get("prescriber_id")?,
        prescriber_name: r.get("prescriber_name")?,
        message: r.get("message")?,
        consent_on: r.get("consent_on")?,
        status,
        status_label: status.label(),
        answered_on: r.get("answered_on")?,
        answered_by: r.get("answered_by")?,
        refusal_reason: r.get("refusal_reason")?,
        sent_on: passerelle_domain::calendar::paris::date(r.get("created_at")?),
        created_at: r.get("created_at")?,
    })
}

/// Restricts a query to the orientations the caller's organisations sent (`Sent`), received as the prescriber
/// (`Received`) or either; a platform administrator sees them all.
fn restrict(ctx: &AccessContext, q: &mut Query, direction: Direction) {
    restrict_to_parties(ctx, q, direction, ("x.organisation_id", "x.prescriber_id"));
}

async fn load(ex: &mut impl Executor, ctx: &AccessContext, id: Uuid) -> Result<Orientation> {
    let mut q = query(format!("SELECT {COLUMNS}{FROM} WHERE 1 = 1"));
    q.push_bound(" AND x.id = {}", id);
    restrict(ctx, &mut q, Direction::All);
    let row = ex
        .fetch_optional(q)
        .await?
        .ok_or(StoreError::not_found("orientation"))?;
    orientation_of(&row)
}

fn member(ctx: &AccessContext, organisation_id: Uuid) -> Result<&Membership> {
    ctx.membership(organisation_id)
        .ok_or_else(|| StoreError::forbidden("not_a_member", "Vous ne pouvez orienter qu'au nom de votre structure."))
}

/// Whether `organisation_id` holds an authorisation to prescribe in force on `day`.
async fn authorised(ex: &mut impl Executor, organisation_id: Uuid, day: Date) -> Result<bool> {
    Ok(ex
        .fetch_optional(
            query(
                "SELECT 1 AS ok FROM authorisations WHERE organisation_id = $1 AND archived_at IS NULL \
                 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2)",
            )
            .bind(organisation_id)
            .bind(day),
        )
        .await?
        .is_some())
}

impl Store {
    /// The organisations of the directory a person may be oriented to today: the authorised prescribers, by
    /// right or with an authorisation in force. The directory is open to every signed-in user; no names.
    pub async fn orientation_prescribers(&self, _ctx: &AccessContext) -> Result<Vec<Prescriber>> {
        let day = today();
        let q = query(
            "SELECT o.id, o.name, o.kind, o.commune, o.department, (SELECT COUNT(*) FROM authorisations a \
             WHERE a.organisation_id = o.id AND a.archived_at IS NULL AND a.starts_on <= $1 \
             AND (a.ends_on IS NULL OR a.ends_on >= $1)) AS authorisations \
             FROM organisations o WHERE o.archived_at IS NULL ORDER BY o.name, o.id",
        )
        .bind(day);
        let mut db = self.pool.clone();
        let mut out = Vec::new();
        for r in db.fetch_all(q).await? {
            let kind = OrganisationKind::parse(&r.get::<String>("kind")?)?;
            let authorisations: i64 = r.get("authorisations")?;
            if orientation::is_authorised_prescriber(kind, authorisations > 0, day) {
                out.push(Prescriber {
                    id: r.get("id")?,
                    name: r.get("name")?,
                    kind,
                    kind_label: kind.label(),
                    commune: r.get("commune")?,
                    department: r.get("department")?,
                });
            }
        }
        Ok(out)
    }

    /// Orients a person followed by the caller's organisation to an authorised prescriber, which is notified.
    /// One orientation of a person waits at most once per prescriber (409 `orientation_waiting`).
    pub async fn create_orientation(
        &self,
        ctx: &AccessContext,
        new: NewOrientation,
        key: Option<IdempotencyKey>,
    ) -> Result<Orientation> {
        let m = member(ctx, new.organisation_id)?;
        let message = orientation::message(&new.message)?;
        orientation::consent(new.person_consent)?;
        let day = today();
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, new.person_id).await?;
        let prescriber = load_organisation(&mut tx, new.prescriber_id)
            .await
            .ok()
            .filter(|o| !o.archived)
            .ok_or_else(|| {
                Invalid::new(
                    "prescriber_invalid",
                    "Choisissez un prescripteur habilité de l'annuaire.",
                )
                .on("prescriber_id")
            })?;
        let authorised = authorised(&mut tx, prescriber.id, day).await?;
        orientation::target(prescriber.kind, authorised, day, prescriber.id == m.organisation_id)?;
        let waiting = tx
            .fetch_optional(
                query(
                    "SELECT 1 AS ok FROM orientations WHERE person_id = $1 AND prescriber_id = $2 AND status = 'sent'",
                )
                .bind(person.id)
                .bind(prescriber.id),
            )
            .await?;
        if waiting.is_some() {
            return Err(StoreError::conflict(
                "orientation_waiting",
                "Une orientation de cette personne vers ce prescripteur attend déjà sa réponse.",
            ));
        }
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        tx.execute(
            query(
                "INSERT INTO orientations (id, person_id, organisation_id, prescriber_id, message, consent_on, status, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'sent', $7, $7)",
            )
            .bind(id)
            .bind(person.id)
            .bind(m.organisation_id)
            .bind(prescriber.id)
            .bind(&message)
            .bind(day)
            .bind(now),
        )
        .await?;
        notify(
            &mut tx,
            prescriber.id,
            ("orientation", id),
            &format!(
                "Nouvelle orientation de {} {} par {}",
                person.first_name, person.last_name, m.organisation_name
            ),
            ORIENTATIONS_PAGE,
        )
        .await?;
        let created = load(&mut tx, ctx, id).await?;
        let event = Event::new("orientation", id, "orientation.created")
            .by(Some(m.organisation_id))
            .after(&created);
        commit_created(tx, ctx, key.as_ref(), id, event).await?;
        Ok(created)
    }

    /// One orientation; 404 outside the orienting organisation and the prescriber. Journaled as a read.
    pub async fn orientation(&self, ctx: &AccessContext, id: Uuid) -> Result<Orientation> {
        let mut tx = self.pool.begin_read().await?;
        let o = load(&mut tx, ctx, id).await?;
        tx.commit().await?;
        journal_reads(&self.pool, ctx, vec![Event::new("orientation", id, "orientation.read")]).await?;
        Ok(o)
    }

    /// The orientations the caller's organisations sent or received (`direction`), of one person if asked,
    /// waiting ones first then newest first. Journaled as a listing with the ids shown.
    pub async fn orientations(
        &self,
        ctx: &AccessContext,
        direction: Direction,
        person_id: Option<Uuid>,
    ) -> Result<Vec<Orientation>> {
        let mut q = query(format!("SELECT {COLUMNS}{FROM} WHERE 1 = 1"));
        if let Some(person) = person_id {
            q.push_bound(" AND x.person_id = {}", person);
        }
        restrict(ctx, &mut q, direction);
        q.push_sql(" ORDER BY CASE WHEN x.status = 'sent' THEN 0 ELSE 1 END, x.created_at DESC, x.id LIMIT 500");
        let mut tx = self.pool.begin_read().await?;
        let items = tx
            .fetch_all(q)
            .await?
            .iter()
            .map(orientation_of)
            .collect::<Result<Vec<_>>>()?;
        tx.commit().await?;
        if !items.is_empty() {
            let ids: Vec<Uuid> = items.iter().map(|o| o.id).collect();
            let event = Event::new("orientations", Uuid::nil(), "orientation.listed").after(&ids);
            journal_reads(&self.pool, ctx, vec![event]).await?;
        }
        Ok(items)
    }

    /// The prescriber's answer: takes the person on (the prescriber then follows the person, so that it may
    /// diagnose and prescribe) or refuses with a reason. The orienting organisation is notified.
    pub async fn answer_orientation(
        &self,
        ctx: &AccessContext,
        id: Uuid,
        input: &AnswerInput,
        key: Option<IdempotencyKey>,
    ) -> Result<Orientation> {
        let mut tx = self.pool.begin().await?;
        let before = load(&mut tx, ctx, id).await?;
        if ctx.membership(before.prescriber_id).is_none() {
            return Err(StoreError::forbidden(
                "not_the_prescriber",
                "Seul le prescripteur vers lequel la personne est orientée peut répondre à l'orientation.",
            ));
        }
        let answer = orientation::answer(before.status, input).map_err(|e| match e.code {
            "orientation_already_answered" => StoreError::conflict(e.code, e.message),
            _ => e.into(),
        })?;
        let now = crate::infra::clock::now();
        tx.execute(
            query(
                "UPDATE orientations SET status = $1, answered_on = $2, answered_by = $3, refusal_reason = $4, \
                 updated_at = $5 WHERE id = $6 AND status = 'sent'",
            )
            .bind(answer.status.code())
            .bind(today())
            .bind(ctx.actor_label())
            .bind(answer.reason.as_deref())
            .bind(now)
            .bind(id),
        )
        .await?;
        let message = match (answer.status, &answer.reason) {
            (Status::Refused, Some(reason)) => {
                format!(
                    "{} : orientation refusée par {} ({reason})",
                    before.person_name, before.prescriber_name
                )
            }
            _ => {
                // The prescriber takes part in the pathway from now on (the person agreed to this sending).
                tx.execute(
                    query(
                        "INSERT INTO person_followers (person_id, organisation_id, since) VALUES ($1, $2, $3) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(before.person_id)
                    .bind(before.prescriber_id)
                    .bind(now),
                )
                .await?;
                format!(
                    "{} : orientation prise en charge par {}",
                    before.person_name, before.prescriber_name
                )
            }
        };
        notify(
            &mut tx,
            before.organisation_id,
            ("orientation", id),
            &message,
            &format!("/personnes/{}", before.person_id),
        )
        .await?;
        claim(&mut tx, ctx, key.as_ref(), id).await?;
        let after = load(&mut tx, ctx, id).await?;
        record(
            &mut tx,
            ctx,
            Event::new("orientation", id, format!("orientation.{}", answer.status.code()))
                .by(Some(before.prescriber_id))
                .before(&before)
                .after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// The orientations waiting for the answer of one of `organisations` as the prescriber, oldest first, for its
/// to-do list.
pub(crate) async fn todo_items(ex: &mut impl Executor, organisations: &[Uuid]) -> Result<Vec<TodoItem>> {
    if organisations.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = query(
        "SELECT x.person_id, pe.first_name, pe.last_name, x.created_at FROM orientations x \
         JOIN persons pe ON pe.id = x.person_id WHERE x.status = 'sent' AND",
    );
    push_in(&mut q, "x.prescriber_id", organisations);
    q.push_sql(" ORDER BY x.created_at");
    let mut items = Vec::new();
    for r in ex.fetch_all(q).await? {
        let sent: OffsetDateTime = r.get("created_at")?;
        items.push(TodoItem {
            person_id: r.get("person_id")?,
            person_name: format!("{} {}", r.get::<String>("first_name")?, r.get::<String>("last_name")?),
            what: "orientation_answer".into(),
            due_on: passerelle_domain::calendar::paris::date(sent),
            explanation: orientation::awaiting_answer(),
            link: ORIENTATIONS_PAGE.to_owned(),
        });
    }
    Ok(items)
}
