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

use passerelle_domain::obligations::Due as DomainDue;
pub use passerelle_domain::obligations::Source;

mod sources;
pub(crate) use sources::*;

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
        sources::follow_contract_ends(&mut tx, now).await?;
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
