-- A fact recorded by an update is dated by the server's clock (the row's updated_at, written with the change), not
-- by the database's: the server's clock may be started at another day (demos, tests), and the facts' recorded_at
-- must agree with the as-of moments the server computes.
ALTER TABLE exit_reviews ADD COLUMN updated_at TEXT;
ALTER TABLE meetings ADD COLUMN updated_at TEXT;
ALTER TABLE supported_entries ADD COLUMN updated_at TEXT;

DROP TRIGGER indicator_facts_exit_follow_ups;
CREATE TRIGGER indicator_facts_exit_follow_ups AFTER UPDATE ON exit_reviews
WHEN OLD.followed_up_on IS NULL AND NEW.followed_up_on IS NOT NULL
BEGIN
    INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value)
        SELECT indicator, occurred_on, COALESCE(NEW.updated_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), organisation_id, department, siae_kind, person_id, source_id, detail, value FROM indicator_source_exit_follow_ups WHERE source_id = NEW.id;
END;

DROP TRIGGER indicator_facts_cta_meetings_update;
CREATE TRIGGER indicator_facts_cta_meetings_update AFTER UPDATE ON meetings
WHEN OLD.status <> 'held' AND NEW.status = 'held'
BEGIN
    INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value)
        SELECT indicator, occurred_on, COALESCE(NEW.updated_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), organisation_id, department, siae_kind, person_id, source_id, detail, value FROM indicator_source_cta_meetings WHERE source_id = NEW.id;
END;

DROP TRIGGER indicator_facts_immersion_conventions_update;
CREATE TRIGGER indicator_facts_immersion_conventions_update AFTER UPDATE ON immersions
WHEN OLD.status <> 'assessed' AND NEW.status = 'assessed'
BEGIN
    INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value)
        SELECT indicator, occurred_on, COALESCE(NEW.updated_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), organisation_id, department, siae_kind, person_id, source_id, detail, value FROM indicator_source_immersion_conventions WHERE source_id = NEW.id;
END;

DROP TRIGGER indicator_facts_supported_exits_update;
CREATE TRIGGER indicator_facts_supported_exits_update AFTER UPDATE ON supported_entries
WHEN OLD.exited_on IS NULL AND NEW.exited_on IS NOT NULL
BEGIN
    INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value)
        SELECT indicator, occurred_on, COALESCE(NEW.updated_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), organisation_id, department, siae_kind, person_id, source_id, detail, value FROM indicator_source_supported_exits WHERE source_id = NEW.id;
END;
