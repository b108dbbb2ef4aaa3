-- no-transaction
-- Resending a message: a resend is a second job for the same transition
-- (merchant, order or invoice, status, channel), so the table-wide UNIQUE
-- of 0002 becomes a partial unique index over the originals only
-- (resend_of IS NULL): a transition still queues its original once however
-- many webhooks report it, and any number of resends may follow.
-- resend_of names the job resent; resent_by who asked (the audit trail).
--
-- SQLite cannot drop a table's constraint: the table is rebuilt as its
-- documentation says (https://www.sqlite.org/lang_altertable.html, "Making
-- Other Kinds Of Table Schema Changes"). Foreign keys are off meanwhile,
-- or dropping the old table would delete every job's attempts
-- (delivery_attempts.job_id ... ON DELETE CASCADE); every index of
-- 0002-0008 is made again. Nothing but delivery_attempts refers to
-- outbox_jobs, and no trigger or view exists.

PRAGMA foreign_keys = OFF;

BEGIN;

CREATE TABLE outbox_jobs_rebuilt (
    id               TEXT PRIMARY KEY,
    merchant_id      TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    inbound_event_id TEXT NOT NULL REFERENCES inbound_events(id) ON DELETE CASCADE,
    source           TEXT NOT NULL,
    document_id      TEXT NOT NULL,
    status           TEXT NOT NULL,
    channel          TEXT NOT NULL,
    trigger_key      TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    event            TEXT NOT NULL,
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    lease_until      INTEGER,
    last_error       TEXT,
    provider_id      TEXT,
    sent_at          INTEGER,
    updated_at       INTEGER,
    delivery_status  TEXT,
    lease_token      TEXT,
    queue_seq        INTEGER NOT NULL DEFAULT 0,
    resend_of        TEXT,
    resent_by        TEXT
);

INSERT INTO outbox_jobs_rebuilt (id, merchant_id, inbound_event_id, source, document_id, status, channel, trigger_key,
                                 recipient, event, state, attempts, next_attempt_at, created_at, lease_until, last_error,
                                 provider_id, sent_at, updated_at, delivery_status, lease_token, queue_seq)
SELECT id, merchant_id, inbound_event_id, source, document_id, status, channel, trigger_key,
       recipient, event, state, attempts, next_attempt_at, created_at, lease_until, last_error,
       provider_id, sent_at, updated_at, delivery_status, lease_token, queue_seq
FROM outbox_jobs;

DROP TABLE outbox_jobs;
ALTER TABLE outbox_jobs_rebuilt RENAME TO outbox_jobs;

-- 0002
CREATE INDEX outbox_jobs_due ON outbox_jobs(state, next_attempt_at);
CREATE INDEX outbox_jobs_merchant ON outbox_jobs(merchant_id, created_at);
-- 0004
CREATE INDEX outbox_jobs_provider ON outbox_jobs(provider_id);
CREATE INDEX outbox_jobs_recipient ON outbox_jobs(recipient, created_at);
-- 0006
CREATE INDEX outbox_jobs_holder ON outbox_jobs(lease_token);
CREATE INDEX outbox_jobs_lane ON outbox_jobs(channel, state, next_attempt_at);
CREATE INDEX outbox_jobs_recipient_queue ON outbox_jobs(merchant_id, channel, recipient, queue_seq);
-- 0008
CREATE INDEX outbox_jobs_sent_per_day ON outbox_jobs(merchant_id, channel, sent_at);
-- 0010: the originals' uniqueness, the resend limit's count, the timeline.
CREATE UNIQUE INDEX outbox_jobs_transition ON outbox_jobs(merchant_id, source, document_id, status, channel)
    WHERE resend_of IS NULL;
CREATE INDEX outbox_jobs_resends ON outbox_jobs(merchant_id, created_at) WHERE resend_of IS NOT NULL;
CREATE INDEX outbox_jobs_document ON outbox_jobs(merchant_id, source, document_id);

COMMIT;

PRAGMA foreign_keys = ON;
