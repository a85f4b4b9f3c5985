-- An avenant to a regional agreement is proposed by its steering committee (Accord régional de coopération
-- Bourgogne-Franche-Comté (2016), article 5): the proposal names the held meeting that proposed it, and the
-- version it becomes keeps that reference.
ALTER TABLE agreement_amendments ADD COLUMN committee_meeting_id BLOB REFERENCES meetings (id);
ALTER TABLE agreement_versions ADD COLUMN committee_meeting_id BLOB REFERENCES meetings (id);
