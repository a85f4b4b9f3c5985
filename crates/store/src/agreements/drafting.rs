//! Drafts: started by a party's administrator, changed until signed; the organisations named are asked to
//! consent and may decline.

use super::{Agreement, AgreementScope, insert_version, update_header};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::notifications::notify;
use crate::infra::sql::{Executor, query};
use passerelle_domain::agreements::lifecycle::Status;
use passerelle_domain::agreements::{AgreementContent, AgreementKind};
use passerelle_domain::invalid::Invalid;
use uuid::Uuid;

impl AgreementScope<'_> {
    /// Starts a draft. The caller administers one of its parties; a parent must be visible and of a kind
    /// this kind declines.
    pub async fn create(
        &self,
        kind: AgreementKind,
        parent_id: Option<Uuid>,
        content: AgreementContent,
    ) -> Result<Agreement> {
        let content = content.validate()?;
        let parties: Vec<Uuid> = content.parties.iter().map(|p| p.organisation_id).collect();
        self.require_party_admin(&parties)?;
        let creator = parties
            .iter()
            .copied()
            .find(|p| self.ctx.is_admin_of(*p))
            .unwrap_or(parties[0]);
        let mut tx = self.store.pool.begin().await?;
        if let Some(parent) = parent_id {
            let p = self.load_header(&mut tx, parent).await.map_err(|_| {
                Invalid::new(
                    "agreement_parent_not_found",
                    "La convention déclinée n'existe pas ou ne vous est pas visible.",
                )
                .on("parent_id")
            })?;
            kind.check_parent(p.kind)?;
        }
        let content = self.resolve(&mut tx, kind, content, true).await?;
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        tx.execute(
            query(
                "INSERT INTO agreements (id, kind, parent_id, title, status, current_version, starts_on, ends_on, \
                 created_by_organisation_id, created_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', 1, $5, $6, $7, $8, $8)",
            )
            .bind(id)
            .bind(kind.code())
            .bind(parent_id)
            .bind(&content.title)
            .bind(content.duration.starts_on)
            .bind(content.duration.ends_on)
            .bind(creator)
            .bind(now),
        )
        .await?;
        insert_version(&mut tx, id, 1, &content, None, None).await?;
        Self::write_parties(&mut tx, id, &content).await?;
        let a = self.load(&mut tx, id).await?;
        let others: Vec<Uuid> = parties.iter().copied().filter(|p| *p != creator).collect();
        ask_parties(&mut tx, &a, &others).await?;
        let parties = a.parties.iter().map(|p| p.organisation_id);
        crate::obligations::agreement_changed(&mut tx, a.id, &a.title, parties, &a.deadlines).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("agreement", id, "agreement.created")
                .by(Some(creator))
                .after(&a),
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Replaces the content of a draft.
    pub async fn update_draft(&self, id: Uuid, content: AgreementContent) -> Result<Agreement> {
        let content = content.validate()?;
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        let old_parties: Vec<Uuid> = before.parties.iter().map(|p| p.organisation_id).collect();
        self.require_party_admin(&old_parties)?;
        if before.status != Status::Draft {
            return Err(StoreError::conflict(
                "agreement_not_draft",
                format!(
                    "La convention est {} : seul un brouillon se modifie ; passez par un avenant.",
                    before.status.label()
                ),
            ));
        }
        // The caller stays a party: a draft cannot be handed over to others entirely.
        let new_parties: Vec<Uuid> = content.parties.iter().map(|p| p.organisation_id).collect();
        self.require_party_admin(&new_parties)?;
        if !new_parties.contains(&before.created_by_organisation_id) {
            return Err(StoreError::conflict(
                "creator_party_required",
                "La structure qui a ouvert le brouillon en reste partie : elle ne peut pas en être retirée.",
            ));
        }
        let added: Vec<Uuid> = new_parties.into_iter().filter(|p| !old_parties.contains(p)).collect();
        refuse_declined(&mut tx, id, &content, &added).await?;
        let content = self.resolve(&mut tx, before.kind, content, false).await?;
        tx.execute(
            query("UPDATE agreement_versions SET content = $1 WHERE agreement_id = $2 AND number = $3")
                .bind(serde_json::to_value(&content).unwrap_or_default())
                .bind(id)
                .bind(before.current_version),
        )
        .await?;
        update_header(&mut tx, id, &content).await?;
        Self::write_parties(&mut tx, id, &content).await?;
        let after = self.load(&mut tx, id).await?;
        ask_parties(&mut tx, &after, &added).await?;
        let parties = after.parties.iter().map(|p| p.organisation_id);
        crate::obligations::agreement_changed(&mut tx, after.id, &after.title, parties, &after.deadlines).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("agreement", id, "agreement.draft_updated")
                .before(&before)
                .after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// Tells each of `added` that it is named a party of `a`, and that it may decline.
async fn ask_parties(ex: &mut impl Executor, a: &Agreement, added: &[Uuid]) -> Result<()> {
    let message = format!(
        "Votre structure est désignée partie à « {} ». Relisez le projet : vous pourrez le signer une fois soumis, \
         ou décliner votre participation.",
        a.title
    );
    for party in added {
        notify(
            ex,
            *party,
            ("agreement", a.id),
            &message,
            &format!("/conventions/{}", a.id),
        )
        .await?;
    }
    Ok(())
}

/// Refuses to name again in agreement `id` a party that declined it (its `agreement.decline` event): asking
/// again and again is not consent. It may start a convention itself.
async fn refuse_declined(ex: &mut impl Executor, id: Uuid, c: &AgreementContent, added: &[Uuid]) -> Result<()> {
    if added.is_empty() {
        return Ok(());
    }
    let mut q = query(
        "SELECT organisation_id FROM events WHERE entity_type = 'agreement' AND entity_id = $1 \
         AND action = 'agreement.decline' AND",
    )
    .bind(id);
    crate::directory::push_in(&mut q, "organisation_id", added);
    let Some(row) = ex.fetch_optional(q).await? else {
        return Ok(());
    };
    let declined: Uuid = row.get("organisation_id")?;
    let name = c.party(declined).map_or("Cette structure", |p| p.name.as_str());
    Err(StoreError::conflict(
        "party_declined",
        format!(
            "{name} a décliné sa participation à cette convention : elle ne peut pas y être nommée de nouveau. \
             Elle peut ouvrir elle-même une convention."
        ),
    ))
}
