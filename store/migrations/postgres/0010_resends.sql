-- Resending a message: a resend is a second job for the same transition
-- (merchant, order or invoice, status, channel), so the table-wide UNIQUE
-- of 0002 becomes a partial unique index over the originals only
-- (resend_of IS NULL): a transition still queues its original once however
-- many webhooks report it, and any number of resends may follow.
-- resend_of names the job resent; resent_by who asked (the audit trail).

ALTER TABLE outbox_jobs ADD COLUMN resend_of TEXT;
ALTER TABLE outbox_jobs ADD COLUMN resent_by TEXT;
ALTER TABLE outbox_jobs DROP CONSTRAINT outbox_jobs_merchant_id_source_document_id_status_channel_key;
CREATE UNIQUE INDEX outbox_jobs_transition ON outbox_jobs(merchant_id, source, document_id, status, channel)
    WHERE resend_of IS NULL;
-- The resend limit counts a merchant's recent resends; the timeline reads
-- an order's messages.
CREATE INDEX outbox_jobs_resends ON outbox_jobs(merchant_id, created_at) WHERE resend_of IS NOT NULL;
CREATE INDEX outbox_jobs_document ON outbox_jobs(merchant_id, source, document_id);
