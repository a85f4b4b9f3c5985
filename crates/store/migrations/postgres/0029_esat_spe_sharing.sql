-- ESAT-SPE conventions (seed 000, questions 4, 10 and 11):
-- 1. four kinds of organisations: the Team TH (lieu unique d'accompagnement France Travail / Cap emploi), and
--    for supported employment the SAVS, the SAMSAH and the psychosocial rehabilitation centre;
-- 2. a worker's consent to share their ESAT follow-up with the SPE parties to the ESAT's conventions in force,
--    dated and withdrawable (the journal keeps every change).
ALTER TABLE organisations DROP CONSTRAINT organisations_kind_check;
ALTER TABLE organisations ADD CONSTRAINT organisations_kind_check CHECK (kind IN ('aci','ei','etti','ai','eiti','geiq','adapted_company','esat','supported_employment','france_travail_agency','france_travail_territorial','france_travail_regional','cap_emploi','mission_locale','authorised_prescriber','ddets','dreets','iae_network','mdph','departmental_council','employer','other','th_team','savs','samsah','psychiatric_rehabilitation'));

ALTER TABLE esat_workers ADD COLUMN spe_consent_on DATE;
ALTER TABLE esat_workers ADD COLUMN spe_consent_withdrawn_on DATE;
