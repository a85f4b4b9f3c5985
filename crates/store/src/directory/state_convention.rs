//! The State's decisions about a structure of a department, recorded by the State service of that department:
//! an SIAE's State convention (conventionnement), whose end makes its local cooperation conventions lapse
//! (Guide de la CCL Pôle emploi – SIAE II.b; docs/agreements.md).

use super::load_organisation;
use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, commit_with};
use crate::infra::sql::{Executor, query};
use passerelle_domain::agreements::state_convention;
use passerelle_domain::directory::OrganisationKind;
use time::Date;
use uuid::Uuid;

use super::Organisation;

/// The caller's State service (DDETS first, else DREETS) whose territory covers `department`: the one that
/// records the State's decisions there. Refused to anyone else, platform administrators included (the decision
/// is the State's, not the platform's).
pub(crate) async fn state_service_for(
    ex: &mut impl Executor,
    ctx: &AccessContext,
    department: &str,
    refusal: &'static str,
) -> Result<Uuid> {
    let mut services: Vec<_> = ctx
        .memberships()
        .iter()
        .filter(|m| matches!(m.kind, OrganisationKind::Ddets | OrganisationKind::Dreets))
        .collect();
    services.sort_by_key(|m| m.kind != OrganisationKind::Ddets);
    for m in services {
        if m.department == department {
            return Ok(m.organisation_id);
        }
        let covers = ex
            .fetch_optional(
                query("SELECT 1 AS one FROM organisation_territories WHERE organisation_id = $1 AND department = $2")
                    .bind(m.organisation_id)
                    .bind(department),
            )
            .await?
            .is_some();
        if covers {
            return Ok(m.organisation_id);
        }
    }
    Err(StoreError::forbidden("not_state_service_of_department", refusal))
}

impl Store {
    /// Records an SIAE's State convention, its last day and reference: only the DDETS (or DREETS) of the SIAE's
    /// department may. The parties' obligations of the SIAE's local cooperation conventions are rewritten in the
    /// same transaction, so that the reminder and the lapse follow the new date.
    pub async fn record_state_convention(
        &self,
        ctx: &AccessContext,
        siae_id: Uuid,
        ends_on: Date,
        reference: &str,
    ) -> Result<Organisation> {
        let reference = state_convention::check(ends_on, reference)?;
        let mut tx = self.pool.begin().await?;
        let before = load_organisation(&mut tx, siae_id).await?;
        let service = state_service_for(
            &mut tx,
            ctx,
            &before.department,
            "Seule la DDETS (ou la DREETS) du département de la SIAE peut enregistrer son conventionnement par l'État.",
        )
        .await?;
        if !before.kind.is_siae() {
            return Err(passerelle_domain::invalid::Invalid::new(
                "not_an_siae",
                format!(
                    "« {} » n'est pas une SIAE : seule une SIAE est conventionnée par l'État au titre de l'insertion par \
                     l'activité économique.",
                    before.name
                ),
            )
            .into());
        }
        tx.execute(
            query(
                "UPDATE organisations SET state_convention_ends_on = $1, state_convention_reference = $2, \
                 updated_at = $3 WHERE id = $4",
            )
            .bind(ends_on)
            .bind(&reference)
            .bind(crate::infra::clock::now())
            .bind(siae_id),
        )
        .await?;
        let ccl = tx
            .fetch_all(
                query(
                    "SELECT a.id FROM agreements a JOIN agreement_parties p ON p.agreement_id = a.id \
                     WHERE p.organisation_id = $1 AND a.kind = 'local_cooperation'",
                )
                .bind(siae_id),
            )
            .await?;
        for r in ccl {
            self.agreement_obligations(&mut tx, r.get("id")?).await?;
        }
        let after = load_organisation(&mut tx, siae_id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("organisation", siae_id, "organisation.state_convention_recorded")
                .by(Some(service))
                .before(&before)
                .after(&after),
        )
        .await?;
        Ok(after)
    }
}
