-- Agreements (issue 5): national framework, regional agreements, local conventions. The structured content
-- of each version is a JSON document checked by the domain; what access and the life cycle need is in columns.

CREATE TABLE agreements (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('national_framework','regional','local_cooperation','esat_spe','supported_employment_management','supported_employment_partnership','partnership')),
    parent_id UUID REFERENCES agreements (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    status TEXT NOT NULL CHECK (status IN ('draft','in_signature','signed','in_force','under_review','terminating','terminated','lapsed','expired')),
    current_version BIGINT NOT NULL CHECK (current_version >= 1),
    starts_on DATE,
    ends_on DATE,
    terminates_on DATE,
    lapse_cause TEXT,
    created_by_organisation_id UUID NOT NULL REFERENCES organisations (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id),
    CHECK (starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on),
    CHECK (status <> 'terminating' OR terminates_on IS NOT NULL),
    CHECK (status <> 'lapsed' OR lapse_cause IS NOT NULL)
);
CREATE INDEX agreements_parent ON agreements (parent_id);

-- The parties: the organisations that see the agreement, and each party's signature.
CREATE TABLE agreement_parties (
    agreement_id UUID NOT NULL REFERENCES agreements (id),
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    position BIGINT NOT NULL,
    signed_on DATE,
    signed_by_user_id UUID REFERENCES users (id),
    PRIMARY KEY (agreement_id, organisation_id),
    CHECK (signed_on IS NULL OR signed_by_user_id IS NOT NULL)
);
CREATE INDEX agreement_parties_organisation ON agreement_parties (organisation_id);

-- Every version is kept: version 1 is the signed convention, each avenant adds the next one.
CREATE TABLE agreement_versions (
    agreement_id UUID NOT NULL REFERENCES agreements (id),
    number BIGINT NOT NULL CHECK (number >= 1),
    content JSONB NOT NULL,
    reason TEXT,
    signed_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agreement_id, number),
    CHECK (number = 1 OR (reason IS NOT NULL AND signed_on IS NOT NULL))
);
