//! Conventions d'appui: the periods of support of a worker who left the ESAT for an employer, each renewal
//! checked against the previous ones (`passerelle_domain::pathways::esat::check_support_period`).

use super::{EsatScope, SupportConvention, Worker};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, query};
use passerelle_domain::directory::siret::Siret;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::esat::support::SUPPORT_MAX_PERIODS;
use passerelle_domain::pathways::esat::{Situation, SupportPeriod, check_support_period};
use passerelle_domain::text::{optional, required};
use time::Date;
use uuid::Uuid;

/// A convention d'appui period as typed.
#[derive(Debug, Clone, Default)]
pub struct NewSupportConvention {
    pub employer_name: String,
    pub employer_siret: Option<String>,
    pub savs_name: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// The period this one renews.
    pub renewal_of: Option<Uuid>,
}

impl EsatScope<'_> {
    /// Records a period of a convention d'appui (a first one, or the renewal of `renewal_of`), while the worker is
    /// in transition with a support convention (situation 3).
    pub async fn add_support_convention(&self, id: Uuid, new: NewSupportConvention) -> Result<Worker> {
        let employer_name = required("employer_name", &new.employer_name, 200)?;
        let employer_siret = match new.employer_siret.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(Siret::parse(s).map_err(|e| e.on("employer_siret"))?),
        };
        let savs_name = optional("savs_name", new.savs_name.as_deref(), 200)?;
        let (Some(starts_on), Some(ends_on)) = (new.starts_on, new.ends_on) else {
            return Err(
                Invalid::new("field_required", "Indiquez les dates de début et de fin de la période.")
                    .on(if new.starts_on.is_none() {
                        "starts_on"
                    } else {
                        "ends_on"
                    })
                    .into(),
            );
        };
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        if before.summary.situation != Situation::TransitionWithSupportConvention {
            return Err(StoreError::conflict(
                "support_convention_wrong_situation",
                "Une convention d'appui accompagne la sortie vers une entreprise : passez d'abord le travailleur en \
                 situation 3.",
            ));
        }
        // The periods of the convention renewed, oldest first, following the chain back to its first period.
        let mut previous: Vec<&SupportConvention> = Vec::new();
        let mut cursor = new.renewal_of;
        while let Some(prev_id) = cursor {
            let p = before
                .support_conventions
                .iter()
                .find(|c| c.id == prev_id)
                .ok_or_else(|| {
                    Invalid::new(
                        "support_convention_not_found",
                        "La période renouvelée n'appartient pas aux conventions d'appui de ce travailleur.",
                    )
                    .on("renewal_of")
                })?;
            previous.insert(0, p);
            cursor = p.renewal_of;
        }
        if new
            .renewal_of
            .is_some_and(|r| before.support_conventions.iter().any(|c| c.renewal_of == Some(r)))
        {
            return Err(StoreError::conflict(
                "support_convention_already_renewed",
                "Cette période a déjà été renouvelée : renouvelez la dernière période.",
            ));
        }
        let periods: Vec<SupportPeriod> = previous
            .iter()
            .map(|c| SupportPeriod {
                starts_on: c.starts_on,
                ends_on: c.ends_on,
            })
            .collect();
        let explanation = check_support_period(&periods, SupportPeriod { starts_on, ends_on })
            .map_err(|e| Invalid::from(e).on("ends_on"))?;
        let convention_id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO esat_support_conventions (id, worker_id, period_number, renewal_of, employer_name, \
                 employer_siret, savs_name, starts_on, ends_on, explanation, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(convention_id)
            .bind(id)
            .bind(i64::try_from(periods.len()).unwrap_or(i64::MAX) + 1)
            .bind(new.renewal_of)
            .bind(employer_name)
            .bind(employer_siret.as_ref().map(|s| s.as_str().to_owned()))
            .bind(savs_name)
            .bind(starts_on)
            .bind(ends_on)
            .bind(explanation.message)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        let after = self.load(&mut tx, id).await?;
        let w = &after.summary;
        crate::obligations::support_period_recorded(
            &mut tx,
            (id, w.esat_id),
            (&w.first_name, &w.last_name),
            ends_on,
            SUPPORT_MAX_PERIODS.saturating_sub(periods.len() + 1),
        )
        .await?;
        let added = after.support_conventions.iter().find(|c| c.id == convention_id);
        record(
            &mut tx,
            self.ctx,
            Event::new("esat_worker", id, "esat_worker.support_convention_added")
                .by(Some(after.summary.esat_id))
                .after(&added),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
