# Generates migrations 0010, 0012, 0015, 0019, 0022 and 0043 for both dialects from one description (run once; the SQL files are committed).
COLS = "indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value"
KIND = "CASE WHEN o.kind IN ('aci', 'ei', 'eiti', 'ai', 'etti') THEN upper(o.kind) END"

def d(dialect, expr_sqlite, expr_pg):
    return expr_sqlite if dialect == 'sqlite' else expr_pg

def day(dialect, col):
    return d(dialect, f"substr({col}, 1, 10)", f"({col} AT TIME ZONE 'UTC')::date")

def js(dialect, col, key, date=False):
    if dialect == 'sqlite':
        return f"json_extract({col}, '$.{key}')"
    return f"({col} ->> '{key}')" + ("::date" if date else "")

def boolint(dialect, col):
    return d(dialect, f"CAST({col} AS INTEGER)", f"CASE WHEN {col} THEN 1 ELSE 0 END")

def views(dl):
    v = {}
    v['prescriptions'] = f"""SELECT 'candidates_oriented' AS indicator, {day(dl, 'p.created_at')} AS occurred_on, p.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {KIND} AS siae_kind, p.person_id, p.id AS source_id,
    CAST(NULL AS TEXT) AS detail, 1 AS value
FROM prescriptions p JOIN organisations o ON o.id = p.siae_id"""
    hired_day = f"COALESCE(s.step_date, {day(dl, 's.created_at')})"
    days = d(dl, f"CAST(julianday({hired_day}) - julianday({day(dl, 'p.created_at')}) AS INTEGER)",
             f"({hired_day} - {day(dl, 'p.created_at')})")
    v['referral_steps'] = f"""SELECT CASE s.status WHEN 'hired' THEN 'median_days_to_hiring' ELSE 'hiring_refusals' END AS indicator,
    {hired_day} AS occurred_on, s.created_at AS recorded_at, o.id AS organisation_id, o.department,
    {KIND} AS siae_kind, p.person_id, s.id AS source_id,
    CASE WHEN s.status = 'refused' THEN s.motive END AS detail,
    CASE WHEN s.status = 'hired' THEN {days} ELSE 1 END AS value
FROM referral_steps s JOIN prescriptions p ON p.id = s.prescription_id JOIN organisations o ON o.id = p.siae_id
WHERE s.status = 'hired' OR (s.status = 'refused' AND s.side = 'siae')"""
    v['iae_pathway_events'] = f"""SELECT x.indicator, x.occurred_on, x.recorded_at, x.organisation_id, o.department, x.siae_kind, x.person_id,
    x.source_id, CAST(NULL AS TEXT) AS detail, 1 AS value
FROM (
    SELECT CASE
            WHEN e.kind = 'hiring' THEN 'hirings'
            WHEN e.kind = 'suspension' THEN 'suspensions'
            WHEN e.kind = 'prolongation' THEN 'prolongations'
            WHEN e.kind = 'agrement_request' AND {js(dl, 'e.payload', 'request')} = 'extension' THEN 'extensions'
            WHEN e.kind = 'agrement_decision' AND {js(dl, 'e.payload', 'decision')} = 'refused' THEN 'approval_refusals'
        END AS indicator,
        COALESCE({js(dl, 'e.payload', 'date', True)}, {js(dl, 'e.payload', 'from', True)}) AS occurred_on,
        e.created_at AS recorded_at, e.siae_id AS organisation_id, e.siae_kind, e.person_id, e.id AS source_id
    FROM iae_pathway_events e
) x JOIN organisations o ON o.id = x.organisation_id
WHERE x.indicator IS NOT NULL"""
    training = "('training', 'poec', 'poei', 'afpr')"
    v['accompaniment_actions'] = f"""SELECT CASE a.kind WHEN 'spe_service' THEN 'spe_services' WHEN 'immersion' THEN 'immersions' ELSE 'training_hours' END
        AS indicator,
    a.starts_on AS occurred_on, a.created_at AS recorded_at, o.id AS organisation_id, o.department, {KIND} AS siae_kind,
    a.person_id, a.id AS source_id, a.kind AS detail,
    CASE WHEN a.kind IN {training} THEN a.hours ELSE 1 END AS value
FROM accompaniment_actions a JOIN organisations o ON o.id = a.organisation_id
WHERE a.kind IN ('spe_service', 'immersion', 'training', 'poec', 'poei', 'afpr')
UNION ALL
SELECT 'pre_hire_trainings', a.starts_on, a.created_at, o.id, o.department, {KIND}, a.person_id, a.id, a.kind, 1
FROM accompaniment_actions a JOIN organisations o ON o.id = a.organisation_id
WHERE a.kind IN ('poec', 'poei')"""
    v['spe_registrations'] = f"""SELECT 'spe_registered_share' AS indicator, r.since AS occurred_on, r.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {KIND} AS siae_kind, r.person_id, r.id AS source_id,
    CAST(NULL AS TEXT) AS detail, {boolint(dl, 'r.registered')} AS value
FROM spe_registrations r JOIN organisations o ON o.id = r.organisation_id"""
    v['exit_reviews'] = f"""SELECT 'exits' AS indicator, x.exit_on AS occurred_on, x.created_at AS recorded_at, o.id AS organisation_id,
    o.department, {KIND} AS siae_kind, x.person_id, x.id AS source_id, x.outcome AS detail, 1 AS value
FROM exit_reviews x JOIN organisations o ON o.id = x.siae_id"""
    v['exit_follow_ups'] = f"""SELECT 'spe_registered_6_months_share' AS indicator, x.followed_up_on AS occurred_on, x.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {KIND} AS siae_kind, x.person_id, x.id AS source_id,
    CAST(NULL AS TEXT) AS detail, {boolint(dl, 'x.registered_spe')} AS value
FROM exit_reviews x JOIN organisations o ON o.id = x.siae_id
WHERE x.followed_up_on IS NOT NULL"""
    v['tripartite_interviews'] = f"""SELECT 'interviews_held' AS indicator, t.held_on AS occurred_on, t.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {KIND} AS siae_kind, t.person_id, t.id AS source_id,
    CAST(NULL AS TEXT) AS detail, 1 AS value
FROM tripartite_interviews t JOIN organisations o ON o.id = t.siae_id"""
    v['job_offers'] = f"""SELECT 'offers_deposited' AS indicator, {day(dl, 'j.created_at')} AS occurred_on, j.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {KIND} AS siae_kind, CAST(NULL AS {d(dl, 'BLOB', 'UUID')}) AS person_id,
    j.id AS source_id, CAST(NULL AS TEXT) AS detail, 1 AS value
FROM job_offers j JOIN organisations o ON o.id = j.siae_id"""
    return v

# (view, table, event, condition): the trigger that keeps the facts of each source.
TRIGGERS = [
    ('prescriptions', 'prescriptions', 'INSERT', None),
    ('referral_steps', 'referral_steps', 'INSERT', None),
    ('iae_pathway_events', 'iae_pathway_events', 'INSERT', None),
    ('accompaniment_actions', 'accompaniment_actions', 'INSERT', None),
    ('spe_registrations', 'spe_registrations', 'INSERT', None),
    ('exit_reviews', 'exit_reviews', 'INSERT', None),
    ('exit_follow_ups', 'exit_reviews', 'UPDATE', 'OLD.followed_up_on IS NULL AND NEW.followed_up_on IS NOT NULL'),
    ('exit_follow_ups', 'exit_reviews', 'INSERT', 'NEW.followed_up_on IS NOT NULL'),
    ('tripartite_interviews', 'tripartite_interviews', 'INSERT', None),
    ('job_offers', 'job_offers', 'INSERT', None),
]

HEADER = """-- Indicators (issue 8): the compact table of facts that the indicators count, kept by triggers in the
-- transaction of each recorded change, so that a figure is a GROUP BY over one narrow table instead of joins over
-- every source (docs/indicators.md, « Passage à l'échelle »). Each source is one view `indicator_source_<name>`
-- giving its facts from its table; its trigger inserts the new row's facts; `indicator_sources` is their union
-- (the plain computation the benchmark compares with). A later source adds its view, its trigger and one line to
-- the union, in its own migration. Facts are never updated nor deleted: the value as of a past moment is the
-- GROUP BY over the facts recorded until then. This file is generated by scripts/indicator-migration.py.
"""

def migration(dl):
    out = [HEADER]
    idpk = d(dl, "id INTEGER PRIMARY KEY", "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
    uid = d(dl, "BLOB", "UUID")
    ts = d(dl, "TEXT", "TIMESTAMPTZ")
    out.append(f"""CREATE TABLE indicator_facts (
    {idpk},
    indicator TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    recorded_at {ts} NOT NULL,
    organisation_id {uid} NOT NULL,
    department TEXT NOT NULL,
    siae_kind TEXT,
    person_id {uid},
    source_id {uid} NOT NULL,
    detail TEXT,
    value BIGINT NOT NULL
);
CREATE INDEX indicator_facts_period ON indicator_facts (occurred_on, indicator);
""")
    vs = views(dl)
    for name, body in vs.items():
        out.append(f"CREATE VIEW indicator_source_{name} AS\n{body};\n")
    out.append("CREATE VIEW indicator_sources AS\n" + "\nUNION ALL\n".join(
        f"SELECT {COLS} FROM indicator_source_{n}" for n in vs) + ";\n")
    now = d(dl, "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", "now()")
    for view, table, event, cond in TRIGGERS:
        recorded = now if event == 'UPDATE' else 'recorded_at'
        cols = COLS.replace('recorded_at', recorded)
        insert = f"INSERT INTO indicator_facts ({COLS})\n        SELECT {cols} FROM indicator_source_{view} WHERE source_id = NEW.id;"
        tname = f"indicator_facts_{view}" + ("_on_insert" if view == 'exit_follow_ups' and event == 'INSERT' else "")
        if dl == 'sqlite':
            when = f"\nWHEN {cond}" if cond else ""
            out.append(f"CREATE TRIGGER {tname} AFTER {event} ON {table}{when}\nBEGIN\n    {insert}\nEND;\n")
        else:
            when = f"\n    WHEN ({cond})" if cond else ""
            out.append(f"""CREATE FUNCTION {tname}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {insert}
    RETURN NULL;
END
$$;
CREATE TRIGGER {tname} AFTER {event} ON {table} FOR EACH ROW{when}
    EXECUTE FUNCTION {tname}();
""")
    out.append(f"-- The facts of what was recorded before this migration.\nINSERT INTO indicator_facts ({COLS})\nSELECT {COLS} FROM indicator_sources;\n")
    return "\n".join(out)


# Migration 0012: the sources recorded since 0010 (governance, immersion conventions).
def views_0012(dl):
    uid = d(dl, 'BLOB', 'UUID')
    v = {}
    v['cta_meetings'] = f"""SELECT 'cta_held' AS indicator, m.held_on AS occurred_on, m.created_at AS recorded_at,
    c.secretary_organisation_id AS organisation_id, COALESCE(c.department, o.department) AS department,
    CAST(NULL AS TEXT) AS siae_kind, CAST(NULL AS {uid}) AS person_id, m.id AS source_id, CAST(NULL AS TEXT) AS detail,
    1 AS value
FROM meetings m JOIN committees c ON c.id = m.committee_id JOIN organisations o ON o.id = c.secretary_organisation_id
WHERE c.kind = 'cta' AND m.status = 'held'"""
    v['cta_minutes_transmissions'] = f"""SELECT 'cta_minutes_transmitted' AS indicator, t.transmitted_on AS occurred_on,
    t.created_at AS recorded_at, c.secretary_organisation_id AS organisation_id,
    COALESCE(c.department, o.department) AS department, CAST(NULL AS TEXT) AS siae_kind,
    CAST(NULL AS {uid}) AS person_id, t.id AS source_id, CAST(NULL AS TEXT) AS detail, 1 AS value
FROM minutes_transmissions t JOIN meetings m ON m.id = t.meeting_id JOIN committees c ON c.id = m.committee_id
    JOIN committees r ON r.id = t.to_committee_id JOIN organisations o ON o.id = c.secretary_organisation_id
WHERE c.kind = 'cta' AND r.kind = 'cdiae'"""
    v['mutual_knowledge_actions'] = f"""SELECT 'spe_siae_sessions' AS indicator, a.held_on AS occurred_on, a.created_at AS recorded_at,
    a.created_by_organisation_id AS organisation_id, a.department, CAST(NULL AS TEXT) AS siae_kind,
    CAST(NULL AS {uid}) AS person_id, a.id AS source_id, a.kind AS detail, 1 AS value
FROM mutual_knowledge_actions a"""
    v['immersion_conventions'] = f"""SELECT 'immersions' AS indicator, i.starts_on AS occurred_on, i.created_at AS recorded_at,
    o.id AS organisation_id, o.department, CAST(NULL AS TEXT) AS siae_kind, i.person_id, i.id AS source_id,
    'convention' AS detail, 1 AS value
FROM immersions i JOIN organisations o ON o.id = i.support_structure_id
WHERE i.status = 'assessed' AND o.kind NOT IN ('aci', 'ei', 'eiti', 'ai', 'etti')"""
    return v

# (view, table, event, condition), named indicator_facts_<view>_<event>.
TRIGGERS_0012 = [
    ('cta_meetings', 'meetings', 'INSERT', "NEW.status = 'held'"),
    ('cta_meetings', 'meetings', 'UPDATE', "OLD.status <> 'held' AND NEW.status = 'held'"),
    ('cta_minutes_transmissions', 'minutes_transmissions', 'INSERT', None),
    ('mutual_knowledge_actions', 'mutual_knowledge_actions', 'INSERT', None),
    ('immersion_conventions', 'immersions', 'INSERT', "NEW.status = 'assessed'"),
    ('immersion_conventions', 'immersions', 'UPDATE', "OLD.status <> 'assessed' AND NEW.status = 'assessed'"),
]

HEADER_0012 = """-- Indicators (issue 8): the sources recorded since migration 0010, wired into `indicator_facts` the same way
-- (a view `indicator_source_<name>`, a trigger inserting the new row's facts, one line in the `indicator_sources`
-- union, which is recreated with every source, and the facts of what was recorded before this migration):
-- CTA meetings held and their minutes transmitted to a CDIAE, mutual-knowledge actions, and the PMSMP conventions
-- of the immersions module once assessed (docs/indicators.md). Generated by scripts/indicator-migration.py.
"""

def trigger(dl, tname, view, table, event, cond, key="source_id = NEW.id"):
    now = d(dl, "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", "now()")
    recorded = now if event == 'UPDATE' else 'recorded_at'
    cols = COLS.replace('recorded_at', recorded)
    insert = f"INSERT INTO indicator_facts ({COLS})\n        SELECT {cols} FROM indicator_source_{view} WHERE {key};"
    if dl == 'sqlite':
        when = f"\nWHEN {cond}" if cond else ""
        return f"CREATE TRIGGER {tname} AFTER {event} ON {table}{when}\nBEGIN\n    {insert}\nEND;\n"
    when = f"\n    WHEN ({cond})" if cond else ""
    return f"""CREATE FUNCTION {tname}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {insert}
    RETURN NULL;
END
$$;
CREATE TRIGGER {tname} AFTER {event} ON {table} FOR EACH ROW{when}
    EXECUTE FUNCTION {tname}();
"""

def migration_0012(dl):
    out = [HEADER_0012]
    new = views_0012(dl)
    for name, body in new.items():
        out.append(f"CREATE VIEW indicator_source_{name} AS\n{body};\n")
    every = list(views(dl)) + list(new)
    out.append("DROP VIEW indicator_sources;\nCREATE VIEW indicator_sources AS\n" + "\nUNION ALL\n".join(
        f"SELECT {COLS} FROM indicator_source_{n}" for n in every) + ";\n")
    for view, table, event, cond in TRIGGERS_0012:
        out.append(trigger(dl, f"indicator_facts_{view}_{event.lower()}", view, table, event, cond))
    out.append(f"-- The facts of what was recorded before this migration.\nINSERT INTO indicator_facts ({COLS})\n"
               + "\nUNION ALL\n".join(f"SELECT {COLS} FROM indicator_source_{n}" for n in new) + ";\n")
    return "\n".join(out)


# Migration 0015: supported employment (seed 003), the job-retention services of its module « in
# employment » (seed 004, Annex 1, fiche 7) and the tripartite interviews held on time (seed 004, fiche 7).
SE = "CAST(NULL AS TEXT) AS siae_kind"

def views_0015(dl):
    uid = d(dl, 'BLOB', 'UUID')
    scheme = "JOIN supported_entries e ON e.id = {}.entry_id JOIN organisations o ON o.id = e.scheme_id"
    v = {}
    # The person's entry dates the people accompanied; its exit (same source row) ends the accompaniment.
    v['supported_entries'] = f"""SELECT 'se_people_accompanied' AS indicator, e.entered_on AS occurred_on, e.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {SE}, e.person_id, e.id AS source_id, CAST(NULL AS TEXT) AS detail,
    1 AS value
FROM supported_entries e JOIN organisations o ON o.id = e.scheme_id"""
    v['supported_exits'] = f"""SELECT 'se_exits' AS indicator, e.exited_on AS occurred_on, e.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {SE}, e.person_id, e.id AS source_id, CAST(NULL AS TEXT) AS detail,
    1 AS value
FROM supported_entries e JOIN organisations o ON o.id = e.scheme_id
WHERE e.exited_on IS NOT NULL"""
    # A job found dates the person's employment; its employer (by key: SIRET or folded name) is accompanied.
    v['supported_jobs'] = f"""SELECT 'se_jobs' AS indicator, j.starts_on AS occurred_on, j.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {SE}, e.person_id, j.id AS source_id, j.contract AS detail, 1 AS value
FROM supported_jobs j {scheme.format('j')}
UNION ALL
SELECT 'se_employers_accompanied', j.starts_on, j.created_at, o.id, o.department, NULL, e.person_id, j.id,
    j.employer_key, 1
FROM supported_jobs j {scheme.format('j')}"""
    v['supported_conventions'] = f"""SELECT 'se_employers_accompanied' AS indicator, c.signed_on AS occurred_on, c.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {SE}, e.person_id, c.id AS source_id, c.employer_key AS detail, 1 AS value
FROM supported_conventions c {scheme.format('c')}
WHERE c.employer_key IS NOT NULL"""
    # Module d (support in employment, of the person and the employer) is the job-retention service.
    v['supported_activities'] = f"""SELECT 'se_employers_accompanied' AS indicator, a.done_on AS occurred_on, a.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {SE}, e.person_id, a.id AS source_id, a.employer_key AS detail, 1 AS value
FROM supported_activities a {scheme.format('a')}
WHERE a.employer_key IS NOT NULL
UNION ALL
SELECT 'job_retention_services', a.done_on, a.created_at, o.id, o.department, NULL, e.person_id, a.id, a.module, 1
FROM supported_activities a {scheme.format('a')}
WHERE a.module = 'in_employment'"""
    # A counsellor's working time, in hundredths of a full time: a state, each setting kept as a fact.
    v['supported_counsellors'] = f"""SELECT 'se_counsellor_fte' AS indicator, {day(dl, 'c.updated_at')} AS occurred_on, c.updated_at AS recorded_at,
    o.id AS organisation_id, o.department, {SE}, CAST(NULL AS {uid}) AS person_id, c.user_id AS source_id,
    CAST(NULL AS TEXT) AS detail, c.fte_hundredths AS value
FROM supported_counsellors c JOIN organisations o ON o.id = c.scheme_id"""
    # On time: held no later than the due date the deadlines engine had set when the interview was recorded
    # (2 months before the end of the PASS IAE); the obligation is keyed by the person's id as text.
    person_text = d(dl, "lower(substr(hex(t.person_id), 1, 8) || '-' || substr(hex(t.person_id), 9, 4) || '-' || "
                        "substr(hex(t.person_id), 13, 4) || '-' || substr(hex(t.person_id), 17, 4) || '-' || "
                        "substr(hex(t.person_id), 21))", "t.person_id::text")
    v['tripartite_on_time'] = f"""SELECT 'interviews_on_time_share' AS indicator, t.held_on AS occurred_on, t.created_at AS recorded_at,
    o.id AS organisation_id, o.department, {KIND} AS siae_kind, t.person_id, t.id AS source_id,
    CAST(b.due_on AS TEXT) AS detail, CASE WHEN t.held_on <= b.due_on THEN 1 ELSE 0 END AS value
FROM tripartite_interviews t JOIN organisations o ON o.id = t.siae_id
    JOIN obligations b ON b.source = 'tripartite_interview' AND b.organisation_id = t.siae_id
        AND b.source_key = {person_text}"""
    return v

TRIGGERS_0015 = [
    ('supported_entries', 'supported_entries', 'INSERT', None, None),
    ('supported_exits', 'supported_entries', 'INSERT', "NEW.exited_on IS NOT NULL", None),
    ('supported_exits', 'supported_entries', 'UPDATE', "OLD.exited_on IS NULL AND NEW.exited_on IS NOT NULL", None),
    ('supported_jobs', 'supported_jobs', 'INSERT', None, None),
    ('supported_conventions', 'supported_conventions', 'INSERT', None, None),
    ('supported_activities', 'supported_activities', 'INSERT', None, None),
    ('supported_counsellors', 'supported_counsellors', 'INSERT', None,
     "source_id = NEW.user_id AND organisation_id = NEW.scheme_id"),
    ('tripartite_on_time', 'tripartite_interviews', 'INSERT', None, None),
]

HEADER_0015 = """-- Indicators (issue 8): the sources of supported employment (seed 003: entries and exits, jobs found, employers
-- met through the convention, the activities and the jobs, the counsellors' working time), the job-retention
-- services (activities of module d « in employment », seed 004 Annex 1 fiche 7) and the tripartite interviews
-- held on time (seed 004 fiche 7), wired into `indicator_facts` as in migration 0012 (docs/indicators.md).
-- Generated by scripts/indicator-migration.py.
"""

def migration_0015(dl):
    out = [HEADER_0015]
    new = views_0015(dl)
    for name, body in new.items():
        out.append(f"CREATE VIEW indicator_source_{name} AS\n{body};\n")
    every = list(views(dl)) + list(views_0012(dl)) + list(new)
    out.append("DROP VIEW indicator_sources;\nCREATE VIEW indicator_sources AS\n" + "\nUNION ALL\n".join(
        f"SELECT {COLS} FROM indicator_source_{n}" for n in every) + ";\n")
    for view, table, event, cond, key in TRIGGERS_0015:
        out.append(trigger(dl, f"indicator_facts_{view}_{event.lower()}", view, table, event, cond,
                           key or "source_id = NEW.id"))
    out.append(f"-- The facts of what was recorded before this migration.\nINSERT INTO indicator_facts ({COLS})\n"
               + "\nUNION ALL\n".join(f"SELECT {COLS} FROM indicator_source_{n}" for n in new) + ";\n")
    return "\n".join(out)


# Migration 0019: a tripartite interview due and never held counts as not on time (seed 004 fiche 7; RULES.md
# 1.8). The daily deadlines scan records it once, when the due date of its still open obligation has passed.
def views_0019(dl):
    return {'missed_interviews': f"""SELECT 'interviews_on_time_share' AS indicator, m.due_on AS occurred_on, m.recorded_at,
    o.id AS organisation_id, o.department, {KIND} AS siae_kind, m.person_id, m.id AS source_id,
    CAST(m.due_on AS TEXT) AS detail, 0 AS value
FROM missed_interviews m JOIN organisations o ON o.id = m.siae_id"""}

HEADER_0019 = """-- Indicators (issue 8): a tripartite interview due and never held counts as not on time in
-- `interviews_on_time_share` (seed 004 fiche 7; RULES.md 1.8). The daily deadlines scan records it once in
-- `missed_interviews` when the due date of its obligation (source `tripartite_interview`, still open: no interview
-- held) has passed; the fact is dated by the due date and recorded at the scan. Wired into `indicator_facts` as in
-- migration 0012; the table is new, so there are no earlier facts. Generated by scripts/indicator-migration.py.
"""

def migration_0019(dl):
    uid = d(dl, "BLOB", "UUID")
    ts = d(dl, "TEXT", "TIMESTAMPTZ")
    out = [HEADER_0019, f"""CREATE TABLE missed_interviews (
    id {uid} PRIMARY KEY,
    person_id {uid} NOT NULL REFERENCES persons (id),
    siae_id {uid} NOT NULL REFERENCES organisations (id),
    due_on DATE NOT NULL,
    recorded_at {ts} NOT NULL,
    UNIQUE (person_id, due_on)
);
"""]
    new = views_0019(dl)
    for name, body in new.items():
        out.append(f"CREATE VIEW indicator_source_{name} AS\n{body};\n")
    every = list(views(dl)) + list(views_0012(dl)) + list(views_0015(dl)) + list(new)
    out.append("DROP VIEW indicator_sources;\nCREATE VIEW indicator_sources AS\n" + "\nUNION ALL\n".join(
        f"SELECT {COLS} FROM indicator_source_{n}" for n in every) + ";\n")
    out.append(trigger(dl, "indicator_facts_missed_interviews_insert", 'missed_interviews', 'missed_interviews',
                       'INSERT', None))
    return "\n".join(out)

# Migration 0022: three sources read again from their texts, each rule dated in the
# domain (`indicators::readings`): candidates oriented by France Travail only (seed 004 fiche 4), extensions
# of a PASS IAE by a hiring in another SIAE from 2021-12-01 (requests before), and CTA minutes sent to the
# body of their day (the CDIAE, the « inclusion et IAE » commission from 2024-07-01, decree 2024-560).
FRANCE_TRAVAIL = "('france_travail_agency', 'france_travail_territorial', 'france_travail_regional')"
PASS_IAE_FROM = '2021-12-01'
EMPLOYMENT_COMMITTEES_FROM = '2024-07-01'
REDEFINED_0022 = {'prescriptions': ['candidates_oriented'], 'iae_pathway_events': ['extensions'],
                  'cta_minutes_transmissions': ['cta_minutes_transmitted']}

def lit(dl, day):
    return d(dl, f"'{day}'", f"DATE '{day}'")

def views_0022(dl):
    v = {}
    v['prescriptions'] = views(dl)['prescriptions'].replace(
        "FROM prescriptions p JOIN organisations o ON o.id = p.siae_id",
        f"FROM prescriptions p JOIN organisations o ON o.id = p.siae_id JOIN organisations pr ON pr.id = p.prescriber_id\n"
        f"WHERE pr.kind IN {FRANCE_TRAVAIL}")
    # A hiring is an extension when the person's previous hiring was in another SIAE and the approval it ran
    # under had not ended on this hiring's day: the end the deadlines engine holds for that SIAE (the
    # obligation `approval_end`, keyed by the person), which only the SIAE of the last hiring moves.
    person_text = d(dl, "lower(substr(hex(e.person_id), 1, 8) || '-' || substr(hex(e.person_id), 9, 4) || '-' || "
                        "substr(hex(e.person_id), 13, 4) || '-' || substr(hex(e.person_id), 17, 4) || '-' || "
                        "substr(hex(e.person_id), 21))", "e.person_id::text")
    hired_on = js(dl, 'e.payload', 'date', True)
    v['iae_pathway_events'] = views(dl)['iae_pathway_events'] + f"""
UNION ALL
SELECT 'extensions', {hired_on}, e.created_at, e.siae_id, o.department, e.siae_kind, e.person_id, e.id,
    CAST(NULL AS TEXT), 1
FROM iae_pathway_events e JOIN organisations o ON o.id = e.siae_id
WHERE e.kind = 'hiring' AND {hired_on} >= {lit(dl, PASS_IAE_FROM)} AND EXISTS (
    SELECT 1 FROM iae_pathway_events p JOIN obligations b ON b.source = 'approval_end'
        AND b.organisation_id = p.siae_id AND b.source_key = {person_text}
    WHERE p.person_id = e.person_id AND p.kind = 'hiring' AND p.siae_id <> e.siae_id AND b.due_on >= {hired_on}
        AND p.seq = (SELECT MAX(q.seq) FROM iae_pathway_events q
            WHERE q.person_id = e.person_id AND q.kind = 'hiring' AND q.seq < e.seq))"""
    v['cta_minutes_transmissions'] = views_0012(dl)['cta_minutes_transmissions'].replace(
        "WHERE c.kind = 'cta' AND r.kind = 'cdiae'",
        f"WHERE c.kind = 'cta' AND ((r.kind = 'cdiae' AND t.transmitted_on < {lit(dl, EMPLOYMENT_COMMITTEES_FROM)})\n"
        f"    OR (r.kind = 'inclusion_commission' AND t.transmitted_on >= {lit(dl, EMPLOYMENT_COMMITTEES_FROM)}))")
    return v

HEADER_0022 = """-- Indicators (issue 21, E6 to E8): three sources read again from their texts, each rule dated in the domain
-- (`indicators::readings`, docs/indicators.md « Lectures datées »): `candidates_oriented` counts the prescriptions
-- of France Travail only (seed 004 fiche 4: « candidats orientés par Pôle emploi »), no longer the SIAE's own;
-- `extensions` also counts, from 2021-12-01, a hiring in another SIAE while the PASS IAE runs (no request exists
-- since the PASS IAE); `cta_minutes_transmitted` counts the minutes sent to the CDIAE until 2024-06-30 and to the
-- « inclusion et IAE » commission from 2024-07-01 (decree 2024-560). The views are recreated (the triggers read
-- them by name) and the facts and roll-up counters of these three indicators are rebuilt from them.
-- Generated by scripts/indicator-migration.py.
"""

def migration_0022(dl):
    out = [HEADER_0022, "DROP VIEW indicator_sources;\n"]
    new = views_0022(dl)
    for name, body in new.items():
        out.append(f"DROP VIEW indicator_source_{name};\nCREATE VIEW indicator_source_{name} AS\n{body};\n")
    every = list(views(dl)) + list(views_0012(dl)) + list(views_0015(dl)) + list(views_0019(dl))
    out.append("CREATE VIEW indicator_sources AS\n" + "\nUNION ALL\n".join(
        f"SELECT {COLS} FROM indicator_source_{n}" for n in every) + ";\n")
    codes = ", ".join(f"'{c}'" for cs in REDEFINED_0022.values() for c in cs)
    out.append(f"-- The counters first (the facts' insert trigger adds them back), then the facts.\n"
               f"DELETE FROM indicator_rollup WHERE indicator IN ({codes});\n"
               f"DELETE FROM indicator_facts WHERE indicator IN ({codes});\n")
    out.append(f"-- The facts of what was recorded before this migration, under the new readings.\n"
               f"INSERT INTO indicator_facts ({COLS})\n" + "\nUNION ALL\n".join(
                   f"SELECT {COLS} FROM indicator_source_{n} WHERE indicator IN ({', '.join(repr(c) for c in cs)})"
                   for n, cs in REDEFINED_0022.items()) + "\nORDER BY recorded_at, source_id;\n")
    return "\n".join(out)

# Migration 0043: the SIAE's appeal of a refused extension request (seed 004, 2.2.3) asks nothing new, so the
# « extensions » indicator counts the request only. SQLite cannot replace a view in place; PostgreSQL can (and
# must: `indicator_sources` depends on it).
APPEAL_0043 = "\n                AND {appeal} IS NULL THEN 'extensions'"

def views_0043(dl):
    extension = f"{js(dl, 'e.payload', 'request')} = 'extension' THEN 'extensions'"
    return {'iae_pathway_events': views_0022(dl)['iae_pathway_events'].replace(
        extension, extension.replace(" THEN 'extensions'", APPEAL_0043.format(appeal=js(dl, 'e.payload', 'appeal'))))}

HEADER_0043 = """-- The « extensions » indicator no longer counts the SIAE's appeal of a refused extension request (seed 004, 2.2.3):
-- the appeal takes the contested request's kind for the rules engine, but it asks nothing new; only the request
-- itself is an extension asked. The view is recreated (the trigger reads it by name) and the facts and roll-up
-- counters of `extensions` rebuilt from it, as in 0022.
"""

def migration_0043(dl):
    body = views_0043(dl)['iae_pathway_events']
    create = d(dl, "DROP VIEW indicator_source_iae_pathway_events;\nCREATE VIEW", "CREATE OR REPLACE VIEW")
    return "\n".join([HEADER_0043, f"{create} indicator_source_iae_pathway_events AS\n{body};\n",
        "-- The counters first (the facts' insert trigger adds them back), then the facts.\n"
        "DELETE FROM indicator_rollup WHERE indicator = 'extensions';\n"
        "DELETE FROM indicator_facts WHERE indicator = 'extensions';\n"
        f"INSERT INTO indicator_facts ({COLS})\n"
        f"SELECT {COLS} FROM indicator_source_iae_pathway_events WHERE indicator = 'extensions'\n"
        "ORDER BY recorded_at, source_id;\n"])

import sys
root = sys.argv[1]
for dl in ('sqlite', 'postgres'):
    open(f"{root}/crates/store/migrations/{dl}/0010_indicators.sql", 'w').write(migration(dl))
    open(f"{root}/crates/store/migrations/{dl}/0012_indicator_sources.sql", 'w').write(migration_0012(dl))
    open(f"{root}/crates/store/migrations/{dl}/0015_supported_indicator_sources.sql", 'w').write(migration_0015(dl))
    open(f"{root}/crates/store/migrations/{dl}/0019_missed_interviews.sql", 'w').write(migration_0019(dl))
    open(f"{root}/crates/store/migrations/{dl}/0022_indicator_readings.sql", 'w').write(migration_0022(dl))
    open(f"{root}/crates/store/migrations/{dl}/0043_extension_appeals.sql", 'w').write(migration_0043(dl))
