-- What each processed webhook meant: its trigger and the normalised event
-- (the order's data as the message would show it), for "preview on my
-- latest real order". The event is personal data: emptied with the body
-- after the retention period.
ALTER TABLE inbound_events ADD COLUMN trigger_key TEXT;
ALTER TABLE inbound_events ADD COLUMN event TEXT NOT NULL DEFAULT '';
CREATE INDEX inbound_events_trigger ON inbound_events(merchant_id, trigger_key, received_at);
