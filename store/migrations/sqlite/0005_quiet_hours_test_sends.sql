-- Quiet hours for SMS (minutes after local midnight, in the merchant's
-- time zone; default 21:00 to 08:00) and the log of test sends (for their
-- rate limit).

ALTER TABLE merchants ADD COLUMN quiet_hours_enabled BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE merchants ADD COLUMN quiet_start_minute INTEGER NOT NULL DEFAULT 1260;
ALTER TABLE merchants ADD COLUMN quiet_end_minute INTEGER NOT NULL DEFAULT 480;

CREATE TABLE test_sends (
    merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX test_sends_merchant ON test_sends(merchant_id, at);
