//! The skills record (carnet de parcours et de compétences; Convergences ESAT – IAE): the person's record
//! of experiences, trainings, supports and skills, built from the pathway events the system holds, and the
//! personal read-only links through which the person reads it.
//!
//! Each kind of pathway event is one [`Source`] of [`SOURCES`]: a query over one person and the reading of
//! its rows.

use crate::Store;
use crate::access::AccessContext;
use crate::auth::{random_token, token_hash};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, Row, query};
use passerelle_domain::calendar::paris;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::esat::Situation;
use passerelle_domain::pathways::esat::worker::contract_name;
use passerelle_domain::pathways::iae::exit::{ActionKind, ExitOutcome};
use passerelle_domain::pathways::immersion::{ContractKind as HiredOn, Objective};
use passerelle_domain::pathways::skills_record::{Entry, Section, by_section};
use passerelle_domain::pathways::supported::{ContractKind, Module};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One kind of pathway event in the record: `sql` selects the rows of the person bound to `$1`.
pub struct Source {
    pub name: &'static str,
    pub sql: &'static str,
    pub read: fn(&Row) -> Result<Entry>,
}

fn code<T>(raw: String, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(&raw).ok_or_else(|| StoreError::Database(sqlx::Error::Decode(format!("code inconnu : {raw}").into())))
}

fn iae_contract(r: &Row) -> Result<Entry> {
    Ok(Entry {
        section: Section::Experience,
        from: r.get("starts_on")?,
        until: r.get("ends_on")?,
        title: format!(
            "Contrat à durée déterminée d'insertion, {} h par semaine",
            r.get::<i64>("weekly_hours")?
        ),
        organisation: r.get("name")?,
        detail: None,
    })
}

fn iae_assignment(r: &Row) -> Result<Entry> {
    Ok(Entry {
        section: Section::Experience,
        from: r.get("starts_on")?,
        until: None,
        title: format!("Mise à disposition auprès de {}", r.get::<String>("client_name")?),
        organisation: r.get("name")?,
        detail: Some(format!("{} heures", r.get::<i64>("hours")?)),
    })
}

fn accompaniment_action(r: &Row) -> Result<Entry> {
    let kind = code(r.get("kind")?, ActionKind::parse)?;
    let section = match kind {
        k if k.needs_hours() => Section::Training,
        ActionKind::Immersion => Section::Experience,
        _ => Section::Support,
    };
    Ok(Entry {
        section,
        from: r.get("starts_on")?,
        until: r.get("ends_on")?,
        title: format!("{} : {}", kind.label(), r.get::<String>("title")?),
        organisation: r.get("name")?,
        detail: r.get::<Option<i64>>("hours")?.map(|h| format!("{h} heures")),
    })
}

fn exit_skills(r: &Row) -> Result<Entry> {
    let outcome = code(r.get("outcome")?, ExitOutcome::parse)?;
    Ok(Entry {
        section: Section::Skill,
        from: r.get("exit_on")?,
        until: None,
        title: r.get("skills")?,
        organisation: r.get("name")?,
        detail: Some(format!("Bilan de sortie : {}", outcome.label())),
    })
}

fn supported_module(r: &Row) -> Result<Entry> {
    let module = code(r.get("module")?, Module::parse)?;
    let minutes: i64 = r.get("minutes")?;
    Ok(Entry {
        section: Section::Support,
        from: r.get("first_on")?,
        until: r.get("last_on")?,
        title: format!("Emploi accompagné, module ({}) : {}", module.letter(), module.label()),
        organisation: r.get("name")?,
        detail: Some(format!("{} h {:02} d'accompagnement", minutes / 60, minutes % 60)),
    })
}

fn supported_job(r: &Row) -> Result<Entry> {
    let contract = code(r.get("contract")?, ContractKind::parse)?;
    Ok(Entry {
        section: Section::Experience,
        from: r.get("starts_on")?,
        until: r.get("ends_on")?,
        title: format!(
            "{}, {}, {} h par semaine",
            r.get::<String>("position")?,
            contract.label(),
            r.get::<i64>("weekly_hours")?
        ),
        organisation: r.get("employer")?,
        detail: Some("Emploi trouvé avec l'emploi accompagné".into()),
    })
}

fn esat_work(r: &Row) -> Result<Entry> {
    let situation = code(r.get("situation")?, Situation::parse)?;
    // The stay ends when the worker's latest situations are all after leaving the ESAT; a return opens it again.
    let until: Option<Date> = if situation.inside_esat() {
        None
    } else {
        r.get("left_on")?
    };
    Ok(Entry {
        section: Section::Experience,
        from: r.get("contract_started_on")?,
        until,
        title: format!("Travail en ESAT ({})", contract_name(until)),
        organisation: r.get("name")?,
        detail: Some(format!("Situation actuelle : {}", situation.label())),
    })
}

fn immersion(r: &Row) -> Result<Entry> {
    let objective = code(r.get("objective")?, Objective::parse)?;
    let hired = r
        .get::<Option<String>>("contract_kind")?
        .map(|k| code(k, HiredOn::parse))
        .transpose()?;
    let outcome = match (r.get::<Option<bool>>("completed")?, hired) {
        (_, Some(contract)) => Some(format!("Suivie d'une embauche : {}", contract.label())),
        (Some(true), None) => Some("Menée à son terme".to_owned()),
        (Some(false), None) => Some("Interrompue avant son terme".to_owned()),
        (None, None) => None,
    };
    Ok(Entry {
        section: Section::Experience,
        from: r.get("starts_on")?,
        until: r.get("ends_on")?,
        title: format!("Immersion en entreprise (PMSMP) : {}", objective.label()),
        organisation: r.get("host_name")?,
        detail: outcome,
    })
}

/// The pathway events the record is built from, one source per kind of event.
pub const SOURCES: &[Source] = &[
    Source {
        name: "iae_contracts",
        sql: "SELECT c.starts_on, c.ends_on, c.weekly_hours, o.name FROM iae_contracts c \
              JOIN organisations o ON o.id = c.siae_id WHERE c.person_id = $1",
        read: iae_contract,
    },
    Source {
        name: "iae_assignments",
        sql: "SELECT a.starts_on, a.client_name, a.hours, o.name FROM iae_assignments a \
              JOIN organisations o ON o.id = a.siae_id WHERE a.person_id = $1",
        read: iae_assignment,
    },
    Source {
        name: "accompaniment_actions",
        sql: "SELECT a.kind, a.title, a.starts_on, a.ends_on, a.hours, o.name FROM accompaniment_actions a \
              JOIN organisations o ON o.id = a.organisation_id WHERE a.person_id = $1",
        read: accompaniment_action,
    },
    Source {
        name: "exit_reviews",
        sql: "SELECT x.exit_on, x.skills, x.outcome, o.name FROM exit_reviews x \
              JOIN organisations o ON o.id = x.siae_id WHERE x.person_id = $1",
        read: exit_skills,
    },
    Source {
        name: "supported_modules",
        sql: "SELECT a.module, MIN(a.done_on) AS first_on, MAX(a.done_on) AS last_on, CAST(SUM(a.minutes) AS BIGINT) AS minutes, \
              o.name FROM supported_activities a JOIN supported_entries e ON e.id = a.entry_id \
              JOIN organisations o ON o.id = e.scheme_id WHERE e.person_id = $1 GROUP BY e.id, a.module, o.name",
        read: supported_module,
    },
    Source {
        name: "supported_jobs",
        sql: "SELECT j.position, j.contract, j.weekly_hours, j.starts_on, j.ends_on, j.employer FROM supported_jobs j \
              JOIN supported_entries e ON e.id = j.entry_id WHERE e.person_id = $1",
        read: supported_job,
    },
    Source {
        name: "esat_workers",
        // `left_on`: the first situation after the latest one inside the ESAT (situations 1 and 2).
        sql: "SELECT w.contract_started_on, w.situation, o.name, \
              (SELECT MIN(s.since) FROM esat_situations s WHERE s.worker_id = w.id AND s.seq > \
                 COALESCE((SELECT MAX(i.seq) FROM esat_situations i WHERE i.worker_id = w.id \
                   AND i.situation IN ('project_in_ordinary_employment', 'double_activity')), 0)) AS left_on \
              FROM esat_workers w JOIN organisations o ON o.id = w.esat_id WHERE w.person_id = $1",
        read: esat_work,
    },
    Source {
        name: "immersions",
        sql: "SELECT i.starts_on, i.ends_on, i.objective, i.host_name, a.completed, a.contract_kind FROM immersions i \
              LEFT JOIN immersion_assessments a ON a.immersion_id = i.id \
              WHERE i.person_id = $1 AND i.status IN ('signed', 'assessed')",
        read: immersion,
    },
];

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordLine {
    pub from: Date,
    pub until: Option<Date>,
    pub title: String,
    pub organisation: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordSection {
    /// `experience`, `training`, `support`, `skill`.
    pub code: String,
    pub label: String,
    pub lines: Vec<RecordLine>,
}

/// A person's skills record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SkillsRecord {
    pub person_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// Sections in printing order, lines oldest first; empty sections left out.
    pub sections: Vec<RecordSection>,
}

/// A personal link as its managers see it (the token itself is shown once, at creation).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordLink {
    pub id: Uuid,
    pub organisation_name: String,
    pub expires_on: Date,
    pub revoked: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A link just made: the token goes to the person once; only its hash is kept.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewRecordLink {
    pub link: RecordLink,
    pub token: String,
}

/// Longest validity of a personal link.
pub const MAX_LINK_DAYS: i64 = 365;

/// The record of `person_id` from every source, in one transaction.
async fn build(ex: &mut impl Executor, person_id: Uuid) -> Result<SkillsRecord> {
    let person = ex
        .fetch_optional(
            query("SELECT first_name, last_name FROM persons WHERE id = $1 AND archived_at IS NULL").bind(person_id),
        )
        .await?
        .ok_or(StoreError::not_found("personne"))?;
    let mut entries = Vec::new();
    for source in SOURCES {
        for r in ex.fetch_all(query(source.sql).bind(person_id)).await? {
            entries.push((source.read)(&r)?);
        }
    }
    Ok(SkillsRecord {
        person_id,
        first_name: person.get("first_name")?,
        last_name: person.get("last_name")?,
        sections: by_section(entries)
            .into_iter()
            .map(|(s, lines)| RecordSection {
                code: s.code().into(),
                label: s.label().into(),
                lines: lines
                    .into_iter()
                    .map(|e| RecordLine {
                        from: e.from,
                        until: e.until,
                        title: e.title,
                        organisation: e.organisation,
                        detail: e.detail,
                    })
                    .collect(),
            })
            .collect(),
    })
}

fn link(r: &Row) -> Result<RecordLink> {
    Ok(RecordLink {
        id: r.get("id")?,
        organisation_name: r.get("name")?,
        expires_on: r.get("expires_on")?,
        revoked: r.get::<Option<OffsetDateTime>>("revoked_at")?.is_some(),
        created_at: r.get("created_at")?,
    })
}

impl Store {
    /// The skills record of a person the caller follows; the read is journaled.
    pub async fn skills_record(&self, ctx: &AccessContext, person_id: Uuid) -> Result<SkillsRecord> {
        let mut tx = self.pool.begin().await?;
        self.persons(ctx).load(&mut tx, person_id).await?;
        let rec = build(&mut tx, person_id).await?;
        record(&mut tx, ctx, Event::new("person", person_id, "skills_record.read")).await?;
        tx.commit().await?;
        Ok(rec)
    }

    /// The record behind a personal link, if the link is valid now; the read is journaled as the person's
    /// own. An unknown, revoked or expired token answers 404, like any other person's record.
    pub async fn skills_record_by_link(&self, token: &str) -> Result<SkillsRecord> {
        self.skills_record_by_link_at(token, crate::infra::clock::now()).await
    }

    /// [`Self::skills_record_by_link`] at `now`: a link works until midnight in Paris at the end of its last
    /// day (`expires_on`, the day its page shows), not until midnight UTC.
    pub async fn skills_record_by_link_at(&self, token: &str, now: OffsetDateTime) -> Result<SkillsRecord> {
        let mut tx = self.pool.begin().await?;
        let row = tx
            .fetch_optional(
                query(
                    "SELECT id, person_id FROM skills_record_links WHERE token_hash = $1 AND revoked_at IS NULL \
                     AND expires_on >= $2",
                )
                .bind(token_hash(token))
                .bind(paris::date(now)),
            )
            .await?
            .ok_or(StoreError::not_found("carnet"))?;
        let person_id: Uuid = row.get("person_id")?;
        let rec = build(&mut tx, person_id).await?;
        let ctx = AccessContext::operator("lien personnel du carnet");
        record(
            &mut tx,
            &ctx,
            Event::new("person", person_id, "skills_record.read_by_link").after(&row.get::<Uuid>("id")?),
        )
        .await?;
        tx.commit().await?;
        Ok(rec)
    }

    /// The personal links of a person the caller follows.
    pub async fn skills_record_links(&self, ctx: &AccessContext, person_id: Uuid) -> Result<Vec<RecordLink>> {
        let mut db = self.pool.clone();
        self.persons(ctx).load(&mut db, person_id).await?;
        db.fetch_all(
            query(
                "SELECT l.id, o.name, l.expires_on, l.revoked_at, l.created_at FROM skills_record_links l \
                 JOIN organisations o ON o.id = l.organisation_id WHERE l.person_id = $1 ORDER BY l.created_at DESC",
            )
            .bind(person_id),
        )
        .await?
        .iter()
        .map(link)
        .collect()
    }

    /// Makes a personal link valid `days` days, on behalf of one of the caller's organisations following the
    /// person.
    pub async fn create_skills_record_link(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        organisation_id: Uuid,
        days: i64,
    ) -> Result<NewRecordLink> {
        self.create_skills_record_link_at(ctx, person_id, organisation_id, days, crate::infra::clock::now())
            .await
    }

    /// [`Self::create_skills_record_link`] at `now`: `days` days counting today in Paris, so that a link of
    /// one day ends at the coming midnight there (never more than 24 hours, nor into a second day).
    pub async fn create_skills_record_link_at(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        organisation_id: Uuid,
        days: i64,
        now: OffsetDateTime,
    ) -> Result<NewRecordLink> {
        if !(1..=MAX_LINK_DAYS).contains(&days) {
            return Err(Invalid::new(
                "link_validity_out_of_range",
                format!("Un lien personnel est valable de 1 à {MAX_LINK_DAYS} jours."),
            )
            .on("days")
            .into());
        }
        if ctx.membership(organisation_id).is_none() {
            return Err(StoreError::forbidden(
                "not_a_member",
                "Vous ne pouvez agir qu'au nom de votre structure.",
            ));
        }
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        if !person.followers.iter().any(|f| f.organisation_id == organisation_id) {
            return Err(StoreError::forbidden(
                "not_a_follower",
                "Votre structure ne suit pas cette personne.",
            ));
        }
        let token = random_token();
        let id = Uuid::new_v4();
        let expires_on = passerelle_domain::calendar::add_days(paris::date(now), days - 1);
        tx.execute(
            query(
                "INSERT INTO skills_record_links (id, person_id, organisation_id, token_hash, expires_on, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(person_id)
            .bind(organisation_id)
            .bind(token_hash(&token))
            .bind(expires_on)
            .bind(now),
        )
        .await?;
        record(
            &mut tx,
            ctx,
            Event::new("person", person_id, "skills_record.link_created")
                .by(Some(organisation_id))
                .after(&serde_json::json!({"link": id, "expires_on": expires_on})),
        )
        .await?;
        let row = tx
            .fetch_one(
                query(
                    "SELECT l.id, o.name, l.expires_on, l.revoked_at, l.created_at FROM skills_record_links l \
                     JOIN organisations o ON o.id = l.organisation_id WHERE l.id = $1",
                )
                .bind(id),
            )
            .await?;
        let link = link(&row)?;
        tx.commit().await?;
        Ok(NewRecordLink { link, token })
    }

    /// Revokes a personal link of a person the caller follows; the link answers 404 from then on.
    pub async fn revoke_skills_record_link(&self, ctx: &AccessContext, link_id: Uuid) -> Result<Vec<RecordLink>> {
        let mut tx = self.pool.begin().await?;
        let row = tx
            .fetch_optional(query("SELECT person_id FROM skills_record_links WHERE id = $1").bind(link_id))
            .await?
            .ok_or(StoreError::not_found("lien personnel"))?;
        let person_id: Uuid = row.get("person_id")?;
        self.persons(ctx)
            .load(&mut tx, person_id)
            .await
            .map_err(|_| StoreError::not_found("lien personnel"))?;
        tx.execute(
            query("UPDATE skills_record_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(crate::infra::clock::now())
                .bind(link_id),
        )
        .await?;
        record(
            &mut tx,
            ctx,
            Event::new("person", person_id, "skills_record.link_revoked").after(&link_id),
        )
        .await?;
        tx.commit().await?;
        self.skills_record_links(ctx, person_id).await
    }
}
