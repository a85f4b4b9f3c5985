//! The lists built on every pathway in the caller's scope: the people in pathway (paged and filtered), the
//! to-do list (tripartite interviews due, prolongations to decide, follow-ups due) and the SPE referent's
//! dashboard.
//!
//! An approval's status and end are the rules engine's, replayed from its events: they are no column, so the
//! list is loaded in SQL for the caller's scope (six queries, whatever the number of people), replayed in
//! memory, then filtered (status, interview due, words of the name as SQL search finds them), ordered by the end
//! of the approval and cut into pages ([`Page::of`]). The loading reads one snapshot without SQLite's write lock;
//! only the people shown are journaled, once it is over ([`journal_reads`]).

use crate::access::AccessContext;
use crate::directory::push_in;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, journal_reads};
use crate::infra::notifications::approval_page;
use crate::infra::paging::{Page, matches_search};
use crate::infra::sql::{Executor, Query, query};
use crate::pathways::iae::pathway::History;
pub use crate::pathways::todo::TodoItem;
use crate::{Store, today};
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::pathways::iae::agrement::Outcome;
use passerelle_domain::pathways::iae::exit::{self, ExitOutcome};
use passerelle_domain::pathways::iae::interview;
use passerelle_domain::pathways::iae::{PathwayEvent, SiaeKind, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One person in pathway, as the lists show them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PathwayRow {
    pub person_id: Uuid,
    pub person_name: String,
    pub employer_id: Uuid,
    pub employer_name: String,
    pub regime_label: String,
    pub start: Date,
    pub end: Date,
    #[schema(example = "valid")]
    pub status: Status,
    /// `à venir`, `en cours`, `suspendu`, `terminé`.
    #[schema(value_type = String)]
    pub status_label: &'static str,
    /// The end of the latest contract, when it comes before the approval's.
    pub contract_end: Option<Date>,
    pub last_interview_on: Option<Date>,
    /// Set while the tripartite interview is due and not held: the last day of its window.
    pub interview_due_on: Option<Date>,
    /// The interview scheduled and not yet held, in French: « le 5 janvier 2027 à 10 h 00, Dijon ». It does not
    /// make the interview less due: only holding it does.
    pub interview_planned: Option<String>,
    /// Set while an agrément request waits for Pôle emploi's decision: its deadline.
    pub agrement_deadline: Option<Date>,
}

/// The state of a pathway a SIAE filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PathwayStatus {
    /// The approval runs (or starts later).
    InProgress,
    Suspended,
    /// The approval has ended, and no exit review was written yet.
    Ended,
}

impl PathwayStatus {
    pub const ALL: [PathwayStatus; 3] = [Self::InProgress, Self::Suspended, Self::Ended];

    pub fn code(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Suspended => "suspended",
            Self::Ended => "ended",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::InProgress => "En cours",
            Self::Suspended => "Suspendu",
            Self::Ended => "Terminé",
        }
    }

    fn matches(self, status: Status) -> bool {
        match self {
            Self::InProgress => matches!(status, Status::Valid | Status::Future),
            Self::Suspended => status == Status::Suspended,
            Self::Ended => status == Status::Expired,
        }
    }
}

/// Filters and page of the people in pathway.
#[derive(Debug, Clone, Default)]
pub struct PathwayFilter {
    /// Words of the person's name.
    pub q: Option<String>,
    pub status: Option<PathwayStatus>,
    /// Only those whose tripartite interview is due.
    pub interview_due: bool,
    pub page: u32,
    pub per_page: u32,
}

pub const DEFAULT_PER_PAGE: u32 = 50;

/// An SIAE whose SPE referent the caller's organisation is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReferredSiae {
    pub id: Uuid,
    pub name: String,
    /// The SPE organisation of the caller that is its referent.
    pub referent_id: Uuid,
    pub agreement_id: Uuid,
    pub agreement_title: String,
}

/// An exit review sent to the referent (the employing SIAE is one of its SIAE).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReceivedExitReview {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub siae_name: String,
    pub exit_on: Date,
    #[schema(value_type = String)]
    pub outcome_label: &'static str,
    /// The referent's organisation follows the person, so it may open their pathway.
    pub followed: bool,
}

/// The France Travail (or Cap emploi, Mission locale) referent's page: its SIAE, the decisions it has to take,
/// the interviews due and the exit reviews received, and the people in pathway of its SIAE.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReferentDashboard {
    pub siae: Vec<ReferredSiae>,
    /// Prolongation requests waiting for the caller (as the person's authorised prescriber), agrément requests
    /// waiting for Pôle emploi's decision.
    pub decisions: Vec<TodoItem>,
    pub interviews_due: Vec<TodoItem>,
    /// Exit reviews of the last 12 months, newest first.
    pub exit_reviews: Vec<ReceivedExitReview>,
    pub people: Page<PathwayRow>,
}

/// Whose pathways a list holds.
enum Scope {
    /// Employed by the caller's organisations (a hiring) or prescribed by them and hired.
    Own(Vec<Uuid>),
    /// Whose last hiring is in one of these SIAE (the referent's).
    Employers(Vec<Uuid>),
}

/// The caller's organisations (none for the command line).
fn organisations(ctx: &AccessContext) -> Vec<Uuid> {
    ctx.memberships().iter().map(|m| m.organisation_id).collect()
}

/// « Entretien tripartite prévu le … » once scheduled, else the window to hold it in.
fn interview_explanation(row: &PathwayRow, as_of: Date) -> Option<String> {
    row.interview_due_on?;
    match &row.interview_planned {
        Some(when) => Some(interview::planned(when)),
        None => exit::tripartite_due(row.contract_end.unwrap_or(row.end), as_of).map(|e| e.message),
    }
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Future => "à venir",
        Status::Valid => "en cours",
        Status::Suspended => "suspendu",
        Status::Expired => "terminé",
    }
}

/// The person's name from a row holding `first_name` and `last_name`.
fn name(r: &crate::infra::sql::Row) -> Result<String> {
    Ok(format!(
        "{} {}",
        r.get::<String>("first_name")?,
        r.get::<String>("last_name")?
    ))
}

/// The pathways of `scope`, replayed by the rules engine, ordered by the end of the approval: six queries
/// whatever the number of people.
async fn load(ex: &mut impl Executor, scope: &Scope) -> Result<Vec<PathwayRow>> {
    let mut people_in = match scope {
        Scope::Own(orgs) if !orgs.is_empty() => {
            let mut s = query("SELECT e.person_id FROM iae_pathway_events e WHERE e.kind = 'hiring' AND");
            push_in(&mut s, "e.siae_id", orgs);
            s.push_sql(" UNION SELECT p.person_id FROM prescriptions p WHERE p.status = 'hired' AND");
            push_in(&mut s, "p.prescriber_id", orgs);
            s
        }
        Scope::Employers(siae) if !siae.is_empty() => {
            let mut s = query("SELECT e.person_id FROM iae_pathway_events e WHERE e.kind = 'hiring' AND");
            push_in(&mut s, "e.siae_id", siae);
            s
        }
        _ => return Ok(Vec::new()),
    };
    people_in.prepend_sql("SELECT pe.id FROM persons pe WHERE pe.archived_at IS NULL AND pe.id IN (");
    people_in.push_sql(")");
    let select = |sql: &str, rest: &str| {
        let mut q = people_in.clone();
        q.prepend_sql(&format!("{sql} IN ("));
        q.push_sql(&format!("){rest}"));
        q
    };
    let events = select(
        "SELECT e.person_id, e.payload, e.siae_kind, e.siae_id, o.name, o.department, pe.first_name, pe.last_name, \
         pe.birth_date FROM iae_pathway_events e JOIN organisations o ON o.id = e.siae_id JOIN persons pe ON pe.id = e.person_id \
         WHERE e.person_id",
        " ORDER BY e.person_id, e.seq",
    );
    let criteria = select(
        "SELECT d.person_id, d.diagnosed_on, d.criteria FROM iae_diagnoses d WHERE d.person_id",
        " ORDER BY d.person_id, d.diagnosed_on, d.created_at",
    );
    let contracts = select(
        "SELECT c.person_id, MAX(c.ends_on) AS ends_on FROM iae_contracts c WHERE c.person_id",
        " GROUP BY c.person_id",
    );
    let interviews = select(
        "SELECT i.person_id, MAX(i.held_on) AS held_on FROM tripartite_interviews i WHERE i.person_id",
        " GROUP BY i.person_id",
    );
    let exits = select(
        "SELECT x.person_id, MAX(x.exit_on) AS exit_on FROM exit_reviews x WHERE x.person_id",
        " GROUP BY x.person_id",
    );
    let scheduled = select(&crate::pathways::iae::interview::scheduled_sql(), "");

    struct Person {
        name: String,
        birth_date: Option<Date>,
        events: Vec<PathwayEvent>,
        /// Each event's SIAE kind and department.
        makers: Vec<(SiaeKind, String)>,
        last: (SiaeKind, Uuid, String, String),
    }
    let mut people: BTreeMap<Uuid, Person> = BTreeMap::new();
    for r in ex.fetch_all(events).await? {
        let id: Uuid = r.get("person_id")?;
        let event: PathwayEvent = serde_json::from_value(r.json("payload")?.unwrap_or_default())
            .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.to_string().into())))?;
        let hiring = matches!(event, PathwayEvent::Hiring { .. });
        let employer = || -> Result<(SiaeKind, Uuid, String, String)> {
            let kind = SiaeKind::parse(&r.get::<String>("siae_kind")?).ok_or(StoreError::not_found("SIAE"))?;
            Ok((kind, r.get("siae_id")?, r.get("name")?, r.get("department")?))
        };
        let p = match people.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(Person {
                name: name(&r)?,
                birth_date: r.get("birth_date")?,
                events: Vec::new(),
                makers: Vec::new(),
                last: employer()?,
            }),
        };
        // The employer is the SIAE of the last hiring.
        if hiring && !p.events.is_empty() {
            p.last = employer()?;
        }
        let (kind, _, _, department) = employer()?;
        p.makers.push((kind, department));
        p.events.push(event);
    }
    let mut diagnoses: BTreeMap<Uuid, Vec<(Date, Option<serde_json::Value>)>> = BTreeMap::new();
    for r in ex.fetch_all(criteria).await? {
        let diagnosis = (r.get("diagnosed_on")?, r.json("criteria")?);
        diagnoses.entry(r.get("person_id")?).or_default().push(diagnosis);
    }
    let mut dates = async |q: Query, column: &str| -> Result<BTreeMap<Uuid, Date>> {
        let mut out = BTreeMap::new();
        for r in ex.fetch_all(q).await? {
            out.insert(r.get("person_id")?, r.get(column)?);
        }
        Ok(out)
    };
    let contract_ends = dates(contracts, "ends_on").await?;
    let interviewed = dates(interviews, "held_on").await?;
    let exited = dates(exits, "exit_on").await?;
    let mut planned: BTreeMap<Uuid, String> = BTreeMap::new();
    for r in ex.fetch_all(scheduled).await? {
        let (person, schedule) = crate::pathways::iae::interview::scheduled_row(&r)?;
        planned.insert(person, schedule.when_and_where());
    }
    let as_of = today();
    let mut rows = Vec::new();
    for (id, p) in people {
        if let Scope::Employers(siae) = scope
            && !siae.contains(&p.last.1)
        {
            continue;
        }
        let hired_on = p.events.iter().rev().find_map(|e| match e {
            PathwayEvent::Hiring { date, .. } => Some(*date),
            _ => None,
        });
        // Out of the pathway once an exit review follows the last hiring.
        if exited.get(&id).is_some_and(|x| hired_on.is_some_and(|h| *x >= h)) {
            continue;
        }
        // A birth date emptied after the hiring: the approval cannot be replayed. The person's approval page says
        // what to complete; the lists and the to-do list of everyone else go on.
        let Ok(history) = History::new(p.birth_date, diagnoses.remove(&id).unwrap_or_default()) else {
            continue;
        };
        let current = history.facts_on(as_of, p.last.0, &p.last.3)?;
        let made = p.makers.iter().map(|(kind, department)| (*kind, department.as_str()));
        let pathway = history.replay(current, p.events.iter().zip(made).map(|(e, (k, d))| (e, k, d)))?;
        let Some(a) = pathway.approval() else { continue };
        let contract_end = contract_ends.get(&id).copied().filter(|c| *c < a.end);
        let last_interview_on = interviewed.get(&id).copied();
        let end = contract_end.unwrap_or(a.end);
        let window = exit::tripartite_window(end);
        let interview_due_on = (exit::tripartite_due(end, as_of).is_some()
            && last_interview_on.is_none_or(|d| d < window.from))
        .then_some(window.to);
        // Only records before 2021-12-01 have agrément requests: the others skip the report.
        let asked = p
            .events
            .iter()
            .any(|e| matches!(e, PathwayEvent::AgrementRequest { .. }));
        let agrement_deadline = asked.then(|| pathway.report(as_of).ok()).flatten().and_then(|r| {
            r.requests
                .iter()
                .filter(|q| q.outcome == Outcome::Pending)
                // An appeal has no deadline: the director's to-do list does not date it.
                .filter_map(|q| q.deadline)
                .min()
        });
        rows.push(PathwayRow {
            person_id: id,
            person_name: p.name,
            employer_id: p.last.1,
            employer_name: p.last.2,
            regime_label: a.regime.label().to_owned(),
            start: a.start,
            end: a.end,
            status: a.status(as_of),
            status_label: status_label(a.status(as_of)),
            contract_end,
            last_interview_on,
            interview_due_on,
            interview_planned: planned.remove(&id),
            agrement_deadline,
        });
    }
    rows.sort_by(|a, b| a.end.cmp(&b.end).then_with(|| a.person_name.cmp(&b.person_name)));
    Ok(rows)
}

/// The page of `rows` that `filter` asks for; the people shown are to be journaled (`reads`).
fn page_of(rows: &[PathwayRow], filter: &PathwayFilter, reads: &mut Vec<Event>) -> Page<PathwayRow> {
    let kept = rows
        .iter()
        .filter(|r| filter.status.is_none_or(|s| s.matches(r.status)))
        .filter(|r| !filter.interview_due || r.interview_due_on.is_some())
        .filter(|r| matches_search(&r.person_name, filter.q.as_deref()))
        .cloned()
        .collect();
    let page = Page::of(kept, filter.page, filter.per_page);
    if !page.items.is_empty() {
        let ids: Vec<Uuid> = page.items.iter().map(|r| r.person_id).collect();
        reads.push(Event::new("persons", Uuid::nil(), "pathway.listed").after(&ids));
    }
    page
}

/// The tripartite interviews due among `rows`.
fn interviews_due(rows: &[PathwayRow], as_of: Date) -> Vec<TodoItem> {
    rows.iter()
        .filter_map(|row| {
            Some(TodoItem {
                person_id: row.person_id,
                person_name: row.person_name.clone(),
                what: "tripartite_interview".into(),
                due_on: row.interview_due_on?,
                explanation: interview_explanation(row, as_of)?,
                link: approval_page(row.person_id),
            })
        })
        .collect()
}

/// Prolongation requests waiting for one of `orgs` as an authorised prescriber of the person.
async fn prolongations_to_decide(ex: &mut impl Executor, orgs: &[Uuid]) -> Result<Vec<TodoItem>> {
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = query(
        "SELECT r.person_id, pe.first_name, pe.last_name, r.created_at FROM prolongation_requests r \
         JOIN persons pe ON pe.id = r.person_id WHERE r.status = 'pending' AND r.person_id IN \
         (SELECT p.person_id FROM prescriptions p WHERE p.prescriber_id <> p.siae_id AND",
    );
    push_in(&mut q, "p.prescriber_id", orgs);
    q.push_sql(") ORDER BY r.created_at");
    let mut items = Vec::new();
    for r in ex.fetch_all(q).await? {
        let id: Uuid = r.get("person_id")?;
        let asked: OffsetDateTime = r.get("created_at")?;
        items.push(TodoItem {
            person_id: id,
            person_name: name(&r)?,
            what: "prolongation_decision".into(),
            due_on: asked.date(),
            explanation: passerelle_domain::pathways::iae::prolongation_request::awaiting_decision(),
            link: approval_page(id),
        });
    }
    Ok(items)
}

/// The agrément requests among `rows` waiting for Pôle emploi's decision.
fn agrements_to_decide(rows: &[PathwayRow]) -> Vec<TodoItem> {
    rows.iter()
        .filter_map(|row| {
            let deadline = row.agrement_deadline?;
            Some(TodoItem {
                person_id: row.person_id,
                person_name: row.person_name.clone(),
                what: "agrement_decision".into(),
                due_on: deadline,
                explanation: passerelle_domain::pathways::iae::agrement::awaiting_decision(),
                link: approval_page(row.person_id),
            })
        })
        .collect()
}

impl Store {
    /// One page of the people in pathway with the caller's organisations: employed by them (a hiring) or
    /// prescribed by them and hired, until an exit review. Five queries and the journal's insert.
    pub async fn people_in_pathway(&self, ctx: &AccessContext, filter: &PathwayFilter) -> Result<Page<PathwayRow>> {
        let mut tx = self.pool.begin_read().await?;
        let all = load(&mut tx, &Scope::Own(organisations(ctx))).await?;
        tx.commit().await?;
        let mut reads = Vec::new();
        let page = page_of(&all, filter, &mut reads);
        journal_reads(&self.pool, ctx, reads).await?;
        Ok(page)
    }

    /// What the caller's organisations have to do: tripartite interviews due (2-3 months before the end of
    /// the contract or the approval), prolongations to decide, follow-ups 6 months after an exit, referrals to
    /// answer.
    pub async fn todo(&self, ctx: &AccessContext) -> Result<Vec<TodoItem>> {
        let mut tx = self.pool.begin_read().await?;
        let rows = load(&mut tx, &Scope::Own(organisations(ctx))).await?;
        let mut reads = Vec::new();
        let items = todo_for(&mut tx, ctx, &rows, &mut reads).await?;
        tx.commit().await?;
        journal_reads(&self.pool, ctx, reads).await?;
        Ok(items)
    }

    /// How many things of each kind the to-do list holds (`what`, count, the earliest due date), for the home
    /// page. Counts show no one, so nothing is journaled.
    pub async fn todo_counts(&self, ctx: &AccessContext) -> Result<Vec<(String, usize, Date)>> {
        let mut tx = self.pool.begin_read().await?;
        let rows = load(&mut tx, &Scope::Own(organisations(ctx))).await?;
        let items = todo_for(&mut tx, ctx, &rows, &mut Vec::new()).await?;
        tx.commit().await?;
        let mut counts: Vec<(String, usize, Date)> = Vec::new();
        for item in items {
            match counts.iter_mut().find(|(what, ..)| *what == item.what) {
                Some((_, n, earliest)) => {
                    *n += 1;
                    *earliest = (*earliest).min(item.due_on);
                }
                None => counts.push((item.what, 1, item.due_on)),
            }
        }
        Ok(counts)
    }

    /// A page of people in pathway and the whole to-do list, from one load (the pathways page shows both).
    pub async fn pathways_and_todo(
        &self,
        ctx: &AccessContext,
        filter: &PathwayFilter,
    ) -> Result<(Page<PathwayRow>, Vec<TodoItem>)> {
        let mut tx = self.pool.begin_read().await?;
        let all = load(&mut tx, &Scope::Own(organisations(ctx))).await?;
        let mut reads = Vec::new();
        let page = page_of(&all, filter, &mut reads);
        let todo = todo_for(&mut tx, ctx, &all, &mut reads).await?;
        tx.commit().await?;
        journal_reads(&self.pool, ctx, reads).await?;
        Ok((page, todo))
    }

    /// The SPE referent's dashboard. The SIAE an SPE organisation (France Travail agency, Cap emploi, Mission
    /// locale) is the referent of are the other parties of the local cooperation conventions (CCL) it is a
    /// party to, once every party has signed and while in force: the CCL names the correspondents of both sides
    /// (Guide de la CCL Pôle emploi – SIAE), and an SIAE that has not signed has agreed to nothing.
    /// Only the caller's SPE organisations count; anyone else gets `not_spe`.
    pub async fn referent_dashboard(&self, ctx: &AccessContext, filter: &PathwayFilter) -> Result<ReferentDashboard> {
        let spe: Vec<Uuid> = ctx
            .memberships()
            .iter()
            .filter(|m| m.kind.is_spe())
            .map(|m| m.organisation_id)
            .collect();
        if spe.is_empty() {
            return Err(StoreError::forbidden(
                "not_spe",
                "Ce tableau de bord est celui du référent du service public de l'emploi : une agence France Travail, \
                 un Cap emploi ou une Mission locale.",
            ));
        }
        let mut tx = self.pool.begin_read().await?;
        let siae = referred_siae(&mut tx, &spe).await?;
        let siae_ids: Vec<Uuid> = siae.iter().map(|s| s.id).collect();
        let all = load(&mut tx, &Scope::Employers(siae_ids.clone())).await?;
        let as_of = today();
        let mut decisions = prolongations_to_decide(&mut tx, &spe).await?;
        decisions.extend(agrements_to_decide(&all));
        let interviews_due = interviews_due(&all, as_of);
        let mut exit_reviews = Vec::new();
        if !siae_ids.is_empty() {
            let mut q = query(
                "SELECT x.id, x.person_id, pe.first_name, pe.last_name, o.name, x.exit_on, x.outcome, \
                 EXISTS (SELECT 1 FROM person_followers f WHERE f.person_id = x.person_id AND",
            );
            push_in(&mut q, "f.organisation_id", &spe);
            q.push_bound(
                ") AS followed FROM exit_reviews x JOIN persons pe ON pe.id = x.person_id JOIN organisations o \
                 ON o.id = x.siae_id WHERE pe.archived_at IS NULL AND x.exit_on >= {} AND",
                as_of - time::Duration::days(365),
            );
            push_in(&mut q, "x.siae_id", &siae_ids);
            q.push_sql(" ORDER BY x.exit_on DESC, x.created_at DESC LIMIT 100");
            for r in tx.fetch_all(q).await? {
                let outcome: ExitOutcome = serde_json::from_value(r.get::<String>("outcome")?.into())
                    .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.to_string().into())))?;
                exit_reviews.push(ReceivedExitReview {
                    id: r.get("id")?,
                    person_id: r.get("person_id")?,
                    person_name: name(&r)?,
                    siae_name: r.get("name")?,
                    exit_on: r.get("exit_on")?,
                    outcome_label: outcome.label(),
                    followed: r.get("followed")?,
                });
            }
        }
        let mut reads = Vec::new();
        let people = page_of(&all, filter, &mut reads);
        let shown: Vec<Uuid> = decisions
            .iter()
            .chain(&interviews_due)
            .map(|t| t.person_id)
            .chain(exit_reviews.iter().map(|x| x.person_id))
            .collect();
        if !shown.is_empty() {
            reads.push(Event::new("persons", Uuid::nil(), "referent.listed").after(&shown));
        }
        tx.commit().await?;
        journal_reads(&self.pool, ctx, reads).await?;
        Ok(ReferentDashboard {
            siae,
            decisions,
            interviews_due,
            exit_reviews,
            people,
        })
    }
}

/// The SIAE of the CCL binding one of the `spe` organisations today, with their referent (see
/// [`crate::agreements::binding`]).
async fn referred_siae(ex: &mut impl Executor, spe: &[Uuid]) -> Result<Vec<ReferredSiae>> {
    let ccl = crate::agreements::binding(ex, AgreementKind::LocalCooperation, spe, today()).await?;
    if ccl.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = ccl.iter().map(|c| c.id).collect();
    let mut q = query(
        "SELECT DISTINCT s.organisation_id, o.name, r.organisation_id AS referent_id, r.agreement_id \
         FROM agreement_parties r JOIN agreement_parties s ON s.agreement_id = r.agreement_id \
         AND s.organisation_id <> r.organisation_id JOIN organisations o ON o.id = s.organisation_id \
         WHERE o.kind IN ('aci', 'ei', 'ai', 'etti', 'eiti') AND",
    );
    push_in(&mut q, "r.organisation_id", spe);
    q.push_sql(" AND");
    push_in(&mut q, "r.agreement_id", &ids);
    q.push_sql(" ORDER BY o.name");
    let mut siae = Vec::new();
    for r in ex.fetch_all(q).await? {
        let agreement_id: Uuid = r.get("agreement_id")?;
        siae.push(ReferredSiae {
            id: r.get("organisation_id")?,
            name: r.get("name")?,
            referent_id: r.get("referent_id")?,
            agreement_id,
            agreement_title: ccl
                .iter()
                .find(|c| c.id == agreement_id)
                .map(|c| c.title.clone())
                .unwrap_or_default(),
        });
    }
    Ok(siae)
}

/// The to-do list from the people in pathway already loaded; the persons it names are to be journaled (`reads`).
async fn todo_for(
    ex: &mut impl Executor,
    ctx: &AccessContext,
    rows: &[PathwayRow],
    reads: &mut Vec<Event>,
) -> Result<Vec<TodoItem>> {
    let as_of = today();
    let mut items = interviews_due(rows, as_of);
    // The SPE referent of an SIAE takes part in its tripartite interviews (Accord régional BFC 2016, fiche 7),
    // also for the people it did not prescribe: those of the SIAE its CCL binds it to, as on its dashboard.
    let spe: Vec<Uuid> = ctx
        .memberships()
        .iter()
        .filter(|m| m.kind.is_spe())
        .map(|m| m.organisation_id)
        .collect();
    if !spe.is_empty() {
        let referred: Vec<Uuid> = referred_siae(ex, &spe).await?.iter().map(|s| s.id).collect();
        let employed = load(ex, &Scope::Employers(referred)).await?;
        for item in interviews_due(&employed, as_of) {
            if !items.iter().any(|i| i.person_id == item.person_id) {
                items.push(item);
            }
        }
    }
    let orgs = organisations(ctx);
    items.extend(prolongations_to_decide(ex, &orgs).await?);
    // Immersions to sign or assess, ESAT orientations to renew.
    items.extend(crate::pathways::immersion::todo_items(ex, &orgs, as_of).await?);
    items.extend(crate::pathways::esat::todo_items(ex, &orgs, as_of).await?);
    items.extend(crate::pathways::iae::referral::todo_items(ex, &orgs).await?);
    items.extend(crate::pathways::iae::orientation::todo_items(ex, &orgs).await?);
    if !orgs.is_empty() {
        let mut q = query(
            "SELECT x.person_id, pe.first_name, pe.last_name, x.follow_up_on FROM exit_reviews x \
             JOIN persons pe ON pe.id = x.person_id WHERE x.followed_up_on IS NULL AND x.follow_up_on <= $1 AND \
             EXISTS (SELECT 1 FROM person_followers f WHERE f.person_id = x.person_id AND",
        )
        .bind(as_of);
        push_in(&mut q, "f.organisation_id", &orgs);
        q.push_sql(")");
        for r in ex.fetch_all(q).await? {
            let id: Uuid = r.get("person_id")?;
            items.push(TodoItem {
                person_id: id,
                person_name: name(&r)?,
                what: "exit_follow_up".into(),
                due_on: r.get("follow_up_on")?,
                explanation: passerelle_domain::pathways::iae::exit::follow_up_due(),
                link: approval_page(id),
            });
        }
    }
    items.sort_by_key(|i| i.due_on);
    if !items.is_empty() {
        let ids: Vec<Uuid> = items.iter().map(|i| i.person_id).collect();
        reads.push(Event::new("persons", Uuid::nil(), "todo.listed").after(&ids));
    }
    Ok(items)
}
