-- Dated facts of an ESAT and of its workers (« Convergences entre ESAT et insertion par l'activité économique »;
-- decrees 2022-1561 and 2025-845): the parcours renforcé en emploi, the worker's CPF, the invoicing of the
-- convention d'appui to the employer (worker_id set), the ESAT's OPCO membership (worker_id NULL). Rules and
-- sources in `domain::pathways::esat::facts`, docs/esat.md.

CREATE TABLE esat_facts (
    id UUID PRIMARY KEY,
    esat_id UUID NOT NULL REFERENCES organisations (id),
    worker_id UUID REFERENCES esat_workers (id),
    kind TEXT NOT NULL CHECK (kind IN ('reinforced_pathway', 'cpf', 'support_invoicing', 'opco_membership')),
    starts_on DATE NOT NULL,
    ends_on DATE CHECK (ends_on IS NULL OR ends_on >= starts_on),
    detail TEXT CHECK (detail IS NULL OR length(detail) BETWEEN 1 AND 500),
    source TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK ((kind = 'opco_membership') = (worker_id IS NULL)),
    CHECK (kind NOT IN ('opco_membership', 'support_invoicing') OR detail IS NOT NULL)
);
CREATE INDEX esat_facts_esat ON esat_facts (esat_id);
CREATE INDEX esat_facts_worker ON esat_facts (worker_id);
