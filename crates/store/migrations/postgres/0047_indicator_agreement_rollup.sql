-- Indicators at scale (issue 20): the grid per agreement (the facts of its parties, as the facts' query joins
-- them) by month, quarter and year kept as counters, for the agreements' targets and annual reports and the
-- tables by agreement. A fact counts once in each agreement its organisation is party to. Distinct people are
-- exact: a fact adds its person when no earlier fact (smaller id) of the same person and indicator from a party
-- of the same agreement falls in the same period. When a party joins or leaves, its facts are added or taken
-- away, and its people with them unless another party counts them in the same cell (the index below finds an
-- organisation's facts). docs/indicators.md, « Passage à l'échelle ».

CREATE INDEX indicator_facts_organisation ON indicator_facts (organisation_id, indicator);

CREATE TABLE indicator_agreement_rollup (
    grain TEXT NOT NULL,
    period TEXT NOT NULL,
    indicator TEXT NOT NULL,
    agreement_id UUID NOT NULL,
    facts BIGINT NOT NULL,
    total BIGINT NOT NULL,
    people BIGINT NOT NULL,
    people_yes BIGINT NOT NULL,
    PRIMARY KEY (grain, period, indicator, agreement_id)
);

CREATE FUNCTION indicator_agreement_rollup_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_agreement_rollup (grain, period, indicator, agreement_id, facts, total, people, people_yes)
    SELECT g.grain, g.period, NEW.indicator, a.agreement_id, 1, NEW.value,
        CASE WHEN NEW.person_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM indicator_facts o JOIN agreement_parties p ON p.organisation_id = o.organisation_id
            WHERE o.person_id = NEW.person_id AND o.indicator = NEW.indicator AND p.agreement_id = a.agreement_id
                AND o.id < NEW.id AND o.occurred_on >= g.starts AND o.occurred_on < g.next) THEN 1 ELSE 0 END,
        CASE WHEN NEW.person_id IS NOT NULL AND NEW.value > 0 AND NOT EXISTS (
            SELECT 1 FROM indicator_facts o JOIN agreement_parties p ON p.organisation_id = o.organisation_id
            WHERE o.person_id = NEW.person_id AND o.indicator = NEW.indicator AND p.agreement_id = a.agreement_id
                AND o.id < NEW.id AND o.occurred_on >= g.starts AND o.occurred_on < g.next AND o.value > 0)
            THEN 1 ELSE 0 END
    FROM indicator_periods(NEW.occurred_on) g JOIN agreement_parties a ON a.organisation_id = NEW.organisation_id
    ON CONFLICT (grain, period, indicator, agreement_id) DO UPDATE SET
        facts = indicator_agreement_rollup.facts + EXCLUDED.facts,
        total = indicator_agreement_rollup.total + EXCLUDED.total,
        people = indicator_agreement_rollup.people + EXCLUDED.people,
        people_yes = indicator_agreement_rollup.people_yes + EXCLUDED.people_yes;
    RETURN NULL;
END
$$;
CREATE TRIGGER indicator_agreement_rollup_add AFTER INSERT ON indicator_facts FOR EACH ROW
    EXECUTE FUNCTION indicator_agreement_rollup_add();

-- A party's facts per cell, with the people that no other party of the agreement counts in that cell.
CREATE VIEW indicator_party_cells AS
SELECT p.agreement_id, p.organisation_id, g.grain, g.period, f.indicator, COUNT(*) AS facts, SUM(f.value) AS total,
    COUNT(DISTINCT CASE WHEN NOT EXISTS (
        SELECT 1 FROM indicator_facts o JOIN agreement_parties q ON q.organisation_id = o.organisation_id
        WHERE q.agreement_id = p.agreement_id AND o.organisation_id <> p.organisation_id
            AND o.person_id = f.person_id AND o.indicator = f.indicator
            AND o.occurred_on >= g.starts AND o.occurred_on < g.next) THEN f.person_id END) AS people,
    COUNT(DISTINCT CASE WHEN f.value > 0 AND NOT EXISTS (
        SELECT 1 FROM indicator_facts o JOIN agreement_parties q ON q.organisation_id = o.organisation_id
        WHERE q.agreement_id = p.agreement_id AND o.organisation_id <> p.organisation_id
            AND o.person_id = f.person_id AND o.indicator = f.indicator
            AND o.occurred_on >= g.starts AND o.occurred_on < g.next AND o.value > 0) THEN f.person_id END)
        AS people_yes
FROM agreement_parties p JOIN indicator_facts f ON f.organisation_id = p.organisation_id
CROSS JOIN LATERAL indicator_periods(f.occurred_on) g
GROUP BY p.agreement_id, p.organisation_id, g.grain, g.period, f.indicator;

CREATE FUNCTION indicator_agreement_party_joins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_agreement_rollup (grain, period, indicator, agreement_id, facts, total, people, people_yes)
    SELECT c.grain, c.period, c.indicator, c.agreement_id, c.facts, c.total, c.people, c.people_yes
    FROM indicator_party_cells c
    WHERE c.agreement_id = NEW.agreement_id AND c.organisation_id = NEW.organisation_id
    ON CONFLICT (grain, period, indicator, agreement_id) DO UPDATE SET
        facts = indicator_agreement_rollup.facts + EXCLUDED.facts,
        total = indicator_agreement_rollup.total + EXCLUDED.total,
        people = indicator_agreement_rollup.people + EXCLUDED.people,
        people_yes = indicator_agreement_rollup.people_yes + EXCLUDED.people_yes;
    RETURN NULL;
END
$$;
CREATE TRIGGER indicator_agreement_party_joins AFTER INSERT ON agreement_parties FOR EACH ROW
    EXECUTE FUNCTION indicator_agreement_party_joins();

-- Before the row goes, while the view still sees the party.
CREATE FUNCTION indicator_agreement_party_leaves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE indicator_agreement_rollup r SET facts = r.facts - c.facts, total = r.total - c.total,
        people = r.people - c.people, people_yes = r.people_yes - c.people_yes
    FROM indicator_party_cells c
    WHERE c.agreement_id = OLD.agreement_id AND c.organisation_id = OLD.organisation_id
        AND r.agreement_id = c.agreement_id AND r.grain = c.grain AND r.period = c.period
        AND r.indicator = c.indicator;
    DELETE FROM indicator_agreement_rollup WHERE agreement_id = OLD.agreement_id AND facts = 0;
    RETURN OLD;
END
$$;
CREATE TRIGGER indicator_agreement_party_leaves BEFORE DELETE ON agreement_parties FOR EACH ROW
    EXECUTE FUNCTION indicator_agreement_party_leaves();

INSERT INTO indicator_agreement_rollup (grain, period, indicator, agreement_id, facts, total, people, people_yes)
SELECT g.grain, g.period, f.indicator, p.agreement_id, COUNT(*), SUM(f.value), COUNT(DISTINCT f.person_id),
    COUNT(DISTINCT CASE WHEN f.value > 0 THEN f.person_id END)
FROM agreement_parties p JOIN indicator_facts f ON f.organisation_id = p.organisation_id
CROSS JOIN LATERAL indicator_periods(f.occurred_on) g
GROUP BY g.grain, g.period, f.indicator, p.agreement_id;
