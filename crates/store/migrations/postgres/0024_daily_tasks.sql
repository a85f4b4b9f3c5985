-- What every server does once a day (the deadlines scan), done by one of them: a server claims the day's task with
-- a lease (`held_by`, `held_until` in Unix seconds), marks it done for the day (`done_on`) when it succeeds, and
-- another server takes it over when the lease runs out without that.
CREATE TABLE daily_tasks (
    name TEXT PRIMARY KEY,
    done_on DATE,
    held_by TEXT,
    held_until BIGINT
);
INSERT INTO daily_tasks (name) VALUES ('deadlines');
