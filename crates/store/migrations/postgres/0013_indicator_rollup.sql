-- Indicators at scale (issue 8, item 7): the published grain (indicator x period x department x SIAE kind, by
-- month, quarter and year) kept as counters by a trigger on `indicator_facts`, so that the Annex 1 table for
-- whole periods without an « as of » date reads a few thousand rows instead of every fact. The distinct people
-- of a cell (for the shares, the trainees and the masking) are counted exactly: a fact adds one person when no
-- earlier fact (smaller id) of the same person, indicator, department, SIAE kind and period exists; likewise
-- for the people whose fact says yes. Every other request (other dimensions, clipped periods, the value as of a
-- past moment, the median) reads the facts, as before (docs/indicators.md, « Passage à l'échelle »).

CREATE INDEX indicator_facts_person ON indicator_facts (person_id, indicator);
CREATE INDEX indicator_facts_indicator ON indicator_facts (indicator, occurred_on);

CREATE TABLE indicator_rollup (
    grain TEXT NOT NULL,
    period TEXT NOT NULL,
    indicator TEXT NOT NULL,
    department TEXT NOT NULL,
    siae_kind TEXT NOT NULL,
    facts BIGINT NOT NULL,
    total BIGINT NOT NULL,
    people BIGINT NOT NULL,
    people_yes BIGINT NOT NULL,
    PRIMARY KEY (grain, period, indicator, department, siae_kind)
);

CREATE FUNCTION indicator_rollup_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_rollup (grain, period, indicator, department, siae_kind, facts, total, people, people_yes)
    SELECT g.grain, g.period, NEW.indicator, NEW.department, COALESCE(NEW.siae_kind, ''), 1, NEW.value,
        CASE WHEN NEW.person_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM indicator_facts o WHERE o.person_id = NEW.person_id AND o.indicator = NEW.indicator
                AND o.id < NEW.id AND o.department = NEW.department
                AND o.siae_kind IS NOT DISTINCT FROM NEW.siae_kind
                AND o.occurred_on >= g.starts AND o.occurred_on < g.next) THEN 1 ELSE 0 END,
        CASE WHEN NEW.person_id IS NOT NULL AND NEW.value > 0 AND NOT EXISTS (
            SELECT 1 FROM indicator_facts o WHERE o.person_id = NEW.person_id AND o.indicator = NEW.indicator
                AND o.id < NEW.id AND o.department = NEW.department
                AND o.siae_kind IS NOT DISTINCT FROM NEW.siae_kind
                AND o.occurred_on >= g.starts AND o.occurred_on < g.next AND o.value > 0) THEN 1 ELSE 0 END
    FROM (VALUES
        ('month', to_char(NEW.occurred_on, 'YYYY-MM'), date_trunc('month', NEW.occurred_on)::date,
            (date_trunc('month', NEW.occurred_on) + interval '1 month')::date),
        ('quarter', to_char(NEW.occurred_on, 'YYYY') || '-T' || to_char(NEW.occurred_on, 'Q'),
            date_trunc('quarter', NEW.occurred_on)::date,
            (date_trunc('quarter', NEW.occurred_on) + interval '3 months')::date),
        ('year', to_char(NEW.occurred_on, 'YYYY'), date_trunc('year', NEW.occurred_on)::date,
            (date_trunc('year', NEW.occurred_on) + interval '1 year')::date)
    ) AS g (grain, period, starts, next)
    ON CONFLICT (grain, period, indicator, department, siae_kind) DO UPDATE SET
        facts = indicator_rollup.facts + EXCLUDED.facts, total = indicator_rollup.total + EXCLUDED.total,
        people = indicator_rollup.people + EXCLUDED.people,
        people_yes = indicator_rollup.people_yes + EXCLUDED.people_yes;
    RETURN NULL;
END
$$;
CREATE TRIGGER indicator_rollup_add AFTER INSERT ON indicator_facts FOR EACH ROW
    EXECUTE FUNCTION indicator_rollup_add();

INSERT INTO indicator_rollup (grain, period, indicator, department, siae_kind, facts, total, people, people_yes)
SELECT g.grain, g.period, f.indicator, f.department, COALESCE(f.siae_kind, ''), COUNT(*), SUM(f.value),
    COUNT(DISTINCT f.person_id), COUNT(DISTINCT CASE WHEN f.value > 0 THEN f.person_id END)
FROM indicator_facts f CROSS JOIN LATERAL (VALUES
    ('month', to_char(f.occurred_on, 'YYYY-MM')),
    ('quarter', to_char(f.occurred_on, 'YYYY') || '-T' || to_char(f.occurred_on, 'Q')),
    ('year', to_char(f.occurred_on, 'YYYY'))
) AS g (grain, period)
GROUP BY g.grain, g.period, f.indicator, f.department, COALESCE(f.siae_kind, '');
