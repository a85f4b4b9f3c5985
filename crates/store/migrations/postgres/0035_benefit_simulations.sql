-- Saved benefit simulations (docs/benefits.md, « Simulations enregistrées »): a counsellor of an organisation
-- following the person keeps a simulation in the person's record: the simulator's inputs (its form, as the
-- address of the page holds it) and the summary computed then (months, totals). Deleted ones stay, marked, for
-- the journal; the retention purge blanks their inputs with the person's identity.
CREATE TABLE benefit_simulations (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    author_user_id UUID REFERENCES users (id),
    inputs TEXT NOT NULL CHECK (length(inputs) BETWEEN 1 AND 8000),
    summary JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ
);
CREATE INDEX benefit_simulations_person ON benefit_simulations (person_id, created_at);
