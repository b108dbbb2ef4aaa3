-- Delivery: outbox jobs get a lease, a result and a provider id; every
-- attempt is recorded.

ALTER TABLE outbox_jobs ADD COLUMN lease_until INTEGER;
ALTER TABLE outbox_jobs ADD COLUMN last_error TEXT;
ALTER TABLE outbox_jobs ADD COLUMN provider_id TEXT;
ALTER TABLE outbox_jobs ADD COLUMN sent_at INTEGER;
ALTER TABLE outbox_jobs ADD COLUMN updated_at INTEGER;

CREATE TABLE delivery_attempts (
    id          TEXT PRIMARY KEY,
    job_id      TEXT NOT NULL REFERENCES outbox_jobs(id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    provider_id TEXT,
    error       TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX delivery_attempts_job ON delivery_attempts(job_id, attempt);
