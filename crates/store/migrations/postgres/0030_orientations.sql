-- Orientations (docs/iae.md, « Orientation »): any organisation receiving the public sends a person to an
-- authorised prescriber, who alone diagnoses and prescribes; the prescriber takes the person on or refuses with a
-- reason (Accord régional BFC 2016, annexe 4). One orientation waits at most once per person and prescriber.
CREATE TABLE orientations (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    prescriber_id UUID NOT NULL REFERENCES organisations (id),
    message TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 4000),
    -- The person agreed to being sent to this prescriber.
    consent_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sent', 'accepted', 'refused')),
    answered_on DATE,
    answered_by TEXT,
    refusal_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (organisation_id <> prescriber_id),
    CHECK ((status = 'sent') = (answered_on IS NULL)),
    CHECK (status <> 'refused' OR refusal_reason IS NOT NULL)
);
CREATE INDEX orientations_person ON orientations (person_id);
CREATE INDEX orientations_organisation ON orientations (organisation_id);
CREATE INDEX orientations_prescriber ON orientations (prescriber_id, status);
CREATE UNIQUE INDEX orientations_one_waiting ON orientations (person_id, prescriber_id) WHERE status = 'sent';
