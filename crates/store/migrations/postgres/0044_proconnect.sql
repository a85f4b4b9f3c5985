-- Sign-in with ProConnect (docs/security.md, « ProConnect sign-in »).
-- One row per sign-in sent to the provider: the SHA-256 hash of its `state` (the key the provider sends back),
-- the nonce the ID token must carry and the PKCE verifier, kept server-side; it lives ten minutes and is spent
-- once, by the statement that checks it. Rows older than a day are deleted at the next sign-in. Unix seconds.
CREATE TABLE proconnect_logins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX proconnect_logins_created ON proconnect_logins (created_at);

-- A ProConnect identity (its `sub`) linked to an account at its first sign-in, by the account's e-mail; later
-- sign-ins find the account by `sub`, whatever the address has become. One identity per account.
CREATE TABLE proconnect_identities (
    subject TEXT PRIMARY KEY,
    user_id UUID NOT NULL UNIQUE REFERENCES users (id),
    linked_at BIGINT NOT NULL,
    last_sign_in_at BIGINT NOT NULL
);

-- The ID token of a session opened through ProConnect, sent back as `id_token_hint` to the provider's
-- end-session endpoint at logout; NULL for a password sign-in.
ALTER TABLE sessions ADD COLUMN id_token TEXT;
