-- Avenants proposed to the parties: an avenant binds once every party has signed it; until then the version in
-- force stays the current one (agreement_versions). A party may refuse it, the proposer may withdraw it.
CREATE TABLE agreement_amendments (
    id BLOB PRIMARY KEY,
    agreement_id BLOB NOT NULL REFERENCES agreements (id),
    content TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    status TEXT NOT NULL CHECK (status IN ('pending','adopted','declined','withdrawn')),
    proposed_on DATE NOT NULL,
    proposed_by_organisation_id BLOB NOT NULL REFERENCES organisations (id),
    proposed_by_user_id BLOB REFERENCES users (id),
    closed_on DATE,
    closed_by_organisation_id BLOB REFERENCES organisations (id),
    created_at TEXT NOT NULL,
    CHECK ((status = 'pending') = (closed_on IS NULL))
);
-- One proposal at a time per agreement: the last line of defence behind the transition table.
CREATE UNIQUE INDEX agreement_amendments_one_pending ON agreement_amendments (agreement_id) WHERE status = 'pending';

-- Each party's signature of a proposed avenant.
CREATE TABLE agreement_amendment_signatures (
    amendment_id BLOB NOT NULL REFERENCES agreement_amendments (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    signed_on DATE NOT NULL,
    signed_by_user_id BLOB REFERENCES users (id),
    PRIMARY KEY (amendment_id, organisation_id)
);
