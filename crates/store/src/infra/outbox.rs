//! The e-mail outbox: mails are enqueued in the transaction of the change that causes
//! them and delivered by [`Store::deliver_outbox`] through the configured SMTP relay.
//!
//! - Never lost: a mail stays `pending` until the relay accepts it; a relay outage or a temporary refusal
//!   (4xx) only moves its next attempt later (1 minute, doubling up to 1 hour). A permanent refusal (5xx,
//!   e.g. a bad address) marks it `failed` with the relay's answer, kept for the administrators.
//! - Never sent twice: enqueueing the same `dedupe_key` again does nothing, and a worker claims a mail with a
//!   lease before sending it, so two servers never send the same mail. The one window left is a worker that
//!   dies after the relay accepted a mail and before it is marked sent; the mail then goes again when the
//!   lease expires, with the same `Message-ID`, which mail systems use to drop the repeat.

use crate::Store;
use crate::infra::error::Result;
use crate::infra::sql::{Executor, query};
use passerelle_mail::message::Mailbox;
use passerelle_mail::{Attachment, Message, Relay, Starttls};
use time::OffsetDateTime;
use uuid::Uuid;

/// A mail to send; `dedupe_key` names what it is about (`digest:<user>:<date>`, `invitation:<meeting>:<n>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub dedupe_key: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// A text attachment (an iCalendar invitation): file name, content type, content.
    pub attachment: Option<(String, String, String)>,
}

/// How the worker delivers: the relay, the sender address, its own name (for the lease) and batch size.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub relay: Relay,
    pub from: String,
    pub worker: String,
    pub batch: i64,
    pub lease_seconds: i64,
}

impl Delivery {
    /// A worker with a name of its own, sending through the relay at `address` (`host:port`) as `from`.
    pub fn new(address: &str, from: &str) -> Self {
        Self {
            relay: Relay::new(address),
            from: from.to_owned(),
            worker: format!("{}-{}", std::process::id(), Uuid::new_v4().simple()),
            batch: 100,
            lease_seconds: 300,
        }
    }

    /// Never in clear: a relay that does not offer STARTTLS gets nothing.
    pub fn requiring_tls(mut self) -> Self {
        self.relay.starttls = Starttls::Required;
        self
    }

    /// Whether the sender is an address (`Name <a@b>` or `a@b`): otherwise every mail would fail.
    pub fn sender_is_an_address(&self) -> bool {
        self.from.parse::<Mailbox>().is_ok()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryReport {
    pub failed: u64,
    pub retried: u64,
    pub sent: u64,
}

/// The number of mails in each state, for the administrators' page and the CLI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
}

const FIRST_RETRY_SECONDS: i64 = 60;
const LAST_RETRY_SECONDS: i64 = 3600;

/// The delay before attempt `attempts + 1`: 1 minute, doubling, at most 1 hour.
fn backoff(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    (FIRST_RETRY_SECONDS << doublings).min(LAST_RETRY_SECONDS)
}

/// Writes `mail` to the outbox with the caller's change (`ex` is its transaction). Returns false when a mail
/// with the same dedupe key is already there, which is then left as it is.
pub async fn enqueue(ex: &mut impl Executor, mail: &OutgoingMail, now: OffsetDateTime) -> Result<bool> {
    let (name, content_type, content) = match &mail.attachment {
        Some((n, t, c)) => (Some(n.clone()), Some(t.clone()), Some(c.clone())),
        None => (None, None, None),
    };
    let inserted = ex
        .execute(
            query(
                "INSERT INTO outbox (id, dedupe_key, recipient, subject, body, attachment_name, attachment_type, \
                 attachment, created_at, status, attempts, next_attempt_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10) ON CONFLICT (dedupe_key) DO NOTHING",
            )
            .bind(Uuid::new_v4())
            .bind(mail.dedupe_key.as_str())
            .bind(mail.to.as_str())
            .bind(mail.subject.as_str())
            .bind(mail.text.as_str())
            .bind(name)
            .bind(content_type)
            .bind(content)
            .bind(now)
            .bind(now.unix_timestamp()),
        )
        .await?;
    Ok(inserted == 1)
}

impl Store {
    /// Enqueues one mail on its own (outside another change).
    pub async fn enqueue_mail(&self, mail: &OutgoingMail, now: OffsetDateTime) -> Result<bool> {
        enqueue(&mut self.pool.clone(), mail, now).await
    }

    /// Sends every mail due at `now`, batch by batch, until none is left to claim. Mails whose attempt fails
    /// are due again later, so one pass tries each mail at most once.
    pub async fn deliver_outbox(&self, delivery: &Delivery, now: OffsetDateTime) -> Result<DeliveryReport> {
        let mut db = self.pool.clone();
        let mut report = DeliveryReport::default();
        let now_s = now.unix_timestamp();
        loop {
            let due = "status = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3)";
            // The conditions are repeated outside the subquery so that PostgreSQL re-checks them on a row
            // another worker claimed meanwhile: each row goes to one worker.
            let claimed = db
                .fetch_all(
                    query(format!(
                        "UPDATE outbox SET lease_until = $1, leased_by = $2 WHERE {due} AND id IN \
                         (SELECT id FROM outbox WHERE {due} ORDER BY next_attempt_at LIMIT $4) \
                         RETURNING id, recipient, subject, body, attempts, attachment_name, attachment_type, attachment"
                    ))
                    .bind(now_s + delivery.lease_seconds)
                    .bind(delivery.worker.as_str())
                    .bind(now_s)
                    .bind(delivery.batch),
                )
                .await?;
            if claimed.is_empty() {
                return Ok(report);
            }
            for row in claimed {
                let id: Uuid = row.get("id")?;
                let attempts: i64 = row.get("attempts")?;
                let attachment = match (
                    row.get::<Option<String>>("attachment_name")?,
                    row.get::<Option<String>>("attachment_type")?,
                    row.get::<Option<String>>("attachment")?,
                ) {
                    (Some(file_name), Some(content_type), Some(content)) => Some(Attachment {
                        file_name,
                        content_type,
                        content: content.into_bytes(),
                    }),
                    _ => None,
                };
                let message = Message {
                    message_id: format!("{id}@passerelle"),
                    from: delivery.from.clone(),
                    to: row.get("recipient")?,
                    subject: row.get("subject")?,
                    text: row.get("body")?,
                    attachment,
                };
                let sent = delivery.relay.send(&message, now).await;
                let (status, error, counted) = match &sent {
                    Ok(()) => ("sent", None, &mut report.sent),
                    Err(e) if e.is_permanent() => ("failed", Some(e.to_string()), &mut report.failed),
                    Err(e) => ("pending", Some(e.to_string()), &mut report.retried),
                };
                *counted += 1;
                db.execute(
                    query(
                        "UPDATE outbox SET status = $1, attempts = attempts + 1, next_attempt_at = $2, \
                         lease_until = NULL, leased_by = NULL, last_error = $3, sent_at = $4 \
                         WHERE id = $5 AND leased_by = $6",
                    )
                    .bind(status)
                    .bind(now_s + backoff(attempts + 1))
                    .bind(error)
                    .bind((status == "sent").then_some(now))
                    .bind(id)
                    .bind(delivery.worker.as_str()),
                )
                .await?;
            }
        }
    }

    /// Delivers what is due every `every`, for the life of the server. Several servers may each run it: the
    /// lease keeps every mail to one of them.
    pub async fn deliver_periodically(self, delivery: Delivery, every: std::time::Duration) {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            match self.deliver_outbox(&delivery, crate::infra::clock::now()).await {
                Ok(r) if r == DeliveryReport::default() => {}
                Ok(r) => tracing::info!(
                    sent = r.sent,
                    retried = r.retried,
                    failed = r.failed,
                    "courriels envoyés"
                ),
                Err(e) => tracing::warn!(error = %e, "envoi des courriels interrompu"),
            }
        }
    }

    pub async fn outbox_counts(&self) -> Result<OutboxCounts> {
        let rows = self
            .pool
            .clone()
            .fetch_all(query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"))
            .await?;
        let mut counts = OutboxCounts::default();
        for row in rows {
            let n: i64 = row.get("n")?;
            match row.get::<String>("status")?.as_str() {
                "pending" => counts.pending = n,
                "sent" => counts.sent = n,
                _ => counts.failed = n,
            }
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn retries_slow_down_to_an_hour() {
        let delays: Vec<i64> = (1..=9).map(backoff).collect();
        assert_eq!(delays, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(backoff(1_000), 3600);
    }
}
