//! The life cycle of an agreement: signatures, amendments, review, notice, termination and lapse, each step
//! decided by the domain's transition table and journaled with its explanation.

use super::{Act, Agreement, AgreementScope, Signatory};
use crate::access::{AccessContext, MemberRole};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::notifications::notify;
use crate::infra::sql::{Executor, query};
use crate::today;
use passerelle_domain::agreements::AgreementContent;
use passerelle_domain::agreements::checklist::{Facts, checklist};
use passerelle_domain::agreements::lifecycle::{self, Action, Change, Request, Who};
use passerelle_domain::dates::{Span, plausible};
use passerelle_domain::invalid::Invalid;
use uuid::Uuid;

impl AgreementScope<'_> {
    /// Takes one step of the life cycle; the transition table decides, the change is journaled with its
    /// explanation.
    pub async fn act(&self, id: Uuid, act: Act) -> Result<(Agreement, Change)> {
        // An avenant binds only once every party has signed it: « amend » proposes it (see `amendments`).
        if act.action == Action::Amend {
            return self.propose_amendment(id, act).await;
        }
        let on = plausible("on", act.on.unwrap_or_else(today), Span::Agreement)?;
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        let h = self.load_header(&mut tx, id).await?;
        let parties: Vec<Uuid> = before.parties.iter().map(|p| p.organisation_id).collect();
        let rule = lifecycle::allowed(h.status(on), act.action);
        let signer = match rule.map(|t| t.who) {
            Some(Who::SigningParty) => Some(self.signing_party(&act, &before)?),
            Some(Who::DecliningParty) => Some(self.declining_party(&act, &before)?),
            _ => {
                self.require_party_admin(&parties)?;
                None
            }
        };
        let list = checklist(
            before.kind,
            &before.content,
            Facts {
                has_parent: before.parent_id.is_some(),
            },
        );
        let request = Request {
            action: act.action,
            on,
            last_signature: before
                .parties
                .iter()
                .all(|p| p.signed_on.is_some() || Some(p.organisation_id) == signer),
            checklist_complete: list.is_complete(),
            notice_months: before.content.notice_months,
            dates: h.dates,
        };
        // A draft may have lacked a party while it was written; it goes to the signatures with all of them.
        if act.action == Action::Submit {
            Self::check_parties(&mut tx, before.kind, &before.content, true).await?;
        }
        let change = lifecycle::apply(h.status(on), request).map_err(|e| {
            let message = match e.code {
                "checklist_incomplete" => format!(
                    "La convention ne peut pas être soumise à la signature ; il manque encore : {}",
                    list.missing_sentences().join(" ")
                ),
                _ => e.message,
            };
            StoreError::conflict(e.code, message)
        })?;
        let reason = act.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let mut lapse_cause = h.lapse_cause.clone();
        let mut terminates_on = h.dates.terminates_on;
        match act.action {
            Action::Sign => {
                tx.execute(
                    query("UPDATE agreement_parties SET signed_on = $1, signed_by_user_id = $2 WHERE agreement_id = $3 AND organisation_id = $4")
                        .bind(on)
                        .bind(self.ctx.user_id())
                        .bind(id)
                        .bind(signer),
                )
                .await?;
            }
            Action::Reopen => {
                tx.execute(
                    query("UPDATE agreement_parties SET signed_on = NULL, signed_by_user_id = NULL WHERE agreement_id = $1").bind(id),
                )
                .await?;
            }
            Action::GiveNotice => terminates_on = Some(change.effective_on),
            Action::WithdrawNotice => terminates_on = None,
            Action::Decline => {
                if let Some(party) = signer {
                    withdraw(&mut tx, &before, party).await?;
                }
            }
            Action::Lapse => {
                lapse_cause = Some(
                    reason
                        .ok_or_else(|| Invalid::new("lapse_cause_required", "Indiquez la cause de la caducité (par exemple : la SIAE n'est plus conventionnée par l'État).").on("reason"))?
                        .to_owned(),
                );
            }
            _ => {}
        }
        tx.execute(
            query("UPDATE agreements SET status = $1, terminates_on = $2, lapse_cause = $3, updated_at = $4 WHERE id = $5")
                .bind(change.to.code())
                .bind(terminates_on)
                .bind(lapse_cause)
                .bind(crate::infra::clock::now())
                .bind(id),
        )
        .await?;
        // A party that declined no longer sees the agreement; the journal and the answer show it as it is now.
        let operator = AccessContext::operator("décision d'une partie");
        let after = match act.action {
            Action::Decline => {
                AgreementScope {
                    store: self.store,
                    ctx: &operator,
                }
                .load(&mut tx, id)
                .await?
            }
            _ => self.load(&mut tx, id).await?,
        };
        let parties = after.parties.iter().map(|p| p.organisation_id);
        crate::obligations::agreement_changed(&mut tx, after.id, &after.title, parties, &after.deadlines).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("agreement", id, format!("agreement.{}", act.action.code()))
                .by(signer)
                .before(&before)
                .after(&serde_json::json!({ "agreement": &after, "explanation": &change.explanation })),
        )
        .await?;
        tx.commit().await?;
        Ok((after, change))
    }

    /// The party that declines: administered by the caller (named, or their only one), and not the one that
    /// started the agreement.
    fn declining_party(&self, act: &Act, a: &Agreement) -> Result<Uuid> {
        let mine: Vec<Uuid> = a
            .parties
            .iter()
            .map(|p| p.organisation_id)
            .filter(|p| {
                self.ctx.membership(*p).is_some_and(|m| m.role == MemberRole::Admin)
                    && act.organisation_id.is_none_or(|o| o == *p)
            })
            .collect();
        match mine.as_slice() {
            [one] if *one == a.created_by_organisation_id => Err(StoreError::conflict(
                "creator_cannot_decline",
                "Votre structure a ouvert cette convention : elle ne peut pas décliner d'y participer ; reprenez la \
                 rédaction ou laissez la convention en l'état.",
            )),
            [one] => Ok(*one),
            [] => Err(StoreError::forbidden(
                "not_party_representative",
                "Seul un administrateur de la structure partie peut décliner en son nom.",
            )),
            _ => Err(Invalid::new(
                "organisation_required",
                "Indiquez la structure au nom de laquelle vous déclinez.",
            )
            .on("organisation_id")
            .into()),
        }
    }

    /// The party a signature is given for: named by the caller (or their only party), not yet signed, and
    /// administered by the caller themselves (the platform does not sign for a party).
    fn signing_party(&self, act: &Act, a: &Agreement) -> Result<Uuid> {
        let mine: Vec<&Signatory> = a
            .parties
            .iter()
            .filter(|p| {
                self.ctx
                    .membership(p.organisation_id)
                    .is_some_and(|m| m.role == MemberRole::Admin)
            })
            .filter(|p| act.organisation_id.is_none_or(|o| o == p.organisation_id))
            .collect();
        let party = match mine.as_slice() {
            [one] => one,
            [] => {
                return Err(StoreError::forbidden(
                    "not_party_representative",
                    "Seul un administrateur de la structure partie peut signer en son nom.",
                ));
            }
            _ => {
                return Err(Invalid::new(
                    "organisation_required",
                    "Indiquez la structure au nom de laquelle vous signez.",
                )
                .on("organisation_id")
                .into());
            }
        };
        if party.signed_on.is_some() {
            return Err(StoreError::conflict(
                "already_signed",
                format!("{} a déjà signé.", party.organisation_name),
            ));
        }
        Ok(party.organisation_id)
    }
}

/// Refuses an avenant that adds or removes a party: each party consented to the text it signed, and a new
/// party's consent is a new convention.
pub(super) fn keeps_parties(a: &Agreement, content: &AgreementContent) -> Result<()> {
    let mut before: Vec<Uuid> = a.parties.iter().map(|p| p.organisation_id).collect();
    let mut after: Vec<Uuid> = content.parties.iter().map(|p| p.organisation_id).collect();
    before.sort();
    after.sort();
    if before == after {
        return Ok(());
    }
    Err(StoreError::conflict(
        "amendment_parties_changed",
        "Un avenant ne change pas les parties : chacune n'a consenti qu'au texte qu'elle a signé. Pour ajouter ou \
         retirer une partie, rédigez une nouvelle convention.",
    ))
}

/// Takes `party` out of `a` (content, parties), withdraws the signatures given to the text that named it, and
/// tells the party that started the agreement.
async fn withdraw(ex: &mut impl Executor, a: &Agreement, party: Uuid) -> Result<()> {
    let content = a.content.clone().without_party(party);
    ex.execute(
        query("UPDATE agreement_versions SET content = $1 WHERE agreement_id = $2 AND number = $3")
            .bind(serde_json::to_value(&content).unwrap_or_default())
            .bind(a.id)
            .bind(a.current_version),
    )
    .await?;
    AgreementScope::write_parties(ex, a.id, &content).await?;
    ex.execute(
        query("UPDATE agreement_parties SET signed_on = NULL, signed_by_user_id = NULL WHERE agreement_id = $1")
            .bind(a.id),
    )
    .await?;
    let name = a
        .parties
        .iter()
        .find(|p| p.organisation_id == party)
        .map_or("Une partie", |p| p.organisation_name.as_str());
    notify(
        ex,
        a.created_by_organisation_id,
        ("agreement", a.id),
        &format!(
            "{name} a décliné sa participation à « {} » : elle n'en est plus partie et la convention revient en \
             rédaction.",
            a.title
        ),
        &format!("/conventions/{}", a.id),
    )
    .await
}

impl crate::Store {
    /// Recomputes the deadlines of every agreement: those that depend on today (the next yearly review once
    /// one passed) move without any change to the agreement. Run by each scan; agreements are few.
    pub async fn refresh_agreement_obligations(&self) -> Result<u64> {
        let ctx = AccessContext::operator("échéances");
        let scope = self.agreements(&ctx);
        let list = scope.list().await?;
        let mut tx = self.pool.begin().await?;
        for summary in &list {
            let a = scope.get(summary.id).await?;
            let parties = a.parties.iter().map(|p| p.organisation_id);
            crate::obligations::agreement_changed(&mut tx, a.id, &a.title, parties, &a.deadlines).await?;
        }
        tx.commit().await?;
        Ok(list.len() as u64)
    }
}
