//! The préfet's waiver of an AI's 480-hour cap (L5132-9; docs/iae.md « Dérogation au plafond des 480 heures »):
//! the AI requests it for one of its employees, the DDETS of the AI's department decides (grants it for 3 years
//! at most, or refuses it with its reasons). Only a granted waiver lifts the cap ([`granted_waivers`]).
//!
//! The DDETS holds no names (`OrganisationKind::holds_names`): its list of requests shows the AI, the period
//! asked and the AI's reference, never the person.

use super::contract::{Employment, refused};
use crate::Store;
use crate::access::AccessContext;
use crate::directory::load_organisation;
use crate::directory::state_service_for;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, commit_with};
use crate::infra::idempotency::{IdempotencyKey, commit_created};
use crate::infra::sql::{Executor, Row, query};
use crate::pathways::iae::offer::siae_member;
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::approval::Period;
use passerelle_domain::pathways::iae::waiver::{self, Decision, WaiverStatus};
use passerelle_domain::text::required_said;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A waiver as the AI sees it on the person's employment: requested, granted or refused.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WaiverRecord {
    pub id: Uuid,
    pub siae_id: Uuid,
    /// The period asked; once granted, the period the DDETS granted.
    pub starts_on: Date,
    pub ends_on: Date,
    /// The AI's reference of its request (for waivers recorded before requests existed: the decision's).
    pub reference: String,
    #[schema(example = "requested")]
    pub status: WaiverStatus,
    #[schema(value_type = String)]
    pub status_label: &'static str,
    pub decided_on: Option<Date>,
    pub decision_reference: Option<String>,
    pub refusal_reason: Option<String>,
}

/// A request waiting for the DDETS's decision, without the person's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WaiverRequest {
    pub id: Uuid,
    pub siae_id: Uuid,
    pub siae_name: String,
    pub department: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub reference: String,
    pub requested_on: Date,
}

const WAIVERS: &str = "SELECT w.id, w.siae_id, w.starts_on, w.ends_on, w.reference, w.status, w.decided_on, \
    w.decision_reference, w.refusal_reason FROM ai_cap_waivers w";

fn waiver_row(r: &Row) -> Result<WaiverRecord> {
    let code: String = r.get("status")?;
    let status = WaiverStatus::parse(&code)
        .ok_or_else(|| sqlx::Error::Decode(format!("statut de dérogation inconnu : {code}").into()))?;
    Ok(WaiverRecord {
        id: r.get("id")?,
        siae_id: r.get("siae_id")?,
        starts_on: r.get("starts_on")?,
        ends_on: r.get("ends_on")?,
        reference: r.get("reference")?,
        status,
        status_label: status.label(),
        decided_on: r.get("decided_on")?,
        decision_reference: r.get("decision_reference")?,
        refusal_reason: r.get("refusal_reason")?,
    })
}

/// The person's waivers, every status, first period first.
pub(crate) async fn waivers(ex: &mut impl Executor, person_id: Uuid) -> Result<Vec<WaiverRecord>> {
    ex.fetch_all(query(format!("{WAIVERS} WHERE w.person_id = $1 ORDER BY w.starts_on, w.id")).bind(person_id))
        .await?
        .iter()
        .map(waiver_row)
        .collect()
}

/// The periods over which the State waived the cap for the person with `siae_id`: granted waivers only.
pub(crate) async fn granted_waivers(ex: &mut impl Executor, person_id: Uuid, siae_id: Uuid) -> Result<Vec<Period>> {
    ex.fetch_all(
        query("SELECT starts_on, ends_on FROM ai_cap_waivers WHERE person_id = $1 AND siae_id = $2 AND status = 'granted'")
            .bind(person_id)
            .bind(siae_id),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Period {
            from: r.get("starts_on")?,
            to: r.get("ends_on")?,
        })
    })
    .collect()
}

impl Store {
    /// The AI asks the State to waive the 480-hour cap for one of its employees over `period` (3 years at most),
    /// under its own reference. The waiver lifts nothing until the DDETS grants it.
    pub async fn request_waiver(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        siae_id: Uuid,
        period: Period,
        reference: &str,
        key: Option<IdempotencyKey>,
    ) -> Result<Employment> {
        let reference = required_said("reference", reference, 200, "Indiquez la référence de votre demande.")?;
        let explanation = waiver::request(period).map_err(refused)?;
        let mut tx = self.pool.begin().await?;
        siae_member(ctx, siae_id)?;
        self.persons(ctx).load(&mut tx, person_id).await?;
        if load_organisation(&mut tx, siae_id).await?.kind != OrganisationKind::Ai {
            return Err(Invalid::new(
                "waiver_not_for_kind",
                "Seule une association intermédiaire (AI) demande une dérogation au plafond des 480 heures.",
            )
            .into());
        }
        let pending = tx
            .fetch_optional(
                query(
                    "SELECT 1 AS one FROM ai_cap_waivers WHERE person_id = $1 AND siae_id = $2 AND status = 'requested'",
                )
                .bind(person_id)
                .bind(siae_id),
            )
            .await?;
        if pending.is_some() {
            return Err(StoreError::conflict(
                "waiver_already_requested",
                "Une demande de dérogation attend déjà la décision de la DDETS pour cette personne.",
            ));
        }
        let id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO ai_cap_waivers (id, person_id, siae_id, starts_on, ends_on, reference, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7)",
            )
            .bind(id)
            .bind(person_id)
            .bind(siae_id)
            .bind(period.from)
            .bind(period.to)
            .bind(&reference)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        let event = Event::new("person", person_id, "assignment.waiver_requested")
            .by(Some(siae_id))
            .after(
                &serde_json::json!({"id": id, "from": period.from, "to": period.to, "reference": reference,
                "explanation": explanation.message}),
            );
        // The key answers the person's employment, which the request was added to.
        commit_created(tx, ctx, key.as_ref(), person_id, event).await?;
        self.employment(ctx, person_id).await
    }

    /// The requests waiting for a decision of the caller's State services (DDETS, DREETS), in the departments
    /// they cover, oldest first. No person is named, so nothing is journaled.
    pub async fn waiver_requests(&self, ctx: &AccessContext) -> Result<Vec<WaiverRequest>> {
        let services: Vec<Uuid> = ctx
            .memberships()
            .iter()
            .filter(|m| matches!(m.kind, OrganisationKind::Ddets | OrganisationKind::Dreets))
            .map(|m| m.organisation_id)
            .collect();
        if services.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = query(
            "SELECT w.id, w.siae_id, o.name, o.department, w.starts_on, w.ends_on, w.reference, w.created_at \
             FROM ai_cap_waivers w JOIN organisations o ON o.id = w.siae_id WHERE w.status = 'requested' AND \
             o.department IN (SELECT s.department FROM organisations s WHERE",
        );
        crate::directory::push_in(&mut q, "s.id", &services);
        q.push_sql(" UNION SELECT t.department FROM organisation_territories t WHERE");
        crate::directory::push_in(&mut q, "t.organisation_id", &services);
        q.push_sql(") ORDER BY w.created_at, w.id");
        let mut db = self.pool.clone();
        db.fetch_all(q)
            .await?
            .iter()
            .map(|r| {
                Ok(WaiverRequest {
                    id: r.get("id")?,
                    siae_id: r.get("siae_id")?,
                    siae_name: r.get("name")?,
                    department: r.get("department")?,
                    starts_on: r.get("starts_on")?,
                    ends_on: r.get("ends_on")?,
                    reference: r.get("reference")?,
                    requested_on: r.get::<OffsetDateTime>("created_at")?.date(),
                })
            })
            .collect()
    }

    /// The DDETS (or DREETS) of the AI's department decides on a waiver request: grants it over a period of 3
    /// years at most under its decision's reference, or refuses it with its reasons. Decided once.
    pub async fn decide_waiver(&self, ctx: &AccessContext, id: Uuid, decision: Decision) -> Result<WaiverRecord> {
        let decision = match decision {
            Decision::Grant { period, reference } => Decision::Grant {
                period,
                reference: required_said(
                    "decision_reference",
                    &reference,
                    200,
                    "Indiquez la référence de la décision (arrêté ou courrier du préfet).",
                )?,
            },
            Decision::Refuse { reason } => Decision::Refuse {
                reason: required_said(
                    "refusal_reason",
                    &reason,
                    2000,
                    "Indiquez le motif du refus : l'AI le lira.",
                )?,
            },
        };
        let mut tx = self.pool.begin().await?;
        let row = tx
            .fetch_optional(query(format!("{WAIVERS} WHERE w.id = $1")).bind(id))
            .await?
            .ok_or(StoreError::not_found("demande de dérogation"))?;
        let before = waiver_row(&row)?;
        let person_id: Uuid = tx
            .fetch_one(query("SELECT person_id FROM ai_cap_waivers WHERE id = $1").bind(id))
            .await?
            .get("person_id")?;
        let ai = load_organisation(&mut tx, before.siae_id).await?;
        let service = state_service_for(
            &mut tx,
            ctx,
            &ai.department,
            "Seule la DDETS (ou la DREETS) du département de l'AI décide d'une dérogation au plafond des 480 heures.",
        )
        .await?;
        let explanation = waiver::decide(before.status, &decision).map_err(|e| {
            if e.code == "waiver_already_decided" {
                StoreError::conflict(e.code, e.message)
            } else {
                refused(e)
            }
        })?;
        let today = crate::today();
        let (status, period, reference, reason) = match &decision {
            Decision::Grant { period, reference } => (WaiverStatus::Granted, *period, Some(reference), None),
            Decision::Refuse { reason } => (
                WaiverStatus::Refused,
                Period {
                    from: before.starts_on,
                    to: before.ends_on,
                },
                None,
                Some(reason),
            ),
        };
        tx.execute(
            query(
                "UPDATE ai_cap_waivers SET status = $1, starts_on = $2, ends_on = $3, decided_by = $4, decided_on = $5, \
                 decision_reference = $6, refusal_reason = $7 WHERE id = $8",
            )
            .bind(status.code())
            .bind(period.from)
            .bind(period.to)
            .bind(service)
            .bind(today)
            .bind(reference.cloned())
            .bind(reason.cloned())
            .bind(id),
        )
        .await?;
        let after = waiver_row(
            &tx.fetch_one(query(format!("{WAIVERS} WHERE w.id = $1")).bind(id))
                .await?,
        )?;
        commit_with(
            tx,
            ctx,
            Event::new("person", person_id, format!("assignment.waiver_{}", status.code()))
                .by(Some(service))
                .before(&before)
                .after(&serde_json::json!({"waiver": &after, "explanation": explanation.message})),
        )
        .await?;
        Ok(after)
    }
}
