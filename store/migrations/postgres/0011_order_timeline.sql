-- The order timeline: which order or invoice each processed webhook was
-- about (source, id, the number the customer knows), what was decided on
-- each channel and why (decisions: a JSON list of {channel, skipped}), and
-- the customer's contacts to search by. The contacts are personal data:
-- emptied with the body after the retention period.
ALTER TABLE inbound_events ADD COLUMN source TEXT;
ALTER TABLE inbound_events ADD COLUMN document_id TEXT;
ALTER TABLE inbound_events ADD COLUMN document_number TEXT;
ALTER TABLE inbound_events ADD COLUMN decisions TEXT;
ALTER TABLE inbound_events ADD COLUMN customer_email TEXT;
ALTER TABLE inbound_events ADD COLUMN customer_phone TEXT;
CREATE INDEX inbound_events_document ON inbound_events(merchant_id, source, document_id, received_at);
