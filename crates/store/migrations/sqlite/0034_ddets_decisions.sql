-- The State's decisions recorded by the DDETS (docs/agreements.md « Conventionnement de la SIAE », docs/iae.md
-- « Dérogation au plafond des 480 heures »):
-- 1. an SIAE's State convention (conventionnement), its end date and reference, recorded on its directory record
--    by the DDETS or DREETS of its department; a CCL lapses when it ends (Guide de la CCL Pôle emploi – SIAE II.b);
-- 2. the préfet's waiver of an AI's 480-hour cap (L5132-9) becomes a request of the AI decided by the DDETS: only a
--    granted waiver lifts the cap. Waivers recorded before this migration were the AI's copy of a decision: granted.
ALTER TABLE organisations ADD COLUMN state_convention_ends_on DATE;
ALTER TABLE organisations ADD COLUMN state_convention_reference TEXT CHECK (length(state_convention_reference) BETWEEN 1 AND 200);

ALTER TABLE ai_cap_waivers ADD COLUMN status TEXT NOT NULL DEFAULT 'granted' CHECK (status IN ('requested', 'granted', 'refused'));
ALTER TABLE ai_cap_waivers ADD COLUMN decided_by BLOB REFERENCES organisations (id);
ALTER TABLE ai_cap_waivers ADD COLUMN decided_on DATE;
ALTER TABLE ai_cap_waivers ADD COLUMN decision_reference TEXT CHECK (length(decision_reference) BETWEEN 1 AND 200);
ALTER TABLE ai_cap_waivers ADD COLUMN refusal_reason TEXT CHECK (length(refusal_reason) BETWEEN 1 AND 2000);
CREATE INDEX ai_cap_waivers_status ON ai_cap_waivers (status, siae_id);
