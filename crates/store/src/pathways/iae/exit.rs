//! Accompaniment and exit; the lists built on every pathway of the caller are in
//! [`crate::pathways::lists`].

use super::interview::ScheduledInterview;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, claim};
use crate::infra::notifications::notify_pathway;
use crate::infra::sql::{Executor, Row, query, rows};
use crate::pathways::iae::pathway::{current_employer, deciders, exit_after_hiring};
use crate::{Store, today};
use passerelle_domain::calendar::french_date;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::coherence;
use passerelle_domain::pathways::iae::exit::{self, Action, ActionKind, ExitOutcome};
use passerelle_domain::pathways::iae::interview::Attendance;
use passerelle_domain::text::{optional, required};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActionRecord {
    pub id: Uuid,
    pub organisation_name: String,
    #[schema(example = "poec")]
    pub kind: ActionKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub hours: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Registration {
    pub registered: bool,
    pub since: Date,
    pub organisation_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Interview {
    pub id: Uuid,
    pub siae_name: String,
    pub held_on: Date,
    pub notes: String,
    /// Who attended; `null` on the interviews recorded before attendance was (migration 0036).
    pub person_present: Option<bool>,
    pub siae_present: Option<bool>,
    pub referent_present: Option<bool>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExitReview {
    pub id: Uuid,
    pub siae_id: Uuid,
    pub siae_name: String,
    pub exit_on: Date,
    #[schema(example = "cdi")]
    pub outcome: ExitOutcome,
    #[schema(value_type = String)]
    pub outcome_label: &'static str,
    pub skills: String,
    pub recommendations: Option<String>,
    /// 6 months after the exit.
    pub follow_up_on: Date,
    pub followed_up_on: Option<Date>,
    pub registered_spe: Option<bool>,
    pub employed: Option<bool>,
}

/// An exit review as the employing SIAE writes it.
#[derive(Debug, Clone, Copy)]
pub struct NewExitReview<'a> {
    pub exit_on: Date,
    pub outcome: ExitOutcome,
    /// Skills acquired, for the person's document.
    pub skills: &'a str,
    pub recommendations: Option<&'a str>,
}

/// A tripartite interview as the SIAE records it once held.
#[derive(Debug, Clone, Copy)]
pub struct HeldInterview<'a> {
    pub held_on: Date,
    /// What was said and decided, shared with the SPE referent and the prescriber.
    pub notes: &'a str,
    /// Who attended; `None` when the caller does not say (the API before migration 0036).
    pub attendance: Option<Attendance>,
}

/// A person's accompaniment and exit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub actions: Vec<ActionRecord>,
    /// Hours of training, POEC, POEI and AFPR.
    pub training_hours: i64,
    /// Newest first; the first is the current registration at France Travail.
    pub registrations: Vec<Registration>,
    pub interviews: Vec<Interview>,
    /// The tripartite interview scheduled and not yet held.
    pub scheduled_interview: Option<ScheduledInterview>,
    pub exit_reviews: Vec<ExitReview>,
}

fn parse<T: serde::de::DeserializeOwned>(code: String) -> Result<T> {
    serde_json::from_value(code.into()).map_err(|e| StoreError::Database(sqlx::Error::Decode(e.to_string().into())))
}

fn exit_review(r: &Row) -> Result<ExitReview> {
    let outcome: ExitOutcome = parse(r.get("outcome")?)?;
    Ok(ExitReview {
        id: r.get("id")?,
        siae_id: r.get("siae_id")?,
        siae_name: r.get("name")?,
        exit_on: r.get("exit_on")?,
        outcome,
        outcome_label: outcome.label(),
        skills: r.get("skills")?,
        recommendations: r.get("recommendations")?,
        follow_up_on: r.get("follow_up_on")?,
        followed_up_on: r.get("followed_up_on")?,
        registered_spe: r.get("registered_spe")?,
        employed: r.get("employed")?,
    })
}

impl Store {
    pub async fn follow_up(&self, ctx: &AccessContext, person_id: Uuid) -> Result<FollowUp> {
        let mut db = self.pool.clone();
        self.persons(ctx).load(&mut db, person_id).await?;
        let actions = rows(
            &mut db,
            query(
                "SELECT a.id, o.name, a.kind, a.title, a.starts_on, a.ends_on, a.hours FROM accompaniment_actions a \
                     JOIN organisations o ON o.id = a.organisation_id WHERE a.person_id = $1 ORDER BY a.starts_on",
            )
            .bind(person_id),
            |r| {
                let kind: ActionKind = parse(r.get("kind")?)?;
                Ok(ActionRecord {
                    id: r.get("id")?,
                    organisation_name: r.get("name")?,
                    kind,
                    kind_label: kind.label(),
                    title: r.get("title")?,
                    starts_on: r.get("starts_on")?,
                    ends_on: r.get("ends_on")?,
                    hours: r.get("hours")?,
                })
            },
        )
        .await?;
        let training_hours = actions
            .iter()
            .filter(|a| a.kind.needs_hours())
            .filter_map(|a| a.hours)
            .sum();
        let registrations = rows(
            &mut db,
            query(
                "SELECT r.registered, r.since, o.name FROM spe_registrations r JOIN organisations o \
                     ON o.id = r.organisation_id WHERE r.person_id = $1 ORDER BY r.since DESC, r.created_at DESC",
            )
            .bind(person_id),
            |r| {
                Ok(Registration {
                    registered: r.get("registered")?,
                    since: r.get("since")?,
                    organisation_name: r.get("name")?,
                })
            },
        )
        .await?;
        let interviews = rows(
            &mut db,
            query(
                "SELECT i.id, o.name, i.held_on, i.notes, i.person_present, i.siae_present, i.referent_present \
                     FROM tripartite_interviews i JOIN organisations o ON o.id = i.siae_id WHERE i.person_id = $1 \
                     ORDER BY i.held_on",
            )
            .bind(person_id),
            |r| {
                Ok(Interview {
                    id: r.get("id")?,
                    siae_name: r.get("name")?,
                    held_on: r.get("held_on")?,
                    notes: r.get("notes")?,
                    person_present: r.get("person_present")?,
                    siae_present: r.get("siae_present")?,
                    referent_present: r.get("referent_present")?,
                })
            },
        )
        .await?;
        let scheduled_interview = super::interview::current(&mut db, person_id).await?;
        let exit_reviews = rows(
            &mut db,
            query(
                "SELECT x.id, x.siae_id, o.name, x.exit_on, x.outcome, x.skills, x.recommendations, x.follow_up_on, \
                     x.followed_up_on, x.registered_spe, x.employed FROM exit_reviews x JOIN organisations o \
                     ON o.id = x.siae_id WHERE x.person_id = $1 ORDER BY x.exit_on",
            )
            .bind(person_id),
            exit_review,
        )
        .await?;
        Ok(FollowUp {
            actions,
            training_hours,
            registrations,
            interviews,
            scheduled_interview,
            exit_reviews,
        })
    }

    /// An accompaniment action, by any organisation following the person.
    pub async fn add_action(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        organisation_id: Uuid,
        a: Action,
        key: Option<IdempotencyKey>,
    ) -> Result<FollowUp> {
        let id = Uuid::new_v4();
        let insert = query(
            "INSERT INTO accompaniment_actions (id, person_id, organisation_id, kind, title, starts_on, ends_on, \
                     hours, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(person_id)
        .bind(organisation_id)
        .bind(a.kind.code())
        .bind(a.title.as_str())
        .bind(a.starts_on)
        .bind(a.ends_on)
        .bind(a.hours)
        .bind(crate::infra::clock::now());
        self.follower_change(
            ctx,
            (person_id, organisation_id),
            "accompaniment.action_added",
            (id, insert),
            key,
        )
        .await
    }

    /// Registered at France Travail or not, since a date, by any organisation following the person.
    pub async fn record_registration(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        organisation_id: Uuid,
        registered: bool,
        since: Date,
        key: Option<IdempotencyKey>,
    ) -> Result<FollowUp> {
        let id = Uuid::new_v4();
        let insert = query(
            "INSERT INTO spe_registrations (id, person_id, organisation_id, registered, since, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(person_id)
        .bind(organisation_id)
        .bind(registered)
        .bind(since)
        .bind(crate::infra::clock::now());
        self.follower_change(
            ctx,
            (person_id, organisation_id),
            "accompaniment.registration",
            (id, insert),
            key,
        )
        .await
    }

    /// Writes the row `id` with `insert` on behalf of an organisation following the person, with its event.
    async fn follower_change(
        &self,
        ctx: &AccessContext,
        (person_id, organisation_id): (Uuid, Uuid),
        action: &'static str,
        (id, insert): (Uuid, crate::infra::sql::Query),
        key: Option<IdempotencyKey>,
    ) -> Result<FollowUp> {
        let member = ctx
            .membership(organisation_id)
            .filter(|m| m.kind.holds_names().is_ok())
            .ok_or_else(|| {
                StoreError::forbidden("not_a_member", "Vous ne pouvez agir qu'au nom de votre structure.")
            })?;
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        if !person
            .followers
            .iter()
            .any(|f| f.organisation_id == member.organisation_id)
        {
            return Err(StoreError::forbidden(
                "not_a_follower",
                "Votre structure ne suit pas cette personne.",
            ));
        }
        tx.execute(insert).await?;
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        record(
            &mut tx,
            ctx,
            Event::new("person", person_id, action)
                .by(Some(organisation_id))
                .after(&id),
        )
        .await?;
        tx.commit().await?;
        self.follow_up(ctx, person_id).await
    }

    /// The tripartite interview, recorded by the SIAE of the last hiring with who attended (unsaid by the API's
    /// older clients); it closes the interview scheduled, and the prescribers are told.
    pub async fn hold_interview(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        held: HeldInterview<'_>,
        key: Option<IdempotencyKey>,
    ) -> Result<FollowUp> {
        let HeldInterview {
            held_on,
            notes,
            attendance,
        } = held;
        let notes = required("notes", notes, 4_000)?;
        coherence::check_interview_held(held_on, today()).map_err(|e| Invalid::new(e.code, e.message).on("held_on"))?;
        let attendance = attendance.map(Attendance::check).transpose()?;
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let (siae, _) = current_employer(&mut tx, ctx, person_id).await?;
        let id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO tripartite_interviews (id, person_id, siae_id, held_on, notes, created_at, \
                 person_present, siae_present, referent_present) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(person_id)
            .bind(siae)
            .bind(held_on)
            .bind(notes.as_str())
            .bind(crate::infra::clock::now())
            .bind(attendance.map(|a| a.person))
            .bind(attendance.map(|a| a.siae))
            .bind(attendance.map(|a| a.referent)),
        )
        .await?;
        let closed = super::interview::close_held(&mut tx, person_id, id).await?;
        crate::obligations::interview_held(&mut tx, person_id).await?;
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        let message = format!(
            "Entretien tripartite de {} {} tenu le {}{}",
            person.first_name,
            person.last_name,
            french_date(held_on),
            attendance.map(|a| format!(" ({})", a.summary())).unwrap_or_default()
        );
        for org in deciders(&mut tx, person_id).await? {
            notify_pathway(&mut tx, org, person_id, &message).await?;
        }
        record(
            &mut tx,
            ctx,
            Event::new("person", person_id, "exit.interview_held")
                .by(Some(siae))
                .after(&serde_json::json!({
                    "id": id,
                    "held_on": held_on,
                    "person_present": attendance.map(|a| a.person),
                    "siae_present": attendance.map(|a| a.siae),
                    "referent_present": attendance.map(|a| a.referent),
                    "closes_scheduled": closed,
                })),
        )
        .await?;
        tx.commit().await?;
        self.follow_up(ctx, person_id).await
    }

    /// The exit review by the SIAE of the last hiring, shared with the SPE referent and the prescribers.
    pub async fn record_exit(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        review: NewExitReview<'_>,
        key: Option<IdempotencyKey>,
    ) -> Result<FollowUp> {
        let NewExitReview {
            exit_on,
            outcome,
            skills,
            recommendations,
        } = review;
        let skills = required("skills", skills, 4_000)?;
        let recommendations = optional("recommendations", recommendations, 4_000)?;
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let (siae, _) = current_employer(&mut tx, ctx, person_id).await?;
        exit_after_hiring(&mut tx, &person, exit_on, today()).await?;
        let id = Uuid::new_v4();
        let inserted = tx
            .execute(
                query(
                    "INSERT INTO exit_reviews (id, person_id, siae_id, exit_on, outcome, skills, recommendations, \
                     follow_up_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(id)
                .bind(person_id)
                .bind(siae)
                .bind(exit_on)
                .bind(outcome.code())
                .bind(skills.as_str())
                .bind(&recommendations)
                .bind(exit::follow_up_on(exit_on))
                .bind(crate::infra::clock::now()),
            )
            .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::conflict(
                    "exit_already_reviewed",
                    "Un bilan de sortie existe déjà à cette date.",
                ));
            }
            other => other?,
        };
        crate::obligations::pathway_exited(&mut tx, person_id).await?;
        // The bilan goes to the SPE referent and the prescribers (Accord régional BFC 2016, fiche 7).
        let mut told: Vec<Uuid> = deciders(&mut tx, person_id).await?;
        told.extend(
            person
                .followers
                .iter()
                .filter(|f| f.kind.is_spe())
                .map(|f| f.organisation_id),
        );
        told.sort();
        told.dedup();
        let message = format!(
            "Bilan de sortie de {} {} : {} (sortie le {})",
            person.first_name,
            person.last_name,
            outcome.label(),
            french_date(exit_on)
        );
        for org in told.into_iter().filter(|o| *o != siae) {
            notify_pathway(&mut tx, org, person_id, &message).await?;
        }
        record(
            &mut tx,
            ctx,
            Event::new("person", person_id, "exit.reviewed")
                .by(Some(siae))
                .after(&serde_json::json!({"id": id, "outcome": outcome, "exit_on": exit_on})),
        )
        .await?;
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        tx.commit().await?;
        self.follow_up(ctx, person_id).await
    }

    /// The follow-up 6 months after the exit: registered at France Travail or not, in employment or not.
    pub async fn record_exit_follow_up(
        &self,
        ctx: &AccessContext,
        review_id: Uuid,
        registered_spe: bool,
        employed: bool,
        key: Option<IdempotencyKey>,
    ) -> Result<FollowUp> {
        let mut tx = self.pool.begin().await?;
        let row = tx
            .fetch_optional(
                query("SELECT person_id, follow_up_on, followed_up_on FROM exit_reviews WHERE id = $1").bind(review_id),
            )
            .await?
            .ok_or(StoreError::not_found("bilan de sortie"))?;
        let person_id: Uuid = row.get("person_id")?;
        self.persons(ctx)
            .load(&mut tx, person_id)
            .await
            .map_err(|_| StoreError::not_found("bilan de sortie"))?;
        let due: Date = row.get("follow_up_on")?;
        if row.get::<Option<Date>>("followed_up_on")?.is_some() {
            return Err(StoreError::conflict(
                "follow_up_done",
                "Le suivi à 6 mois est déjà enregistré.",
            ));
        }
        if today() < due {
            return Err(Invalid::new(
                "follow_up_too_early",
                format!(
                    "Le suivi se fait 6 mois après la sortie, à partir du {}.",
                    french_date(due)
                ),
            )
            .into());
        }
        tx.execute(
            query(
                "UPDATE exit_reviews SET followed_up_on = $1, registered_spe = $2, employed = $3, updated_at = $4 \
                 WHERE id = $5",
            )
            .bind(today())
            .bind(registered_spe)
            .bind(employed)
            .bind(crate::infra::clock::now())
            .bind(review_id),
        )
        .await?;
        record(
            &mut tx,
            ctx,
            Event::new("person", person_id, "exit.followed_up").after(
                &serde_json::json!({"review": review_id, "registered_spe": registered_spe, "employed": employed}),
            ),
        )
        .await?;
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        tx.commit().await?;
        self.follow_up(ctx, person_id).await
    }
}
