//! The to-do list's item, apart from the lists that gather it ([`super::lists`]): each scheme writes its own
//! items (ESAT, immersions), so that it needs nothing of the lists that read it.

use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// Something the caller's organisations have to do, with why and by when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TodoItem {
    pub person_id: Uuid,
    pub person_name: String,
    /// `tripartite_interview`, `prolongation_decision`, `agrement_decision`, `exit_follow_up`,
    /// `immersion_signatures`, `immersion_assessment`, `esat_orientation_renewal`, `referral_answer`,
    /// `orientation_answer`.
    pub what: String,
    pub due_on: Date,
    pub explanation: String,
    pub link: String,
}
