-- Indicators at scale (issue 8): the roll-up's trigger (0013) asks, for each new fact, whether the same person
-- already has a fact of the same indicator, department and period. With the index on (person_id, indicator)
-- only, both databases' planners took the covering index of 0017 instead (indicator, then a range of dates:
-- every fact of the indicator in the year), so each write cost a scan that grew with the table: `synth` on
-- SQLite went from 9 s to 72 s for 5,000 people, 30 s instead of 8 s on PostgreSQL. With the department and
-- the date in this index the lookup is one short range of one person's facts, which both planners choose.
DROP INDEX indicator_facts_person;
CREATE INDEX indicator_facts_person ON indicator_facts (person_id, indicator, department, occurred_on);
