-- ESAT pathways and immersions (issue 6, part 1). The rules are the domain's (`pathways::esat`,
-- `pathways::immersion`); the invariants below repeat them so that a bug in one is caught by the other.

-- An ESAT worker's record: MDPH orientation, contract of support through work, professional project, and the
-- current situation among the five of seed 000 (its history in esat_situations).
CREATE TABLE esat_workers (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    esat_id BLOB NOT NULL REFERENCES organisations (id),
    orientation_decided_on DATE NOT NULL,
    orientation_valid_until DATE NOT NULL,
    contract_started_on DATE NOT NULL,
    professional_project TEXT CHECK (professional_project IS NULL OR length(professional_project) <= 4000),
    situation TEXT NOT NULL CHECK (situation IN ('project_in_ordinary_employment', 'double_activity',
        'transition_with_support_convention', 'leaving_without_hiring_project', 'job_retention')),
    situation_since DATE NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (person_id, esat_id),
    CHECK (orientation_valid_until >= orientation_decided_on),
    CHECK (contract_started_on >= orientation_decided_on)
);
CREATE INDEX esat_workers_esat ON esat_workers (esat_id);

-- Every situation a worker was in, in order; a move back into the ESAT (is_return) is the right to return used.
CREATE TABLE esat_situations (
    id BLOB PRIMARY KEY,
    worker_id BLOB NOT NULL REFERENCES esat_workers (id),
    seq BIGINT NOT NULL CHECK (seq >= 1),
    situation TEXT NOT NULL CHECK (situation IN ('project_in_ordinary_employment', 'double_activity',
        'transition_with_support_convention', 'leaving_without_hiring_project', 'job_retention')),
    since DATE NOT NULL,
    esat_minutes BIGINT,
    employer_minutes BIGINT,
    employer_name TEXT CHECK (employer_name IS NULL OR length(employer_name) BETWEEN 1 AND 200),
    local_plan TEXT CHECK (local_plan IS NULL OR length(local_plan) <= 4000),
    is_return BOOLEAN NOT NULL,
    explanation TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (worker_id, seq),
    CHECK (situation <> 'double_activity' OR (esat_minutes > 0 AND employer_minutes > 0
        AND esat_minutes + employer_minutes <= 2100 AND employer_name IS NOT NULL)),
    CHECK (situation = 'double_activity' OR (esat_minutes IS NULL AND employer_minutes IS NULL)),
    CHECK (is_return = FALSE OR situation IN ('project_in_ordinary_employment', 'double_activity'))
);

-- Conventions d'appui (CASF L344-2-5): each row is one period; a renewal points to the period it renews.
CREATE TABLE esat_support_conventions (
    id BLOB PRIMARY KEY,
    worker_id BLOB NOT NULL REFERENCES esat_workers (id),
    period_number BIGINT NOT NULL CHECK (period_number BETWEEN 1 AND 3),
    renewal_of BLOB UNIQUE REFERENCES esat_support_conventions (id),
    employer_name TEXT NOT NULL CHECK (length(employer_name) BETWEEN 1 AND 200),
    employer_siret TEXT CHECK (employer_siret IS NULL OR length(employer_siret) = 14),
    savs_name TEXT CHECK (savs_name IS NULL OR length(savs_name) BETWEEN 1 AND 200),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    explanation TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK ((period_number = 1) = (renewal_of IS NULL))
);
CREATE INDEX esat_support_conventions_worker ON esat_support_conventions (worker_id);

-- Immersions (PMSMP): the convention between the person, the host company, the prescriber and the support
-- structure. `signed` becomes "in progress" on starts_on (computed, not stored).
CREATE TABLE immersions (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    prescriber_id BLOB NOT NULL REFERENCES organisations (id),
    support_structure_id BLOB NOT NULL REFERENCES organisations (id),
    host_name TEXT NOT NULL CHECK (length(host_name) BETWEEN 1 AND 200),
    host_siret TEXT NOT NULL CHECK (length(host_siret) = 14),
    tutor_name TEXT NOT NULL CHECK (length(tutor_name) BETWEEN 1 AND 200),
    tutor_email TEXT,
    objective TEXT NOT NULL CHECK (objective IN ('discover_trade', 'confirm_project', 'start_recruitment')),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    schedule TEXT NOT NULL,
    weekly_minutes BIGINT NOT NULL CHECK (weekly_minutes BETWEEN 1 AND 2880),
    activities TEXT CHECK (activities IS NULL OR length(activities) <= 4000),
    renewal_of BLOB UNIQUE REFERENCES immersions (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'awaiting_signatures', 'signed', 'assessed', 'cancelled')),
    explanation TEXT NOT NULL,
    created_by_organisation_id BLOB NOT NULL REFERENCES organisations (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (renewal_of IS NULL OR renewal_of <> id)
);
CREATE INDEX immersions_person ON immersions (person_id);
CREATE INDEX immersions_prescriber ON immersions (prescriber_id);
CREATE INDEX immersions_support ON immersions (support_structure_id);

-- One signature per party; the person and the company sign on paper or on screen, a member records it.
CREATE TABLE immersion_signatures (
    immersion_id BLOB NOT NULL REFERENCES immersions (id),
    party TEXT NOT NULL CHECK (party IN ('beneficiary', 'host_company', 'prescriber', 'support_structure')),
    signer_name TEXT NOT NULL CHECK (length(signer_name) BETWEEN 1 AND 200),
    signed_on DATE NOT NULL,
    recorded_by_user_id BLOB REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (immersion_id, party)
);

-- The assessment at the end: completed or not, object met or not, and the contract when the person was hired.
CREATE TABLE immersion_assessments (
    immersion_id BLOB PRIMARY KEY REFERENCES immersions (id),
    assessed_on DATE NOT NULL,
    completed BOOLEAN NOT NULL,
    objective_met BOOLEAN NOT NULL,
    contract_kind TEXT CHECK (contract_kind IS NULL OR contract_kind IN ('cdi', 'cdd', 'interim', 'apprenticeship',
        'iae', 'esat', 'other')),
    comment TEXT CHECK (comment IS NULL OR length(comment) <= 4000),
    created_at TEXT NOT NULL
);
