//! Meetings of a committee: date and place or video link, the agenda built with the members, documents, the
//! invitation (iCalendar, e-mailed through the outbox), the "agenda sent N days before" rule, attendance,
//! minutes and decisions validated by the deliberative members, and their transmission to another committee.

mod documents;
mod invitation;
mod minutes;

pub use documents::{DOCUMENT_TYPES, MAX_DOCUMENT_BYTES, MeetingDocument, document_content_matches};
pub use invitation::CalendarMeeting;
use invitation::mail_members;
pub(crate) use invitation::{invitation, organisation_contact};

use super::actions::{self, ActionItem};
use super::committees::{Member, members};
use super::{Standing, meeting_standing, standing};
use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, commit_created};
use crate::infra::notifications::notify;
use crate::infra::sql::{Executor, query, rows};
use crate::obligations::{self, Obligation, Source};
use crate::today;
use passerelle_domain::calendar::french_date;
use passerelle_domain::explanation::Explanation;
use passerelle_domain::governance::meeting::{MeetingAction, MeetingFacts, MeetingStatus, Plan};
use passerelle_domain::governance::{AgendaNotice, CommitteeKind, MemberVote, agenda_notice};
use passerelle_domain::invalid::Invalid;
use passerelle_domain::text::required;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgendaItem {
    pub id: Uuid,
    pub title: String,
    pub proposed_by_organisation_id: Uuid,
    pub proposed_by: String,
    /// `proposed`, `accepted` or `refused`.
    pub status: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentSummary {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Presence {
    pub member_id: Uuid,
    /// `present`, `excused` or `absent`.
    pub presence: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Transmission {
    pub to_committee_id: Uuid,
    pub to_committee_name: String,
    pub transmitted_on: Date,
}

/// A meeting as the committee's members see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Meeting {
    pub id: Uuid,
    pub committee_id: Uuid,
    pub secretary_organisation_id: Uuid,
    pub committee_name: String,
    pub committee_kind: CommitteeKind,
    pub held_on: Date,
    /// Local time in Europe/Paris, `HH:MM`.
    pub start_time: String,
    pub end_time: String,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub extraordinary: bool,
    /// The agreement whose termination request the extraordinary meeting examines (Accord régional BFC 2016 article 6).
    pub termination_agreement_id: Option<Uuid>,
    /// `planned`, `held` or `cancelled`.
    pub status: String,
    pub agenda_sent_on: Option<Date>,
    /// The "agenda and documents sent N days before" rule, when the committee has one.
    #[schema(value_type = Option<Object>)]
    pub agenda_notice: Option<AgendaNotice>,
    /// How many times the invitation was sent (the iCalendar SEQUENCE of the last one).
    pub invitation_sequence: i64,
    pub agenda: Vec<AgendaItem>,
    pub documents: Vec<DocumentSummary>,
    pub members: Vec<Member>,
    pub attendance: Vec<Presence>,
    pub minutes: Option<String>,
    /// The deliberative members who validated the minutes.
    pub validated_by: Vec<Uuid>,
    pub minutes_validated_on: Option<Date>,
    pub decisions: Vec<ActionItem>,
    pub transmissions: Vec<Transmission>,
    /// Warnings a secretary should read (late agenda, renamed committee).
    #[schema(value_type = Vec<Object>)]
    pub warnings: Vec<Explanation>,
    pub can_manage: bool,
    /// One of the caller's organisations is a deliberative member that has not validated the minutes yet.
    pub can_validate: bool,
}

/// A meeting to plan.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub held_on: Date,
    pub start_time: String,
    pub end_time: String,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub extraordinary: bool,
    pub termination_agreement_id: Option<Uuid>,
}

/// A decision written with the minutes; it becomes an action item of its owner.
#[derive(Debug, Clone)]
pub struct NewDecision {
    pub text: String,
    pub owner_organisation_id: Uuid,
    pub due_on: Option<Date>,
}

impl NewMeeting {
    /// The plan as the domain checks it, times written `HH:MM`.
    fn checked(self) -> Result<Self, Invalid> {
        let plan = Plan {
            held_on: self.held_on,
            start_time: self.start_time,
            end_time: self.end_time,
            place: self.place,
            video_link: self.video_link,
            extraordinary: self.extraordinary,
            examines_termination: self.termination_agreement_id.is_some(),
        }
        .checked()?;
        Ok(Self {
            held_on: plan.held_on,
            start_time: plan.start_time,
            end_time: plan.end_time,
            place: plan.place,
            video_link: plan.video_link,
            extraordinary: plan.extraordinary,
            termination_agreement_id: self.termination_agreement_id,
        })
    }
}

fn secretary_only(s: &Standing, ctx: &AccessContext) -> Result<()> {
    s.require_secretary(ctx)
}

/// Reads the meeting's state and asks the domain whether `action` may be done to it today.
async fn allow(ex: &mut impl Executor, meeting_id: Uuid, action: MeetingAction) -> Result<()> {
    let r = ex
        .fetch_one(
            query("SELECT status, held_on, minutes_validated_on, minutes FROM meetings WHERE id = $1").bind(meeting_id),
        )
        .await?;
    let status = r.get::<String>("status")?;
    let facts = MeetingFacts {
        status: MeetingStatus::parse(&status)
            .ok_or_else(|| StoreError::Database(sqlx::Error::Decode(format!("meeting status {status}").into())))?,
        held_on: r.get("held_on")?,
        minutes_written: r.get::<Option<String>>("minutes")?.is_some(),
        minutes_validated: r.get::<Option<Date>>("minutes_validated_on")?.is_some(),
    };
    action.check(&facts, today()).map_err(|refusal| {
        if refusal.conflict {
            StoreError::conflict(refusal.code, refusal.message)
        } else {
            Invalid::new(refusal.code, refusal.message).into()
        }
    })
}

impl Store {
    /// Plans a meeting (the secretary). With an agenda notice, the secretary gets the obligation to send
    /// the agenda and documents by its last day.
    pub async fn create_meeting(
        &self,
        ctx: &AccessContext,
        committee_id: Uuid,
        new: NewMeeting,
        key: Option<IdempotencyKey>,
    ) -> Result<Meeting> {
        let new = new.checked()?;
        let mut tx = self.pool.begin().await?;
        let s = standing(&mut tx, ctx, committee_id).await?;
        secretary_only(&s, ctx)?;
        if let Some(agreement) = new.termination_agreement_id {
            let steered = tx
                .fetch_optional(
                    query("SELECT 1 AS one FROM committee_agreements WHERE committee_id = $1 AND agreement_id = $2")
                        .bind(committee_id)
                        .bind(agreement),
                )
                .await?;
            if steered.is_none() {
                return Err(Invalid::new(
                    "termination_agreement_not_steered",
                    "Le comité ne pilote pas cette convention : il ne peut pas examiner sa résiliation.",
                )
                .on("termination_agreement_id")
                .into());
            }
        }
        let id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO meetings (id, committee_id, held_on, start_time, end_time, place, video_link, \
                 extraordinary, termination_agreement_id, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'planned', $10)",
            )
            .bind(id)
            .bind(committee_id)
            .bind(new.held_on)
            .bind(new.start_time.as_str())
            .bind(new.end_time.as_str())
            .bind(&new.place)
            .bind(&new.video_link)
            .bind(new.extraordinary)
            .bind(new.termination_agreement_id)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        if let Some(agreement) = new.termination_agreement_id {
            self.agreement_obligations(&mut tx, agreement).await?;
        }
        let notice = tx
            .fetch_one(query("SELECT name, agenda_notice_days FROM committees WHERE id = $1").bind(committee_id))
            .await?;
        if let Some(days) = notice.get::<Option<i64>>("agenda_notice_days")? {
            let agenda = Obligation::of(
                passerelle_domain::obligations::for_agenda_sending(new.held_on, u32::try_from(days).unwrap_or(0)),
                id.to_string(),
                s.secretary_organisation_id,
                format!(
                    "Ordre du jour et documents de la réunion du {} ({})",
                    french_date(new.held_on),
                    notice.get::<String>("name")?
                ),
                format!("/reunions/{id}"),
            );
            obligations::upsert(&mut tx, &agenda).await?;
        }
        let event = Event::new("meeting", id, "meeting.planned")
            .by(Some(s.secretary_organisation_id))
            .after(
                &serde_json::json!({"committee_id": committee_id, "held_on": new.held_on,
                "extraordinary": new.extraordinary, "termination_agreement_id": new.termination_agreement_id}),
            );
        commit_created(tx, ctx, key.as_ref(), id, event).await?;
        self.meeting(ctx, id).await
    }

    pub async fn meeting(&self, ctx: &AccessContext, id: Uuid) -> Result<Meeting> {
        let mut db = self.pool.clone();
        let s = meeting_standing(&mut db, ctx, id).await?;
        load(&mut db, ctx, s, id).await
    }

    /// Proposes an agenda item on behalf of `organisation_id` (one of the caller's organisations, member of
    /// the committee); the secretary's own items are accepted at once.
    pub async fn propose_agenda_item(
        &self,
        ctx: &AccessContext,
        meeting_id: Uuid,
        organisation_id: Uuid,
        title: &str,
        key: Option<IdempotencyKey>,
    ) -> Result<Meeting> {
        let title = required("title", title, 300)?;
        let mut tx = self.pool.begin().await?;
        let s = meeting_standing(&mut tx, ctx, meeting_id).await?;
        let member = tx
            .fetch_optional(
                query("SELECT 1 AS one FROM committee_members WHERE committee_id = $1 AND organisation_id = $2")
                    .bind(s.committee_id)
                    .bind(organisation_id),
            )
            .await?
            .is_some();
        let secretary = organisation_id == s.secretary_organisation_id;
        if ctx.membership(organisation_id).is_none() && !ctx.is_platform_admin() || !(member || secretary) {
            return Err(StoreError::forbidden(
                "agenda_item_not_member",
                "Seules les structures membres du comité proposent des points à l'ordre du jour.",
            ));
        }
        allow(&mut tx, meeting_id, MeetingAction::ProposeAgendaItem).await?;
        let id = Uuid::new_v4();
        let status = if secretary { "accepted" } else { "proposed" };
        tx.execute(
            query(
                "INSERT INTO agenda_items (id, meeting_id, title, proposed_by_organisation_id, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(meeting_id)
            .bind(title.as_str())
            .bind(organisation_id)
            .bind(status)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        if !secretary {
            notify(
                &mut tx,
                s.secretary_organisation_id,
                ("meeting", meeting_id),
                &format!("Point proposé à l'ordre du jour : {title}"),
                &format!("/reunions/{meeting_id}"),
            )
            .await?;
        }
        let event = Event::new("meeting", meeting_id, "meeting.agenda_item_proposed")
            .by(Some(organisation_id))
            .after(&serde_json::json!({"item_id": id, "title": title, "status": status}));
        commit_created(tx, ctx, key.as_ref(), meeting_id, event).await?;
        self.meeting(ctx, meeting_id).await
    }

    /// Accepts or refuses a proposed agenda item (the secretary).
    pub async fn decide_agenda_item(
        &self,
        ctx: &AccessContext,
        meeting_id: Uuid,
        item_id: Uuid,
        accept: bool,
    ) -> Result<Meeting> {
        let mut tx = self.pool.begin().await?;
        let s = meeting_standing(&mut tx, ctx, meeting_id).await?;
        secretary_only(&s, ctx)?;
        let status = if accept { "accepted" } else { "refused" };
        let changed = tx
            .execute(
                query("UPDATE agenda_items SET status = $1 WHERE id = $2 AND meeting_id = $3")
                    .bind(status)
                    .bind(item_id)
                    .bind(meeting_id),
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::not_found("point de l'ordre du jour"));
        }
        record(
            &mut tx,
            ctx,
            Event::new("meeting", meeting_id, "meeting.agenda_item_decided")
                .by(Some(s.secretary_organisation_id))
                .after(&serde_json::json!({"item_id": item_id, "status": status})),
        )
        .await?;
        tx.commit().await?;
        self.meeting(ctx, meeting_id).await
    }

    /// The meeting's invitation as iCalendar (RFC 5545), as attached to the e-mails.
    pub async fn meeting_invitation(&self, ctx: &AccessContext, id: Uuid) -> Result<String> {
        let meeting = self.meeting(ctx, id).await?;
        let organizer = organisation_contact(&mut self.pool.clone(), meeting.secretary_organisation_id).await?;
        Ok(invitation(&meeting, organizer, crate::infra::clock::now()))
    }

    /// Sends the invitation, agenda and documents list to every member with an e-mail address, through the
    /// outbox (one mail per member and sending; the .ics attached). The first sending dates the agenda for
    /// the notice rule; a late one is recorded with its warning, not refused.
    pub async fn send_invitations(&self, ctx: &AccessContext, id: Uuid, now: OffsetDateTime) -> Result<Meeting> {
        let mut tx = self.pool.begin().await?;
        let s = meeting_standing(&mut tx, ctx, id).await?;
        secretary_only(&s, ctx)?;
        allow(&mut tx, id, MeetingAction::SendInvitations).await?;
        tx.execute(
            query(
                "UPDATE meetings SET invitation_sequence = invitation_sequence + 1, \
                 agenda_sent_on = COALESCE(agenda_sent_on, $1) WHERE id = $2",
            )
            .bind(now.date())
            .bind(id),
        )
        .await?;
        let meeting = load(&mut tx, ctx, s, id).await?;
        let sent = mail_members(&mut tx, &meeting, now).await?;
        let mut told: Vec<Uuid> = Vec::new();
        for m in meeting
            .members
            .iter()
            .filter(|m| m.organisation_id != s.secretary_organisation_id)
        {
            if !told.contains(&m.organisation_id) {
                told.push(m.organisation_id);
                let message = format!(
                    "Invitation : {} du {}",
                    meeting.committee_name,
                    french_date(meeting.held_on)
                );
                notify(
                    &mut tx,
                    m.organisation_id,
                    ("meeting", id),
                    &message,
                    &format!("/reunions/{id}"),
                )
                .await?;
            }
        }
        obligations::close(&mut tx, Source::AgendaSending, &id.to_string()).await?;
        record(
            &mut tx,
            ctx,
            Event::new("meeting", id, "meeting.invitations_sent")
                .by(Some(s.secretary_organisation_id))
                .after(
                    &serde_json::json!({"sequence": meeting.invitation_sequence, "mails": sent,
                    "agenda_notice": meeting.agenda_notice}),
                ),
        )
        .await?;
        tx.commit().await?;
        self.meeting(ctx, id).await
    }

    /// Calls a planned meeting off (the secretary): members already invited get the cancellation (the same
    /// event, next SEQUENCE, METHOD:CANCEL) through the outbox; it no longer counts for the frequency.
    pub async fn cancel_meeting(&self, ctx: &AccessContext, id: Uuid, now: OffsetDateTime) -> Result<Meeting> {
        let mut tx = self.pool.begin().await?;
        let s = meeting_standing(&mut tx, ctx, id).await?;
        secretary_only(&s, ctx)?;
        allow(&mut tx, id, MeetingAction::Cancel).await?;
        let invited = tx
            .fetch_one(query("SELECT invitation_sequence FROM meetings WHERE id = $1").bind(id))
            .await?
            .get::<i64>("invitation_sequence")?
            > 0;
        tx.execute(
            query("UPDATE meetings SET status = $1, invitation_sequence = invitation_sequence + 1 WHERE id = $2")
                .bind(MeetingStatus::Cancelled.code())
                .bind(id),
        )
        .await?;
        let meeting = load(&mut tx, ctx, s, id).await?;
        let sent = if invited {
            mail_members(&mut tx, &meeting, now).await?
        } else {
            0
        };
        obligations::close(&mut tx, Source::AgendaSending, &id.to_string()).await?;
        if let Some(agreement) = meeting.termination_agreement_id {
            self.agreement_obligations(&mut tx, agreement).await?;
        }
        record(
            &mut tx,
            ctx,
            Event::new("meeting", id, "meeting.cancelled")
                .by(Some(s.secretary_organisation_id))
                .after(&serde_json::json!({"sequence": meeting.invitation_sequence, "mails": sent})),
        )
        .await?;
        tx.commit().await?;
        self.meeting(ctx, id).await
    }

    /// Records who attended (the secretary, once the meeting's day has come); the meeting is then held.
    pub async fn record_attendance(
        &self,
        ctx: &AccessContext,
        id: Uuid,
        presences: &[(Uuid, String)],
    ) -> Result<Meeting> {
        let mut tx = self.pool.begin().await?;
        let s = meeting_standing(&mut tx, ctx, id).await?;
        secretary_only(&s, ctx)?;
        allow(&mut tx, id, MeetingAction::RecordAttendance).await?;
        let known = members(&mut tx, s.committee_id).await?;
        for (i, (member, presence)) in presences.iter().enumerate() {
            if !known.iter().any(|m| m.id == *member) {
                return Err(Invalid::new("member_unknown", "Ce membre n'appartient pas au comité.")
                    .on(format!("attendance[{i}].member_id"))
                    .into());
            }
            if !matches!(presence.as_str(), "present" | "excused" | "absent") {
                return Err(Invalid::new(
                    "presence_unknown",
                    format!("« {presence} » n'est pas une présence : « present », « excused » ou « absent »."),
                )
                .on(format!("attendance[{i}].presence"))
                .into());
            }
            tx.execute(
                query(
                    "INSERT INTO meeting_attendance (meeting_id, member_id, presence) VALUES ($1, $2, $3) \
                     ON CONFLICT (meeting_id, member_id) DO UPDATE SET presence = excluded.presence",
                )
                .bind(id)
                .bind(*member)
                .bind(presence.as_str()),
            )
            .await?;
        }
        tx.execute(
            query("UPDATE meetings SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(MeetingStatus::Held.code())
                .bind(crate::infra::clock::now())
                .bind(id),
        )
        .await?;
        obligations::close(&mut tx, Source::AgendaSending, &id.to_string()).await?;
        record(
            &mut tx,
            ctx,
            Event::new("meeting", id, "meeting.attendance_recorded")
                .by(Some(s.secretary_organisation_id))
                .after(&serde_json::json!({"attendance": presences})),
        )
        .await?;
        tx.commit().await?;
        self.meeting(ctx, id).await
    }
}

async fn load(ex: &mut impl Executor, ctx: &AccessContext, s: Standing, id: Uuid) -> Result<Meeting> {
    let r = ex
        .fetch_one(
            query(
                "SELECT mt.held_on, mt.start_time, mt.end_time, mt.place, mt.video_link, mt.extraordinary, \
                 mt.termination_agreement_id, mt.status, mt.agenda_sent_on, mt.invitation_sequence, mt.minutes, \
                 mt.minutes_validated_on, c.name, c.kind, c.agenda_notice_days FROM meetings mt \
                 JOIN committees c ON c.id = mt.committee_id WHERE mt.id = $1",
            )
            .bind(id),
        )
        .await?;
    let today = today();
    let kind = CommitteeKind::parse(&r.get::<String>("kind")?).unwrap_or(CommitteeKind::Other);
    let held_on: Date = r.get("held_on")?;
    let status: String = r.get("status")?;
    let agenda_sent_on: Option<Date> = r.get("agenda_sent_on")?;
    let agenda_notice = match r.get::<Option<i64>>("agenda_notice_days")? {
        Some(days) if status != "cancelled" => Some(agenda_notice(
            held_on,
            u32::try_from(days).unwrap_or(0),
            agenda_sent_on,
            today,
        )),
        _ => None,
    };
    let mut warnings: Vec<Explanation> = kind.name_warning(held_on).into_iter().collect();
    if let Some(AgendaNotice::Late { warning, .. }) = &agenda_notice {
        warnings.push(warning.clone());
    }
    let agenda = rows(
        &mut *ex,
        query(
            "SELECT a.id, a.title, a.proposed_by_organisation_id, o.name, a.status FROM agenda_items a \
                 JOIN organisations o ON o.id = a.proposed_by_organisation_id WHERE a.meeting_id = $1 \
                 ORDER BY a.created_at, a.id",
        )
        .bind(id),
        |r| {
            Ok(AgendaItem {
                id: r.get("id")?,
                title: r.get("title")?,
                proposed_by_organisation_id: r.get("proposed_by_organisation_id")?,
                proposed_by: r.get("name")?,
                status: r.get("status")?,
            })
        },
    )
    .await?;
    let documents = rows(
        &mut *ex,
        query(
            "SELECT id, file_name, content_type, size FROM meeting_documents WHERE meeting_id = $1 \
                 ORDER BY created_at, id",
        )
        .bind(id),
        |r| {
            Ok(DocumentSummary {
                id: r.get("id")?,
                file_name: r.get("file_name")?,
                content_type: r.get("content_type")?,
                size: r.get("size")?,
            })
        },
    )
    .await?;
    let attendance = rows(
        &mut *ex,
        query("SELECT member_id, presence FROM meeting_attendance WHERE meeting_id = $1").bind(id),
        |r| {
            Ok(Presence {
                member_id: r.get("member_id")?,
                presence: r.get("presence")?,
            })
        },
    )
    .await?;
    let validated_by = ex
        .fetch_all(query("SELECT member_id FROM minutes_validations WHERE meeting_id = $1").bind(id))
        .await?
        .iter()
        .map(|r| Ok(r.get("member_id")?))
        .collect::<Result<Vec<Uuid>>>()?;
    let transmissions = rows(
        &mut *ex,
        query(
            "SELECT t.to_committee_id, c.name, t.transmitted_on FROM minutes_transmissions t \
                 JOIN committees c ON c.id = t.to_committee_id WHERE t.meeting_id = $1 ORDER BY t.created_at",
        )
        .bind(id),
        |r| {
            Ok(Transmission {
                to_committee_id: r.get("to_committee_id")?,
                to_committee_name: r.get("name")?,
                transmitted_on: r.get("transmitted_on")?,
            })
        },
    )
    .await?;
    let members = members(ex, s.committee_id).await?;
    let minutes: Option<String> = r.get("minutes")?;
    let minutes_validated_on: Option<Date> = r.get("minutes_validated_on")?;
    let can_validate = minutes.is_some()
        && minutes_validated_on.is_none()
        && members.iter().any(|m| {
            m.vote == MemberVote::Deliberative
                && ctx.membership(m.organisation_id).is_some()
                && !validated_by.contains(&m.id)
        });
    Ok(Meeting {
        id,
        committee_id: s.committee_id,
        secretary_organisation_id: s.secretary_organisation_id,
        committee_name: r.get("name")?,
        committee_kind: kind,
        held_on,
        start_time: r.get("start_time")?,
        end_time: r.get("end_time")?,
        place: r.get("place")?,
        video_link: r.get("video_link")?,
        extraordinary: r.get("extraordinary")?,
        termination_agreement_id: r.get("termination_agreement_id")?,
        status,
        agenda_sent_on,
        agenda_notice,
        invitation_sequence: r.get("invitation_sequence")?,
        agenda,
        documents,
        members,
        attendance,
        minutes,
        validated_by,
        minutes_validated_on,
        decisions: actions::of_meeting(ex, id, today).await?,
        transmissions,
        warnings,
        can_manage: s.is_secretary(ctx),
        can_validate,
    })
}
