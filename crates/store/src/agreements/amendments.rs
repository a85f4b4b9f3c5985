//! Avenants proposed to the parties: proposed by one party's administrator, signed by every party, refused by
//! one or withdrawn by its proposer. The domain's table decides; each step is one transaction, journaled. Until
//! the last signature the version in force (`current_version`) is untouched, so documents, indicators and the
//! API's `content` keep showing it; the last signature adds the version and puts it in force.

use super::committee_proposal::{self, SteeringMeeting};
use super::{Act, Agreement, AgreementScope, Signatory, content_of, insert_version, update_header};
use crate::access::MemberRole;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::notifications::notify;
use crate::infra::sql::{Executor, query};
use crate::today;
use passerelle_domain::agreements::AgreementContent;
use passerelle_domain::agreements::amendment::{self, AmendmentAction, AmendmentStatus, AmendmentWho};
use passerelle_domain::agreements::lifecycle::{Action, Change, Status};
use passerelle_domain::dates::{Span, plausible};
use passerelle_domain::explanation::Explanation;
use passerelle_domain::invalid::Invalid;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// The avenant waiting for the parties' signatures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingAmendment {
    pub id: Uuid,
    /// The version number it will take once every party has signed.
    pub number: i64,
    /// Its object.
    pub reason: String,
    pub proposed_on: Date,
    pub proposed_by_organisation_id: Uuid,
    pub proposed_by_organisation_name: String,
    /// The held meeting of the steering committee that proposed it (a regional agreement's, article 5).
    pub committee_meeting: Option<SteeringMeeting>,
    /// Every party, with the day it signed this avenant (none: not yet).
    pub signatures: Vec<Signatory>,
    /// The content it proposes; the agreement's `content` stays the version in force.
    #[schema(value_type = Object)]
    pub content: AgreementContent,
}

/// What a party does to the pending avenant.
#[derive(Debug, Clone)]
pub struct AmendmentAct {
    pub action: AmendmentAction,
    /// Date of the act; today when not given.
    pub on: Option<Date>,
    /// The party acting, when the caller administers several.
    pub organisation_id: Option<Uuid>,
}

/// The pending avenant of agreement `id`, if any, with the signatures of `parties`.
pub(super) async fn pending(
    ex: &mut impl Executor,
    id: Uuid,
    current_version: i64,
    parties: &[Signatory],
) -> Result<Option<PendingAmendment>> {
    let Some(r) = ex
        .fetch_optional(
            query(format!(
                "SELECT m.id, m.reason, m.content, m.proposed_on, m.proposed_by_organisation_id, o.name, {} \
                 FROM agreement_amendments m JOIN organisations o ON o.id = m.proposed_by_organisation_id{} \
                 WHERE m.agreement_id = $1 AND m.status = 'pending'",
                committee_proposal::meeting_columns(),
                committee_proposal::meeting_joins("m.committee_meeting_id")
            ))
            .bind(id),
        )
        .await?
    else {
        return Ok(None);
    };
    let amendment_id: Uuid = r.get("id")?;
    let signed = ex
        .fetch_all(
            query("SELECT organisation_id, signed_on FROM agreement_amendment_signatures WHERE amendment_id = $1")
                .bind(amendment_id),
        )
        .await?
        .iter()
        .map(|s| Ok((s.get::<Uuid>("organisation_id")?, s.get::<Date>("signed_on")?)))
        .collect::<Result<Vec<_>>>()?;
    let signatures = parties
        .iter()
        .map(|p| Signatory {
            signed_on: signed.iter().find(|(o, _)| *o == p.organisation_id).map(|(_, d)| *d),
            ..p.clone()
        })
        .collect();
    Ok(Some(PendingAmendment {
        id: amendment_id,
        number: current_version + 1,
        reason: r.get("reason")?,
        proposed_on: r.get("proposed_on")?,
        proposed_by_organisation_id: r.get("proposed_by_organisation_id")?,
        proposed_by_organisation_name: r.get("name")?,
        committee_meeting: committee_proposal::steering_meeting(&r)?,
        signatures,
        content: content_of(&r)?,
    }))
}

fn refused(e: Explanation) -> StoreError {
    StoreError::conflict(e.code, e.message)
}

impl AgreementScope<'_> {
    /// Proposes an avenant (`act.content`, `act.reason`) to the parties of an agreement that may be amended;
    /// nothing changes in the version in force.
    pub async fn propose_amendment(&self, id: Uuid, act: Act) -> Result<(Agreement, Change)> {
        let on = plausible("on", act.on.unwrap_or_else(today), Span::Agreement)?;
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        let party = self.acting_party(act.organisation_id, &before)?;
        amendable(self.load_header(&mut tx, id).await?.status(on))?;
        let current = before.pending_amendment.as_ref().map(|_| AmendmentStatus::Pending);
        let (_, explanation) = amendment::apply(current, AmendmentAction::Propose, on, false).map_err(refused)?;
        let reason = act
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| Invalid::new("amendment_reason_required", "Indiquez l'objet de l'avenant.").on("reason"))?;
        if reason.chars().count() > 500 {
            return Err(Invalid::new(
                "amendment_reason_too_long",
                "L'objet de l'avenant tient en 500 caractères au plus.",
            )
            .on("reason")
            .into());
        }
        let content = act
            .content
            .ok_or_else(|| {
                Invalid::new(
                    "amendment_content_required",
                    "Un avenant porte le nouveau contenu de la convention.",
                )
                .on("content")
            })?
            .validate()?;
        super::lifecycle::keeps_parties(&before, &content)?;
        committee_proposal::check(&mut tx, id, before.kind, act.committee_meeting_id, on).await?;
        // The parties are those that signed (kept above); they were all there when it went to the signatures.
        let content = self.resolve(&mut tx, before.kind, content, false).await?;
        tx.execute(
            query(
                "INSERT INTO agreement_amendments (id, agreement_id, content, reason, status, proposed_on, \
                 proposed_by_organisation_id, proposed_by_user_id, created_at, committee_meeting_id) \
                 VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9)",
            )
            .bind(Uuid::new_v4())
            .bind(id)
            .bind(serde_json::to_value(&content).unwrap_or_default())
            .bind(reason)
            .bind(on)
            .bind(party)
            .bind(self.ctx.user_id())
            .bind(crate::infra::clock::now())
            .bind(act.committee_meeting_id),
        )
        .await?;
        let proposer = party_name(&before, party);
        for other in before.parties.iter().filter(|p| p.organisation_id != party) {
            notify(
                &mut tx,
                other.organisation_id,
                ("agreement", id),
                &format!(
                    "{proposer} propose un avenant à « {} » : signez-le ou refusez-le.",
                    before.title
                ),
                &format!("/conventions/{id}"),
            )
            .await?;
        }
        self.finish(tx, before, party, AmendmentAction::Propose, on, explanation)
            .await
    }

    /// Signs, refuses or withdraws the pending avenant on behalf of one of the caller's parties. The last
    /// signature puts the avenant in force as the next version.
    pub async fn decide_amendment(&self, id: Uuid, act: AmendmentAct) -> Result<(Agreement, Change)> {
        let on = plausible("on", act.on.unwrap_or_else(today), Span::Agreement)?;
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        let party = self.acting_party(act.organisation_id, &before)?;
        let pending = before.pending_amendment.clone();
        let current = pending.as_ref().map(|_| AmendmentStatus::Pending);
        if let (Some(rule), Some(p)) = (amendment::allowed(current, act.action), &pending) {
            may_take(rule.who, p, party)?;
        }
        let last = pending.as_ref().is_some_and(|p| {
            p.signatures
                .iter()
                .all(|s| s.signed_on.is_some() || s.organisation_id == party)
        });
        let (to, explanation) = amendment::apply(current, act.action, on, last).map_err(refused)?;
        let Some(p) = pending else {
            return Err(StoreError::not_found("avenant"));
        };
        let status = self.load_header(&mut tx, id).await?.status(on);
        if act.action == AmendmentAction::Sign {
            amendable(status)?;
            tx.execute(
                query(
                    "INSERT INTO agreement_amendment_signatures (amendment_id, organisation_id, signed_on, \
                     signed_by_user_id) VALUES ($1, $2, $3, $4)",
                )
                .bind(p.id)
                .bind(party)
                .bind(on)
                .bind(self.ctx.user_id()),
            )
            .await?;
        }
        if to == AmendmentStatus::Adopted {
            adopt(&mut tx, &before, status, &p, on).await?;
        }
        if to != AmendmentStatus::Pending {
            tx.execute(
                query(
                    "UPDATE agreement_amendments SET status = $1, closed_on = $2, closed_by_organisation_id = $3 \
                     WHERE id = $4",
                )
                .bind(to.code())
                .bind(on)
                .bind(party)
                .bind(p.id),
            )
            .await?;
        }
        if matches!(to, AmendmentStatus::Declined | AmendmentStatus::Withdrawn) {
            notify(
                &mut tx,
                p.proposed_by_organisation_id,
                ("agreement", id),
                &format!(
                    "{} : l'avenant « {} » à « {} » est {} ; la version en vigueur reste inchangée.",
                    party_name(&before, party),
                    p.reason,
                    before.title,
                    to.label()
                ),
                &format!("/conventions/{id}"),
            )
            .await?;
        }
        self.finish(tx, before, party, act.action, on, explanation).await
    }

    /// Reloads, refreshes the deadlines, journals the step and commits.
    async fn finish(
        &self,
        mut tx: crate::infra::sql::Tx,
        before: Agreement,
        party: Uuid,
        action: AmendmentAction,
        on: Date,
        explanation: Explanation,
    ) -> Result<(Agreement, Change)> {
        let after = self.load(&mut tx, before.id).await?;
        let parties = after.parties.iter().map(|p| p.organisation_id);
        crate::obligations::agreement_changed(&mut tx, after.id, &after.title, parties, &after.deadlines).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("agreement", after.id, format!("agreement.amendment_{}", action.code()))
                .by(Some(party))
                .before(&before)
                .after(&serde_json::json!({ "agreement": &after, "explanation": &explanation })),
        )
        .await?;
        tx.commit().await?;
        let change = Change {
            to: after.status,
            effective_on: on,
            explanation,
        };
        Ok((after, change))
    }

    /// The party the caller acts for: one they administer among the parties (named, or their only one).
    fn acting_party(&self, named: Option<Uuid>, a: &Agreement) -> Result<Uuid> {
        let mine: Vec<Uuid> = a
            .parties
            .iter()
            .map(|p| p.organisation_id)
            .filter(|p| {
                self.ctx.membership(*p).is_some_and(|m| m.role == MemberRole::Admin) && named.is_none_or(|o| o == *p)
            })
            .collect();
        match mine.as_slice() {
            [one] => Ok(*one),
            [] => Err(StoreError::forbidden(
                "not_party_representative",
                "Seul un administrateur d'une structure partie peut proposer, signer ou refuser un avenant en son nom.",
            )),
            _ => Err(Invalid::new(
                "organisation_required",
                "Indiquez la structure au nom de laquelle vous agissez.",
            )
            .on("organisation_id")
            .into()),
        }
    }
}

/// An avenant changes an agreement in force (or under its yearly review) on the day of the act, as the life
/// cycle's table says.
fn amendable(status: Status) -> Result<()> {
    if passerelle_domain::agreements::lifecycle::allowed(status, Action::Amend).is_some() {
        return Ok(());
    }
    Err(StoreError::conflict(
        "transition_not_allowed",
        format!(
            "Un avenant ne modifie qu'une convention en vigueur ou en examen annuel ; celle-ci est {}.",
            status.label()
        ),
    ))
}

/// Who may take the step: a party that has not signed yet signs or refuses; only the proposer withdraws.
fn may_take(who: AmendmentWho, p: &PendingAmendment, party: Uuid) -> Result<()> {
    match who {
        AmendmentWho::UnsignedParty
            if p.signatures
                .iter()
                .any(|s| s.organisation_id == party && s.signed_on.is_some()) =>
        {
            Err(StoreError::conflict(
                "already_signed",
                "Votre structure a déjà signé cet avenant : elle ne peut plus le signer de nouveau ni le refuser.",
            ))
        }
        AmendmentWho::Proposer if p.proposed_by_organisation_id != party => Err(StoreError::forbidden(
            "not_proposer",
            "Seule la structure qui a proposé l'avenant peut le retirer ; votre structure peut le refuser.",
        )),
        _ => Ok(()),
    }
}

/// The last signature: the avenant becomes the next version, in force (the yearly review, if open, closes).
async fn adopt(ex: &mut impl Executor, a: &Agreement, status: Status, p: &PendingAmendment, on: Date) -> Result<()> {
    insert_version(ex, a.id, p.number, &p.content, Some(&p.reason), Some(on)).await?;
    // The version keeps the meeting that proposed it, for its history.
    ex.execute(
        query("UPDATE agreement_versions SET committee_meeting_id = $1 WHERE agreement_id = $2 AND number = $3")
            .bind(p.committee_meeting.as_ref().map(|m| m.id))
            .bind(a.id)
            .bind(p.number),
    )
    .await?;
    let status = match status {
        Status::UnderReview => Status::InForce,
        other => other,
    };
    ex.execute(
        query("UPDATE agreements SET current_version = $1, status = $2 WHERE id = $3")
            .bind(p.number)
            .bind(status.code())
            .bind(a.id),
    )
    .await?;
    update_header(ex, a.id, &p.content).await?;
    AgreementScope::write_parties(ex, a.id, &p.content).await
}

fn party_name(a: &Agreement, party: Uuid) -> &str {
    a.parties
        .iter()
        .find(|s| s.organisation_id == party)
        .map_or("Une partie", |s| s.organisation_name.as_str())
}
