-- The tripartite interview scheduled before it is held (Accord régional BFC 2016, fiche action 7; docs/iae.md,
-- « Entretien tripartite prévu »): date, start time, a place or remote, the organisation that scheduled it (the
-- SIAE of the last hiring or an SPE organisation following the person). One scheduled interview at a time per
-- person; rescheduling raises `sequence` (the invitations' iCalendar SEQUENCE); holding it closes it.
CREATE TABLE scheduled_interviews (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    scheduled_by BLOB NOT NULL REFERENCES organisations (id),
    planned_on DATE NOT NULL,
    start_time TEXT NOT NULL CHECK (length(start_time) = 5),
    remote BOOLEAN NOT NULL,
    place TEXT CHECK (place IS NULL OR length(place) BETWEEN 1 AND 300),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled', 'held')),
    sequence BIGINT NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    interview_id BLOB REFERENCES tripartite_interviews (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (remote OR place IS NOT NULL),
    CHECK ((status = 'held') = (interview_id IS NOT NULL))
);
CREATE UNIQUE INDEX scheduled_interviews_one_open ON scheduled_interviews (person_id) WHERE status = 'scheduled';

-- Who attended a held interview; NULL on the interviews recorded before this migration. The person cannot be
-- absent from their own interview.
ALTER TABLE tripartite_interviews ADD COLUMN person_present BOOLEAN CHECK (person_present IS NULL OR person_present);
ALTER TABLE tripartite_interviews ADD COLUMN siae_present BOOLEAN CHECK (siae_present IS NULL OR siae_present);
ALTER TABLE tripartite_interviews ADD COLUMN referent_present BOOLEAN;
