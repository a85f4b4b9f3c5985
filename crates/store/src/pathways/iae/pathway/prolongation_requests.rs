//! Prolongations: the SIAE asks, and decides alone a senior CDI or a training; for other reasons the request
//! waits for an authorised prescriber following the person, who accepts or refuses it (the domain's
//! transition table of a request).

use super::{
    ApprovalView, append, approval_view, current_employer, deciders, department, history, refused, replay,
    stored_events,
};
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, claim};
use crate::infra::notifications::notify_pathway;
use crate::infra::sql::{Executor, query};
use crate::{Store, today};
use passerelle_domain::calendar::add_days;
use passerelle_domain::pathways::iae::prolongation::{self, Decider, DenyReason, ProlongationReason};
use passerelle_domain::pathways::iae::prolongation_request::{self as request, RequestAction, RequestStatus};
use passerelle_domain::pathways::iae::{PathwayEvent, SiaeKind};
use passerelle_domain::text::required;
use time::Date;
use uuid::Uuid;

/// A prescriber's answer to a prolongation request.
#[derive(Debug, Clone, Copy)]
pub enum ProlongationDecision<'a> {
    Accept,
    Refuse {
        motive: &'a str,
        comment: Option<&'a str>,
        proposed_action: &'a str,
    },
}

fn conflict(r: request::Refusal) -> StoreError {
    StoreError::conflict(r.code, r.message)
}

impl Store {
    /// A prolongation asked by the SIAE of the last hiring, starting the day after the current end, within the
    /// window for asking it (from 12 months before the end to 6 months after, since 2021-12-01). The SIAE
    /// alone decides a senior CDI or a training; for other reasons the request waits for an authorised
    /// prescriber following the person, who is notified. Either way the engine checks it at once.
    pub async fn request_prolongation(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        reason: ProlongationReason,
        to: Date,
        justification: &str,
        key: Option<IdempotencyKey>,
    ) -> Result<ApprovalView> {
        let justification = required("justification", justification, 2_000)?;
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let employer = current_employer(&mut tx, ctx, person_id).await?;
        let history = history(&mut tx, &person).await?;
        let events = stored_events(&mut tx, person_id).await?;
        let employer_department = department(&mut tx, employer.0).await?;
        let current = history.facts_on(today(), employer.1, &employer_department)?;
        let pathway = replay(&history, &events, current)?;
        let approval = pathway.approval().ok_or(StoreError::not_found("PASS IAE"))?;
        prolongation::check_asked_on(approval, today()).map_err(refused)?;
        let from = add_days(approval.end, 1);
        let event = PathwayEvent::Prolongation { from, to, reason };
        // The prolongation is judged with the facts of its first day.
        let pathway = pathway.with_facts(history.facts_on(from, employer.1, &employer_department)?);
        match reason.decider(from) {
            // An agrément's prolongation (before 2021-12-01) is recorded as Pôle emploi decided it.
            Decider::Siae | Decider::PoleEmploi => {
                append(&mut tx, ctx, &person, employer, event, employer.0, None).await?;
            }
            Decider::AuthorisedPrescriber => {
                let outcome = pathway.clone().apply(&event)?.clone();
                if !outcome.accepted {
                    return Err(refused(outcome.explanation));
                }
                let pending = tx
                    .fetch_optional(
                        query("SELECT 1 AS ok FROM prolongation_requests WHERE person_id = $1 AND status = 'pending'")
                            .bind(person_id),
                    )
                    .await?;
                let status = request::transition(pending.map(|_| RequestStatus::Pending), RequestAction::Ask)
                    .map_err(conflict)?;
                let id = Uuid::new_v4();
                tx.execute(
                    query(
                        "INSERT INTO prolongation_requests (id, person_id, siae_id, reason, starts_on, ends_on, \
                         justification, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(id)
                    .bind(person_id)
                    .bind(employer.0)
                    .bind(reason.code())
                    .bind(from)
                    .bind(to)
                    .bind(&justification)
                    .bind(status.code())
                    .bind(crate::infra::clock::now()),
                )
                .await?;
                let decider_list = deciders(&mut tx, person_id).await?;
                let who = (person_id, person.first_name.as_str(), person.last_name.as_str());
                crate::obligations::prolongation_requested(&mut tx, id, who, &decider_list, from).await?;
                for prescriber in decider_list {
                    notify_pathway(
                        &mut tx,
                        prescriber,
                        person_id,
                        &format!(
                            "Demande de prolongation à décider pour {} {} ({})",
                            person.first_name,
                            person.last_name,
                            reason.label()
                        ),
                    )
                    .await?;
                }
                record(
                    &mut tx,
                    ctx,
                    Event::new("prolongation_request", id, "approval.prolongation_requested")
                        .by(Some(employer.0))
                        .after(&serde_json::json!({"reason": reason, "from": from, "to": to})),
                )
                .await?;
            }
        }
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        let view = approval_view(&mut tx, ctx, &person).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// An authorised prescriber following the person accepts (the engine applies the prolongation) or
    /// refuses, with one of the four reasons and a proposed action.
    pub async fn decide_prolongation(
        &self,
        ctx: &AccessContext,
        request_id: Uuid,
        decision: ProlongationDecision<'_>,
        key: Option<IdempotencyKey>,
    ) -> Result<ApprovalView> {
        let mut tx = self.pool.begin().await?;
        let row = tx
            .fetch_optional(
                query("SELECT person_id, siae_id, reason, starts_on, ends_on, status FROM prolongation_requests WHERE id = $1")
                    .bind(request_id),
            )
            .await?
            .ok_or(StoreError::not_found("demande de prolongation"))?;
        let person_id: Uuid = row.get("person_id")?;
        let person = self
            .persons(ctx)
            .load(&mut tx, person_id)
            .await
            .map_err(|_| StoreError::not_found("demande de prolongation"))?;
        let decider = deciders(&mut tx, person_id)
            .await?
            .into_iter()
            .find(|o| ctx.membership(*o).is_some())
            .ok_or_else(|| {
                let e = request::decider_required();
                StoreError::forbidden(e.code, e.message)
            })?;
        let current = RequestStatus::parse(&row.get::<String>("status")?);
        let action = match decision {
            ProlongationDecision::Accept => RequestAction::Accept,
            ProlongationDecision::Refuse { .. } => RequestAction::Refuse,
        };
        let status = request::transition(current, action).map_err(conflict)?;
        let siae_id: Uuid = row.get("siae_id")?;
        let reason = ProlongationReason::ALL
            .into_iter()
            .find(|r| row.get::<String>("reason").is_ok_and(|c| c == r.code()))
            .ok_or(StoreError::not_found("motif"))?;
        let (motive, comment, action) = match decision {
            ProlongationDecision::Accept => {
                let siae = crate::directory::load_organisation(&mut tx, siae_id).await?;
                let kind = SiaeKind::of(siae.kind).ok_or(StoreError::not_found("SIAE"))?;
                let event = PathwayEvent::Prolongation {
                    from: row.get("starts_on")?,
                    to: row.get("ends_on")?,
                    reason,
                };
                append(&mut tx, ctx, &person, (siae_id, kind), event, decider, None).await?;
                (None, None, None)
            }
            ProlongationDecision::Refuse {
                motive,
                comment,
                proposed_action,
            } => {
                let motive = request::refusal_motive(motive)?;
                let action = required("proposed_action", proposed_action, 2_000)?;
                let comment = passerelle_domain::text::optional("comment", comment, 2_000)?;
                (Some(motive), comment, Some(action))
            }
        };
        tx.execute(
            query(
                "UPDATE prolongation_requests SET status = $1, decided_by = $2, refusal_motive = $3, \
                 refusal_comment = $4, proposed_action = $5, decided_at = $6 WHERE id = $7",
            )
            .bind(status.code())
            .bind(decider)
            .bind(motive.map(DenyReason::code))
            .bind(comment)
            .bind(action)
            .bind(crate::infra::clock::now())
            .bind(request_id),
        )
        .await?;
        crate::obligations::prolongation_decided(&mut tx, request_id).await?;
        notify_pathway(
            &mut tx,
            siae_id,
            person_id,
            &format!(
                "Prolongation {} pour {} {}",
                status.label(),
                person.first_name,
                person.last_name
            ),
        )
        .await?;
        record(
            &mut tx,
            ctx,
            Event::new(
                "prolongation_request",
                request_id,
                format!("approval.prolongation_{}", status.code()),
            )
            .by(Some(decider))
            .after(&serde_json::json!({"status": status.code(), "motive": motive})),
        )
        .await?;
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        let view = approval_view(&mut tx, ctx, &person).await?;
        tx.commit().await?;
        Ok(view)
    }
}
