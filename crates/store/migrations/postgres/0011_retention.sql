-- Retention (issue 10, item 6): when a person's record was anonymised, and the events of a record found by id alone.
ALTER TABLE persons ADD COLUMN anonymised_at TIMESTAMPTZ;
CREATE INDEX events_entity_id ON events (entity_id);
