-- Supported employment joined to the rest (issue 18, item 12): the reason of each exit (docs/supported-employment.md,
-- `domain::pathways::supported::exit`), the day the employer joins the individual convention, and the exit
-- indicator's detail carrying the reason. Exits recorded before keep no reason (« motif non renseigné »).

ALTER TABLE supported_entries ADD COLUMN exit_reason TEXT CHECK (exit_reason IS NULL OR (exited_on IS NOT NULL
    AND exit_reason IN ('employment', 'relay', 'reorientation', 'person_choice', 'decision_ended', 'moved', 'other')));

ALTER TABLE supported_conventions ADD COLUMN employer_joined_on DATE CHECK (employer_joined_on IS NULL
    OR (employer IS NOT NULL AND employer_joined_on >= signed_on));

CREATE OR REPLACE VIEW indicator_source_supported_exits AS
SELECT 'se_exits' AS indicator, e.exited_on AS occurred_on, e.created_at AS recorded_at,
    o.id AS organisation_id, o.department, CAST(NULL AS TEXT) AS siae_kind, e.person_id, e.id AS source_id, CAST(e.exit_reason AS TEXT) AS detail,
    1 AS value
FROM supported_entries e JOIN organisations o ON o.id = e.scheme_id
WHERE e.exited_on IS NOT NULL;
