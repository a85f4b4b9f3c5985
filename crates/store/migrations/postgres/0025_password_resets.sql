-- Password reset links (docs/security.md, « Password reset »): one row per link sent, holding the SHA-256 hash of
-- its token like the sessions do, so that a copy of the database opens no account. A link lives one hour and
-- is spent once; rows older than a day are deleted at the next request.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);
CREATE INDEX password_resets_created ON password_resets (created_at);
