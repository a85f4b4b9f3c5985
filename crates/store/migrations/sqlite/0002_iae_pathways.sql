-- IAE pathways (issue 4): offers, diagnoses, prescriptions and their referral sheets, notifications,
-- idempotency keys, and the events of each person's approval (agrément or PASS IAE).

-- Job offers of an SIAE (seed 004, fiche 4).
CREATE TABLE job_offers (
    id BLOB PRIMARY KEY,
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    rome_code TEXT CHECK (rome_code IS NULL OR length(rome_code) = 5),
    place TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
    weekly_hours BIGINT CHECK (weekly_hours IS NULL OR weekly_hours BETWEEN 1 AND 48),
    positions BIGINT NOT NULL CHECK (positions BETWEEN 1 AND 999),
    prerequisites TEXT,
    starts_on DATE,
    ends_on DATE,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX job_offers_siae ON job_offers (siae_id);

-- Socio-professional diagnoses; eligibility and expiry come from the rules engine.
CREATE TABLE iae_diagnoses (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    author_kind TEXT NOT NULL CHECK (author_kind IN ('authorized_prescriber', 'employer')),
    siae_kind TEXT NOT NULL CHECK (siae_kind IN ('ACI', 'EI', 'EITI', 'AI', 'ETTI')),
    diagnosed_on DATE NOT NULL,
    criteria TEXT NOT NULL,
    eligible BOOLEAN NOT NULL,
    expires_on DATE NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (expires_on > diagnosed_on)
);
CREATE INDEX iae_diagnoses_person ON iae_diagnoses (person_id);

-- A prescription and its referral sheet (fiche navette); `status` is the sheet's last step.
CREATE TABLE prescriptions (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    prescriber_id BLOB NOT NULL REFERENCES organisations (id),
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    offer_id BLOB REFERENCES job_offers (id),
    diagnosis_id BLOB NOT NULL REFERENCES iae_diagnoses (id),
    message TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 4000),
    -- The person agreed to this prescription being sent to this SIAE (see docs/iae.md).
    consent_on DATE NOT NULL,
    -- An authorised prescriber lifts the 2-year waiting period after a previous pathway (R5132-1-4).
    waiting_period_waived BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('sent', 'received', 'interview_planned', 'interview_held', 'hired', 'refused', 'withdrawn')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (waiting_period_waived = FALSE OR prescriber_id <> siae_id)
);
CREATE INDEX prescriptions_person ON prescriptions (person_id);
CREATE INDEX prescriptions_prescriber ON prescriptions (prescriber_id);
CREATE INDEX prescriptions_siae ON prescriptions (siae_id);

CREATE TABLE referral_steps (
    id BLOB PRIMARY KEY,
    prescription_id BLOB NOT NULL REFERENCES prescriptions (id),
    status TEXT NOT NULL CHECK (status IN ('sent', 'received', 'interview_planned', 'interview_held', 'hired', 'refused', 'withdrawn')),
    side TEXT NOT NULL CHECK (side IN ('prescriber', 'siae')),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    author_label TEXT NOT NULL CHECK (length(author_label) > 0),
    step_date DATE,
    motive TEXT,
    comment TEXT,
    created_at TEXT NOT NULL,
    -- Every refusal or withdrawal is motivated (seed 004, fiche action 4).
    CHECK ((status IN ('refused', 'withdrawn')) = (motive IS NOT NULL)),
    CHECK (motive IS NULL OR motive <> 'other' OR comment IS NOT NULL)
);
CREATE INDEX referral_steps_prescription ON referral_steps (prescription_id);

-- What an organisation is told about (the other side's steps, decisions to take); no e-mail yet.
CREATE TABLE notifications (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    subject_type TEXT NOT NULL,
    subject_id BLOB NOT NULL,
    message TEXT NOT NULL CHECK (length(message) > 0),
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_organisation ON notifications (organisation_id, created_at);

-- A retried creation answers the record its key created instead of creating another (issue 4 item 9).
CREATE TABLE idempotency_keys (
    user_id BLOB NOT NULL REFERENCES users (id),
    scope TEXT NOT NULL,
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    entity_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, scope, key)
);

-- The events of a person's IAE pathway, replayed by the rules engine (`pathways::iae::pathway`); only
-- events the engine accepted are kept.
CREATE TABLE iae_pathway_events (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    seq BIGINT NOT NULL,
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    siae_kind TEXT NOT NULL CHECK (siae_kind IN ('ACI', 'EI', 'EITI', 'AI', 'ETTI')),
    kind TEXT NOT NULL CHECK (kind IN ('hiring', 'suspension', 'prolongation', 'agrement_request', 'agrement_decision')),
    payload TEXT NOT NULL,
    explanation TEXT NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    prescription_id BLOB REFERENCES prescriptions (id),
    created_at TEXT NOT NULL,
    UNIQUE (person_id, seq)
);

-- Prolongations asked by the SIAE that an authorised prescriber must decide (R5132-1-8).
CREATE TABLE prolongation_requests (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    reason TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    justification TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    decided_by BLOB REFERENCES organisations (id),
    refusal_motive TEXT,
    refusal_comment TEXT,
    proposed_action TEXT,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    CHECK (ends_on >= starts_on),
    CHECK ((status = 'refused') = (refusal_motive IS NOT NULL AND proposed_action IS NOT NULL)),
    CHECK ((status = 'pending') = (decided_by IS NULL))
);
CREATE INDEX prolongation_requests_person ON prolongation_requests (person_id);

-- CDDI of ACI and EI, and AI/ETTI assignments with the préfet's waivers of the 480-hour cap, each checked by
-- `pathways::iae::contract` and kept with the rule's explanation.
CREATE TABLE iae_contracts (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    weekly_hours BIGINT NOT NULL CHECK (weekly_hours BETWEEN 1 AND 35),
    hours_derogation BOOLEAN NOT NULL,
    exception TEXT CHECK (exception IS NULL OR exception IN ('training', 'senior50_or_rqth')),
    explanation TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (weekly_hours >= 20 OR hours_derogation = TRUE)
);
CREATE INDEX iae_contracts_person ON iae_contracts (person_id);

CREATE TABLE iae_assignments (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    client_name TEXT NOT NULL CHECK (length(client_name) BETWEEN 1 AND 200),
    client_kind TEXT NOT NULL CHECK (client_kind IN ('company', 'individual', 'association')),
    starts_on DATE NOT NULL,
    hours BIGINT NOT NULL CHECK (hours > 0),
    explanation TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX iae_assignments_person ON iae_assignments (person_id);

CREATE TABLE ai_cap_waivers (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    reference TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
    created_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX ai_cap_waivers_person ON ai_cap_waivers (person_id);

-- Accompaniment (seed 004, fiche 5): actions, with hours for trainings, and registration at France Travail.
CREATE TABLE accompaniment_actions (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('social', 'professional', 'training', 'immersion', 'poec', 'poei', 'afpr', 'spe_service')),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_on DATE NOT NULL,
    ends_on DATE,
    hours BIGINT CHECK (hours IS NULL OR hours BETWEEN 1 AND 2000),
    created_at TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK (kind NOT IN ('training', 'poec', 'poei', 'afpr') OR hours IS NOT NULL)
);
CREATE INDEX accompaniment_actions_person ON accompaniment_actions (person_id);

CREATE TABLE spe_registrations (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    registered BOOLEAN NOT NULL,
    since DATE NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX spe_registrations_person ON spe_registrations (person_id);

-- Exit (seed 004, fiche 7): the tripartite interview, the exit review shared with the SPE referent and the
-- prescriber, and the follow-up 6 months later.
CREATE TABLE tripartite_interviews (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    held_on DATE NOT NULL,
    notes TEXT NOT NULL CHECK (length(notes) BETWEEN 1 AND 4000),
    created_at TEXT NOT NULL
);
CREATE INDEX tripartite_interviews_person ON tripartite_interviews (person_id);

CREATE TABLE exit_reviews (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    siae_id BLOB NOT NULL REFERENCES organisations (id),
    exit_on DATE NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('cdi', 'cdd_6_months_or_more', 'cdd_under_6_months', 'training', 'other_siae', 'no_solution', 'other')),
    skills TEXT NOT NULL CHECK (length(skills) BETWEEN 1 AND 4000),
    recommendations TEXT,
    follow_up_on DATE NOT NULL,
    followed_up_on DATE,
    registered_spe BOOLEAN,
    employed BOOLEAN,
    created_at TEXT NOT NULL,
    UNIQUE (person_id, exit_on),
    CHECK (follow_up_on > exit_on),
    CHECK ((followed_up_on IS NULL) = (registered_spe IS NULL) AND (followed_up_on IS NULL) = (employed IS NULL))
);
CREATE INDEX exit_reviews_person ON exit_reviews (person_id);
