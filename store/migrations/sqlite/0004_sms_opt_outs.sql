-- Customers who replied STOP to a merchant's texts (or whom the provider
-- reports as unsubscribed), and the provider's delivery status of a message.

CREATE TABLE sms_opt_outs (
    merchant_id  TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
    phone        TEXT NOT NULL,
    source       TEXT NOT NULL,
    opted_out_at INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, phone)
);

ALTER TABLE outbox_jobs ADD COLUMN delivery_status TEXT;
CREATE INDEX outbox_jobs_provider ON outbox_jobs(provider_id);
CREATE INDEX outbox_jobs_recipient ON outbox_jobs(recipient, created_at);
