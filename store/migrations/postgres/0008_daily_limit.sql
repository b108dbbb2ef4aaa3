-- Counting a merchant's messages per channel and day (the daily limit).
CREATE INDEX outbox_jobs_sent_per_day ON outbox_jobs(merchant_id, channel, sent_at);
CREATE INDEX test_sends_per_channel ON test_sends(merchant_id, channel, at);
