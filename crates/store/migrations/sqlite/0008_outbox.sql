-- The e-mail outbox (issue 7): a mail is written in the transaction of what causes it and delivered later
-- over SMTP by a worker that claims it with a lease, retries with backoff, and never loses it. The dedupe key
-- makes a second enqueue of the same mail a no-op. Times compared in SQL are Unix seconds.
CREATE TABLE outbox (
    id BLOB PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    attachment_name TEXT,
    attachment_type TEXT,
    attachment TEXT,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    leased_by TEXT,
    last_error TEXT,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
