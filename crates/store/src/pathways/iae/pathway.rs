//! A person's IAE pathway and its approval (agrément or PASS IAE).
//!
//! The database keeps the events the rules engine accepted (`iae_pathway_events`); the approval's dates,
//! status and the reasons are always those of `pathways::iae::pathway` replaying them. No rule is written
//! here: a change is an event offered to the engine, kept only if the engine accepts it.

mod coherence;
mod history;
mod prolongation_requests;

use coherence::renewal_after_contracts;
pub(crate) use coherence::{exit_after_hiring, interview_bounds, require_within_approval};
pub(crate) use history::History;

pub use prolongation_requests::ProlongationDecision;

use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, claim};
use crate::infra::sql::{Executor, query};
use crate::person::Person;
use crate::{Store, today};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::explanation::Explanation;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::agrement::{Appeal, Decision, Outcome, RequestKind};
use passerelle_domain::pathways::iae::next_steps::{Caller, next_steps};
use passerelle_domain::pathways::iae::prolongation::{DenyReason, ProlongationReason};
use passerelle_domain::pathways::iae::suspension::{self, SuspensionReason};
use passerelle_domain::pathways::iae::{EventFacts, Pathway, PathwayEvent, Period, Regime, SiaeKind, Status};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One accepted event, as the approval page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    /// `hiring`, `suspension`, `prolongation`, `agrement_request`, `agrement_decision`.
    pub kind: String,
    #[schema(value_type = Object)]
    pub event: PathwayEvent,
    pub siae_id: Uuid,
    pub siae_name: String,
    pub organisation_name: String,
    /// The engine's explanation when the event was accepted.
    pub explanation: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// What may be done next on the approval, and why (the engine tried it on a copy).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Possibility {
    /// `suspension`, `prolongation:<reason>`, `hiring`.
    pub action: String,
    pub label: String,
    pub possible: bool,
    /// `siae`, `authorised_prescriber`, or `pole_emploi` (prolongations of an agrément, before 2021-12-01).
    pub decided_by: String,
    pub code: String,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProlongationRequest {
    pub id: Uuid,
    #[schema(example = "rqth")]
    pub reason: ProlongationReason,
    pub reason_label: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub justification: String,
    /// `pending`, `accepted`, `refused`.
    pub status: String,
    pub siae_id: Uuid,
    pub refusal_motive: Option<String>,
    pub refusal_label: Option<String>,
    pub refusal_comment: Option<String>,
    pub proposed_action: Option<String>,
}

/// An agrément request to Pôle emploi (records before 2021-12-01), with its deadline and outcome as of today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgrementRequestView {
    /// What a decision names as `request_id`.
    pub id: Uuid,
    #[schema(example = "initial")]
    pub kind: RequestKind,
    pub date: Date,
    /// 5 working days after receipt, 2 for an ETTI; no answer by then is a tacit agrément. None for an
    /// appeal: the agency's director has no deadline and silence grants nothing.
    pub deadline: Option<Date>,
    /// `granted`, `refused`, `tacit` or `pending`.
    #[schema(example = "tacit")]
    pub outcome: Outcome,
    /// The day of the joint bilan a renewal follows.
    pub joint_bilan: Option<Date>,
    /// An appeal: the `id` of the refused request it contests.
    pub appeal_of: Option<Uuid>,
}

/// An agrément request as the SIAE records it, on the day Pôle emploi received it: what it asks (for a renewal,
/// with the day of the joint bilan), or its appeal of a refused request (its `id`), which takes that request's
/// kind, with the grounds.
#[derive(Debug, Clone)]
pub enum AgrementAsk {
    Request {
        date: Date,
        kind: RequestKind,
        joint_bilan: Option<Date>,
    },
    Appeal {
        date: Date,
        refusal: Uuid,
        grounds: String,
    },
}

/// The person's approval as of today, replayed by the rules engine.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApprovalView {
    pub person_id: Uuid,
    pub person_name: String,
    #[schema(example = "pass_iae")]
    pub regime: Regime,
    pub regime_label: String,
    pub start: Date,
    pub end: Date,
    #[schema(example = "valid")]
    pub status: Status,
    pub waiting_period_until: Date,
    /// The SIAE of the last hiring: the only one that may suspend or ask a prolongation.
    pub employer_id: Uuid,
    pub employer_name: String,
    pub timeline: Vec<TimelineEntry>,
    pub next: Vec<Possibility>,
    pub prolongation_requests: Vec<ProlongationRequest>,
    pub agrement_requests: Vec<AgrementRequestView>,
}

struct Stored {
    id: Uuid,
    event: PathwayEvent,
    kind: SiaeKind,
    siae_id: Uuid,
    siae_name: String,
    /// Department of the SIAE that made the event.
    department: String,
    organisation_name: String,
    explanation: String,
    recorded_at: OffsetDateTime,
}

/// The accepted events of a person's pathway, in order.
async fn stored_events(ex: &mut impl Executor, person_id: Uuid) -> Result<Vec<Stored>> {
    let rows = ex
        .fetch_all(
            query(
                "SELECT e.id, e.payload, e.siae_kind, e.siae_id, s.name AS siae_name, s.department, o.name AS \
                 organisation_name, e.explanation, e.created_at FROM iae_pathway_events e JOIN organisations s ON \
                 s.id = e.siae_id JOIN organisations o ON o.id = e.organisation_id WHERE e.person_id = $1 ORDER BY \
                 e.seq",
            )
            .bind(person_id),
        )
        .await?;
    rows.iter()
        .map(|r| {
            let decode = |what: &str| sqlx::Error::Decode(format!("iae_pathway_events: {what}").into());
            Ok(Stored {
                id: r.get("id")?,
                event: serde_json::from_value(r.json("payload")?.unwrap_or_default()).map_err(|_| decode("payload"))?,
                kind: SiaeKind::parse(&r.get::<String>("siae_kind")?).ok_or_else(|| decode("siae_kind"))?,
                siae_id: r.get("siae_id")?,
                siae_name: r.get("siae_name")?,
                department: r.get("department")?,
                organisation_name: r.get("organisation_name")?,
                explanation: r.get("explanation")?,
                recorded_at: r.get("created_at")?,
            })
        })
        .collect()
}

/// The person's history: birth date and diagnoses.
async fn history(ex: &mut impl Executor, person: &Person) -> Result<History> {
    let rows = ex
        .fetch_all(query("SELECT diagnosed_on, criteria FROM iae_diagnoses WHERE person_id = $1").bind(person.id))
        .await?;
    let mut diagnoses = Vec::new();
    for r in rows {
        diagnoses.push((r.get("diagnosed_on")?, r.json("criteria")?));
    }
    History::new(person.birth_date, diagnoses)
}

/// The department of an organisation.
async fn department(ex: &mut impl Executor, organisation_id: Uuid) -> Result<String> {
    let row = ex
        .fetch_optional(query("SELECT department FROM organisations WHERE id = $1").bind(organisation_id))
        .await?
        .ok_or(StoreError::not_found("SIAE"))?;
    Ok(row.get("department")?)
}

/// The pathway replayed from its stored events; the steps tried next are judged with `current`.
fn replay(history: &History, events: &[Stored], current: EventFacts) -> Result<Pathway> {
    history.replay(
        current,
        events.iter().map(|e| (&e.event, e.kind, e.department.as_str())),
    )
}

fn refused(e: Explanation) -> StoreError {
    StoreError::Invalid(Invalid::new(e.code, e.message))
}

/// Offers `event` to the engine; when accepted, stores it and journals it.
async fn append(
    ex: &mut impl Executor,
    ctx: &AccessContext,
    person: &Person,
    siae: (Uuid, SiaeKind),
    event: PathwayEvent,
    organisation_id: Uuid,
    prescription_id: Option<Uuid>,
) -> Result<Explanation> {
    let history = history(ex, person).await?;
    let events = stored_events(ex, person.id).await?;
    let facts = history.facts_on(event.date(), siae.1, &department(ex, siae.0).await?)?;
    let mut pathway = replay(&history, &events, facts)?;
    let outcome = pathway.apply(&event)?.clone();
    if !outcome.accepted {
        return Err(refused(outcome.explanation));
    }
    if let Some(approval) = pathway.approval() {
        let who = (person.id, person.first_name.as_str(), person.last_name.as_str());
        crate::obligations::approval_changed(ex, who, siae.0, approval.end).await?;
    }
    let payload = serde_json::to_value(&event).unwrap_or_default();
    let kind = payload["kind"].as_str().unwrap_or_default().to_owned();
    let id = Uuid::new_v4();
    ex.execute(
        query(
            "INSERT INTO iae_pathway_events (id, person_id, seq, siae_id, siae_kind, kind, payload, explanation, \
             organisation_id, prescription_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id)
        .bind(person.id)
        .bind(events.len() as i64 + 1)
        .bind(siae.0)
        .bind(siae.1.acronym())
        .bind(kind.as_str())
        .bind(payload.clone())
        .bind(outcome.explanation.message.as_str())
        .bind(organisation_id)
        .bind(prescription_id)
        .bind(crate::infra::clock::now()),
    )
    .await?;
    record(
        ex,
        ctx,
        Event::new("person", person.id, format!("approval.{kind}"))
            .by(Some(organisation_id))
            .after(&serde_json::json!({"event": payload, "explanation": outcome.explanation.message})),
    )
    .await?;
    Ok(outcome.explanation)
}

/// A hiring on a referral sheet, as its prescription says it.
pub(crate) struct Hiring {
    pub prescription_id: Uuid,
    pub person_id: Uuid,
    pub siae_id: Uuid,
    pub siae_kind: OrganisationKind,
    /// An authorised prescriber lifted the waiting period.
    pub waiver: bool,
    pub date: Date,
}

/// The hiring of a referral sheet: opens the approval, or continues it in another SIAE (extension).
pub(crate) async fn hire(store: &Store, ex: &mut impl Executor, ctx: &AccessContext, h: Hiring) -> Result<()> {
    let person = store.persons(ctx).load(ex, h.person_id).await?;
    let kind = SiaeKind::of(h.siae_kind).ok_or_else(|| StoreError::not_found("SIAE"))?;
    let event = PathwayEvent::Hiring {
        date: h.date,
        waiver: h.waiver,
    };
    append(
        ex,
        ctx,
        &person,
        (h.siae_id, kind),
        event,
        h.siae_id,
        Some(h.prescription_id),
    )
    .await?;
    Ok(())
}

/// Where a person's IAE pathway stands for its page: the approval once a hiring opened it, or else the person
/// while the pathway waits (for a hiring, or for the birth date the rules compute the approval with).
#[derive(Debug, Clone)]
pub enum ApprovalStage {
    Open(Box<ApprovalView>),
    Waiting {
        person: Box<Person>,
        /// A hiring is on file (only the birth date is missing to show its approval).
        hired: bool,
    },
}

impl Store {
    /// The person's approval when it can be shown, or what the pathway waits for: never an error for a person
    /// who was simply not hired yet. The read is journaled like the approval's (`approval.read`).
    pub async fn approval_stage(&self, ctx: &AccessContext, person_id: Uuid) -> Result<ApprovalStage> {
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let hired = tx
            .fetch_optional(
                query("SELECT 1 AS hired FROM iae_pathway_events WHERE person_id = $1 AND kind = 'hiring' LIMIT 1")
                    .bind(person_id),
            )
            .await?
            .is_some();
        let stage = if hired && person.birth_date.is_some() {
            ApprovalStage::Open(Box::new(approval_view(&mut tx, ctx, &person).await?))
        } else {
            ApprovalStage::Waiting {
                person: Box::new(person),
                hired,
            }
        };
        record(&mut tx, ctx, Event::new("person", person_id, "approval.read")).await?;
        tx.commit().await?;
        Ok(stage)
    }

    /// The approval of a person the caller follows, with its timeline and what may come next.
    pub async fn approval(&self, ctx: &AccessContext, person_id: Uuid) -> Result<ApprovalView> {
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let view = approval_view(&mut tx, ctx, &person).await?;
        record(&mut tx, ctx, Event::new("person", person_id, "approval.read")).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Suspends the approval; only the SIAE of the last hiring may (platform rule).
    pub async fn suspend_approval(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        from: Date,
        to: Date,
        reason: SuspensionReason,
        key: Option<IdempotencyKey>,
    ) -> Result<ApprovalView> {
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let employer = current_employer(&mut tx, ctx, person_id).await?;
        suspension::check_recorded_on(Period { from, to }, today()).map_err(refused)?;
        append(
            &mut tx,
            ctx,
            &person,
            employer,
            PathwayEvent::Suspension { from, to, reason },
            employer.0,
            None,
        )
        .await?;
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        let view = approval_view(&mut tx, ctx, &person).await?;
        tx.commit().await?;
        Ok(view)
    }
}

impl Store {
    /// An agrément request of the SIAE of the last hiring, for a record before 2021-12-01; an appeal names the
    /// refused request it contests and takes its kind. A renewal waits for every contract of the agrément to end.
    pub async fn request_agrement(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        ask: AgrementAsk,
        key: Option<IdempotencyKey>,
    ) -> Result<ApprovalView> {
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let employer = current_employer(&mut tx, ctx, person_id).await?;
        let renewal_on = match &ask {
            AgrementAsk::Request {
                date,
                kind: RequestKind::Renewal,
                ..
            } => Some(*date),
            _ => None,
        };
        let event = match ask {
            AgrementAsk::Request {
                date,
                kind,
                joint_bilan,
            } => PathwayEvent::AgrementRequest {
                date,
                request: kind,
                joint_bilan,
                appeal: None,
            },
            AgrementAsk::Appeal { date, refusal, grounds } => {
                let (position, kind) = stored_events(&mut tx, person_id)
                    .await?
                    .iter()
                    .enumerate()
                    .find_map(|(position, e)| match &e.event {
                        PathwayEvent::AgrementRequest { request, .. } if e.id == refusal => Some((position, *request)),
                        _ => None,
                    })
                    .ok_or(StoreError::not_found("demande d'agrément"))?;
                PathwayEvent::AgrementRequest {
                    date,
                    request: kind,
                    joint_bilan: None,
                    appeal: Some(Appeal {
                        refusal: Some(position),
                        grounds,
                    }),
                }
            }
        };
        append(&mut tx, ctx, &person, employer, event, employer.0, None).await?;
        // After the engine's own refusals (a request after 2021-11-30, a renewal without its joint bilan).
        if let Some(date) = renewal_on {
            renewal_after_contracts(&mut tx, &person, date).await?;
        }
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        let view = approval_view(&mut tx, ctx, &person).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Pôle emploi's decision on the agrément request `request` (the one open on `date` when `None`, refused as
    /// ambiguous when several are), by a France Travail agency following the person; a refusal needs its
    /// motive (the engine checks both).
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_agrement(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        request: Option<Uuid>,
        date: Date,
        decision: Decision,
        motive: Option<&str>,
        key: Option<IdempotencyKey>,
    ) -> Result<ApprovalView> {
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let agency = person
            .followers
            .iter()
            .find(|f| f.kind == OrganisationKind::FranceTravailAgency && ctx.membership(f.organisation_id).is_some())
            .map(|f| f.organisation_id)
            .ok_or_else(|| {
                let e = passerelle_domain::pathways::iae::agrement::decider_required();
                StoreError::forbidden(e.code, e.message)
            })?;
        let employer = last_hiring(&mut tx, person_id).await?;
        // The request's position among the person's events, as the engine numbers them.
        let request = match request {
            Some(id) => Some(
                stored_events(&mut tx, person_id)
                    .await?
                    .iter()
                    .position(|e| e.id == id && matches!(e.event, PathwayEvent::AgrementRequest { .. }))
                    .ok_or(StoreError::not_found("demande d'agrément"))?,
            ),
            None => None,
        };
        let event = PathwayEvent::AgrementDecision {
            date,
            decision,
            motive: motive.map(str::to_owned),
            request,
        };
        append(&mut tx, ctx, &person, employer, event, agency, None).await?;
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        let view = approval_view(&mut tx, ctx, &person).await?;
        tx.commit().await?;
        Ok(view)
    }
}

/// The authorised prescribers that follow the person: the prescribers of its prescriptions.
pub(crate) async fn deciders(ex: &mut impl Executor, person_id: Uuid) -> Result<Vec<Uuid>> {
    let rows = ex
        .fetch_all(
            query("SELECT DISTINCT prescriber_id FROM prescriptions WHERE person_id = $1 AND prescriber_id <> siae_id")
                .bind(person_id),
        )
        .await?;
    rows.iter().map(|r| Ok(r.get("prescriber_id")?)).collect()
}

/// The SIAE of the person's last hiring and its kind.
pub(crate) async fn last_hiring(ex: &mut impl Executor, person_id: Uuid) -> Result<(Uuid, SiaeKind)> {
    let row = ex
        .fetch_optional(
            query(
                "SELECT siae_id, siae_kind FROM iae_pathway_events WHERE person_id = $1 AND kind = 'hiring' \
                 ORDER BY seq DESC LIMIT 1",
            )
            .bind(person_id),
        )
        .await?
        .ok_or_else(|| {
            Invalid::new(
                "no_approval",
                "Aucune embauche n'a ouvert de PASS IAE pour cette personne.",
            )
        })?;
    let kind = SiaeKind::parse(&row.get::<String>("siae_kind")?).ok_or(StoreError::not_found("SIAE"))?;
    Ok((row.get("siae_id")?, kind))
}

/// The SIAE of the last hiring, which the caller must belong to.
pub(crate) async fn current_employer(
    ex: &mut impl Executor,
    ctx: &AccessContext,
    person_id: Uuid,
) -> Result<(Uuid, SiaeKind)> {
    let (siae, kind) = last_hiring(ex, person_id).await?;
    if ctx.membership(siae).is_none() {
        return Err(StoreError::forbidden(
            "not_the_employer",
            "Seule la SIAE de la dernière embauche peut suspendre le PASS IAE, en demander la prolongation ou \
             l'agrément, et enregistrer la sortie.",
        ));
    }
    Ok((siae, kind))
}

async fn approval_view(ex: &mut impl Executor, ctx: &AccessContext, person: &Person) -> Result<ApprovalView> {
    let history = history(ex, person).await?;
    let events = stored_events(ex, person.id).await?;
    let last_hiring = events
        .iter()
        .rev()
        .find(|e| matches!(e.event, PathwayEvent::Hiring { .. }))
        .ok_or_else(|| StoreError::not_found("PASS IAE"))?;
    let as_of = today();
    let current = history.facts_on(as_of, last_hiring.kind, &last_hiring.department)?;
    let pathway = replay(&history, &events, current)?;
    let report = pathway.report(as_of)?;
    let employer = (last_hiring.siae_id, last_hiring.siae_name.clone());
    let is_employer = ctx.membership(employer.0).is_some();
    let is_decider = deciders(ex, person.id)
        .await?
        .iter()
        .any(|o| ctx.membership(*o).is_some());
    let caller = Caller {
        is_employer,
        is_decider,
    };
    let next = next_steps(&pathway, as_of, caller)
        .into_iter()
        .map(|n| Possibility {
            action: n.action,
            label: n.label,
            possible: n.possible,
            decided_by: n.decided_by.code().into(),
            code: n.code.into(),
            explanation: n.explanation,
        })
        .collect();
    let rows = ex
        .fetch_all(
            query(
                "SELECT id, reason, starts_on, ends_on, justification, status, siae_id, refusal_motive, refusal_comment, \
                 proposed_action FROM prolongation_requests WHERE person_id = $1 ORDER BY created_at",
            )
            .bind(person.id),
        )
        .await?;
    let mut requests = Vec::new();
    for r in rows {
        let Some(reason) = ProlongationReason::ALL
            .into_iter()
            .find(|x| r.get::<String>("reason").is_ok_and(|c| c == x.code()))
        else {
            continue;
        };
        let motive: Option<String> = r.get("refusal_motive")?;
        requests.push(ProlongationRequest {
            id: r.get("id")?,
            reason,
            reason_label: reason.label().to_owned(),
            starts_on: r.get("starts_on")?,
            ends_on: r.get("ends_on")?,
            justification: r.get("justification")?,
            status: r.get("status")?,
            siae_id: r.get("siae_id")?,
            refusal_label: motive
                .as_deref()
                .and_then(DenyReason::parse)
                .map(|m| m.label().to_owned()),
            refusal_motive: motive,
            refusal_comment: r.get("refusal_comment")?,
            proposed_action: r.get("proposed_action")?,
        });
    }
    let agrement_requests = report
        .requests
        .iter()
        .filter_map(|r| match events.get(r.index).map(|e| &e.event) {
            Some(PathwayEvent::AgrementRequest {
                date,
                request,
                joint_bilan,
                ..
            }) => Some(AgrementRequestView {
                id: events[r.index].id,
                kind: *request,
                date: *date,
                deadline: r.deadline,
                outcome: r.outcome,
                joint_bilan: *joint_bilan,
                appeal_of: r.appeal_of.and_then(|i| events.get(i)).map(|e| e.id),
            }),
            _ => None,
        })
        .collect();
    Ok(ApprovalView {
        agrement_requests,
        person_id: person.id,
        person_name: format!("{} {}", person.first_name, person.last_name),
        regime: report.regime,
        regime_label: report.regime.label().to_owned(),
        start: report.start,
        end: report.end,
        status: report.status,
        waiting_period_until: report.waiting_period_until,
        employer_id: employer.0,
        employer_name: employer.1,
        timeline: events
            .into_iter()
            .map(|e| TimelineEntry {
                kind: serde_json::to_value(&e.event)
                    .ok()
                    .and_then(|v| v["kind"].as_str().map(str::to_owned))
                    .unwrap_or_default(),
                event: e.event,
                siae_id: e.siae_id,
                siae_name: e.siae_name,
                organisation_name: e.organisation_name,
                explanation: e.explanation,
                recorded_at: e.recorded_at,
            })
            .collect(),
        next,
        prolongation_requests: requests,
    })
}
