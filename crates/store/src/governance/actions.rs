//! Action items of a committee: the dated actions of the roadmap of each agreement it steers (Accord régional BFC 2016 annex
//! 3) and the decisions of its meetings, each with an owner organisation and a status; open dated items are
//! obligations of their owner for the deadlines engine, overdue ones stand out.

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, Row, query};
use crate::obligations::{self, Obligation, Source};
use crate::today;
use passerelle_domain::invalid::Invalid;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActionItem {
    pub id: Uuid,
    pub committee_id: Uuid,
    /// `decision` (of a meeting) or `roadmap` (of a steered agreement).
    pub origin: String,
    pub meeting_id: Option<Uuid>,
    pub agreement_id: Option<Uuid>,
    pub title: String,
    pub owner_organisation_id: Uuid,
    pub owner_name: String,
    pub due_on: Option<Date>,
    /// `open`, `done` or `cancelled`.
    pub status: String,
    /// Open and past its due date.
    pub overdue: bool,
}

const COLUMNS: &str = "i.id, i.committee_id, i.origin, i.meeting_id, i.agreement_id, i.title, \
    i.owner_organisation_id, o.name AS owner_name, i.due_on, i.status";

fn item(r: &Row, today: Date) -> Result<ActionItem> {
    let due_on: Option<Date> = r.get("due_on")?;
    let status: String = r.get("status")?;
    Ok(ActionItem {
        id: r.get("id")?,
        committee_id: r.get("committee_id")?,
        origin: r.get("origin")?,
        meeting_id: r.get("meeting_id")?,
        agreement_id: r.get("agreement_id")?,
        title: r.get("title")?,
        owner_organisation_id: r.get("owner_organisation_id")?,
        owner_name: r.get("owner_name")?,
        overdue: status == "open" && due_on.is_some_and(|d| d < today),
        due_on,
        status,
    })
}

pub(crate) async fn of_committee(ex: &mut impl Executor, committee_id: Uuid, today: Date) -> Result<Vec<ActionItem>> {
    ex.fetch_all(
        query(format!(
            "SELECT {COLUMNS} FROM action_items i JOIN organisations o ON o.id = i.owner_organisation_id \
             WHERE i.committee_id = $1 ORDER BY CASE WHEN i.status = 'open' THEN 0 ELSE 1 END, i.due_on, i.title"
        ))
        .bind(committee_id),
    )
    .await?
    .iter()
    .map(|r| item(r, today))
    .collect()
}

pub(crate) async fn of_meeting(ex: &mut impl Executor, meeting_id: Uuid, today: Date) -> Result<Vec<ActionItem>> {
    ex.fetch_all(
        query(format!(
            "SELECT {COLUMNS} FROM action_items i JOIN organisations o ON o.id = i.owner_organisation_id \
             WHERE i.meeting_id = $1 ORDER BY i.created_at, i.id"
        ))
        .bind(meeting_id),
    )
    .await?
    .iter()
    .map(|r| item(r, today))
    .collect()
}

/// The actions of the roadmap of `agreement_id`, as the committees steering it follow them.
pub(crate) async fn of_agreement(ex: &mut impl Executor, agreement_id: Uuid, today: Date) -> Result<Vec<ActionItem>> {
    ex.fetch_all(
        query(format!(
            "SELECT {COLUMNS} FROM action_items i JOIN organisations o ON o.id = i.owner_organisation_id \
             WHERE i.agreement_id = $1 AND i.origin = 'roadmap' \
             ORDER BY CASE WHEN i.due_on IS NULL THEN 1 ELSE 0 END, i.due_on, i.title, i.id"
        ))
        .bind(agreement_id),
    )
    .await?
    .iter()
    .map(|r| item(r, today))
    .collect()
}

/// An action item to write, with the obligation of its owner when it is dated.
pub(crate) struct NewItem<'a> {
    pub committee_id: Uuid,
    pub origin: &'static str,
    pub meeting_id: Option<Uuid>,
    pub agreement_id: Option<Uuid>,
    pub source_key: String,
    pub title: &'a str,
    pub owner: Uuid,
    pub due_on: Option<Date>,
}

pub(crate) async fn insert(ex: &mut impl Executor, new: NewItem<'_>) -> Result<Uuid> {
    let id = Uuid::new_v4();
    let inserted = ex
        .execute(
            query(
                "INSERT INTO action_items (id, committee_id, origin, meeting_id, agreement_id, source_key, title, \
                 owner_organisation_id, due_on, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10) ON CONFLICT (committee_id, source_key) DO NOTHING",
            )
            .bind(id)
            .bind(new.committee_id)
            .bind(new.origin)
            .bind(new.meeting_id)
            .bind(new.agreement_id)
            .bind(new.source_key.as_str())
            .bind(new.title)
            .bind(new.owner)
            .bind(new.due_on)
            .bind(crate::infra::clock::now()),
        )
        .await?;
    if inserted == 1
        && let Some(due_on) = new.due_on
    {
        let origin = match new.origin {
            "roadmap" => passerelle_domain::obligations::ActionOrigin::Roadmap,
            _ => passerelle_domain::obligations::ActionOrigin::Decision,
        };
        let item = Obligation::of(
            passerelle_domain::obligations::for_action_item(origin, due_on),
            id.to_string(),
            new.owner,
            new.title.to_owned(),
            format!("/instances/{}", new.committee_id),
        );
        obligations::upsert(ex, &item).await?;
    }
    Ok(id)
}

/// The dated and undated actions of every roadmap annex of `agreement`, owned by the secretary until
/// reassigned; importing twice adds nothing (one source key per action).
pub(crate) async fn import_roadmap(
    ex: &mut impl Executor,
    committee_id: Uuid,
    owner: Uuid,
    agreement: &crate::agreements::Agreement,
) -> Result<()> {
    for (a, annex) in agreement.content.annexes.iter().enumerate() {
        for (n, action) in annex.roadmap.iter().enumerate() {
            let title = if action.due.is_empty() {
                action.action.clone()
            } else {
                format!("{} ({})", action.action, action.due)
            };
            insert(
                ex,
                NewItem {
                    committee_id,
                    origin: "roadmap",
                    meeting_id: None,
                    agreement_id: Some(agreement.id),
                    source_key: format!("roadmap:{}:{a}:{n}", agreement.id),
                    title: &title,
                    owner,
                    due_on: action.due_on,
                },
            )
            .await?;
        }
    }
    Ok(())
}

impl Store {
    /// Closes (`done`, `cancelled`) or reopens (`open`) an action item: its owner or the committee's secretary.
    pub async fn set_action_item_status(&self, ctx: &AccessContext, id: Uuid, status: &str) -> Result<ActionItem> {
        if !matches!(status, "open" | "done" | "cancelled") {
            return Err(Invalid::new(
                "action_status_unknown",
                format!("Le statut « {status} » n'existe pas : « open », « done » ou « cancelled »."),
            )
            .on("status")
            .into());
        }
        let mut tx = self.pool.begin().await?;
        let mut q = query(
            "SELECT i.committee_id, i.owner_organisation_id, i.status, i.due_on, i.title FROM action_items i \
             JOIN committees c ON c.id = i.committee_id WHERE i.id = $1",
        )
        .bind(id);
        super::restrict(&mut q, ctx);
        let r = tx.fetch_optional(q).await?.ok_or(StoreError::not_found("action"))?;
        let committee_id: Uuid = r.get("committee_id")?;
        let owner: Uuid = r.get("owner_organisation_id")?;
        let s = super::standing(&mut tx, ctx, committee_id).await?;
        if !s.is_secretary(ctx) && ctx.membership(owner).is_none() {
            return Err(StoreError::forbidden(
                "action_owner_only",
                "Seuls la structure responsable de l'action et le secrétariat du comité peuvent changer son statut.",
            ));
        }
        let before: String = r.get("status")?;
        tx.execute(
            query("UPDATE action_items SET status = $1, closed_at = $2 WHERE id = $3")
                .bind(status)
                .bind((status != "open").then(crate::infra::clock::now))
                .bind(id),
        )
        .await?;
        if status == "open" {
            if let Some(due_on) = r.get::<Option<Date>>("due_on")? {
                obligations::upsert(
                    &mut tx,
                    &Obligation {
                        source: Source::ActionItem,
                        source_key: id.to_string(),
                        organisation_id: owner,
                        due_on,
                        title: r.get("title")?,
                        link: format!("/instances/{committee_id}"),
                        rule: "Action rouverte".to_owned(),
                    },
                )
                .await?;
            }
        } else {
            obligations::close(&mut tx, Source::ActionItem, &id.to_string()).await?;
        }
        record(
            &mut tx,
            ctx,
            Event::new("action_item", id, "action_item.status_changed")
                .by(Some(owner))
                .before(&serde_json::json!({"status": before}))
                .after(&serde_json::json!({"status": status})),
        )
        .await?;
        tx.commit().await?;
        let mut db = self.pool.clone();
        let r = db
            .fetch_one(
                query(format!(
                    "SELECT {COLUMNS} FROM action_items i JOIN organisations o ON o.id = i.owner_organisation_id \
                     WHERE i.id = $1"
                ))
                .bind(id),
            )
            .await?;
        item(&r, today())
    }

    /// The open action items of the caller's organisations that are past due, soonest first.
    pub async fn overdue_action_items(&self, ctx: &AccessContext) -> Result<Vec<ActionItem>> {
        let mut q = query(format!(
            "SELECT {COLUMNS} FROM action_items i JOIN organisations o ON o.id = i.owner_organisation_id \
             JOIN committees c ON c.id = i.committee_id WHERE i.status = 'open' AND i.due_on < $1"
        ))
        .bind(today());
        super::restrict(&mut q, ctx);
        q.push_sql(" ORDER BY i.due_on, i.title");
        let rows = self.pool.clone().fetch_all(q).await?;
        rows.iter().map(|r| item(r, today())).collect()
    }
}
