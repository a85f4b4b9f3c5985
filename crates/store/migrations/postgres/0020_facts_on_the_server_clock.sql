-- A fact recorded by an update is dated by the server's clock (the row's updated_at, written with the change), not
-- by the database's: the server's clock may be started at another day (demos, tests), and the facts' recorded_at
-- must agree with the as-of moments the server computes.
ALTER TABLE exit_reviews ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE meetings ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE supported_entries ADD COLUMN updated_at TIMESTAMPTZ;

CREATE OR REPLACE FUNCTION indicator_facts_exit_follow_ups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value)
        SELECT indicator, occurred_on, COALESCE(NEW.updated_at, now()), organisation_id, department, siae_kind, person_id, source_id, detail, value FROM indicator_source_exit_follow_ups WHERE source_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION indicator_facts_cta_meetings_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value)
        SELECT indicator, occurred_on, COALESCE(NEW.updated_at, now()), organisation_id, department, siae_kind, person_id, source_id, detail, value FROM indicator_source_cta_meetings WHERE source_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION indicator_facts_immersion_conventions_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value)
        SELECT indicator, occurred_on, COALESCE(NEW.updated_at, now()), organisation_id, department, siae_kind, person_id, source_id, detail, value FROM indicator_source_immersion_conventions WHERE source_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION indicator_facts_supported_exits_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value)
        SELECT indicator, occurred_on, COALESCE(NEW.updated_at, now()), organisation_id, department, siae_kind, person_id, source_id, detail, value FROM indicator_source_supported_exits WHERE source_id = NEW.id;
    RETURN NULL;
END
$$;
