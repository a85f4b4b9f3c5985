//! The invitation: iCalendar (RFC 5545) e-mailed through the outbox to every member, its French text, and
//! the caller's meetings as a calendar.

use super::Meeting;
use crate::Store;
use crate::access::AccessContext;
use crate::governance::committees::Member;
use crate::infra::error::Result;
use crate::infra::outbox::{OutgoingMail, enqueue};
use crate::infra::sql::{Executor, query};
use passerelle_documents::ics::{Attendee, CalendarEvent, Method, When, calendar};
use passerelle_domain::calendar::french_date;
use passerelle_domain::governance::MemberVote;
use passerelle_domain::governance::meeting::time_of_day;
use serde::Serialize;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};
use uuid::Uuid;

/// Enqueues the meeting's current invitation (or cancellation) for every member with an address, once per
/// member and sending; returns how many mails were added.
pub(super) async fn mail_members(ex: &mut impl Executor, meeting: &Meeting, now: OffsetDateTime) -> Result<u64> {
    let organizer = organisation_contact(ex, meeting.secretary_organisation_id).await?;
    let ics = invitation(meeting, organizer, now);
    let (subject, method) = if meeting.status == "cancelled" {
        ("Annulation", "CANCEL")
    } else {
        ("Invitation", "REQUEST")
    };
    let mut sent = 0;
    for m in &meeting.members {
        let Some(email) = &m.email else { continue };
        let mail = OutgoingMail {
            dedupe_key: format!("invitation:{}:{}:{}", meeting.id, m.id, meeting.invitation_sequence),
            to: email.clone(),
            subject: format!(
                "{subject} : {} du {}",
                meeting.committee_name,
                french_date(meeting.held_on)
            ),
            text: if meeting.status == "cancelled" {
                format!(
                    "Bonjour,\n\nLa réunion « {} » du {} est annulée.\n",
                    meeting.committee_name,
                    french_date(meeting.held_on)
                )
            } else {
                invitation_text(meeting, m)
            },
            attachment: Some((
                "invitation.ics".to_owned(),
                format!("text/calendar; method={method}; charset=UTF-8"),
                ics.clone(),
            )),
        };
        if enqueue(ex, &mail, now).await? {
            sent += 1;
        }
        ex.execute(
            query(
                "INSERT INTO meeting_invitations (meeting_id, member_id, sequence, email, enqueued_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(meeting.id)
            .bind(m.id)
            .bind(meeting.invitation_sequence)
            .bind(email.as_str())
            .bind(now),
        )
        .await?;
    }
    Ok(sent)
}

pub(crate) async fn organisation_contact(ex: &mut impl Executor, id: Uuid) -> Result<Attendee> {
    let r = ex
        .fetch_one(query("SELECT name, email FROM organisations WHERE id = $1").bind(id))
        .await?;
    Ok(Attendee {
        name: r.get("name")?,
        email: r
            .get::<Option<String>>("email")?
            .unwrap_or_else(|| "ne-pas-repondre@passerelle.invalid".to_owned()),
        required: true,
    })
}

/// The local start and end of a meeting (stored `HH:MM`, checked when written).
fn local_times(m: &Meeting) -> (PrimitiveDateTime, PrimitiveDateTime) {
    let at = |t: &str| {
        let t = time_of_day("time", t).unwrap_or(Time::MIDNIGHT);
        PrimitiveDateTime::new(m.held_on, t)
    };
    (at(&m.start_time), at(&m.end_time))
}

/// The accepted agenda items, one per line.
fn agenda_lines(m: &Meeting) -> Vec<String> {
    m.agenda
        .iter()
        .filter(|a| a.status == "accepted")
        .enumerate()
        .map(|(i, a)| format!("{}. {} (proposé par {})", i + 1, a.title, a.proposed_by))
        .collect()
}

/// The meeting as one iCalendar event: deliberative members required, the others optional.
pub(crate) fn invitation(m: &Meeting, organizer: Attendee, now: OffsetDateTime) -> String {
    let (start, end) = local_times(m);
    let mut description = String::from("Ordre du jour :\n");
    for line in agenda_lines(m) {
        description.push_str(&line);
        description.push('\n');
    }
    if let Some(link) = &m.video_link {
        description.push_str(&format!("Visioconférence : {link}\n"));
    }
    let event = CalendarEvent {
        uid: format!("{}@passerelle", m.id),
        sequence: u32::try_from(m.invitation_sequence).unwrap_or(0),
        summary: format!(
            "{}{}",
            m.committee_name,
            if m.extraordinary {
                " (réunion extraordinaire)"
            } else {
                ""
            }
        ),
        description: Some(description),
        location: m.place.clone().or_else(|| m.video_link.clone()),
        url: m.video_link.clone(),
        when: When::Local { start, end },
        organizer: Some(organizer),
        attendees: m
            .members
            .iter()
            .filter_map(|x| {
                x.email.as_ref().map(|email| Attendee {
                    name: x.person_name.clone().unwrap_or_else(|| x.organisation_name.clone()),
                    email: email.clone(),
                    required: x.vote == MemberVote::Deliberative,
                })
            })
            .collect(),
        cancelled: m.status == "cancelled",
    };
    let method = if m.status == "cancelled" {
        Method::Cancel
    } else {
        Method::Request
    };
    calendar(&[event], method, now)
}

fn invitation_text(m: &Meeting, to: &Member) -> String {
    let mut text = format!(
        "Bonjour,\n\n{} ({}) est invitée à la réunion « {} » du {} de {} à {}.\n",
        to.person_name.as_deref().unwrap_or("Votre structure"),
        to.organisation_name,
        m.committee_name,
        french_date(m.held_on),
        m.start_time,
        m.end_time
    );
    if let Some(place) = &m.place {
        text.push_str(&format!("Lieu : {place}\n"));
    }
    if let Some(link) = &m.video_link {
        text.push_str(&format!("Visioconférence : {link}\n"));
    }
    text.push_str(&format!("Voix : {}\n\nOrdre du jour :\n", to.vote_label));
    for line in agenda_lines(m) {
        text.push_str(&format!("{line}\n"));
    }
    if !m.documents.is_empty() {
        text.push_str("\nDocuments (sur la page de la réunion dans Passerelle) :\n");
        for d in &m.documents {
            text.push_str(&format!("- {}\n", d.file_name));
        }
    }
    text.push_str(&format!(
        "\nL'invitation est jointe (invitation.ics) ; la réunion est sur Passerelle : /reunions/{}\n",
        m.id
    ));
    text
}

/// A meeting on the caller's calendar.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarMeeting {
    pub id: Uuid,
    pub committee_name: String,
    pub held_on: Date,
    pub start_time: String,
    pub end_time: String,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub status: String,
    pub extraordinary: bool,
}

impl CalendarMeeting {
    /// The meeting as an iCalendar event of a subscribed calendar.
    pub fn event(&self) -> CalendarEvent {
        let at = |t: &str| PrimitiveDateTime::new(self.held_on, time_of_day("time", t).unwrap_or(Time::MIDNIGHT));
        CalendarEvent {
            uid: format!("{}@passerelle", self.id),
            sequence: 0,
            summary: self.committee_name.clone(),
            description: None,
            location: self.place.clone().or_else(|| self.video_link.clone()),
            url: self.video_link.clone(),
            when: When::Local {
                start: at(&self.start_time),
                end: at(&self.end_time),
            },
            organizer: None,
            attendees: Vec::new(),
            cancelled: self.status == "cancelled",
        }
    }
}

impl Store {
    /// The meetings of the committees the caller sees, from `from` to `to` (included), by date.
    pub async fn meetings_between(&self, ctx: &AccessContext, from: Date, to: Date) -> Result<Vec<CalendarMeeting>> {
        let mut q = query(
            "SELECT mt.id, c.name, mt.held_on, mt.start_time, mt.end_time, mt.place, mt.video_link, mt.status, \
             mt.extraordinary FROM meetings mt JOIN committees c ON c.id = mt.committee_id \
             WHERE mt.held_on BETWEEN $1 AND $2",
        )
        .bind(from)
        .bind(to);
        crate::governance::restrict(&mut q, ctx);
        q.push_sql(" ORDER BY mt.held_on, mt.start_time, mt.id");
        let rows = self.pool.clone().fetch_all(q).await?;
        rows.iter()
            .map(|r| {
                Ok(CalendarMeeting {
                    id: r.get("id")?,
                    committee_name: r.get("name")?,
                    held_on: r.get("held_on")?,
                    start_time: r.get("start_time")?,
                    end_time: r.get("end_time")?,
                    place: r.get("place")?,
                    video_link: r.get("video_link")?,
                    status: r.get("status")?,
                    extraordinary: r.get("extraordinary")?,
                })
            })
            .collect()
    }
}
