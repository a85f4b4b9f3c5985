-- no-transaction
-- ESAT-SPE conventions (seed 000, questions 4, 10 and 11):
-- 1. four kinds of organisations: the Team TH (lieu unique d'accompagnement France Travail / Cap emploi), and
--    for supported employment the SAVS, the SAMSAH and the psychosocial rehabilitation centre;
-- 2. a worker's consent to share their ESAT follow-up with the SPE parties to the ESAT's conventions in force,
--    dated and withdrawable (the journal keeps every change).
--
-- SQLite cannot change a CHECK in place: the organisations table is rebuilt (sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"), outside the migrator's transaction so that foreign keys can be
-- switched off while the table is swapped; legacy_alter_table keeps the views' and other tables' references
-- to "organisations" as they are written.
PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = ON;
BEGIN;
CREATE TABLE organisations_new (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN ('aci','ei','etti','ai','eiti','geiq','adapted_company','esat','supported_employment','france_travail_agency','france_travail_territorial','france_travail_regional','cap_emploi','mission_locale','authorised_prescriber','ddets','dreets','iae_network','mdph','departmental_council','employer','other','th_team','savs','samsah','psychiatric_rehabilitation')),
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
INSERT INTO organisations_new SELECT id, name, kind, siret, address_line, postal_code, commune, commune_code, department,
    parent_id, email, phone, website, description, search_text, source, external_id, archived_at, created_at, updated_at
    FROM organisations;
DROP TABLE organisations;
ALTER TABLE organisations_new RENAME TO organisations;
CREATE INDEX organisations_department_kind ON organisations (department, kind);

ALTER TABLE esat_workers ADD COLUMN spe_consent_on DATE;
ALTER TABLE esat_workers ADD COLUMN spe_consent_withdrawn_on DATE;
COMMIT;
PRAGMA legacy_alter_table = OFF;
PRAGMA foreign_keys = ON;
