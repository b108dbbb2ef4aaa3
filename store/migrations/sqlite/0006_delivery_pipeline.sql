-- Delivery as a pipeline.
-- * A lease names its holder (lease_token): the holder renews it while its
--   sends are in flight, and only the holder records the outcome.
-- * queue_seq keeps the order jobs were queued in: a customer's later
--   message is never claimed while an earlier one on the same channel is
--   still pending or retrying (per-recipient order, one in flight).
-- * Claims rank due jobs within their merchant, so merchants take turns.

ALTER TABLE outbox_jobs ADD COLUMN lease_token TEXT;
ALTER TABLE outbox_jobs ADD COLUMN queue_seq INTEGER NOT NULL DEFAULT 0;
UPDATE outbox_jobs SET queue_seq = created_at * 1000;

CREATE INDEX outbox_jobs_holder ON outbox_jobs(lease_token);
CREATE INDEX outbox_jobs_lane ON outbox_jobs(channel, state, next_attempt_at);
CREATE INDEX outbox_jobs_recipient_queue ON outbox_jobs(merchant_id, channel, recipient, queue_seq);
