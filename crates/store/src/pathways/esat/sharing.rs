//! A worker's ESAT follow-up shared with the public employment service (seed 000, questions 10-11; the rule in
//! `passerelle_domain::pathways::esat::sharing`).
//!
//! The ESAT records the worker's consent (dated, withdrawable, journaled). While it is in force, the members of
//! an SPE organisation (or Team TH) party to an ESAT-SPE convention in force with the ESAT read the worker's
//! follow-up: situation and its history, the actions planned, the exit project and conventions d'appui. Without
//! consent, after its withdrawal, or once no convention binds, they get « not found », like anybody else. Every
//! read is journaled.

use super::{EsatScope, WORKER_COLUMNS, WORKER_FROM, Worker, WorkerSummary, load_record, summary};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, Query, query};
use crate::today;
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::pathways::esat::sharing::{check_consent_date, consent_in_force};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// The worker's consent to share their follow-up with the SPE.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SpeConsent {
    pub given_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
    pub in_force: bool,
}

impl SpeConsent {
    pub(super) fn new(given_on: Option<Date>, withdrawn_on: Option<Date>) -> Self {
        Self {
            given_on,
            withdrawn_on,
            in_force: consent_in_force(given_on, withdrawn_on),
        }
    }
}

/// A worker an SPE organisation follows with the ESAT, in its list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SharedWorker {
    #[serde(flatten)]
    pub summary: WorkerSummary,
    pub consent_given_on: Date,
}

/// Which of the caller's organisations see the workers of which ESAT: the ESATs party, with one of them, to an
/// ESAT-SPE convention binding today.
struct Coverage {
    /// (ESAT, the caller's SPE organisation through which it is covered).
    pairs: Vec<(Uuid, Uuid)>,
}

impl Coverage {
    async fn of(ex: &mut impl Executor, scope: &EsatScope<'_>, day: Date) -> Result<Self> {
        let spe: Vec<Uuid> = scope.ctx.spe_sharing_organisations().collect();
        let mut pairs = Vec::new();
        for b in crate::agreements::binding(ex, AgreementKind::EsatSpe, &spe, day).await? {
            let parties = ex
                .fetch_all(
                    query(
                        "SELECT p.organisation_id, o.kind FROM agreement_parties p \
                         JOIN organisations o ON o.id = p.organisation_id WHERE p.agreement_id = $1",
                    )
                    .bind(b.id),
                )
                .await?;
            let mut esats = Vec::new();
            let mut mine = Vec::new();
            for r in &parties {
                let id: Uuid = r.get("organisation_id")?;
                let kind: String = r.get("kind")?;
                if kind == OrganisationKind::Esat.code() {
                    esats.push(id);
                } else if spe.contains(&id) {
                    mine.push(id);
                }
            }
            for e in &esats {
                for m in &mine {
                    if !pairs.contains(&(*e, *m)) {
                        pairs.push((*e, *m));
                    }
                }
            }
        }
        Ok(Self { pairs })
    }

    fn esats(&self) -> Vec<Uuid> {
        let mut out: Vec<Uuid> = self.pairs.iter().map(|(e, _)| *e).collect();
        out.sort();
        out.dedup();
        out
    }

    /// The caller's organisation through which `esat` is covered, for the journal.
    fn through(&self, esat: Uuid) -> Option<Uuid> {
        self.pairs.iter().find(|(e, _)| *e == esat).map(|(_, m)| *m)
    }

    /// Restricts `q` (over `esat_workers w`) to the covered workers whose consent is in force.
    fn restrict(&self, q: &mut Query) {
        let esats = self.esats();
        if esats.is_empty() {
            q.push_sql(" AND 1 = 0");
            return;
        }
        q.push_sql(" AND w.spe_consent_on IS NOT NULL AND w.spe_consent_withdrawn_on IS NULL AND");
        crate::directory::push_in(q, "w.esat_id", &esats);
    }
}

impl EsatScope<'_> {
    /// Records the worker's consent, given on `on`, to share their follow-up with the SPE (ESAT members only).
    pub async fn give_spe_consent(&self, id: Uuid, on: Option<Date>) -> Result<Worker> {
        let on = check_consent_date(on, today())?;
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        if before.spe_consent.in_force {
            return Err(StoreError::conflict(
                "esat_consent_already_given",
                "Le consentement du travailleur au partage de son suivi est déjà enregistré.",
            ));
        }
        self.set_consent(&mut tx, id, Some(on), None).await?;
        let after = self.load(&mut tx, id).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("esat_worker", id, "esat_worker.spe_consent_given")
                .by(Some(after.summary.esat_id))
                .before(&before.spe_consent)
                .after(&after.spe_consent),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records the withdrawal of the worker's consent today: the SPE sees nothing more of the follow-up.
    pub async fn withdraw_spe_consent(&self, id: Uuid) -> Result<Worker> {
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        if !before.spe_consent.in_force {
            return Err(StoreError::conflict(
                "esat_consent_not_given",
                "Aucun consentement au partage du suivi n'est en cours pour ce travailleur.",
            ));
        }
        self.set_consent(&mut tx, id, before.spe_consent.given_on, Some(today()))
            .await?;
        let after = self.load(&mut tx, id).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("esat_worker", id, "esat_worker.spe_consent_withdrawn")
                .by(Some(after.summary.esat_id))
                .before(&before.spe_consent)
                .after(&after.spe_consent),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn set_consent(
        &self,
        ex: &mut impl Executor,
        id: Uuid,
        given_on: Option<Date>,
        withdrawn_on: Option<Date>,
    ) -> Result<()> {
        ex.execute(
            query(
                "UPDATE esat_workers SET spe_consent_on = $1, spe_consent_withdrawn_on = $2, updated_at = $3 \
                 WHERE id = $4",
            )
            .bind(given_on)
            .bind(withdrawn_on)
            .bind(crate::infra::clock::now())
            .bind(id),
        )
        .await?;
        Ok(())
    }

    /// The workers the caller's SPE organisations follow with an ESAT: covered by a convention in force, with
    /// the worker's consent. Reserved to members of the SPE and Teams TH (403 otherwise); journaled.
    pub async fn shared_with_spe(&self) -> Result<Vec<SharedWorker>> {
        if self.ctx.spe_sharing_organisations().next().is_none() {
            return Err(StoreError::forbidden(
                "not_an_spe_member",
                "Cette page est réservée aux membres du service public de l'emploi (France Travail, Cap emploi, \
                 Mission locale, équipe TH) partie à une convention ESAT – SPE.",
            ));
        }
        let mut tx = self.store.pool.begin().await?;
        let day = today();
        let coverage = Coverage::of(&mut tx, self, day).await?;
        let mut q = query(format!("SELECT {WORKER_COLUMNS}{WORKER_FROM}"));
        coverage.restrict(&mut q);
        q.push_sql(" ORDER BY p.last_name, p.first_name, w.id");
        let mut items = Vec::new();
        for r in tx.fetch_all(q).await? {
            items.push(SharedWorker {
                summary: summary(&r, day)?,
                consent_given_on: r.get("spe_consent_on")?,
            });
        }
        if !items.is_empty() {
            let ids: Vec<Uuid> = items.iter().map(|w| w.summary.id).collect();
            record(
                &mut tx,
                self.ctx,
                Event::new("esat_workers", Uuid::nil(), "esat_worker.listed_by_spe").after(&ids),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(items)
    }

    /// One worker's follow-up as the SPE reads it: « not found » unless covered and consented. Journaled as a
    /// read of the person by the SPE organisation.
    pub async fn get_shared(&self, id: Uuid) -> Result<Worker> {
        let mut tx = self.store.pool.begin().await?;
        let coverage = Coverage::of(&mut tx, self, today()).await?;
        let mut q = query(format!("SELECT {WORKER_COLUMNS}{WORKER_FROM}"));
        q.push_bound(" AND w.id = {}", id);
        coverage.restrict(&mut q);
        let mut w = load_record(&mut tx, q, id).await?;
        // The SPE reads; the moves are the ESAT's.
        w.allowed_moves.clear();
        record(
            &mut tx,
            self.ctx,
            Event::new("esat_worker", id, "esat_worker.read_by_spe").by(coverage.through(w.summary.esat_id)),
        )
        .await?;
        tx.commit().await?;
        Ok(w)
    }
}
