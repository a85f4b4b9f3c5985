//! The tripartite interview scheduled before it is held (rules: `passerelle_domain::pathways::iae::interview`):
//! scheduled by the SIAE of the last hiring or an SPE organisation following the person, moved, cancelled, and
//! closed when the SIAE records it held ([`Store::hold_interview`]). Each change e-mails the person, the SIAE's
//! staff and the SPE referents an iCalendar invitation (or its cancellation) through the outbox, in its
//! transaction. Scheduling satisfies no obligation: only the held interview closes the one of the deadlines
//! engine.

use super::exit::FollowUp;
use super::pathway::interview_bounds;
use crate::access::AccessContext;
use crate::governance::meetings::organisation_contact;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, claim};
use crate::infra::notifications::approval_page;
use crate::infra::outbox::{OutgoingMail, enqueue};
use crate::infra::sql::{Executor, Row, query};
use crate::person::Person;
use crate::{Store, today};
use passerelle_documents::ics::{Attendee, CalendarEvent, Method, When, calendar};
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::governance::meeting::time_of_day;
use passerelle_domain::pathways::iae::interview::{Schedule, ScheduleInput};
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

/// The interview scheduled and not yet held or cancelled.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScheduledInterview {
    pub id: Uuid,
    pub siae_id: Uuid,
    pub siae_name: String,
    /// The organisation that scheduled it: the SIAE or the SPE referent's.
    pub scheduled_by: Uuid,
    pub scheduled_by_name: String,
    pub planned_on: Date,
    /// `HH:MM`, Paris time.
    #[schema(example = "10:00")]
    pub start_time: String,
    pub remote: bool,
    pub place: Option<String>,
    /// In French: « le 12 mars 2027 à 10 h 00, 3 rue des Forges, Dijon ».
    pub when_and_where: String,
}

const COLUMNS: &str = "s.id, s.person_id, s.siae_id, o.name AS siae_name, s.scheduled_by, b.name AS scheduled_by_name, \
     s.planned_on, s.start_time, s.remote, s.place, s.status, s.sequence FROM scheduled_interviews s \
     JOIN organisations o ON o.id = s.siae_id JOIN organisations b ON b.id = s.scheduled_by";

/// A row of `scheduled_interviews` with what the mails need.
struct Stored {
    view: ScheduledInterview,
    person_id: Uuid,
    status: String,
    sequence: i64,
}

impl Stored {
    fn of(r: &Row) -> Result<Self> {
        let start_time: String = r.get("start_time")?;
        let schedule = Schedule {
            planned_on: r.get("planned_on")?,
            start_time: time_of_day("start_time", &start_time)?,
            remote: r.get("remote")?,
            place: r.get("place")?,
        };
        Ok(Self {
            person_id: r.get("person_id")?,
            status: r.get("status")?,
            sequence: r.get("sequence")?,
            view: ScheduledInterview {
                id: r.get("id")?,
                siae_id: r.get("siae_id")?,
                siae_name: r.get("siae_name")?,
                scheduled_by: r.get("scheduled_by")?,
                scheduled_by_name: r.get("scheduled_by_name")?,
                when_and_where: schedule.when_and_where(),
                planned_on: schedule.planned_on,
                start_time,
                remote: schedule.remote,
                place: schedule.place,
            },
        })
    }

    fn schedule(&self) -> Schedule {
        Schedule {
            planned_on: self.view.planned_on,
            start_time: time_of_day("start_time", &self.view.start_time).unwrap_or(time::Time::MIDNIGHT),
            remote: self.view.remote,
            place: self.view.place.clone(),
        }
    }
}

/// The person's interview scheduled now, if any (read by [`Store::follow_up`]).
pub(crate) async fn current(ex: &mut impl Executor, person_id: Uuid) -> Result<Option<ScheduledInterview>> {
    let row = ex
        .fetch_optional(
            query(format!(
                "SELECT {COLUMNS} WHERE s.person_id = $1 AND s.status = 'scheduled'"
            ))
            .bind(person_id),
        )
        .await?;
    row.map(|r| Ok(Stored::of(&r)?.view)).transpose()
}

/// The interviews scheduled, for the lists: the query to complete with the people (`s.person_id IN (...)`)...
pub(crate) fn scheduled_sql() -> String {
    format!("SELECT {COLUMNS} WHERE s.status = 'scheduled' AND s.person_id")
}

/// ... and each of its rows: the person and the schedule.
pub(crate) fn scheduled_row(r: &Row) -> Result<(Uuid, Schedule)> {
    let s = Stored::of(r)?;
    Ok((s.person_id, s.schedule()))
}

/// Closes the person's scheduled interview, if any, with the interview held `interview_id`.
pub(crate) async fn close_held(ex: &mut impl Executor, person_id: Uuid, interview_id: Uuid) -> Result<bool> {
    let closed = ex
        .execute(
            query(
                "UPDATE scheduled_interviews SET status = 'held', interview_id = $1, updated_at = $2 \
                 WHERE person_id = $3 AND status = 'scheduled'",
            )
            .bind(interview_id)
            .bind(crate::infra::clock::now())
            .bind(person_id),
        )
        .await?;
    Ok(closed == 1)
}

/// What a change does to the invitations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Scheduled,
    Moved,
    Cancelled,
}

impl Change {
    fn action(self) -> &'static str {
        match self {
            Self::Scheduled => "exit.interview_scheduled",
            Self::Moved => "exit.interview_rescheduled",
            Self::Cancelled => "exit.interview_cancelled",
        }
    }
}

impl Store {
    /// Schedules the person's tripartite interview on behalf of `organisation_id`: the SIAE of the last hiring
    /// or an SPE organisation following the person.
    pub async fn schedule_interview(
        &self,
        ctx: &AccessContext,
        person_id: Uuid,
        organisation_id: Uuid,
        input: &ScheduleInput,
        key: Option<IdempotencyKey>,
    ) -> Result<FollowUp> {
        if ctx.membership(organisation_id).is_none() {
            return Err(StoreError::forbidden(
                "not_a_member",
                "Vous ne pouvez agir qu'au nom de votre structure.",
            ));
        }
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let (siae, _) = super::pathway::last_hiring(&mut tx, person_id).await?;
        let referent = person
            .followers
            .iter()
            .any(|f| f.organisation_id == organisation_id && f.kind.is_spe());
        if organisation_id != siae && !referent {
            return Err(StoreError::forbidden(
                "not_interview_party",
                "Seule la SIAE de la dernière embauche ou le service public de l'emploi qui suit la personne \
                 organise l'entretien tripartite.",
            ));
        }
        let schedule = input.check(interview_bounds(&mut tx, &person, today()).await?, today())?;
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        let inserted = tx
            .execute(
                query(
                    "INSERT INTO scheduled_interviews (id, person_id, siae_id, scheduled_by, planned_on, start_time, \
                     remote, place, status, sequence, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'scheduled', 0, $9, $9)",
                )
                .bind(id)
                .bind(person_id)
                .bind(siae)
                .bind(organisation_id)
                .bind(schedule.planned_on)
                .bind(hh_mm(&schedule))
                .bind(schedule.remote)
                .bind(&schedule.place)
                .bind(now),
            )
            .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::conflict(
                    "interview_already_scheduled",
                    "Un entretien tripartite est déjà prévu pour cette personne : déplacez-le ou annulez-le.",
                ));
            }
            other => other?,
        };
        claim(&mut tx, ctx, key.as_ref(), person_id).await?;
        self.invitations_changed(&mut tx, ctx, &person, id, Change::Scheduled, None)
            .await?;
        tx.commit().await?;
        self.follow_up(ctx, person_id).await
    }

    /// Moves the scheduled interview `id` (its SIAE or the organisation that scheduled it).
    pub async fn reschedule_interview(&self, ctx: &AccessContext, id: Uuid, input: &ScheduleInput) -> Result<FollowUp> {
        let mut tx = self.pool.begin().await?;
        let (person, before) = self.open_interview(&mut tx, ctx, id).await?;
        let schedule = input.check(interview_bounds(&mut tx, &person, today()).await?, today())?;
        tx.execute(
            query(
                "UPDATE scheduled_interviews SET planned_on = $1, start_time = $2, remote = $3, place = $4, \
                 sequence = sequence + 1, updated_at = $5 WHERE id = $6 AND status = 'scheduled'",
            )
            .bind(schedule.planned_on)
            .bind(hh_mm(&schedule))
            .bind(schedule.remote)
            .bind(&schedule.place)
            .bind(crate::infra::clock::now())
            .bind(id),
        )
        .await?;
        self.invitations_changed(&mut tx, ctx, &person, id, Change::Moved, Some(before.view))
            .await?;
        tx.commit().await?;
        self.follow_up(ctx, person.id).await
    }

    /// Cancels the scheduled interview `id` (its SIAE or the organisation that scheduled it).
    pub async fn cancel_interview(&self, ctx: &AccessContext, id: Uuid) -> Result<FollowUp> {
        let mut tx = self.pool.begin().await?;
        let (person, before) = self.open_interview(&mut tx, ctx, id).await?;
        tx.execute(
            query(
                "UPDATE scheduled_interviews SET status = 'cancelled', sequence = sequence + 1, updated_at = $1 \
                 WHERE id = $2 AND status = 'scheduled'",
            )
            .bind(crate::infra::clock::now())
            .bind(id),
        )
        .await?;
        self.invitations_changed(&mut tx, ctx, &person, id, Change::Cancelled, Some(before.view))
            .await?;
        tx.commit().await?;
        self.follow_up(ctx, person.id).await
    }

    /// The scheduled interview `id` that the caller may move or cancel, read in the caller's write transaction.
    async fn open_interview(&self, ex: &mut impl Executor, ctx: &AccessContext, id: Uuid) -> Result<(Person, Stored)> {
        let row = ex
            .fetch_optional(query(format!("SELECT {COLUMNS} WHERE s.id = $1")).bind(id))
            .await?
            .ok_or(StoreError::not_found("entretien tripartite"))?;
        let stored = Stored::of(&row)?;
        // Outside the caller's scope the interview does not exist.
        let person = self
            .persons(ctx)
            .load(ex, stored.person_id)
            .await
            .map_err(|_| StoreError::not_found("entretien tripartite"))?;
        if ctx.membership(stored.view.siae_id).is_none() && ctx.membership(stored.view.scheduled_by).is_none() {
            return Err(StoreError::forbidden(
                "not_interview_party",
                "Seule la SIAE ou la structure qui a organisé l'entretien peut le déplacer ou l'annuler.",
            ));
        }
        if stored.status != "scheduled" {
            return Err(StoreError::conflict(
                "interview_not_scheduled",
                if stored.status == "held" {
                    "Cet entretien a déjà été tenu."
                } else {
                    "Cet entretien a été annulé : prévoyez-en un nouveau."
                },
            ));
        }
        Ok((person, stored))
    }

    /// Records the change of the interview `id` and enqueues its invitation (or cancellation) for each invitee.
    async fn invitations_changed(
        &self,
        ex: &mut impl Executor,
        ctx: &AccessContext,
        person: &Person,
        id: Uuid,
        change: Change,
        before: Option<ScheduledInterview>,
    ) -> Result<()> {
        let row = ex
            .fetch_one(query(format!("SELECT {COLUMNS} WHERE s.id = $1")).bind(id))
            .await?;
        let stored = Stored::of(&row)?;
        let now = crate::infra::clock::now();
        let invitees = invitees(ex, person, stored.view.siae_id).await?;
        let organizer = organisation_contact(ex, stored.view.scheduled_by).await?;
        let ics = invitation(&stored, person, organizer, &invitees, change, now);
        let (subject, method) = match change {
            Change::Scheduled => ("Entretien tripartite prévu", "REQUEST"),
            Change::Moved => ("Entretien tripartite déplacé", "REQUEST"),
            Change::Cancelled => ("Entretien tripartite annulé", "CANCEL"),
        };
        for invitee in &invitees {
            let mail = OutgoingMail {
                dedupe_key: format!("interview:{id}:{}:{}", stored.sequence, invitee.email),
                to: invitee.email.clone(),
                subject: format!("{subject} : {}", stored.view.when_and_where),
                text: mail_text(&stored, person, invitee, change),
                attachment: Some((
                    "entretien.ics".to_owned(),
                    format!("text/calendar; method={method}; charset=UTF-8"),
                    ics.clone(),
                )),
            };
            enqueue(ex, &mail, now).await?;
        }
        let mut event = Event::new("person", person.id, change.action())
            .by(Some(stored.view.scheduled_by))
            .after(&serde_json::json!({
                "id": id,
                "status": stored.status,
                "planned_on": stored.view.planned_on,
                "start_time": stored.view.start_time,
                "remote": stored.view.remote,
                "place": stored.view.place,
                "invited": invitees.len(),
            }));
        if let Some(b) = before {
            event = event.before(&b);
        }
        record(ex, ctx, event).await
    }
}

/// `HH:MM`, as stored.
fn hh_mm(s: &Schedule) -> String {
    format!("{:02}:{:02}", s.start_time.hour(), s.start_time.minute())
}

/// Who is invited.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Invitee {
    email: String,
    name: String,
    /// The person themselves (their mail speaks to them).
    is_person: bool,
}

/// The person (if their e-mail is known), the staff of the SIAE and of the SPE referents: the SPE organisations
/// following the person and those a local cooperation convention binds to the SIAE today (fiche 7).
async fn invitees(ex: &mut impl Executor, person: &Person, siae: Uuid) -> Result<Vec<Invitee>> {
    let mut out = Vec::new();
    if let Some(email) = person.email.as_deref().filter(|e| !e.trim().is_empty()) {
        out.push(Invitee {
            email: email.trim().to_owned(),
            name: format!("{} {}", person.first_name, person.last_name),
            is_person: true,
        });
    }
    let mut orgs: Vec<Uuid> = vec![siae];
    orgs.extend(
        person
            .followers
            .iter()
            .filter(|f| f.kind.is_spe())
            .map(|f| f.organisation_id),
    );
    let ccl = crate::agreements::binding(ex, AgreementKind::LocalCooperation, &[siae], today()).await?;
    if !ccl.is_empty() {
        let ids: Vec<Uuid> = ccl.iter().map(|c| c.id).collect();
        let mut q = query(
            "SELECT DISTINCT p.organisation_id, o.kind FROM agreement_parties p JOIN organisations o \
             ON o.id = p.organisation_id WHERE",
        );
        crate::directory::push_in(&mut q, "p.agreement_id", &ids);
        for r in ex.fetch_all(q).await? {
            if OrganisationKind::parse(&r.get::<String>("kind")?).is_ok_and(|k| k.is_spe()) {
                orgs.push(r.get("organisation_id")?);
            }
        }
    }
    orgs.sort();
    orgs.dedup();
    let mut q = query(
        "SELECT DISTINCT u.email, u.display_name FROM users u JOIN memberships m ON m.user_id = u.id \
         WHERE u.archived_at IS NULL AND",
    );
    crate::directory::push_in(&mut q, "m.organisation_id", &orgs);
    q.push_sql(" ORDER BY u.email");
    for r in ex.fetch_all(q).await? {
        let email: String = r.get("email")?;
        if !out.iter().any(|i| i.email == email) {
            out.push(Invitee {
                email,
                name: r.get("display_name")?,
                is_person: false,
            });
        }
    }
    Ok(out)
}

/// How the staff's mails name the person: first name and initial, as the reminders do.
fn person_label(p: &Person) -> String {
    crate::obligations::person_label(&p.first_name, &p.last_name)
}

/// The interview as one iCalendar event of one hour, every invitee required.
fn invitation(
    s: &Stored,
    person: &Person,
    organizer: Attendee,
    invitees: &[Invitee],
    change: Change,
    now: OffsetDateTime,
) -> String {
    let start = PrimitiveDateTime::new(s.view.planned_on, s.schedule().start_time);
    let event = CalendarEvent {
        uid: format!("{}@passerelle", s.view.id),
        sequence: u32::try_from(s.sequence).unwrap_or(0),
        summary: format!("Entretien tripartite de {}", person_label(person)),
        description: Some(format!(
            "Entretien tripartite de fin de parcours (SIAE {}, référent du service public de l'emploi, salarié), \
             2 à 3 mois avant la fin du contrat ou du PASS IAE.",
            s.view.siae_name
        )),
        location: Some(s.view.place.clone().unwrap_or_else(|| "À distance".to_owned())),
        url: None,
        when: When::Local {
            start,
            end: start + Duration::hours(1),
        },
        organizer: Some(organizer),
        attendees: invitees
            .iter()
            .map(|i| Attendee {
                name: i.name.clone(),
                email: i.email.clone(),
                required: true,
            })
            .collect(),
        cancelled: change == Change::Cancelled,
    };
    let method = if change == Change::Cancelled {
        Method::Cancel
    } else {
        Method::Request
    };
    calendar(&[event], method, now)
}

fn mail_text(s: &Stored, person: &Person, to: &Invitee, change: Change) -> String {
    let when = &s.view.when_and_where;
    let mut text = if to.is_person {
        let what = match change {
            Change::Scheduled => format!("Votre entretien tripartite de fin de parcours aura lieu {when}."),
            Change::Moved => {
                format!("Votre entretien tripartite de fin de parcours est déplacé : il aura lieu {when}.")
            }
            Change::Cancelled => format!("Votre entretien tripartite de fin de parcours prévu {when} est annulé."),
        };
        format!(
            "Bonjour {},\n\n{what}\nIl réunit {}, votre référent du service public de l'emploi et vous-même, pour \
             préparer la suite de votre parcours.\n",
            person.first_name, s.view.siae_name
        )
    } else {
        let who = person_label(person);
        let what = match change {
            Change::Scheduled => format!("L'entretien tripartite de {who} est prévu {when}."),
            Change::Moved => format!("L'entretien tripartite de {who} est déplacé : il aura lieu {when}."),
            Change::Cancelled => format!("L'entretien tripartite de {who} prévu {when} est annulé."),
        };
        format!(
            "Bonjour,\n\n{what}\nSIAE : {} ; organisé par {}.\nLe parcours est sur Passerelle : {}\n",
            s.view.siae_name,
            s.view.scheduled_by_name,
            approval_page(person.id)
        )
    };
    if change != Change::Cancelled {
        text.push_str("\nL'invitation est jointe (entretien.ics).\n");
    }
    text
}
