//! The steps of a convention after its draft: sent for signature, signed by each party, cancelled, assessed
//! (the transitions are `passerelle_domain::pathways::immersion::lifecycle`'s).

use super::{Immersion, ImmersionScope};
use crate::infra::error::{Result, StoreError};
use crate::infra::sql::{Executor, query};
use crate::today;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::immersion::lifecycle::apply;
use passerelle_domain::pathways::immersion::signatories::Method;
use passerelle_domain::pathways::immersion::{Assessment, ContractKind, Party, Status, Step};
use passerelle_domain::text::{optional, required};
use time::Date;
use uuid::Uuid;

/// A signature as typed.
#[derive(Debug, Clone, Default)]
pub struct NewSignature {
    pub party: String,
    pub signer_name: String,
    pub signed_on: Option<Date>,
}

/// An assessment as typed.
#[derive(Debug, Clone, Default)]
pub struct NewAssessment {
    pub assessed_on: Option<Date>,
    pub completed: bool,
    pub objective_met: bool,
    pub contract_kind: Option<String>,
    pub comment: Option<String>,
}

impl ImmersionScope<'_> {
    /// Sends the draft to its signatories.
    pub async fn submit(&self, id: Uuid) -> Result<Immersion> {
        self.simple_step(id, Step::Submit, "immersion.submitted").await
    }

    /// Cancels a convention that has not started.
    pub async fn cancel(&self, id: Uuid) -> Result<Immersion> {
        self.simple_step(id, Step::Cancel, "immersion.cancelled").await
    }

    async fn simple_step(&self, id: Uuid, step: Step, action: &'static str) -> Result<Immersion> {
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        self.check_keeps(&before)?;
        let status = apply(before.status, before.starts_on, today(), &step).map_err(conflict)?;
        set_status(&mut tx, id, status).await?;
        self.finish(tx, id, action, &before).await
    }

    /// Records one party's signature; the last one makes the convention signed. Each organisation signs through
    /// its own members (the host's when it is in the directory); the person's and the company's paper signatures
    /// are recorded by the prescriber or the support structure (`Roles::may_sign_as`); otherwise they sign from
    /// a link ([`super::links`]).
    pub async fn sign(&self, id: Uuid, s: NewSignature) -> Result<Immersion> {
        let party = Party::parse(s.party.trim()).ok_or_else(|| {
            Invalid::new(
                "immersion_party_unknown",
                "Choisissez la partie qui signe : bénéficiaire, entreprise d'accueil, prescripteur ou structure \
                 d'accompagnement.",
            )
            .on("party")
        })?;
        let signer_name = required("signer_name", &s.signer_name, 200)?;
        let today = today();
        let signed_on = s.signed_on.unwrap_or(today);
        if signed_on > today {
            return Err(Invalid::new(
                "signature_in_future",
                "Une signature ne peut pas être datée de demain ou après.",
            )
            .on("signed_on")
            .into());
        }
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        let roles = self.roles(&before);
        roles
            .check_sign_as(party)
            .map_err(|e| StoreError::forbidden(e.code, e.message))?;
        let method = roles.method_for(party);
        self.record_signature(tx, &before, party, &signer_name, signed_on, method)
            .await
    }

    /// Applies `party`'s signature to `before` (the life cycle decides), writes it and journals it.
    pub(super) async fn record_signature(
        &self,
        mut tx: crate::infra::sql::Tx,
        before: &Immersion,
        party: Party,
        signer_name: &str,
        signed_on: Date,
        method: Method,
    ) -> Result<Immersion> {
        let already: Vec<Party> = before.signatures.iter().map(|s| s.party).collect();
        let step = Step::Sign {
            party,
            already_signed: already,
        };
        let status = apply(before.status, before.starts_on, today(), &step).map_err(conflict)?;
        tx.execute(
            query(
                "INSERT INTO immersion_signatures (immersion_id, party, signer_name, signed_on, recorded_by_user_id, \
                 recorded_at, method) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(before.id)
            .bind(party.code())
            .bind(signer_name)
            .bind(signed_on)
            .bind(self.ctx.user_id())
            .bind(crate::infra::clock::now())
            .bind(method.code()),
        )
        .await?;
        set_status(&mut tx, before.id, status).await?;
        let action = if method == Method::Link {
            "immersion.signed_by_link"
        } else {
            "immersion.signed"
        };
        self.finish(tx, before.id, action, before).await
    }

    /// Records the assessment of an immersion in progress: completed or not, object met, hired and on what contract.
    pub async fn assess(&self, id: Uuid, a: NewAssessment) -> Result<Immersion> {
        let today = today();
        let assessed_on = a.assessed_on.unwrap_or(today);
        if assessed_on > today {
            return Err(Invalid::new(
                "assessment_in_future",
                "Le bilan ne peut pas être daté de demain ou après.",
            )
            .on("assessed_on")
            .into());
        }
        let contract_kind = match a.contract_kind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(ContractKind::parse(c).ok_or_else(|| {
                Invalid::new(
                    "contract_kind_unknown",
                    format!("« {c} » n'est pas un type de contrat connu (cdi, cdd, interim, apprenticeship, iae, esat, other)."),
                )
                .on("contract_kind")
            })?),
        };
        let comment = optional("comment", a.comment.as_deref(), 4000)?;
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        self.check_keeps(&before)?;
        let step = Step::Assess(Assessment {
            assessed_on,
            completed: a.completed,
            objective_met: a.objective_met,
            hired_with: contract_kind,
        });
        let status = apply(before.status, before.starts_on, today, &step).map_err(|e| {
            if e.code == "immersion_assessment_before_start" {
                StoreError::Invalid(Invalid::from(e).on("assessed_on"))
            } else {
                conflict(e)
            }
        })?;
        tx.execute(
            query(
                "INSERT INTO immersion_assessments (immersion_id, assessed_on, completed, objective_met, contract_kind, \
                 comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(assessed_on)
            .bind(a.completed)
            .bind(a.objective_met)
            .bind(contract_kind.map(ContractKind::code))
            .bind(comment)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        set_status(&mut tx, id, status).await?;
        self.finish(tx, id, "immersion.assessed", &before).await
    }
}

/// A step the life cycle refuses clashes with the current state.
fn conflict(e: passerelle_domain::explanation::Explanation) -> StoreError {
    StoreError::conflict(e.code, e.message)
}

async fn set_status(ex: &mut impl Executor, id: Uuid, status: Status) -> Result<()> {
    // `in_progress` is computed from the dates: the stored status stays `signed`.
    let stored = if status == Status::InProgress {
        Status::Signed
    } else {
        status
    };
    ex.execute(
        query("UPDATE immersions SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(stored.code())
            .bind(crate::infra::clock::now())
            .bind(id),
    )
    .await?;
    Ok(())
}
