//! The steering committee's meeting an avenant comes from: a regional agreement is amended on the proposal
//! of its steering committee (Accord régional de coopération Bourgogne-Franche-Comté (2016), article 5; the
//! rule is the domain's `committee_proposal`). The proposal names the held meeting; the version it becomes
//! keeps the reference, shown with the avenant.

use super::AgreementScope;
use crate::infra::error::Result;
use crate::infra::sql::{Executor, Row, query};
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::agreements::committee_proposal::{self, Named, ProposingMeeting};
use passerelle_domain::governance::CommitteeKind;
use passerelle_domain::governance::meeting::MeetingStatus;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// The meeting of the steering committee that proposed an avenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SteeringMeeting {
    pub id: Uuid,
    pub committee_id: Uuid,
    pub committee_name: String,
    pub held_on: Date,
}

/// The columns [`steering_meeting`] reads, with the joins from `{column}` (a meeting's id) to its committee.
pub(super) fn meeting_columns() -> &'static str {
    "mt.id AS meeting_id, mt.held_on AS meeting_held_on, mc.id AS committee_id, mc.name AS committee_name"
}

pub(super) fn meeting_joins(column: &str) -> String {
    format!(" LEFT JOIN meetings mt ON mt.id = {column} LEFT JOIN committees mc ON mc.id = mt.committee_id")
}

/// The meeting read through [`meeting_columns`], if the row names one.
pub(super) fn steering_meeting(r: &Row) -> Result<Option<SteeringMeeting>> {
    let Some(id) = r.get::<Option<Uuid>>("meeting_id")? else {
        return Ok(None);
    };
    Ok(Some(SteeringMeeting {
        id,
        committee_id: r.get("committee_id")?,
        committee_name: r.get("committee_name")?,
        held_on: r.get("meeting_held_on")?,
    }))
}

/// Checks the meeting named by an avenant to agreement `id` (of `kind`) proposed on `on`.
pub(super) async fn check(
    ex: &mut impl Executor,
    id: Uuid,
    kind: AgreementKind,
    meeting: Option<Uuid>,
    on: Date,
) -> Result<()> {
    let named = match meeting {
        None => Named::Nothing,
        Some(meeting) => {
            let found = ex
                .fetch_optional(
                    query(
                        "SELECT c.kind, mt.status, mt.held_on, ca.agreement_id AS steered FROM meetings mt \
                         JOIN committees c ON c.id = mt.committee_id LEFT JOIN committee_agreements ca \
                         ON ca.committee_id = c.id AND ca.agreement_id = $1 WHERE mt.id = $2",
                    )
                    .bind(id)
                    .bind(meeting),
                )
                .await?;
            match found {
                None => Named::Unknown,
                Some(r) => {
                    let (kind, status): (String, String) = (r.get("kind")?, r.get("status")?);
                    match (CommitteeKind::parse(&kind), MeetingStatus::parse(&status)) {
                        (Some(committee_kind), Some(status)) => Named::Meeting(ProposingMeeting {
                            committee_kind,
                            steers_agreement: r.get::<Option<Uuid>>("steered")?.is_some(),
                            status,
                            held_on: r.get("held_on")?,
                        }),
                        _ => Named::Unknown,
                    }
                }
            }
        }
    };
    Ok(committee_proposal::check(kind, named, on)?)
}

impl AgreementScope<'_> {
    /// The held meetings, newest first, of the committee whose proposal an avenant to agreement `id` needs
    /// (none for the kinds any party amends): the choices of the avenant's form.
    pub async fn steering_meetings(&self, id: Uuid) -> Result<Vec<SteeringMeeting>> {
        let mut pool = self.store.pool.clone();
        let h = self.load_header(&mut pool, id).await?;
        let Some(committee) = committee_proposal::proposing_committee(h.kind) else {
            return Ok(Vec::new());
        };
        pool.fetch_all(
            query(format!(
                "SELECT {} FROM committee_agreements ca JOIN meetings m ON m.committee_id = ca.committee_id{} \
                 WHERE ca.agreement_id = $1 AND mc.kind = $2 AND mt.status = $3 ORDER BY mt.held_on DESC, mt.id",
                meeting_columns(),
                meeting_joins("m.id")
            ))
            .bind(id)
            .bind(committee.code())
            .bind(MeetingStatus::Held.code()),
        )
        .await?
        .iter()
        .filter_map(|r| steering_meeting(r).transpose())
        .collect()
    }
}
