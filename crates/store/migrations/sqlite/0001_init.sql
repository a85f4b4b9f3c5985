-- Directory, accounts, persons and the event journal.
-- Invariants are checked here as well as in the domain, so that a bug in one is caught by the other.

CREATE TABLE organisations (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN ('aci','ei','etti','ai','eiti','geiq','adapted_company','esat','supported_employment','france_travail_agency','france_travail_territorial','france_travail_regional','cap_emploi','mission_locale','authorised_prescriber','ddets','dreets','iae_network','mdph','departmental_council','employer','other')),
    siret TEXT UNIQUE CHECK (siret IS NULL OR length(siret) = 14),
    address_line TEXT,
    postal_code TEXT CHECK (postal_code IS NULL OR length(postal_code) = 5),
    commune TEXT NOT NULL CHECK (length(commune) BETWEEN 1 AND 200),
    commune_code TEXT,
    department TEXT NOT NULL CHECK (length(department) BETWEEN 2 AND 3),
    parent_id BLOB REFERENCES organisations (id),
    email TEXT,
    phone TEXT,
    website TEXT,
    description TEXT,
    search_text TEXT NOT NULL,
    source TEXT,
    external_id TEXT,
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (source, external_id),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX organisations_department_kind ON organisations (department, kind);

CREATE TABLE organisation_territories (
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    department TEXT NOT NULL,
    PRIMARY KEY (organisation_id, department)
);
CREATE INDEX organisation_territories_department ON organisation_territories (department);

CREATE TABLE contacts (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    first_name TEXT NOT NULL CHECK (length(first_name) BETWEEN 1 AND 200),
    last_name TEXT NOT NULL CHECK (length(last_name) BETWEEN 1 AND 200),
    function TEXT,
    email TEXT,
    phone TEXT,
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contacts_organisation ON contacts (organisation_id);

-- A role held by a contact, with a substitute who acts while the holder is absent (seed 001, degraded mode).
CREATE TABLE contact_roles (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,
    holder_id BLOB NOT NULL REFERENCES contacts (id),
    substitute_id BLOB REFERENCES contacts (id),
    holder_absent BOOLEAN NOT NULL DEFAULT FALSE,
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (substitute_id IS NULL OR substitute_id <> holder_id)
);
CREATE INDEX contact_roles_organisation ON contact_roles (organisation_id);

CREATE TABLE authorisations (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    issuer TEXT NOT NULL CHECK (length(issuer) BETWEEN 1 AND 200),
    issuer_organisation_id BLOB REFERENCES organisations (id),
    starts_on DATE NOT NULL,
    ends_on DATE,
    archived_at TEXT,
    created_at TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX authorisations_organisation ON authorisations (organisation_id);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    platform_admin BOOLEAN NOT NULL DEFAULT FALSE,
    archived_at TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE memberships (
    user_id BLOB NOT NULL REFERENCES users (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL CHECK (role IN ('member', 'admin')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_organisation ON memberships (organisation_id);

-- Sessions of the web pages and API tokens; only a hash of the token is kept. Times are Unix seconds.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per e-mail address (known or not, so that the answer tells nothing). Unix seconds.
CREATE TABLE login_failures (
    email TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT
);

CREATE TABLE persons (
    id BLOB PRIMARY KEY,
    first_name TEXT NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
    last_name TEXT NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    birth_date DATE,
    email TEXT,
    phone TEXT,
    address_line TEXT,
    postal_code TEXT,
    commune TEXT,
    consent_data_sharing BOOLEAN NOT NULL,
    consent_date DATE,
    created_by_organisation_id BLOB NOT NULL REFERENCES organisations (id),
    search_text TEXT NOT NULL,
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (consent_data_sharing = FALSE OR consent_date IS NOT NULL)
);

-- The organisations taking part in a person's pathway: the only ones that may see the person.
CREATE TABLE person_followers (
    person_id BLOB NOT NULL REFERENCES persons (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    since TEXT NOT NULL,
    PRIMARY KEY (person_id, organisation_id)
);
CREATE INDEX person_followers_organisation ON person_followers (organisation_id);

-- The journal: every change (and every read of personal data), written in the change's transaction.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TEXT NOT NULL,
    actor_user_id BLOB REFERENCES users (id),
    actor_label TEXT NOT NULL CHECK (length(actor_label) > 0),
    entity_type TEXT NOT NULL CHECK (length(entity_type) > 0),
    entity_id BLOB NOT NULL,
    action TEXT NOT NULL CHECK (length(action) > 0),
    organisation_id BLOB,
    before_data TEXT,
    after_data TEXT
);
CREATE INDEX events_entity ON events (entity_type, entity_id);
CREATE INDEX events_action ON events (action);
