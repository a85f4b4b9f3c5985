-- Immersions (PMSMP): the listed days of presence of a discontinuous immersion (Code du travail D5135-3,
-- « continue ou discontinue »; JSON array of dates, NULL when the weekly schedule repeats every week), and the
-- aided contract the person is employed on, whose duration caps the immersions at 25 % (D5134-50-2 for the
-- CUI-CAE; decree 2014-1360 for the CDDI). docs/esat.md, `domain::pathways::immersion::aided`.

ALTER TABLE immersions ADD COLUMN attendance_dates TEXT;
ALTER TABLE immersions ADD COLUMN aided_contract_kind TEXT CHECK (aided_contract_kind IS NULL
    OR aided_contract_kind IN ('cui_cae', 'cddi'));
ALTER TABLE immersions ADD COLUMN aided_contract_starts_on DATE;
ALTER TABLE immersions ADD COLUMN aided_contract_ends_on DATE CHECK ((aided_contract_kind IS NULL
    AND aided_contract_starts_on IS NULL AND aided_contract_ends_on IS NULL) OR (aided_contract_kind IS NOT NULL
    AND aided_contract_ends_on >= aided_contract_starts_on));
