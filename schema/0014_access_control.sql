-- Access control (issue 26). A calendar feed records the device it was created from and
-- is revoked with that device (and, as before, with its volunteer). Feeds created before
-- this migration have no device recorded (NULL): they stay tied to their volunteer only.
-- An invite counts the taken handles tried with it (see kMaxInviteHandleAttempts): at the
-- limit the invite is used up, so one invite cannot probe for handle after handle.
ALTER TABLE calendar_feeds ADD COLUMN device_id TEXT REFERENCES devices(id) ON DELETE SET NULL;
CREATE INDEX calendar_feeds_device ON calendar_feeds(device_id) WHERE device_id IS NOT NULL;
ALTER TABLE invites ADD COLUMN handle_attempts INTEGER NOT NULL DEFAULT 0;
