//! The deadlines engine: every dated obligation of the system in one table, written by its
//! source in the transaction of the change that sets or moves its date ([`upsert`], [`close`]), and read by
//! date range through an index. A scan never replays pathways or agreements: 100,000 open obligations cost
//! what the rows in the range cost.
//!
//! Sources ([`Source`]): the signatures of an immersion convention, the end of a PASS IAE and its tripartite
//! interview (IAE pathway events), the re-registration at the end of a CDDI, the prolongation requests waiting for a decision, the agreements' review, notice, end and roadmap dates, the
//! sending of a committee's agenda, and action items. The scan ([`Store::scan_deadlines`]) tells each
//! organisation in the application once as a due date comes near, and sends each user one digest e-mail a
//! day through the outbox (the dedupe key `digest:<user>:<day>` makes a second scan the same day a no-op).
//! It also records, once, each tripartite interview whose due date passed with none held, which
//! `interviews_on_time_share` counts as not on time (migration 0019).

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::Result;
use crate::infra::notifications::notify;
use crate::infra::outbox::{OutgoingMail, enqueue};
use crate::infra::sql::{Executor, Row, query};
use passerelle_domain::calendar::{add_days, french_date};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use passerelle_domain::agreements::deadlines::Deadline;
pub use passerelle_domain::obligations::Source;
use passerelle_domain::obligations::{self as rules, Due as DomainDue};

/// A dated obligation as its source writes it.
#[derive(Debug, Clone)]
pub struct Obligation {
    pub source: Source,
    /// What it is about within its source (`<person>`, `<agreement>:review`); unique per organisation.
    pub source_key: String,
    pub organisation_id: Uuid,
    pub due_on: Date,
    pub title: String,
    /// The page where it is done.
    pub link: String,
    /// The text or rule that sets the date.
    pub rule: String,
}

impl Obligation {
    /// What the domain says is due, for `organisation_id`, about `source_key`.
    pub(crate) fn of(due: DomainDue, source_key: String, organisation_id: Uuid, title: String, link: String) -> Self {
        Self {
            source: due.source,
            source_key,
            organisation_id,
            due_on: due.on,
            title,
            link,
            rule: due.rule,
        }
    }
}

/// Writes `o` (or moves its date), reopened if it was done.
pub(crate) async fn upsert(ex: &mut impl Executor, o: &Obligation) -> Result<()> {
    let now = crate::infra::clock::now();
    ex.execute(
        query(
            "INSERT INTO obligations (id, source, source_key, organisation_id, due_on, title, link, rule, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (source, source_key, organisation_id) DO UPDATE \
             SET due_on = excluded.due_on, title = excluded.title, link = excluded.link, rule = excluded.rule, \
             done_at = NULL, notified_at = CASE WHEN obligations.due_on = excluded.due_on \
             THEN obligations.notified_at END, updated_at = excluded.updated_at",
        )
        .bind(Uuid::new_v4())
        .bind(o.source.code())
        .bind(o.source_key.as_str())
        .bind(o.organisation_id)
        .bind(o.due_on)
        .bind(o.title.as_str())
        .bind(o.link.as_str())
        .bind(o.rule.as_str())
        .bind(now),
    )
    .await?;
    Ok(())
}

/// Marks done the open obligations of `source` whose key starts with `key_prefix` (for every organisation).
pub(crate) async fn close(ex: &mut impl Executor, source: Source, key_prefix: &str) -> Result<u64> {
    let now = crate::infra::clock::now();
    Ok(ex
        .execute(
            query(
                "UPDATE obligations SET done_at = $1, updated_at = $1 WHERE source = $2 AND done_at IS NULL \
                 AND (source_key = $3 OR source_key LIKE $4)",
            )
            .bind(now)
            .bind(source.code())
            .bind(key_prefix)
            .bind(format!("{key_prefix}:%")),
        )
        .await?)
}

/// Replaces the open obligations of `source` under `key_prefix` by `current` (a source whose dates are
/// recomputed as a whole, such as an agreement's deadlines).
pub(crate) async fn replace(
    ex: &mut impl Executor,
    source: Source,
    key_prefix: &str,
    current: &[Obligation],
) -> Result<()> {
    close(ex, source, key_prefix).await?;
    for o in current {
        upsert(ex, o).await?;
    }
    Ok(())
}

/// An open obligation as the caller sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Due {
    pub id: Uuid,
    #[schema(example = "approval_end")]
    pub source: Source,
    #[schema(value_type = String)]
    pub source_label: &'static str,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub due_on: Date,
    pub title: String,
    pub link: String,
    pub rule: String,
    /// The due date has passed.
    pub overdue: bool,
}

const DUE_COLUMNS: &str = "o.id, o.source, o.organisation_id, org.name AS organisation_name, o.due_on, o.title, \
    o.link, o.rule";

fn due(r: &Row, today: Date) -> Result<Due> {
    let code: String = r.get("source")?;
    // Sources are written by this crate only; an unknown code is one of a newer version, shown as an action.
    let source = Source::parse(&code).unwrap_or(Source::ActionItem);
    let due_on: Date = r.get("due_on")?;
    Ok(Due {
        id: r.get("id")?,
        source,
        source_label: source.label(),
        organisation_id: r.get("organisation_id")?,
        organisation_name: r.get("organisation_name")?,
        due_on,
        title: r.get("title")?,
        link: r.get("link")?,
        rule: r.get("rule")?,
        overdue: due_on < today,
    })
}

/// What a scan did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ScanReport {
    /// Open obligations due in the window (overdue ones included), all organisations together.
    pub due: u64,
    /// Organisations told in the application for the first time.
    pub notified: u64,
    /// Digest e-mails enqueued (one per user and day at most).
    pub digests: u64,
    /// Tripartite interviews found missed for the first time (due date passed, none held).
    pub missed_interviews: u64,
}

/// How far the scan looks: overdue obligations of the last `overdue_days`, and those due within `ahead_days`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub overdue_days: i64,
    pub ahead_days: i64,
}

impl Default for Window {
    fn default() -> Self {
        Self {
            overdue_days: 30,
            ahead_days: 14,
        }
    }
}

impl Store {
    /// The open obligations of the caller's organisations due between `from` and `to` (both included),
    /// soonest first; a platform administrator sees them all.
    pub async fn deadlines(&self, ctx: &AccessContext, from: Date, to: Date, today: Date) -> Result<Vec<Due>> {
        self.load_deadlines(ctx, None, from, to, today).await
    }

    /// The same, for one organisation of the caller's (the organisation's to-do list); empty for another.
    pub async fn organisation_deadlines(
        &self,
        ctx: &AccessContext,
        organisation_id: Uuid,
        from: Date,
        to: Date,
        today: Date,
    ) -> Result<Vec<Due>> {
        self.load_deadlines(ctx, Some(organisation_id), from, to, today).await
    }

    async fn load_deadlines(
        &self,
        ctx: &AccessContext,
        organisation_id: Option<Uuid>,
        from: Date,
        to: Date,
        today: Date,
    ) -> Result<Vec<Due>> {
        let mut q = query(format!(
            "SELECT {DUE_COLUMNS} FROM obligations o JOIN organisations org ON org.id = o.organisation_id \
             WHERE o.done_at IS NULL AND o.due_on BETWEEN $1 AND $2"
        ))
        .bind(from)
        .bind(to);
        if let Some(organisation) = organisation_id {
            q.push_bound(" AND o.organisation_id = {}", organisation);
        }
        if !ctx.is_platform_admin() {
            q.push_bound(
                " AND o.organisation_id IN (SELECT organisation_id FROM memberships WHERE user_id = {})",
                ctx.user_id(),
            );
        }
        q.push_sql(" ORDER BY o.due_on, o.title, o.id LIMIT 2000");
        let rows = self.pool.clone().fetch_all(q).await?;
        rows.iter().map(|r| due(r, today)).collect()
    }

    /// The daily scan: tells each organisation once about what comes due within the window, and enqueues one
    /// digest e-mail per user listing the open obligations of their organisations in the window.
    pub async fn scan_deadlines(&self, today: Date, window: Window, now: OffsetDateTime) -> Result<ScanReport> {
        let (from, to) = (
            add_days(today, -window.overdue_days),
            add_days(today, window.ahead_days),
        );
        let mut tx = self.pool.begin().await?;
        follow_contract_ends(&mut tx, now).await?;
        let mut report = ScanReport {
            missed_interviews: record_missed_interviews(&mut tx, today, now).await?,
            ..ScanReport::default()
        };
        let fresh = tx
            .fetch_all(
                query(format!(
                    "SELECT {DUE_COLUMNS} FROM obligations o JOIN organisations org ON org.id = o.organisation_id \
                     WHERE o.done_at IS NULL AND o.due_on BETWEEN $1 AND $2 AND o.notified_at IS NULL"
                ))
                .bind(from)
                .bind(to),
            )
            .await?;
        for r in &fresh {
            let d = due(r, today)?;
            let message = format!(
                "{} : {} (échéance le {})",
                d.source_label,
                d.title,
                french_date(d.due_on)
            );
            notify(&mut tx, d.organisation_id, ("obligation", d.id), &message, &d.link).await?;
        }
        report.notified = tx
            .execute(
                query(
                    "UPDATE obligations SET notified_at = $1 WHERE done_at IS NULL AND due_on BETWEEN $2 AND $3 \
                     AND notified_at IS NULL",
                )
                .bind(now)
                .bind(from)
                .bind(to),
            )
            .await?;
        let rows = tx
            .fetch_all(
                query(format!(
                    "SELECT u.id AS user_id, u.email, u.display_name, {DUE_COLUMNS} FROM obligations o \
                     JOIN organisations org ON org.id = o.organisation_id \
                     JOIN memberships m ON m.organisation_id = o.organisation_id JOIN users u ON u.id = m.user_id \
                     WHERE o.done_at IS NULL AND o.due_on BETWEEN $1 AND $2 AND u.archived_at IS NULL \
                     ORDER BY u.id, o.due_on, o.title"
                ))
                .bind(from)
                .bind(to),
            )
            .await?;
        report.due = tx
            .fetch_one(
                query("SELECT COUNT(*) AS n FROM obligations WHERE done_at IS NULL AND due_on BETWEEN $1 AND $2")
                    .bind(from)
                    .bind(to),
            )
            .await?
            .get::<i64>("n")? as u64;
        let mut current: Option<(Uuid, String, String, Vec<Due>)> = None;
        let mut digests = Vec::new();
        for r in &rows {
            let user: Uuid = r.get("user_id")?;
            if current.as_ref().is_none_or(|c| c.0 != user) {
                digests.extend(current.take());
                current = Some((user, r.get("email")?, r.get("display_name")?, Vec::new()));
            }
            if let Some(c) = current.as_mut() {
                c.3.push(due(r, today)?);
            }
        }
        digests.extend(current);
        for (user, email, name, items) in digests {
            let mail = digest(user, &email, &name, &items, today);
            if enqueue(&mut tx, &mail, now).await? {
                report.digests += 1;
            }
        }
        tx.commit().await?;
        Ok(report)
    }
}

/// Records each tripartite interview whose obligation is still open (none held, the person still in the pathway)
/// after its due date, once per person and due date: every overdue one, not only those of the scan's window, so
/// that a scan missed for a while misses none. `now` dates the record, for the value as of a past moment.
async fn record_missed_interviews(ex: &mut impl Executor, today: Date, now: OffsetDateTime) -> Result<u64> {
    let overdue = ex
        .fetch_all(
            query(
                "SELECT source_key, organisation_id, due_on FROM obligations \
                 WHERE source = $1 AND done_at IS NULL AND due_on < $2",
            )
            .bind(Source::TripartiteInterview.code())
            .bind(today),
        )
        .await?;
    let mut recorded = 0;
    for r in &overdue {
        // The key of this source is the person's id (`approval_changed`).
        let person_id = Uuid::parse_str(&r.get::<String>("source_key")?).map_err(|e| sqlx::Error::Decode(e.into()))?;
        recorded += ex
            .execute(
                query(
                    "INSERT INTO missed_interviews (id, person_id, siae_id, due_on, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, due_on) DO NOTHING",
                )
                .bind(Uuid::new_v4())
                .bind(person_id)
                .bind(r.get::<Uuid>("organisation_id")?)
                .bind(r.get::<Date>("due_on")?)
                .bind(now),
            )
            .await?;
    }
    Ok(recorded)
}

/// The day's digest of one user: what is overdue, then what comes, with the page of each.
fn digest(user: Uuid, email: &str, name: &str, items: &[Due], today: Date) -> OutgoingMail {
    let mut text = format!(
        "Bonjour {name},\n\nVoici les échéances de vos structures au {} :\n",
        french_date(today)
    );
    for (heading, overdue) in [("En retard", true), ("À venir", false)] {
        let part: Vec<&Due> = items.iter().filter(|d| d.overdue == overdue).collect();
        if part.is_empty() {
            continue;
        }
        text.push_str(&format!("\n{heading} :\n"));
        for d in part {
            text.push_str(&format!(
                "- {} — {} : {} ({})\n  {}\n",
                french_date(d.due_on),
                d.source_label,
                d.title,
                d.organisation_name,
                d.link
            ));
        }
    }
    text.push_str("\nLe calendrier complet est sur la page Échéances de Passerelle.\n");
    OutgoingMail {
        dedupe_key: format!("digest:{user}:{today}"),
        to: email.to_owned(),
        subject: format!("Passerelle : {} échéance(s) au {}", items.len(), french_date(today)),
        text,
        attachment: None,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Sources. Each function is called by its source in the transaction of the change that sets or moves the
// date; a new source (the immersion convention's signature) adds a `Source` variant and one here.
// ---------------------------------------------------------------------------------------------------------

/// How obligations about a person name them: first name and initial, enough for the staff who follow
/// them, and no full name in the digest e-mails.
fn person_label(first_name: &str, last_name: &str) -> String {
    match last_name.chars().next() {
        Some(initial) => format!("{first_name} {initial}."),
        None => first_name.to_owned(),
    }
}

/// An IAE pathway event was accepted: the approval's end and the tripartite interview before it move with
/// it, for the SIAE that employs the person (Accord régional BFC 2016 fiche 7; RULES.md 1.2 and 1.8). The
/// interview prepares the earlier of the approval's end and the latest contract's.
pub(crate) async fn approval_changed(
    ex: &mut impl Executor,
    person: (Uuid, &str, &str),
    siae_id: Uuid,
    approval_end: Date,
) -> Result<()> {
    let (person_id, first_name, last_name) = person;
    let who = person_label(first_name, last_name);
    let link = crate::infra::notifications::approval_page(person_id);
    let end = Obligation::of(
        rules::for_approval_end(approval_end),
        person_id.to_string(),
        siae_id,
        format!("Fin du PASS IAE de {who}"),
        link.clone(),
    );
    upsert(ex, &end).await?;
    let contract_end = latest_contract_end(ex, person_id).await?;
    let interview_end = rules::interview_end(approval_end, contract_end);
    let held = ex
        .fetch_optional(
            query("SELECT 1 AS one FROM tripartite_interviews WHERE person_id = $1 AND held_on >= $2")
                .bind(person_id)
                .bind(passerelle_domain::pathways::iae::exit::tripartite_window(interview_end).from),
        )
        .await?;
    if held.is_none() {
        let interview = Obligation::of(
            rules::for_tripartite_interview_before(approval_end, contract_end),
            person_id.to_string(),
            siae_id,
            format!("Entretien tripartite de sortie de {who}"),
            link,
        );
        upsert(ex, &interview).await?;
    }
    Ok(())
}

/// A CDDI was recorded: the SIAE of the person's latest contract is reminded, on its last day, to have them
/// registered again as a job seeker (the domain's `for_reregistration`); a later contract moves the reminder.
pub(crate) async fn contract_recorded(ex: &mut impl Executor, person_id: Uuid) -> Result<()> {
    let latest = ex
        .fetch_one(
            query(
                "SELECT c.siae_id, c.ends_on, p.first_name, p.last_name FROM iae_contracts c \
                 JOIN persons p ON p.id = c.person_id WHERE c.person_id = $1 ORDER BY c.ends_on DESC LIMIT 1",
            )
            .bind(person_id),
        )
        .await?;
    let who = person_label(
        &latest.get::<String>("first_name")?,
        &latest.get::<String>("last_name")?,
    );
    let reminder = Obligation::of(
        rules::for_reregistration(latest.get("ends_on")?),
        person_id.to_string(),
        latest.get("siae_id")?,
        format!("Réinscription à France Travail de {who} à la fin de son CDDI"),
        crate::infra::notifications::approval_page(person_id),
    );
    replace(ex, Source::Reregistration, &person_id.to_string(), &[reminder]).await
}

/// The end of the person's latest contract (CDDI), the one the to-do list reads too.
async fn latest_contract_end(ex: &mut impl Executor, person_id: Uuid) -> Result<Option<Date>> {
    let row = ex
        .fetch_one(query("SELECT MAX(ends_on) AS ends_on FROM iae_contracts WHERE person_id = $1").bind(person_id))
        .await?;
    Ok(row.get::<Option<Date>>("ends_on")?)
}

/// Moves each open tripartite interview to the end its person's contracts now set: a contract recorded since
/// the pathway's last event may end before the approval (fiche 7; the domain's `interview_end`). Run by the daily
/// scan before it tells anyone or records a missed interview, so that the reminders and `missed_interviews`
/// follow the same end as the to-do list. Returns how many moved.
async fn follow_contract_ends(ex: &mut impl Executor, now: OffsetDateTime) -> Result<u64> {
    let open = ex
        .fetch_all(
            query(
                "SELECT t.id, t.source_key, t.due_on, a.due_on AS approval_end FROM obligations t \
                 JOIN obligations a ON a.source = $2 AND a.source_key = t.source_key \
                 AND a.organisation_id = t.organisation_id WHERE t.source = $1 AND t.done_at IS NULL",
            )
            .bind(Source::TripartiteInterview.code())
            .bind(Source::ApprovalEnd.code()),
        )
        .await?;
    if open.is_empty() {
        return Ok(0);
    }
    let mut contract_ends = std::collections::HashMap::new();
    for r in ex
        .fetch_all(query(
            "SELECT person_id, MAX(ends_on) AS ends_on FROM iae_contracts GROUP BY person_id",
        ))
        .await?
    {
        contract_ends.insert(r.get::<Uuid>("person_id")?.to_string(), r.get::<Date>("ends_on")?);
    }
    let mut moved = 0;
    for r in &open {
        let key: String = r.get("source_key")?;
        let due = rules::for_tripartite_interview_before(r.get("approval_end")?, contract_ends.get(&key).copied());
        if due.on == r.get::<Date>("due_on")? {
            continue;
        }
        moved += ex
            .execute(
                query(
                    "UPDATE obligations SET due_on = $1, rule = $2, notified_at = NULL, updated_at = $3 \
                     WHERE id = $4",
                )
                .bind(due.on)
                .bind(due.rule.as_str())
                .bind(now)
                .bind(r.get::<Uuid>("id")?),
            )
            .await?;
    }
    Ok(moved)
}

/// The tripartite interview of a person was held.
pub(crate) async fn interview_held(ex: &mut impl Executor, person_id: Uuid) -> Result<()> {
    close(ex, Source::TripartiteInterview, &person_id.to_string()).await?;
    Ok(())
}

/// The person left the pathway (exit review recorded): the approval's end, the interview and the reminder to
/// register again (the exit review settles what comes next) are no longer due.
pub(crate) async fn pathway_exited(ex: &mut impl Executor, person_id: Uuid) -> Result<()> {
    for source in [Source::ApprovalEnd, Source::TripartiteInterview, Source::Reregistration] {
        close(ex, source, &person_id.to_string()).await?;
    }
    Ok(())
}

/// A prolongation request waits for the authorised prescribers following the person: decide before the
/// prolongation would start (the day after the approval ends).
pub(crate) async fn prolongation_requested(
    ex: &mut impl Executor,
    request_id: Uuid,
    person: (Uuid, &str, &str),
    deciders: &[Uuid],
    starts_on: Date,
) -> Result<()> {
    let (person_id, first_name, last_name) = person;
    for decider in deciders {
        let decision = Obligation::of(
            rules::for_prolongation_decision(starts_on),
            request_id.to_string(),
            *decider,
            format!(
                "Décider de la prolongation du PASS IAE de {}",
                person_label(first_name, last_name)
            ),
            crate::infra::notifications::approval_page(person_id),
        );
        upsert(ex, &decision).await?;
    }
    Ok(())
}

pub(crate) async fn prolongation_decided(ex: &mut impl Executor, request_id: Uuid) -> Result<()> {
    close(ex, Source::ProlongationDecision, &request_id.to_string()).await?;
    Ok(())
}

/// An immersion convention, as its signatures' obligation needs it.
pub(crate) struct ImmersionConvention<'a> {
    pub id: Uuid,
    pub status: passerelle_domain::pathways::immersion::Status,
    pub prescriber_id: Uuid,
    pub support_structure_id: Uuid,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub host_name: &'a str,
    pub starts_on: Date,
}

/// An immersion convention sent for signature waits for every party's signature before its first day; the
/// prescriber and the support structure each have it on their list. Signed, cancelled or assessed, it is done.
pub(crate) async fn immersion_changed(ex: &mut impl Executor, i: &ImmersionConvention<'_>) -> Result<()> {
    let key = i.id.to_string();
    if i.status != passerelle_domain::pathways::immersion::Status::AwaitingSignatures {
        close(ex, Source::ImmersionSignature, &key).await?;
        return Ok(());
    }
    let mut parties = vec![i.prescriber_id, i.support_structure_id];
    parties.dedup();
    for organisation_id in parties {
        let signatures = Obligation::of(
            rules::for_immersion_signature(i.starts_on),
            key.clone(),
            organisation_id,
            format!(
                "Faire signer la convention d'immersion de {} chez {}",
                person_label(i.first_name, i.last_name),
                i.host_name
            ),
            format!("/immersions/{}", i.id),
        );
        upsert(ex, &signatures).await?;
    }
    Ok(())
}

/// An agreement changed: its coming deadlines (review, notice, end, termination effect, roadmap), as the
/// domain computed them, are each party's obligations.
pub(crate) async fn agreement_changed(
    ex: &mut impl Executor,
    agreement_id: Uuid,
    title: &str,
    parties: impl IntoIterator<Item = Uuid>,
    deadlines: &[Deadline],
) -> Result<()> {
    let current: Vec<Obligation> = parties
        .into_iter()
        .flat_map(|organisation_id| {
            deadlines.iter().map(move |d| Obligation {
                source: Source::AgreementDeadline,
                source_key: format!("{agreement_id}:{}:{}", d.explanation.code, d.on),
                organisation_id,
                due_on: d.on,
                title: format!("{title} — {}", d.explanation.message),
                link: format!("/conventions/{agreement_id}"),
                rule: d.explanation.source.to_owned(),
            })
        })
        .collect();
    replace(ex, Source::AgreementDeadline, &agreement_id.to_string(), &current).await
}

/// A person was anonymised (retention rule): the obligations about them are closed and their titles, and the
/// notifications the scan wrote about them, no longer name them.
pub(crate) async fn person_anonymised(ex: &mut impl Executor, person_id: Uuid) -> Result<()> {
    let requests = ex
        .fetch_all(query("SELECT id FROM prolongation_requests WHERE person_id = $1").bind(person_id))
        .await?
        .iter()
        .map(|r| r.get::<Uuid>("id"))
        .collect::<Result<Vec<_>, _>>()?;
    let person = [Source::ApprovalEnd, Source::TripartiteInterview, Source::Reregistration].map(|s| (s, person_id));
    let immersions = ex
        .fetch_all(query("SELECT id FROM immersions WHERE person_id = $1").bind(person_id))
        .await?
        .iter()
        .map(|r| r.get::<Uuid>("id"))
        .collect::<Result<Vec<_>, _>>()?;
    let prolongations = requests.iter().map(|id| (Source::ProlongationDecision, *id));
    let signatures = immersions.iter().map(|id| (Source::ImmersionSignature, *id));
    let now = crate::infra::clock::now();
    for (source, key) in person.into_iter().chain(prolongations).chain(signatures) {
        let about = "source = $1 AND source_key = $2";
        ex.execute(
            query(format!(
                "UPDATE notifications SET message = 'Personne anonymisée' WHERE subject_type = 'obligation' \
                 AND subject_id IN (SELECT id FROM obligations WHERE {about})"
            ))
            .bind(source.code())
            .bind(key.to_string()),
        )
        .await?;
        ex.execute(
            query(format!(
                "UPDATE obligations SET title = 'Personne anonymisée', done_at = COALESCE(done_at, $3), \
                 updated_at = $3 WHERE {about}"
            ))
            .bind(source.code())
            .bind(key.to_string())
            .bind(now),
        )
        .await?;
    }
    Ok(())
}
