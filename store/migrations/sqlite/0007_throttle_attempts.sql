-- Attempts are counted before they are checked (so concurrent attempts
-- cannot all slip under a limit); an attempt that turns out not to count
-- (a login that succeeded) is taken back by its id.

ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_attempt ON login_failures(attempt);
