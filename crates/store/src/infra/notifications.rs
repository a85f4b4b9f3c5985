//! Notifications: what an organisation is told about (the other side's step on a referral sheet, a
//! decision to take). Shown in the pages' inbox; no e-mail is sent yet.

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::Result;
use crate::infra::sql::{Executor, query};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub message: String,
    /// The page to open.
    pub link: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub read: bool,
}

/// Tells `organisation_id` about `subject`, in the transaction of the change.
pub(crate) async fn notify(
    ex: &mut impl Executor,
    organisation_id: Uuid,
    subject: (&str, Uuid),
    message: &str,
    link: &str,
) -> Result<()> {
    ex.execute(
        query(
            "INSERT INTO notifications (id, organisation_id, subject_type, subject_id, message, link, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::new_v4())
        .bind(organisation_id)
        .bind(subject.0)
        .bind(subject.1)
        .bind(message)
        .bind(link)
        .bind(crate::infra::clock::now()),
    )
    .await?;
    Ok(())
}

/// The page of a person's IAE approval, where notifications about their pathway lead.
pub fn approval_page(person_id: Uuid) -> String {
    format!("/personnes/{person_id}/parcours-iae")
}

/// Notifies `organisation_id` of something about a person's IAE pathway, linking to the approval page.
pub(crate) async fn notify_pathway(
    ex: &mut impl Executor,
    organisation_id: Uuid,
    person_id: Uuid,
    message: &str,
) -> Result<()> {
    notify(
        ex,
        organisation_id,
        ("person", person_id),
        message,
        &approval_page(person_id),
    )
    .await
}

impl Store {
    /// The latest notifications of the caller's organisations, newest first.
    pub async fn notifications(&self, ctx: &AccessContext) -> Result<Vec<Notification>> {
        let Some(user) = ctx.user_id() else {
            return Ok(Vec::new());
        };
        let mut db = self.pool.clone();
        let rows = db
            .fetch_all(
                query(
                    "SELECT n.id, n.organisation_id, n.subject_type, n.subject_id, n.message, n.link, n.created_at, \
                     n.read_at FROM notifications n JOIN memberships m ON m.organisation_id = n.organisation_id \
                     WHERE m.user_id = $1 ORDER BY n.created_at DESC, n.id LIMIT 200",
                )
                .bind(user),
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: r.get("id")?,
                    organisation_id: r.get("organisation_id")?,
                    subject_type: r.get("subject_type")?,
                    subject_id: r.get("subject_id")?,
                    message: r.get("message")?,
                    link: r.get("link")?,
                    created_at: r.get("created_at")?,
                    read: r.get::<Option<OffsetDateTime>>("read_at")?.is_some(),
                })
            })
            .collect()
    }

    /// How many notifications of the caller's organisations are unread.
    pub async fn unread_notifications(&self, ctx: &AccessContext) -> Result<i64> {
        let Some(user) = ctx.user_id() else {
            return Ok(0);
        };
        let row = self
            .pool
            .clone()
            .fetch_one(
                query(
                    "SELECT COUNT(*) AS n FROM notifications WHERE read_at IS NULL AND organisation_id IN \
                     (SELECT organisation_id FROM memberships WHERE user_id = $1)",
                )
                .bind(user),
            )
            .await?;
        Ok(row.get("n")?)
    }

    /// Marks every notification of the caller's organisations as read; returns how many were unread.
    pub async fn mark_notifications_read(&self, ctx: &AccessContext) -> Result<u64> {
        let Some(user) = ctx.user_id() else {
            return Ok(0);
        };
        let mut db = self.pool.clone();
        Ok(db
            .execute(
                query(
                    "UPDATE notifications SET read_at = $1 WHERE read_at IS NULL AND organisation_id IN \
                     (SELECT organisation_id FROM memberships WHERE user_id = $2)",
                )
                .bind(crate::infra::clock::now())
                .bind(user),
            )
            .await?)
    }
}
