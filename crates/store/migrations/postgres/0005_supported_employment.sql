-- Supported employment (issue 6, item 2; RULES.md section 4) and the skills record's personal links (item 5).

-- A person's entry into a scheme, by a CDAPH decision or an SPE prescription; one open entry per scheme.
CREATE TABLE supported_entries (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    scheme_id UUID NOT NULL REFERENCES organisations (id),
    route TEXT NOT NULL CHECK (route IN ('cdaph', 'spe')),
    decided_on DATE,
    valid_until DATE,
    prescriber_id UUID REFERENCES organisations (id),
    prescriber_kind TEXT CHECK (prescriber_kind IS NULL OR prescriber_kind IN ('france_travail', 'cap_emploi', 'mission_locale')),
    prescribed_on DATE,
    entered_on DATE NOT NULL,
    counsellor_user_id UUID NOT NULL REFERENCES users (id),
    exited_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (route <> 'cdaph' OR (decided_on IS NOT NULL AND valid_until >= decided_on AND entered_on >= decided_on
        AND decided_on >= '2017-01-01')),
    CHECK (route <> 'spe' OR (prescriber_id IS NOT NULL AND prescriber_kind IS NOT NULL AND prescribed_on >= '2024-01-01'
        AND entered_on >= prescribed_on)),
    CHECK (exited_on IS NULL OR exited_on >= entered_on)
);
CREATE UNIQUE INDEX supported_entries_open ON supported_entries (person_id, scheme_id) WHERE exited_on IS NULL;
CREATE INDEX supported_entries_scheme ON supported_entries (scheme_id);
CREATE INDEX supported_entries_prescriber ON supported_entries (prescriber_id);

-- The individual support convention: the person, the managing body (the scheme) and the employer when there is one.
CREATE TABLE supported_conventions (
    id UUID PRIMARY KEY,
    entry_id UUID NOT NULL UNIQUE REFERENCES supported_entries (id),
    signed_on DATE NOT NULL,
    employer TEXT CHECK (employer IS NULL OR length(employer) BETWEEN 1 AND 200),
    employer_key TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

-- What a counsellor did in one of the four modules, and the time spent.
CREATE TABLE supported_activities (
    id UUID PRIMARY KEY,
    entry_id UUID NOT NULL REFERENCES supported_entries (id),
    counsellor_user_id UUID NOT NULL REFERENCES users (id),
    module TEXT NOT NULL CHECK (module IN ('assessment', 'project', 'job_search', 'in_employment')),
    done_on DATE NOT NULL,
    minutes BIGINT NOT NULL CHECK (minutes BETWEEN 1 AND 600),
    note TEXT,
    employer TEXT CHECK (employer IS NULL OR module IN ('job_search', 'in_employment')),
    employer_key TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX supported_activities_entry ON supported_activities (entry_id, done_on);

-- Jobs found with the scheme.
CREATE TABLE supported_jobs (
    id UUID PRIMARY KEY,
    entry_id UUID NOT NULL REFERENCES supported_entries (id),
    employer TEXT NOT NULL CHECK (length(employer) BETWEEN 1 AND 200),
    employer_key TEXT NOT NULL,
    siret TEXT CHECK (siret IS NULL OR length(siret) = 14),
    position TEXT NOT NULL CHECK (length(position) BETWEEN 1 AND 200),
    contract TEXT NOT NULL CHECK (contract IN ('cdi', 'cdd', 'interim', 'apprenticeship', 'adapted_company', 'other')),
    starts_on DATE NOT NULL,
    ends_on DATE,
    weekly_hours BIGINT NOT NULL CHECK (weekly_hours BETWEEN 1 AND 48),
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX supported_jobs_entry ON supported_jobs (entry_id, starts_on);

-- Each counsellor's working time in the scheme, in hundredths of a full time.
CREATE TABLE supported_counsellors (
    scheme_id UUID NOT NULL REFERENCES organisations (id),
    user_id UUID NOT NULL REFERENCES users (id),
    fte_hundredths BIGINT NOT NULL CHECK (fte_hundredths BETWEEN 1 AND 100),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scheme_id, user_id)
);

-- A person's read-only link to their skills record: only the token's hash is kept.
CREATE TABLE skills_record_links (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons (id),
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    token_hash TEXT NOT NULL UNIQUE,
    expires_on DATE NOT NULL,
    revoked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX skills_record_links_person ON skills_record_links (person_id);
