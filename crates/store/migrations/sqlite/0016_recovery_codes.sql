-- Recovery codes of the second factor (issue 10): each accepted once in place of a TOTP code, kept as a SHA-256
-- hash (crates/store/src/second_factor.rs says why a fast hash), spent by setting used_at.
CREATE TABLE recovery_codes (
    user_id BLOB NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
