-- Governance (issue 7): committees, their members and meetings, agendas, documents, invitations, attendance,
-- minutes and decisions, transmissions, action items, mutual-knowledge actions; and the dated obligations
-- of the whole system that the deadlines engine scans by date.

CREATE TABLE committees (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('cta','regional_steering','departmental_steering','cdiae','inclusion_commission','employment_committee','supported_employment_copil','supported_employment_cotech','partners_committee','other')),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    department TEXT,
    region TEXT,
    frequency TEXT NOT NULL CHECK (frequency IN ('quarterly','twice_a_year','yearly','as_needed')),
    agenda_notice_days BIGINT CHECK (agenda_notice_days IS NULL OR agenda_notice_days BETWEEN 1 AND 60),
    secretary_organisation_id BLOB NOT NULL REFERENCES organisations (id),
    created_at TEXT NOT NULL
);

-- The agreements a committee steers.
CREATE TABLE committee_agreements (
    committee_id BLOB NOT NULL REFERENCES committees (id),
    agreement_id BLOB NOT NULL REFERENCES agreements (id),
    PRIMARY KEY (committee_id, agreement_id)
);

CREATE TABLE committee_members (
    id BLOB PRIMARY KEY,
    committee_id BLOB NOT NULL REFERENCES committees (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    person_name TEXT,
    email TEXT,
    vote TEXT NOT NULL CHECK (vote IN ('deliberative','consultative')),
    by_right BOOLEAN NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX committee_members_committee ON committee_members (committee_id);
CREATE INDEX committee_members_organisation ON committee_members (organisation_id);

CREATE TABLE meetings (
    id BLOB PRIMARY KEY,
    committee_id BLOB NOT NULL REFERENCES committees (id),
    -- Local time in Europe/Paris, as members read it and as the invitation's VTIMEZONE states it.
    held_on DATE NOT NULL,
    start_time TEXT NOT NULL CHECK (length(start_time) = 5),
    end_time TEXT NOT NULL CHECK (length(end_time) = 5),
    place TEXT,
    video_link TEXT,
    extraordinary BOOLEAN NOT NULL,
    termination_agreement_id BLOB REFERENCES agreements (id),
    agenda_sent_on DATE,
    invitation_sequence BIGINT NOT NULL DEFAULT 0,
    minutes TEXT,
    minutes_validated_on DATE,
    status TEXT NOT NULL CHECK (status IN ('planned','held','cancelled')),
    created_at TEXT NOT NULL,
    CHECK (end_time > start_time),
    CHECK (place IS NOT NULL OR video_link IS NOT NULL),
    CHECK (termination_agreement_id IS NULL OR extraordinary)
);
CREATE INDEX meetings_committee ON meetings (committee_id, held_on);

CREATE TABLE agenda_items (
    id BLOB PRIMARY KEY,
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    proposed_by_organisation_id BLOB NOT NULL REFERENCES organisations (id),
    status TEXT NOT NULL CHECK (status IN ('proposed','accepted','refused')),
    created_at TEXT NOT NULL
);
CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id);

CREATE TABLE meeting_documents (
    id BLOB PRIMARY KEY,
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size BETWEEN 1 AND 10485760),
    content BLOB NOT NULL,
    uploaded_by_organisation_id BLOB NOT NULL REFERENCES organisations (id),
    created_at TEXT NOT NULL
);
CREATE INDEX meeting_documents_meeting ON meeting_documents (meeting_id);

-- One row per member and per sending of the invitation (a changed meeting sends the next sequence).
CREATE TABLE meeting_invitations (
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    member_id BLOB NOT NULL REFERENCES committee_members (id),
    sequence BIGINT NOT NULL,
    email TEXT NOT NULL,
    enqueued_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, member_id, sequence)
);

CREATE TABLE meeting_attendance (
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    member_id BLOB NOT NULL REFERENCES committee_members (id),
    presence TEXT NOT NULL CHECK (presence IN ('present','excused','absent')),
    PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE minutes_validations (
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    member_id BLOB NOT NULL REFERENCES committee_members (id),
    validated_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE minutes_transmissions (
    id BLOB PRIMARY KEY,
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    to_committee_id BLOB NOT NULL REFERENCES committees (id),
    transmitted_on DATE NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (meeting_id, to_committee_id)
);

-- Decisions of meetings, the roadmap actions of the steered agreements, and items added by the secretary.
CREATE TABLE action_items (
    id BLOB PRIMARY KEY,
    committee_id BLOB NOT NULL REFERENCES committees (id),
    origin TEXT NOT NULL CHECK (origin IN ('decision','roadmap')),
    meeting_id BLOB REFERENCES meetings (id),
    agreement_id BLOB REFERENCES agreements (id),
    source_key TEXT NOT NULL,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    owner_organisation_id BLOB NOT NULL REFERENCES organisations (id),
    due_on DATE,
    status TEXT NOT NULL CHECK (status IN ('open','done','cancelled')),
    created_at TEXT NOT NULL,
    closed_at TEXT,
    UNIQUE (committee_id, source_key),
    CHECK ((origin = 'decision') = (meeting_id IS NOT NULL)),
    CHECK ((origin = 'roadmap') = (agreement_id IS NOT NULL))
);
CREATE INDEX action_items_committee ON action_items (committee_id, due_on);

-- Seed 000 and seed 004 fiche 2: visits, webinars, information sessions between structures and the SPE.
CREATE TABLE mutual_knowledge_actions (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('visit','webinar','information_session','immersion_day','other')),
    held_on DATE NOT NULL,
    topic TEXT NOT NULL CHECK (length(topic) BETWEEN 1 AND 300),
    department TEXT NOT NULL,
    participants BIGINT NOT NULL CHECK (participants >= 0),
    created_by_organisation_id BLOB NOT NULL REFERENCES organisations (id),
    created_at TEXT NOT NULL
);
CREATE INDEX mutual_knowledge_actions_held ON mutual_knowledge_actions (held_on);

CREATE TABLE mutual_knowledge_organisations (
    action_id BLOB NOT NULL REFERENCES mutual_knowledge_actions (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL CHECK (role IN ('organiser','participant')),
    PRIMARY KEY (action_id, organisation_id)
);
CREATE INDEX mutual_knowledge_organisations_organisation ON mutual_knowledge_organisations (organisation_id);

-- Every dated obligation of the system, written by its source in the transaction of the change that sets
-- its date, so that the deadlines engine reads a date range through an index instead of replaying records.
CREATE TABLE obligations (
    id BLOB PRIMARY KEY,
    source TEXT NOT NULL,
    source_key TEXT NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    due_on DATE NOT NULL,
    title TEXT NOT NULL,
    link TEXT NOT NULL,
    rule TEXT NOT NULL,
    done_at TEXT,
    -- When the organisation was told in the application (once, as the due date comes near).
    notified_at TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (source, source_key, organisation_id)
);
CREATE INDEX obligations_open_due ON obligations (due_on) WHERE done_at IS NULL;
CREATE INDEX obligations_organisation_due ON obligations (organisation_id, due_on) WHERE done_at IS NULL;
