//! The reads of personal data, for an organisation's administrators: who of their members
//! opened or listed which record, and when. Every read is journaled where it happens with an action ending in
//! `.read` or `.listed` (`person.read`, `pathway.listed`, ...); this page only looks them up.

use crate::Store;
use crate::access::{AccessContext, MemberRole};
use crate::infra::error::{Result, StoreError};
use crate::infra::paging::{Page, fetch_page};
use crate::infra::sql::{Executor, Row, query};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One read of personal data.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadEntry {
    pub occurred_at: OffsetDateTime,
    pub user_id: Option<Uuid>,
    /// The user as they were named when they read.
    pub user: String,
    pub action: String,
    /// In French: « Consultation d'une personne », ...
    pub label: String,
    pub entity_type: String,
    pub entity_id: Uuid,
    /// How many records a list showed (its identifiers are in the journal).
    pub records: Option<i64>,
}

/// What the administrator looks for; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct ReadFilter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub user_id: Option<Uuid>,
    pub entity_id: Option<Uuid>,
}

/// The French label of a read action; an action this list does not know yet keeps its code.
fn label(action: &str) -> String {
    let known = match action {
        "person.read" => "Consultation d'une personne",
        "person.listed" => "Liste des personnes suivies",
        "approval.read" => "Consultation d'un PASS IAE ou d'un agrément",
        "prescription.read" => "Consultation d'une prescription",
        "prescription.listed" => "Liste des prescriptions",
        "orientation.read" => "Consultation d'une orientation",
        "orientation.listed" => "Liste des orientations",
        "pathway.listed" => "Liste des personnes en parcours",
        "referent.listed" => "Tableau de bord du référent",
        "todo.listed" => "Liste des choses à faire",
        "esat_worker.read" => "Consultation du dossier d'un travailleur d'ESAT",
        "esat_worker.listed" => "Liste des travailleurs d'ESAT",
        "immersion.read" => "Consultation d'une immersion",
        "immersion.listed" => "Liste des immersions",
        "supported.listed" => "Liste des personnes en emploi accompagné",
        "person_pathway.read" => "Consultation du parcours complet d'une personne",
        "person_history.read" => "Consultation de l'historique de la fiche d'une personne",
        other => return format!("Consultation de données personnelles ({other})"),
    };
    known.to_owned()
}

impl Store {
    /// The reads of personal data made by the members of `organisation_id`, newest first. Only the
    /// organisation's administrators (and the platform's) may look.
    pub async fn personal_data_reads(
        &self,
        ctx: &AccessContext,
        organisation_id: Uuid,
        filter: &ReadFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<ReadEntry>> {
        let admin = ctx
            .membership(organisation_id)
            .is_some_and(|m| m.role == MemberRole::Admin);
        if !admin && !ctx.is_platform_admin() {
            if ctx.membership(organisation_id).is_none() {
                return Err(StoreError::not_found("organisation"));
            }
            return Err(StoreError::forbidden(
                "admin_only",
                "Le journal des consultations est réservé aux administrateurs de la structure.",
            ));
        }
        let mut db = self.pool.clone();
        if db
            .fetch_optional(query("SELECT id FROM organisations WHERE id = $1").bind(organisation_id))
            .await?
            .is_none()
        {
            return Err(StoreError::not_found("organisation"));
        }
        let mut q = query(
            " FROM events e WHERE (e.action LIKE '%.read' OR e.action LIKE '%.listed') \
             AND e.actor_user_id IN (SELECT m.user_id FROM memberships m WHERE m.organisation_id = $1)",
        )
        .bind(organisation_id);
        if let Some(from) = filter.from {
            q.push_bound(" AND e.occurred_at >= {}", from.midnight().assume_utc());
        }
        if let Some(to) = filter.to {
            q.push_bound(
                " AND e.occurred_at < {}",
                to.next_day().unwrap_or(to).midnight().assume_utc(),
            );
        }
        if let Some(user) = filter.user_id {
            q.push_bound(" AND e.actor_user_id = {}", user);
        }
        if let Some(entity) = filter.entity_id {
            q.push_bound(" AND e.entity_id = {}", entity);
        }
        let (rows, total, page, per_page) = fetch_page(
            &mut db,
            q,
            "e.occurred_at, e.actor_user_id, e.actor_label, e.action, e.entity_type, e.entity_id, e.after_data",
            "e.id DESC",
            page,
            per_page,
        )
        .await?;
        Ok(Page {
            items: rows.iter().map(entry).collect::<Result<_>>()?,
            total,
            page,
            per_page,
        })
    }
}

fn entry(r: &Row) -> Result<ReadEntry> {
    let action: String = r.get("action")?;
    let after = r.json("after_data")?;
    Ok(ReadEntry {
        occurred_at: r.get("occurred_at")?,
        user_id: r.get("actor_user_id")?,
        user: r.get("actor_label")?,
        label: label(&action),
        action,
        entity_type: r.get("entity_type")?,
        entity_id: r.get("entity_id")?,
        records: after.as_ref().and_then(|a| a.as_array()).map(|ids| ids.len() as i64),
    })
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn read_actions_have_french_labels() {
        for (action, expected) in [
            ("person.read", "Consultation d'une personne"),
            ("person.listed", "Liste des personnes suivies"),
            ("pathway.listed", "Liste des personnes en parcours"),
            ("prescription.read", "Consultation d'une prescription"),
            ("person_pathway.read", "Consultation du parcours complet d'une personne"),
            (
                "person_history.read",
                "Consultation de l'historique de la fiche d'une personne",
            ),
            (
                "skills_record.read",
                "Consultation de données personnelles (skills_record.read)",
            ),
        ] {
            assert_eq!(label(action), expected, "{action}");
        }
    }
}
