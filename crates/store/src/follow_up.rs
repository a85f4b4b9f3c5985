//! Accompaniment and exit (issue 4, items 6 and 7), and the lists built on every pathway of the caller: the
//! people in pathway and the to-do list (tripartite interviews due, prolongations to decide, follow-ups due).

use crate::Store;
use crate::access::AccessContext;
use crate::directory::push_in;
use crate::error::{Result, StoreError};
use crate::events::{Event, record};
use crate::iae_pathway::{current_employer, deciders, facts_from, replay_events};
use crate::idempotency::{IdempotencyKey, claim};
use crate::notifications::notify;
use crate::sql::{Executor, Row, query};
use passerelle_domain::calendar::french_date;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::exit::{self, Action, ActionKind, ExitOutcome};
use passerelle_domain::pathways::iae::{PathwayEvent, SiaeKind, Status};
use passerelle_domain::text::{optional, required};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActionRecord {
    pub id: Uuid,
    pub organisation_name: String,
    #[schema(value_type = String, example = "poec")]
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
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExitReview {
    pub id: Uuid,
    pub siae_id: Uuid,
    pub siae_name: String,
    pub exit_on: Date,
    #[schema(value_type = String, example = "cdi")]
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

/// A person's accompaniment and exit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub actions: Vec<ActionRecord>,
    /// Hours of training, POEC, POEI and AFPR.
    pub training_hours: i64,
    /// Newest first; the first is the current registration at France Travail.
    pub registrations: Vec<Registration>,
    pub interviews: Vec<Interview>,
    pub exit_reviews: Vec<ExitReview>,
}

/// One person in pathway, as the lists show them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PathwayRow {
    pub person_id: Uuid,
    pub person_name: String,
    pub employer_id: Uuid,
    pub employer_name: String,
    pub regime_label: String,
    pub start: Date,
    pub end: Date,
    #[schema(value_type = String, example = "valid")]
    pub status: Status,
    /// The end of the latest contract, when it comes before the approval's.
    pub contract_end: Option<Date>,
    pub last_interview_on: Option<Date>,
}

/// Something the caller's organisations have to do, with why and by when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TodoItem {
    pub person_id: Uuid,
    pub person_name: String,
    /// `tripartite_interview`, `prolongation_decision`, `exit_follow_up`.
    pub what: String,
    pub due_on: Date,
    pub explanation: String,
    pub link: String,
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

/// The rows of `q`, each read by `read`.
async fn rows<T>(ex: &mut impl Executor, q: crate::sql::Query, read: impl Fn(&Row) -> Result<T>) -> Result<Vec<T>> {
    ex.fetch_all(q).await?.iter().map(read).collect()
}

/// The caller's organisations (none for the command line).
fn organisations(ctx: &AccessContext) -> Vec<Uuid> {
    ctx.memberships().iter().map(|m| m.organisation_id).collect()
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
                "SELECT i.id, o.name, i.held_on, i.notes FROM tripartite_interviews i JOIN organisations o \
                     ON o.id = i.siae_id WHERE i.person_id = $1 ORDER BY i.held_on",
            )
            .bind(person_id),
            |r| {
                Ok(Interview {
                    id: r.get("id")?,
                    siae_name: r.get("name")?,
                    held_on: r.get("held_on")?,
                    notes: r.get("notes")?,
                })
            },
        )
        .await?;
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
        .bind(OffsetDateTime::now_utc());
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
        .bind(OffsetDateTime::now_utc());
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
        (id, insert): (Uuid, crate::sql::Query),
        key: Option<IdempotencyKey>,
    ) -> Result<FollowUp> {
        let member = ctx
            .membership(organisation_id)
            .filter(|m| !m.kind.sees_indicators_only())
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

    /// The tripartite interview, recorded by the SIAE of the last hiring; the prescribers are told.
    pub async fn hold_interview(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        held_on: Date,
        notes: &str,
        key: Option<IdempotencyKey>,
    ) -> Result<FollowUp> {
        let notes = required("notes", notes, 4_000)?;
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let (siae, _) = current_employer(&mut tx, ctx, person_id).await?;
        let id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO tripartite_interviews (id, person_id, siae_id, held_on, notes, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(person_id)
            .bind(siae)
            .bind(held_on)
            .bind(notes.as_str())
            .bind(OffsetDateTime::now_utc()),
        )
        .await?;
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        let message = format!(
            "Entretien tripartite de {} {} tenu le {}",
            person.first_name,
            person.last_name,
            french_date(held_on)
        );
        for org in deciders(&mut tx, person_id).await? {
            notify(
                &mut tx,
                org,
                ("person", person_id),
                &message,
                &format!("/personnes/{person_id}/parcours-iae"),
            )
            .await?;
        }
        record(
            &mut tx,
            ctx,
            Event::new("person", person_id, "exit.interview_held")
                .by(Some(siae))
                .after(&id),
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
                .bind(OffsetDateTime::now_utc()),
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
        // The bilan goes to the SPE referent and the prescribers (seed 004, fiche 7).
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
            notify(
                &mut tx,
                org,
                ("person", person_id),
                &message,
                &format!("/personnes/{person_id}/parcours-iae"),
            )
            .await?;
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
            query("UPDATE exit_reviews SET followed_up_on = $1, registered_spe = $2, employed = $3 WHERE id = $4")
                .bind(today())
                .bind(registered_spe)
                .bind(employed)
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

    /// The people in pathway with the caller's organisations: employed by them (last hiring) or prescribed by
    /// them and hired, until an exit review. Five queries whatever the number of people, and the journal's
    /// insert; every pathway is replayed in memory.
    pub async fn people_in_pathway(&self, ctx: &AccessContext) -> Result<Vec<PathwayRow>> {
        let orgs = organisations(ctx);
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let mut scope = query("SELECT e.person_id FROM iae_pathway_events e WHERE e.kind = 'hiring' AND");
        push_in(&mut scope, "e.siae_id", &orgs);
        scope.push_sql(" UNION SELECT p.person_id FROM prescriptions p WHERE p.status = 'hired' AND");
        push_in(&mut scope, "p.prescriber_id", &orgs);
        let mut tx = self.pool.begin().await?;
        let select = |sql: &str| {
            let mut q = scope.clone();
            q.prepend_sql(&format!("{sql} IN ("));
            q
        };
        let mut events = select(
            "SELECT e.person_id, e.payload, e.siae_kind, e.siae_id, o.name, pe.first_name, pe.last_name, pe.birth_date \
             FROM iae_pathway_events e JOIN organisations o ON o.id = e.siae_id JOIN persons pe ON pe.id = e.person_id \
             WHERE pe.archived_at IS NULL AND e.person_id",
        );
        events.push_sql(") ORDER BY e.person_id, e.seq");
        let mut criteria = select("SELECT d.person_id, d.criteria FROM iae_diagnoses d WHERE d.person_id");
        criteria.push_sql(") ORDER BY d.person_id, d.diagnosed_on, d.created_at");
        let mut contracts =
            select("SELECT c.person_id, MAX(c.ends_on) AS ends_on FROM iae_contracts c WHERE c.person_id");
        contracts.push_sql(") GROUP BY c.person_id");
        let mut interviews =
            select("SELECT i.person_id, MAX(i.held_on) AS held_on FROM tripartite_interviews i WHERE i.person_id");
        interviews.push_sql(") GROUP BY i.person_id");
        let mut exits = select("SELECT x.person_id, MAX(x.exit_on) AS exit_on FROM exit_reviews x WHERE x.person_id");
        exits.push_sql(") GROUP BY x.person_id");

        struct Person {
            name: String,
            birth_date: Option<Date>,
            events: Vec<PathwayEvent>,
            last: (SiaeKind, Uuid, String),
        }
        let mut people: BTreeMap<Uuid, Person> = BTreeMap::new();
        for r in tx.fetch_all(events).await? {
            let id: Uuid = r.get("person_id")?;
            let event: PathwayEvent = serde_json::from_value(r.json("payload")?.unwrap_or_default())
                .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.to_string().into())))?;
            let hiring = matches!(event, PathwayEvent::Hiring { .. });
            let employer = || -> Result<(SiaeKind, Uuid, String)> {
                let kind = SiaeKind::parse(&r.get::<String>("siae_kind")?).ok_or(StoreError::not_found("SIAE"))?;
                Ok((kind, r.get("siae_id")?, r.get("name")?))
            };
            let p = match people.entry(id) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => e.insert(Person {
                    name: format!("{} {}", r.get::<String>("first_name")?, r.get::<String>("last_name")?),
                    birth_date: r.get("birth_date")?,
                    events: Vec::new(),
                    last: employer()?,
                }),
            };
            // The employer is the SIAE of the last hiring.
            if hiring && !p.events.is_empty() {
                p.last = employer()?;
            }
            p.events.push(event);
        }
        let mut latest_criteria: BTreeMap<Uuid, serde_json::Value> = BTreeMap::new();
        for r in tx.fetch_all(criteria).await? {
            if let Some(c) = r.json("criteria")? {
                latest_criteria.insert(r.get("person_id")?, c);
            }
        }
        let mut contract_ends: BTreeMap<Uuid, Date> = BTreeMap::new();
        for r in tx.fetch_all(contracts).await? {
            contract_ends.insert(r.get("person_id")?, r.get("ends_on")?);
        }
        let mut interviewed: BTreeMap<Uuid, Date> = BTreeMap::new();
        for r in tx.fetch_all(interviews).await? {
            interviewed.insert(r.get("person_id")?, r.get("held_on")?);
        }
        let mut exited: BTreeMap<Uuid, Date> = BTreeMap::new();
        for r in tx.fetch_all(exits).await? {
            exited.insert(r.get("person_id")?, r.get("exit_on")?);
        }
        let as_of = today();
        let mut rows = Vec::new();
        for (id, p) in people {
            let hired_on = p.events.iter().rev().find_map(|e| match e {
                PathwayEvent::Hiring { date, .. } => Some(*date),
                _ => None,
            });
            // Out of the pathway once an exit review follows the last hiring.
            if exited.get(&id).is_some_and(|x| hired_on.is_some_and(|h| *x >= h)) {
                continue;
            }
            let facts = facts_from(p.birth_date, latest_criteria.remove(&id))?;
            let pathway = replay_events(facts, p.last.0, &p.events)?;
            let Some(a) = pathway.approval() else { continue };
            rows.push(PathwayRow {
                person_id: id,
                person_name: p.name,
                employer_id: p.last.1,
                employer_name: p.last.2,
                regime_label: a.regime.label().to_owned(),
                start: a.start,
                end: a.end,
                status: a.status(as_of),
                contract_end: contract_ends.get(&id).copied().filter(|c| *c < a.end),
                last_interview_on: interviewed.get(&id).copied(),
            });
        }
        rows.sort_by(|a, b| a.end.cmp(&b.end).then_with(|| a.person_name.cmp(&b.person_name)));
        if !rows.is_empty() {
            let ids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
            record(
                &mut tx,
                ctx,
                Event::new("persons", Uuid::nil(), "pathway.listed").after(&ids),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(rows)
    }

    /// What the caller's organisations have to do: tripartite interviews due (2-3 months before the end of
    /// the contract or the approval), prolongations to decide, follow-ups 6 months after an exit.
    pub async fn todo(&self, ctx: &AccessContext) -> Result<Vec<TodoItem>> {
        let rows = self.people_in_pathway(ctx).await?;
        self.todo_for(ctx, &rows).await
    }

    /// The to-do list, from the people in pathway already loaded (the pathways page shows both).
    pub async fn todo_for(&self, ctx: &AccessContext, rows: &[PathwayRow]) -> Result<Vec<TodoItem>> {
        let as_of = today();
        let mut items = Vec::new();
        for row in rows {
            let end = row.contract_end.unwrap_or(row.end);
            let window = exit::tripartite_window(end);
            if row.last_interview_on.is_some_and(|d| d >= window.from) {
                continue;
            }
            if let Some(why) = exit::tripartite_due(end, as_of) {
                items.push(TodoItem {
                    person_id: row.person_id,
                    what: "tripartite_interview".into(),
                    due_on: window.to,
                    explanation: why.message,
                    link: format!("/personnes/{}/parcours-iae", row.person_id),
                    person_name: row.person_name.clone(),
                });
            }
        }
        let orgs = organisations(ctx);
        if !orgs.is_empty() {
            let mut db = self.pool.clone();
            let mut q = query(
                "SELECT r.person_id, pe.first_name, pe.last_name, r.created_at FROM prolongation_requests r \
                 JOIN persons pe ON pe.id = r.person_id WHERE r.status = 'pending' AND r.person_id IN \
                 (SELECT p.person_id FROM prescriptions p WHERE p.prescriber_id <> p.siae_id AND",
            );
            push_in(&mut q, "p.prescriber_id", &orgs);
            q.push_sql(")");
            for r in db.fetch_all(q).await? {
                let id: Uuid = r.get("person_id")?;
                let asked: OffsetDateTime = r.get("created_at")?;
                items.push(TodoItem {
                    person_id: id,
                    person_name: format!("{} {}", r.get::<String>("first_name")?, r.get::<String>("last_name")?),
                    what: "prolongation_decision".into(),
                    due_on: asked.date(),
                    explanation: "Une demande de prolongation attend votre décision (Code du travail, art. R5132-1-8)."
                        .into(),
                    link: format!("/personnes/{id}/parcours-iae"),
                });
            }
            let mut q = query(
                "SELECT x.person_id, pe.first_name, pe.last_name, x.follow_up_on FROM exit_reviews x \
                 JOIN persons pe ON pe.id = x.person_id WHERE x.followed_up_on IS NULL AND x.follow_up_on <= $1 AND \
                 EXISTS (SELECT 1 FROM person_followers f WHERE f.person_id = x.person_id AND",
            )
            .bind(as_of);
            push_in(&mut q, "f.organisation_id", &orgs);
            q.push_sql(")");
            for r in db.fetch_all(q).await? {
                let id: Uuid = r.get("person_id")?;
                items.push(TodoItem {
                    person_id: id,
                    person_name: format!("{} {}", r.get::<String>("first_name")?, r.get::<String>("last_name")?),
                    what: "exit_follow_up".into(),
                    due_on: r.get("follow_up_on")?,
                    explanation:
                        "Suivi à 6 mois de la sortie : inscription à France Travail et emploi (accord régional \
                                  IAE Bourgogne-Franche-Comté 2016, fiche action 7)."
                            .into(),
                    link: format!("/personnes/{id}/parcours-iae"),
                });
            }
        }
        items.sort_by_key(|i| i.due_on);
        Ok(items)
    }
}
