-- Immersion signatures by link (docs/esat.md, « Signature by link »): the person and the host company's tutor,
-- who have no account, sign the convention from a link e-mailed to them. One row per link sent, holding the
-- SHA-256 hash of its token like the password resets, so that a copy of the database signs nothing. A link
-- lives 14 days and is spent once.
CREATE TABLE immersion_signature_links (
    token_hash TEXT PRIMARY KEY,
    immersion_id BLOB NOT NULL REFERENCES immersions (id),
    party TEXT NOT NULL CHECK (party IN ('beneficiary', 'host_company')),
    email TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    sent_by_user_id BLOB REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    CHECK (expires_at > created_at)
);
CREATE INDEX immersion_signature_links_immersion ON immersion_signature_links (immersion_id, party);

-- How a signature was given: recorded by a member from a signed paper (`recorded`, the rows before this
-- migration), by a member of the signing organisation with its account (`account`), or from a link (`link`).
ALTER TABLE immersion_signatures ADD COLUMN method TEXT NOT NULL DEFAULT 'recorded'
    CHECK (method IN ('recorded', 'account', 'link'));
