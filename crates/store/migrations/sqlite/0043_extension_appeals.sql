-- The « extensions » indicator no longer counts the SIAE's appeal of a refused extension request (seed 004, 2.2.3):
-- the appeal takes the contested request's kind for the rules engine, but it asks nothing new; only the request
-- itself is an extension asked. The view is recreated (the trigger reads it by name) and the facts and roll-up
-- counters of `extensions` rebuilt from it, as in 0022.

DROP VIEW indicator_source_iae_pathway_events;
CREATE VIEW indicator_source_iae_pathway_events AS
SELECT x.indicator, x.occurred_on, x.recorded_at, x.organisation_id, o.department, x.siae_kind, x.person_id,
    x.source_id, CAST(NULL AS TEXT) AS detail, 1 AS value
FROM (
    SELECT CASE
            WHEN e.kind = 'hiring' THEN 'hirings'
            WHEN e.kind = 'suspension' THEN 'suspensions'
            WHEN e.kind = 'prolongation' THEN 'prolongations'
            WHEN e.kind = 'agrement_request' AND json_extract(e.payload, '$.request') = 'extension'
                AND json_extract(e.payload, '$.appeal') IS NULL THEN 'extensions'
            WHEN e.kind = 'agrement_decision' AND json_extract(e.payload, '$.decision') = 'refused' THEN 'approval_refusals'
        END AS indicator,
        COALESCE(json_extract(e.payload, '$.date'), json_extract(e.payload, '$.from')) AS occurred_on,
        e.created_at AS recorded_at, e.siae_id AS organisation_id, e.siae_kind, e.person_id, e.id AS source_id
    FROM iae_pathway_events e
) x JOIN organisations o ON o.id = x.organisation_id
WHERE x.indicator IS NOT NULL
UNION ALL
SELECT 'extensions', json_extract(e.payload, '$.date'), e.created_at, e.siae_id, o.department, e.siae_kind, e.person_id, e.id,
    CAST(NULL AS TEXT), 1
FROM iae_pathway_events e JOIN organisations o ON o.id = e.siae_id
WHERE e.kind = 'hiring' AND json_extract(e.payload, '$.date') >= '2021-12-01' AND EXISTS (
    SELECT 1 FROM iae_pathway_events p JOIN obligations b ON b.source = 'approval_end'
        AND b.organisation_id = p.siae_id AND b.source_key = lower(substr(hex(e.person_id), 1, 8) || '-' || substr(hex(e.person_id), 9, 4) || '-' || substr(hex(e.person_id), 13, 4) || '-' || substr(hex(e.person_id), 17, 4) || '-' || substr(hex(e.person_id), 21))
    WHERE p.person_id = e.person_id AND p.kind = 'hiring' AND p.siae_id <> e.siae_id AND b.due_on >= json_extract(e.payload, '$.date')
        AND p.seq = (SELECT MAX(q.seq) FROM iae_pathway_events q
            WHERE q.person_id = e.person_id AND q.kind = 'hiring' AND q.seq < e.seq));

-- The counters first (the facts' insert trigger adds them back), then the facts.
DELETE FROM indicator_rollup WHERE indicator = 'extensions';
DELETE FROM indicator_facts WHERE indicator = 'extensions';
INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value)
SELECT indicator, occurred_on, recorded_at, organisation_id, department, siae_kind, person_id, source_id, detail, value FROM indicator_source_iae_pathway_events WHERE indicator = 'extensions'
ORDER BY recorded_at, source_id;
