//! Prescriber authorisations of an organisation, with their validity dates.

use super::load_organisation;
use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, commit_with};
use crate::infra::sql::{Executor, Row, query};
use passerelle_domain::directory::{self as domain, OrganisationKind};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Authorisation {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub issuer: String,
    pub issuer_organisation_id: Option<Uuid>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub in_force: bool,
}

impl Store {
    pub async fn authorisations(
        &self,
        _ctx: &AccessContext,
        organisation_id: Uuid,
        today: Date,
    ) -> Result<Vec<Authorisation>> {
        let mut db = self.pool.clone();
        load_organisation(&mut db, organisation_id).await?;
        let rows = db
            .fetch_all(
                query(
                    "SELECT id, organisation_id, issuer, issuer_organisation_id, starts_on, ends_on FROM authorisations \
                     WHERE organisation_id = $1 AND archived_at IS NULL ORDER BY starts_on DESC",
                )
                .bind(organisation_id),
            )
            .await?;
        rows.iter().map(|r| authorisation(r, today)).collect()
    }

    /// Records a prescriber authorisation. It is issued by the State: platform administrators, or an
    /// administrator of the DDETS of the organisation's department.
    pub async fn create_authorisation(
        &self,
        ctx: &AccessContext,
        organisation_id: Uuid,
        issuer: &str,
        starts_on: Date,
        ends_on: Option<Date>,
        today: Date,
    ) -> Result<Authorisation> {
        let issuer =
            passerelle_domain::text::required("autorité", issuer, domain::MAX_NAME).map_err(|e| e.on("issuer"))?;
        domain::authorisation_period(starts_on, ends_on)?;
        let mut tx = self.pool.begin().await?;
        let org = load_organisation(&mut tx, organisation_id).await?;
        let issuing_ddets = ctx.memberships().iter().find(|m| {
            m.kind == OrganisationKind::Ddets && m.department == org.department && ctx.is_admin_of(m.organisation_id)
        });
        if !(ctx.is_platform_admin() || issuing_ddets.is_some()) {
            return Err(StoreError::forbidden(
                "forbidden",
                "Seule la DDETS du département ou un administrateur de la plateforme peut enregistrer une habilitation.",
            ));
        }
        let id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO authorisations (id, organisation_id, issuer, issuer_organisation_id, starts_on, ends_on, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(organisation_id)
            .bind(&issuer)
            .bind(issuing_ddets.map(|m| m.organisation_id))
            .bind(starts_on)
            .bind(ends_on)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        let row = tx
            .fetch_one(
                query(
                    "SELECT id, organisation_id, issuer, issuer_organisation_id, starts_on, ends_on FROM authorisations \
                     WHERE id = $1",
                )
                .bind(id),
            )
            .await?;
        let a = authorisation(&row, today)?;
        commit_with(
            tx,
            ctx,
            Event::new("authorisation", id, "authorisation.created")
                .by(Some(organisation_id))
                .after(&a),
        )
        .await?;
        Ok(a)
    }
}

fn authorisation(r: &Row, today: Date) -> Result<Authorisation> {
    let starts_on: Date = r.get("starts_on")?;
    let ends_on: Option<Date> = r.get("ends_on")?;
    Ok(Authorisation {
        id: r.get("id")?,
        organisation_id: r.get("organisation_id")?,
        issuer: r.get("issuer")?,
        issuer_organisation_id: r.get("issuer_organisation_id")?,
        starts_on,
        ends_on,
        in_force: domain::authorisation_in_force(starts_on, ends_on, today),
    })
}
