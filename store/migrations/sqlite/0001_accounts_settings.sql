-- Merchants, their users and sessions, API keys, notification rules with a
-- version and an audit trail, and per-platform integrations.
-- Times are Unix epoch milliseconds; ids are random text.

CREATE TABLE merchants (
    id               TEXT PRIMARY KEY,
    store_name       TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    sender_name      TEXT NOT NULL,
    sender_email     TEXT NOT NULL,
    settings_version INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    merchant_id   TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX users_merchant ON users(merchant_id);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    merchant_id  TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    key_hint     TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX api_keys_merchant ON api_keys(merchant_id);

CREATE TABLE rules (
    merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    trigger_key TEXT NOT NULL,
    active      BOOLEAN NOT NULL,
    email       BOOLEAN NOT NULL,
    sms         BOOLEAN NOT NULL,
    PRIMARY KEY (merchant_id, trigger_key)
);

CREATE TABLE audit_entries (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    at          INTEGER NOT NULL,
    changes     TEXT NOT NULL,
    UNIQUE (merchant_id, version)
);

CREATE TABLE integrations (
    endpoint_id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    settings    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (merchant_id, platform)
);

CREATE TABLE login_failures (
    throttle_key TEXT NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures(throttle_key, at);
