-- Indicators at scale (issue 20): the region x SIAE kind grid by month, quarter and year kept as counters, like
-- the department grid of migration 0013, so that it no longer reads every fact. A region's distinct people are
-- exact: a fact adds its person when no earlier fact (smaller id) of the same person, indicator and SIAE kind in
-- any department of the same region falls in the same period (the person index of 0018 finds them). The
-- department -> region table is the INSEE one of the domain (crates/domain/src/directory/department.rs, COG
-- 2024; a store test compares them), the one the facts' query joins (docs/indicators.md, « Passage à
-- l'échelle »).

CREATE TABLE department_regions (
    department TEXT PRIMARY KEY,
    region TEXT NOT NULL
);
INSERT INTO department_regions (department, region) VALUES
    ('01', '84'), ('02', '32'), ('03', '84'), ('04', '93'), ('05', '93'), ('06', '93'), ('07', '84'),
    ('08', '44'), ('09', '76'), ('10', '44'), ('11', '76'), ('12', '76'), ('13', '93'), ('14', '28'),
    ('15', '84'), ('16', '75'), ('17', '75'), ('18', '24'), ('19', '75'), ('2A', '94'), ('2B', '94'),
    ('21', '27'), ('22', '53'), ('23', '75'), ('24', '75'), ('25', '27'), ('26', '84'), ('27', '28'),
    ('28', '24'), ('29', '53'), ('30', '76'), ('31', '76'), ('32', '76'), ('33', '75'), ('34', '76'),
    ('35', '53'), ('36', '24'), ('37', '24'), ('38', '84'), ('39', '27'), ('40', '75'), ('41', '24'),
    ('42', '84'), ('43', '84'), ('44', '52'), ('45', '24'), ('46', '76'), ('47', '75'), ('48', '76'),
    ('49', '52'), ('50', '28'), ('51', '44'), ('52', '44'), ('53', '52'), ('54', '44'), ('55', '44'),
    ('56', '53'), ('57', '44'), ('58', '27'), ('59', '32'), ('60', '32'), ('61', '28'), ('62', '32'),
    ('63', '84'), ('64', '75'), ('65', '76'), ('66', '76'), ('67', '44'), ('68', '44'), ('69', '84'),
    ('70', '27'), ('71', '27'), ('72', '52'), ('73', '84'), ('74', '84'), ('75', '11'), ('76', '28'),
    ('77', '11'), ('78', '11'), ('79', '75'), ('80', '32'), ('81', '76'), ('82', '76'), ('83', '93'),
    ('84', '93'), ('85', '52'), ('86', '75'), ('87', '75'), ('88', '44'), ('89', '27'), ('90', '27'),
    ('91', '11'), ('92', '11'), ('93', '11'), ('94', '11'), ('95', '11'), ('971', '01'), ('972', '02'),
    ('973', '03'), ('974', '04'), ('976', '06');

CREATE TABLE indicator_region_rollup (
    grain TEXT NOT NULL,
    period TEXT NOT NULL,
    indicator TEXT NOT NULL,
    region TEXT NOT NULL,
    siae_kind TEXT NOT NULL,
    facts BIGINT NOT NULL,
    total BIGINT NOT NULL,
    people BIGINT NOT NULL,
    people_yes BIGINT NOT NULL,
    PRIMARY KEY (grain, period, indicator, region, siae_kind)
);

-- The month, quarter and year of a date, with their first day and the first day of the next one.
CREATE FUNCTION indicator_periods(day date) RETURNS TABLE (grain text, period text, starts date, next date)
LANGUAGE sql STABLE AS $$
    VALUES
        ('month', to_char(day, 'YYYY-MM'), date_trunc('month', day)::date,
            (date_trunc('month', day) + interval '1 month')::date),
        ('quarter', to_char(day, 'YYYY') || '-T' || to_char(day, 'Q'), date_trunc('quarter', day)::date,
            (date_trunc('quarter', day) + interval '3 months')::date),
        ('year', to_char(day, 'YYYY'), date_trunc('year', day)::date, (date_trunc('year', day) + interval '1 year')::date)
$$;

-- The periods of every fact, as SQLite's view of the same name gives them (the two schemas keep the same views).
CREATE VIEW indicator_fact_periods AS
SELECT f.id, g.grain, g.period, g.starts, g.next
FROM indicator_facts f CROSS JOIN LATERAL indicator_periods(f.occurred_on) g;

CREATE FUNCTION indicator_region_rollup_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_region_rollup (grain, period, indicator, region, siae_kind, facts, total, people, people_yes)
    SELECT g.grain, g.period, NEW.indicator, r.region, COALESCE(NEW.siae_kind, ''), 1, NEW.value,
        CASE WHEN NEW.person_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM indicator_facts o JOIN department_regions s ON s.department = o.department
            WHERE o.person_id = NEW.person_id AND o.indicator = NEW.indicator AND s.region = r.region
                AND o.id < NEW.id AND o.siae_kind IS NOT DISTINCT FROM NEW.siae_kind
                AND o.occurred_on >= g.starts AND o.occurred_on < g.next) THEN 1 ELSE 0 END,
        CASE WHEN NEW.person_id IS NOT NULL AND NEW.value > 0 AND NOT EXISTS (
            SELECT 1 FROM indicator_facts o JOIN department_regions s ON s.department = o.department
            WHERE o.person_id = NEW.person_id AND o.indicator = NEW.indicator AND s.region = r.region
                AND o.id < NEW.id AND o.siae_kind IS NOT DISTINCT FROM NEW.siae_kind
                AND o.occurred_on >= g.starts AND o.occurred_on < g.next AND o.value > 0) THEN 1 ELSE 0 END
    FROM indicator_periods(NEW.occurred_on) g JOIN department_regions r ON r.department = NEW.department
    ON CONFLICT (grain, period, indicator, region, siae_kind) DO UPDATE SET
        facts = indicator_region_rollup.facts + EXCLUDED.facts, total = indicator_region_rollup.total + EXCLUDED.total,
        people = indicator_region_rollup.people + EXCLUDED.people,
        people_yes = indicator_region_rollup.people_yes + EXCLUDED.people_yes;
    RETURN NULL;
END
$$;
CREATE TRIGGER indicator_region_rollup_add AFTER INSERT ON indicator_facts FOR EACH ROW
    EXECUTE FUNCTION indicator_region_rollup_add();

INSERT INTO indicator_region_rollup (grain, period, indicator, region, siae_kind, facts, total, people, people_yes)
SELECT g.grain, g.period, f.indicator, r.region, COALESCE(f.siae_kind, ''), COUNT(*), SUM(f.value),
    COUNT(DISTINCT f.person_id), COUNT(DISTINCT CASE WHEN f.value > 0 THEN f.person_id END)
FROM indicator_facts f CROSS JOIN LATERAL indicator_periods(f.occurred_on) g
JOIN department_regions r ON r.department = f.department
GROUP BY g.grain, g.period, f.indicator, r.region, COALESCE(f.siae_kind, '');
