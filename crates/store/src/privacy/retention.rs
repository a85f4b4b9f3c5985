//! The retention rule (docs/registre-des-traitements.md): a person whose pathway shows no
//! activity for a configurable time (2 years by default) is anonymised. Activity is any change journaled on
//! the person or on a record of theirs; reads are not activity, or looking at a file would keep it forever.
//! The identity and every free text that may name or describe the person are replaced (IAE, ESAT, immersions,
//! supported employment) and their skills-record links revoked; dates, codes and outcomes stay, so that
//! indicators computed from the past do not change. A dry run reports first.

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::Result;
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, Tx, query};
use serde::Serialize;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

pub const DEFAULT_INACTIVE_DAYS: u32 = 730;
/// Below a month the rule would erase pathways in progress between two steps.
pub const MIN_INACTIVE_DAYS: u32 = 30;

/// The records of a person (tables with `id` and `person_id`) whose journaled changes count as activity.
const PERSON_RECORDS: &[&str] = &[
    "iae_diagnoses",
    "prescriptions",
    "orientations",
    "prolongation_requests",
    "iae_contracts",
    "iae_assignments",
    "ai_cap_waivers",
    "accompaniment_actions",
    "spe_registrations",
    "tripartite_interviews",
    "exit_reviews",
    "esat_workers",
    "immersions",
    "supported_entries",
];

/// The free texts written about a person, replaced on anonymisation: table, column, the value put instead
/// (columns that may not be empty get a dash), and which rows are the person's.
const FREE_TEXTS: &[(&str, &str, Option<&str>, &str)] = &[
    ("prescriptions", "message", Some("—"), OWN),
    ("orientations", "message", Some("—"), OWN),
    (
        "orientations",
        "refusal_reason",
        Some("—"),
        "person_id = $1 AND refusal_reason IS NOT NULL",
    ),
    ("prolongation_requests", "justification", Some("—"), OWN),
    ("prolongation_requests", "refusal_comment", None, OWN),
    ("tripartite_interviews", "notes", Some("—"), OWN),
    // The place of a remote interview may be a personal link or telephone number.
    (
        "scheduled_interviews",
        "place",
        Some("—"),
        "person_id = $1 AND place IS NOT NULL",
    ),
    ("exit_reviews", "skills", Some("—"), OWN),
    ("exit_reviews", "recommendations", None, OWN),
    (
        "referral_steps",
        "comment",
        None,
        "prescription_id IN (SELECT id FROM prescriptions WHERE person_id = $1)",
    ),
    ("esat_workers", "professional_project", None, OWN),
    (
        "esat_situations",
        "local_plan",
        None,
        "worker_id IN (SELECT id FROM esat_workers WHERE person_id = $1)",
    ),
    ("immersions", "activities", None, OWN),
    // The simulator's inputs hold the birth date and the household's incomes; an empty set opens the defaults.
    ("benefit_simulations", "inputs", Some("{}"), OWN),
    ("immersion_signatures", "signer_name", Some("—"), OF_IMMERSION),
    ("immersion_assessments", "comment", None, OF_IMMERSION),
    (
        "supported_activities",
        "note",
        None,
        "entry_id IN (SELECT id FROM supported_entries WHERE person_id = $1)",
    ),
];
const OWN: &str = "person_id = $1";
const OF_IMMERSION: &str = "immersion_id IN (SELECT id FROM immersions WHERE person_id = $1)";

#[derive(Debug, Clone, Serialize)]
pub struct InactivePerson {
    pub person_id: Uuid,
    pub organisation_id: Uuid,
    pub last_activity: Date,
}

#[derive(Debug, Clone, Serialize)]
pub struct RetentionReport {
    pub inactive_days: u32,
    /// People whose last activity is before this day are concerned.
    pub cutoff: Date,
    pub applied: bool,
    pub count: usize,
    pub persons: Vec<InactivePerson>,
}

const ACTIVITY: &str = "e.action NOT LIKE '%.read' AND e.action NOT LIKE '%.listed'";

impl Store {
    /// The people inactive since `inactive_days` before `today`; with `apply`, they are anonymised, each in its
    /// own transaction with its `person.anonymised` event (a failure leaves the others done and itself intact).
    pub async fn retention(
        &self,
        ctx: &AccessContext,
        inactive_days: u32,
        today: Date,
        apply: bool,
    ) -> Result<RetentionReport> {
        let cutoff = today - Duration::days(i64::from(inactive_days));
        let mut db = self.pool.clone();
        let mut last: HashMap<Uuid, (Uuid, OffsetDateTime)> = HashMap::new();
        for row in db
            .fetch_all(query(
                "SELECT id, created_by_organisation_id, updated_at FROM persons WHERE anonymised_at IS NULL",
            ))
            .await?
        {
            last.insert(
                row.get("id")?,
                (row.get("created_by_organisation_id")?, row.get("updated_at")?),
            );
        }
        let mut activity = vec![format!(
            "SELECT e.entity_id AS person_id, MAX(e.occurred_at) AS at FROM events e \
             WHERE e.entity_type = 'person' AND {ACTIVITY} GROUP BY e.entity_id"
        )];
        activity.extend(PERSON_RECORDS.iter().map(|table| {
            format!(
                "SELECT x.person_id, MAX(e.occurred_at) AS at FROM events e JOIN {table} x ON e.entity_id = x.id \
                 WHERE {ACTIVITY} GROUP BY x.person_id"
            )
        }));
        for sql in activity {
            for row in db.fetch_all(query(sql)).await? {
                let at: OffsetDateTime = row.get("at")?;
                if let Some((_, latest)) = last.get_mut(&row.get::<Uuid>("person_id")?) {
                    *latest = (*latest).max(at);
                }
            }
        }
        let mut persons: Vec<InactivePerson> = last
            .into_iter()
            .filter(|(_, (_, at))| at.date() < cutoff)
            .map(|(person_id, (organisation_id, at))| InactivePerson {
                person_id,
                organisation_id,
                last_activity: at.date(),
            })
            .collect();
        persons.sort_by_key(|p| (p.last_activity, p.person_id));
        if apply {
            for p in &persons {
                let mut tx = self.pool.begin().await?;
                anonymise(&mut tx, p.person_id).await?;
                let event = Event::new("person", p.person_id, "person.anonymised")
                    .after(&serde_json::json!({"last_activity": p.last_activity, "inactive_days": inactive_days}));
                record(&mut tx, ctx, event).await?;
                tx.commit().await?;
            }
        }
        Ok(RetentionReport {
            inactive_days,
            cutoff,
            applied: apply,
            count: persons.len(),
            persons,
        })
    }
}

async fn anonymise(tx: &mut Tx, person_id: Uuid) -> Result<()> {
    tx.execute(
        query(
            "UPDATE persons SET first_name = 'Personne', last_name = 'anonymisée', birth_date = NULL, email = NULL, \
             phone = NULL, address_line = NULL, postal_code = NULL, commune = NULL, search_text = '', \
             anonymised_at = $2 WHERE id = $1",
        )
        .bind(person_id)
        .bind(crate::infra::clock::now()),
    )
    .await?;
    for (table, column, value, rows) in FREE_TEXTS {
        tx.execute(
            query(format!("UPDATE {table} SET {column} = $2 WHERE {rows}"))
                .bind(person_id)
                .bind(*value),
        )
        .await?;
    }
    // The person's links to their skills record stop working.
    tx.execute(
        query("UPDATE skills_record_links SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL")
            .bind(person_id)
            .bind(crate::infra::clock::now()),
    )
    .await?;
    // The journal keeps what happened and when, not the states that held the person's name.
    let records = PERSON_RECORDS
        .iter()
        .map(|table| format!("SELECT id FROM {table} WHERE person_id = $1"))
        .collect::<Vec<_>>()
        .join(" UNION ");
    tx.execute(
        query(format!(
            "UPDATE events SET before_data = NULL, after_data = NULL WHERE entity_id = $1 OR entity_id IN ({records})"
        ))
        .bind(person_id),
    )
    .await?;
    tx.execute(
        query(format!(
            "UPDATE notifications SET message = 'Personne anonymisée' WHERE subject_id = $1 OR subject_id IN ({records})"
        ))
        .bind(person_id),
    )
    .await?;
    crate::obligations::person_anonymised(tx, person_id).await?;
    Ok(())
}
