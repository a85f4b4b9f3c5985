-- Login attempts are counted per e-mail address *and* source address, before each is evaluated (docs/api.md,
-- « Authentication »): an attacker's attempts from one address lock that address out of the account, not its owner
-- elsewhere, and concurrent attempts cannot all pass the check before any is counted. The second factor's
-- changes (turning it off, new recovery codes) are counted per account, under the source `second-factor`.
-- The rows only hold counters for 15 minutes: nothing to carry over; a success deletes the ended ones.
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    email TEXT NOT NULL,
    source TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    PRIMARY KEY (email, source)
);
CREATE INDEX login_attempts_window ON login_attempts (window_start);
