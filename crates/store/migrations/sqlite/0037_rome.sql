-- The ROME job referential of France Travail (docs/rome.md): its job families and job titles (appellations),
-- loaded by `passerelle import rome`, and each import with the source and the date of the snapshot loaded.
-- `search_text` holds the folded title (lower case, no accents), computed in Rust, so that the picker's search
-- behaves the same on both databases. A code never goes away: offers keep the codes they were published with.
CREATE TABLE rome_codes (
    code TEXT PRIMARY KEY CHECK (length(code) = 5),
    label TEXT NOT NULL
);
CREATE TABLE rome_appellations (
    ogr BIGINT PRIMARY KEY,
    rome_code TEXT NOT NULL REFERENCES rome_codes (code),
    label TEXT NOT NULL,
    short_label TEXT NOT NULL,
    search_text TEXT NOT NULL
);
CREATE INDEX rome_appellations_code ON rome_appellations (rome_code);
CREATE INDEX rome_appellations_search ON rome_appellations (search_text);
CREATE TABLE rome_imports (
    id BLOB PRIMARY KEY,
    source TEXT NOT NULL,
    version DATE NOT NULL,
    codes BIGINT NOT NULL,
    appellations BIGINT NOT NULL,
    imported_at TEXT NOT NULL
);
