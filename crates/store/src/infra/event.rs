//! One entry of the event journal before it is written ([`crate::infra::events`] writes it with the change it
//! describes; [`crate::infra::sql::read_journal`] batches the entries of reads).

use serde::Serialize;
use uuid::Uuid;

/// One entry of the journal, before it is written.
#[derive(Debug, Clone)]
pub struct Event {
    pub entity_type: &'static str,
    pub entity_id: Uuid,
    /// `organisation.created`, `person.read`, ...
    pub action: String,
    /// The organisation on whose behalf the change is made, when there is one.
    pub organisation_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Event {
    pub fn new(entity_type: &'static str, entity_id: Uuid, action: impl Into<String>) -> Self {
        Self {
            entity_type,
            entity_id,
            action: action.into(),
            organisation_id: None,
            before: None,
            after: None,
        }
    }

    pub fn by(mut self, organisation_id: Option<Uuid>) -> Self {
        self.organisation_id = organisation_id;
        self
    }

    pub fn before(mut self, state: &impl Serialize) -> Self {
        self.before = serde_json::to_value(state).ok();
        self
    }

    pub fn after(mut self, state: &impl Serialize) -> Self {
        self.after = serde_json::to_value(state).ok();
        self
    }
}
