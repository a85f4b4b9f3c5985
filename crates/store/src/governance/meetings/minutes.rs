//! After the meeting: its minutes and decisions, their validation by the deliberative members, and their
//! transmission to another committee.

use super::{Meeting, NewDecision, allow, secretary_only};
use crate::Store;
use crate::access::AccessContext;
use crate::governance::actions::{self, NewItem};
use crate::governance::committees::{Member, members};
use crate::governance::meeting_standing;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::notifications::notify;
use crate::infra::sql::{Executor, query};
use crate::today;
use passerelle_domain::calendar::check_year;
use passerelle_domain::governance::MemberVote;
use passerelle_domain::governance::meeting::{MeetingAction, MeetingStatus};
use passerelle_domain::invalid::Invalid;
use passerelle_domain::text::required;
use uuid::Uuid;

impl Store {
    /// Writes the minutes and their decisions (the secretary), until the deliberative members validated
    /// them; each decision becomes an action item of its owner. Rewriting asks for the validations again.
    pub async fn write_minutes(
        &self,
        ctx: &AccessContext,
        id: Uuid,
        text: &str,
        decisions: &[NewDecision],
    ) -> Result<Meeting> {
        let text = required("minutes", text, 100_000)?;
        let mut tx = self.pool.begin().await?;
        let s = meeting_standing(&mut tx, ctx, id).await?;
        secretary_only(&s, ctx)?;
        allow(&mut tx, id, MeetingAction::WriteMinutes).await?;
        let committee_members = members(&mut tx, s.committee_id).await?;
        for (i, d) in decisions.iter().enumerate() {
            let title = required(&format!("decisions[{i}].text"), &d.text, 500)?;
            let owner_known = d.owner_organisation_id == s.secretary_organisation_id
                || committee_members
                    .iter()
                    .any(|m| m.organisation_id == d.owner_organisation_id);
            if !owner_known {
                return Err(Invalid::new(
                    "decision_owner_not_member",
                    "La structure responsable d'une décision doit être membre du comité ou son secrétariat.",
                )
                .on(format!("decisions[{i}].owner_organisation_id"))
                .into());
            }
            if let Some(due) = d.due_on {
                check_year(due).map_err(|e| e.on(format!("decisions[{i}].due_on")))?;
            }
            actions::insert(
                &mut tx,
                NewItem {
                    committee_id: s.committee_id,
                    origin: "decision",
                    meeting_id: Some(id),
                    agreement_id: None,
                    source_key: format!("decision:{id}:{}", Uuid::new_v4()),
                    title: &title,
                    owner: d.owner_organisation_id,
                    due_on: d.due_on,
                },
            )
            .await?;
        }
        tx.execute(
            query("UPDATE meetings SET minutes = $1, status = $2, updated_at = $3 WHERE id = $4")
                .bind(text.as_str())
                .bind(MeetingStatus::Held.code())
                .bind(crate::infra::clock::now())
                .bind(id),
        )
        .await?;
        tx.execute(query("DELETE FROM minutes_validations WHERE meeting_id = $1").bind(id))
            .await?;
        record(
            &mut tx,
            ctx,
            Event::new("meeting", id, "meeting.minutes_written")
                .by(Some(s.secretary_organisation_id))
                .after(&serde_json::json!({"minutes": text, "decisions": decisions.len()})),
        )
        .await?;
        tx.commit().await?;
        self.meeting(ctx, id).await
    }

    /// Validates the minutes on behalf of the caller's deliberative member organisations; once every
    /// deliberative member has, the minutes are validated (Journées nationales de l'emploi accompagné 2020: minutes validated by the members).
    pub async fn validate_minutes(&self, ctx: &AccessContext, id: Uuid) -> Result<Meeting> {
        let mut tx = self.pool.begin().await?;
        let s = meeting_standing(&mut tx, ctx, id).await?;
        allow(&mut tx, id, MeetingAction::ValidateMinutes).await?;
        let deliberative: Vec<Member> = members(&mut tx, s.committee_id)
            .await?
            .into_iter()
            .filter(|m| m.vote == MemberVote::Deliberative)
            .collect();
        let mine: Vec<&Member> = deliberative
            .iter()
            .filter(|m| ctx.membership(m.organisation_id).is_some())
            .collect();
        if mine.is_empty() {
            return Err(StoreError::forbidden(
                "minutes_deliberative_only",
                "Seuls les membres à voix délibérative valident le compte rendu.",
            ));
        }
        let now = crate::infra::clock::now();
        for m in &mine {
            tx.execute(
                query(
                    "INSERT INTO minutes_validations (meeting_id, member_id, validated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (meeting_id, member_id) DO NOTHING",
                )
                .bind(id)
                .bind(m.id)
                .bind(now),
            )
            .await?;
        }
        let validated = tx
            .fetch_one(query("SELECT COUNT(*) AS n FROM minutes_validations WHERE meeting_id = $1").bind(id))
            .await?
            .get::<i64>("n")?;
        if validated as usize >= deliberative.len() {
            tx.execute(
                query("UPDATE meetings SET minutes_validated_on = COALESCE(minutes_validated_on, $1) WHERE id = $2")
                    .bind(now.date())
                    .bind(id),
            )
            .await?;
        }
        record(
            &mut tx,
            ctx,
            Event::new("meeting", id, "meeting.minutes_validated")
                .by(mine.first().map(|m| m.organisation_id))
                .after(
                    &serde_json::json!({"members": mine.iter().map(|m| m.id).collect::<Vec<_>>(),
                    "validated": validated, "deliberative": deliberative.len()}),
                ),
        )
        .await?;
        tx.commit().await?;
        self.meeting(ctx, id).await
    }

    /// Records that the validated minutes were sent to another committee (CTA -> CDIAE, regional committee
    /// -> CTA; RULES.md 5), which is told in the application.
    pub async fn transmit_minutes(&self, ctx: &AccessContext, id: Uuid, to_committee_id: Uuid) -> Result<Meeting> {
        let mut tx = self.pool.begin().await?;
        let s = meeting_standing(&mut tx, ctx, id).await?;
        secretary_only(&s, ctx)?;
        allow(&mut tx, id, MeetingAction::TransmitMinutes).await?;
        let target = tx
            .fetch_optional(
                query("SELECT name, secretary_organisation_id FROM committees WHERE id = $1").bind(to_committee_id),
            )
            .await?;
        let Some(target) = target.filter(|_| to_committee_id != s.committee_id) else {
            return Err(Invalid::new(
                "transmission_committee_unknown",
                "Le comité destinataire n'existe pas ou est le comité lui-même.",
            )
            .on("to_committee_id")
            .into());
        };
        let inserted = tx
            .execute(
                query(
                    "INSERT INTO minutes_transmissions (id, meeting_id, to_committee_id, transmitted_on, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (meeting_id, to_committee_id) DO NOTHING",
                )
                .bind(Uuid::new_v4())
                .bind(id)
                .bind(to_committee_id)
                .bind(today())
                .bind(crate::infra::clock::now()),
            )
            .await?;
        if inserted == 1 {
            notify(
                &mut tx,
                target.get("secretary_organisation_id")?,
                ("meeting", id),
                &format!("Compte rendu transmis à « {} »", target.get::<String>("name")?),
                &format!("/reunions/{id}"),
            )
            .await?;
            record(
                &mut tx,
                ctx,
                Event::new("meeting", id, "meeting.minutes_transmitted")
                    .by(Some(s.secretary_organisation_id))
                    .after(&serde_json::json!({"to_committee_id": to_committee_id})),
            )
            .await?;
        }
        tx.commit().await?;
        self.meeting(ctx, id).await
    }
}
