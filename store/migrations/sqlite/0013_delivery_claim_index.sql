-- SQLite's delivery claim (PostgreSQL's ranks with window sorts, see
-- store/src/delivery_queue.rs) reads each merchant's open jobs on a channel
-- by due time, and asks of each whether an earlier open job of its
-- recipient waits: one index for each question.
CREATE INDEX outbox_jobs_open_due ON outbox_jobs(merchant_id, channel, next_attempt_at, queue_seq, id)
    WHERE state IN ('pending', 'retrying');
CREATE INDEX outbox_jobs_open_line ON outbox_jobs(merchant_id, channel, recipient, queue_seq, id)
    WHERE state IN ('pending', 'retrying');
