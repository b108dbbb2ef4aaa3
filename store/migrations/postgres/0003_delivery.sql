-- Delivery: outbox jobs get a lease, a result and a provider id; every
-- attempt is recorded.

ALTER TABLE outbox_jobs ADD COLUMN lease_until BIGINT;
ALTER TABLE outbox_jobs ADD COLUMN last_error TEXT;
ALTER TABLE outbox_jobs ADD COLUMN provider_id TEXT;
ALTER TABLE outbox_jobs ADD COLUMN sent_at BIGINT;
ALTER TABLE outbox_jobs ADD COLUMN updated_at BIGINT;

CREATE TABLE delivery_attempts (
    id          TEXT PRIMARY KEY,
    job_id      TEXT NOT NULL REFERENCES outbox_jobs(id) ON DELETE CASCADE,
    attempt     BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    outcome     TEXT NOT NULL,
    provider_id TEXT,
    error       TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX delivery_attempts_job ON delivery_attempts(job_id, attempt);
