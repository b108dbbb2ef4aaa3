-- Webhooks in (stored before we answer 200), the newest snapshot of each
-- order or invoice, and the outbox of messages to send.

CREATE TABLE inbound_events (
    id              TEXT PRIMARY KEY,
    merchant_id     TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    platform        TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL,
    topic           TEXT NOT NULL,
    delivery_id     TEXT,
    body            TEXT NOT NULL,
    received_at     INTEGER NOT NULL,
    triggered_at    INTEGER,
    state           TEXT NOT NULL,
    outcome         TEXT,
    detail          TEXT,
    jobs_created    INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    processed_at    INTEGER,
    UNIQUE (merchant_id, platform, dedupe_key)
);
CREATE INDEX inbound_events_due ON inbound_events(state, next_attempt_at);
CREATE INDEX inbound_events_log ON inbound_events(merchant_id, received_at);

CREATE TABLE documents (
    merchant_id  TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    latest_at    INTEGER NOT NULL,
    latest_event TEXT NOT NULL,
    PRIMARY KEY (merchant_id, source, document_id)
);

CREATE TABLE outbox_jobs (
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
    UNIQUE (merchant_id, source, document_id, status, channel)
);
CREATE INDEX outbox_jobs_due ON outbox_jobs(state, next_attempt_at);
CREATE INDEX outbox_jobs_merchant ON outbox_jobs(merchant_id, created_at);
