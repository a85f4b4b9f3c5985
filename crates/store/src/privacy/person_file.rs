//! Everything the caller's organisations hold about a person, in one record: the person's right of access
//! (GDPR article 15). Each part is read through the same access rules and journal as its
//! own page, and the export itself is journaled (`person_file.read`).

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, JournalEntry, history, record};
use crate::pathways::esat::Worker;
use crate::pathways::iae::contract::Employment;
use crate::pathways::iae::exit::FollowUp;
use crate::pathways::iae::pathway::ApprovalView;
use crate::pathways::iae::referral::{DiagnosisRecord, Direction, Prescription};
use crate::pathways::immersion::Immersion;
use crate::pathways::person_pathway::PersonPathway;
use crate::pathways::skills_record::SkillsRecord;
use crate::pathways::supported::SupportedRecord;
use crate::person::Person;
use crate::person::simulations::SavedSimulation;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonFile {
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    pub person: Person,
    pub diagnoses: Vec<DiagnosisRecord>,
    pub prescriptions: Vec<Prescription>,
    /// None when the person has no PASS IAE nor agrément.
    pub approval: Option<ApprovalView>,
    pub employment: Employment,
    pub follow_up: FollowUp,
    /// One history across IAE, ESAT, immersions and employment, as the caller may see it.
    pub pathway: PersonPathway,
    /// The person's records in the caller's ESAT.
    pub esat: Vec<Worker>,
    pub immersions: Vec<Immersion>,
    /// Supported-employment entries, conventions, activities and jobs the caller may see.
    pub supported: SupportedRecord,
    pub skills_record: SkillsRecord,
    /// The benefit simulations saved in the record that the caller may see.
    pub simulations: Vec<SavedSimulation>,
    /// What was done to and with the person's record, reads included, oldest first.
    pub journal: Vec<JournalEntry>,
}

impl Store {
    pub async fn person_file(&self, ctx: &AccessContext, person_id: Uuid) -> Result<PersonFile> {
        let person = self.persons(ctx).get(person_id).await?;
        let approval = match self.approval(ctx, person_id).await {
            Ok(view) => Some(view),
            // No approval, or none computable (a record without a birth date): the file says so, it does not fail.
            Err(StoreError::NotFound { .. } | StoreError::Invalid(_)) => None,
            Err(e) => return Err(e),
        };
        let mut esat = Vec::new();
        for worker in shown(self.esat(ctx).list(None).await)? {
            if worker.person_id == person_id {
                esat.push(self.esat(ctx).get(worker.id).await?);
            }
        }
        let mut immersions = shown(self.immersions(ctx).list().await)?;
        immersions.retain(|i| i.person_id == person_id);
        let file = PersonFile {
            pathway: self.person_pathway(ctx, person_id).await?,
            esat,
            immersions,
            supported: self.supported(ctx, person_id).await?,
            skills_record: self.skills_record(ctx, person_id).await?,
            simulations: self.persons(ctx).simulations(person_id).await?,
            generated_at: crate::infra::clock::now(),
            diagnoses: self.diagnoses(ctx, person_id).await?,
            prescriptions: self.prescriptions(ctx, Direction::All, Some(person_id)).await?,
            approval,
            employment: self.employment(ctx, person_id).await?,
            follow_up: self.follow_up(ctx, person_id).await?,
            journal: history(&mut self.pool.clone(), "person", person_id).await?,
            person,
        };
        let mut tx = self.pool.begin().await?;
        record(&mut tx, ctx, Event::new("person", person_id, "person_file.read")).await?;
        tx.commit().await?;
        Ok(file)
    }
}

/// A list the caller's kind of organisation has no access to is an empty part of the file, not a failure.
fn shown<T>(list: Result<Vec<T>>) -> Result<Vec<T>> {
    match list {
        Err(StoreError::Forbidden { .. } | StoreError::NotFound { .. }) => Ok(Vec::new()),
        other => other,
    }
}
