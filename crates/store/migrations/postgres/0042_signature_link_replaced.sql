-- A new signature link for the same party replaces the links sent before and not used (docs/esat.md,
-- « Signature by link »): a link sent to a wrong address no longer signs once the right one is sent.
ALTER TABLE immersion_signature_links ADD COLUMN replaced_at BIGINT;
