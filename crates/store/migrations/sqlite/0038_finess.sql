-- FINESS numbers (docs/data-inclusion.md, « Numéro FINESS »): the identifier of an ESAT, a supported-employment
-- service, a SAVS or a SAMSAH in the Fichier national des établissements sanitaires et sociaux. Nine characters
-- (department, then seven digits); one establishment, one organisation; other kinds have none.
ALTER TABLE organisations ADD COLUMN finess TEXT
    CHECK (finess IS NULL OR (length(finess) = 9 AND kind IN ('esat', 'supported_employment', 'savs', 'samsah')));
CREATE UNIQUE INDEX organisations_finess ON organisations (finess);
