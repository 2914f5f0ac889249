-- An alert's life: open, acknowledged (someone is on it), resolved (it is over).
-- Before this migration an acknowledged alert was finished, so those become resolved, by
-- whoever acknowledged them and with their note. "Open" is now "not resolved": the
-- index of open alerts follows.
ALTER TABLE alerts ADD COLUMN resolved_at_ms INTEGER;
ALTER TABLE alerts ADD COLUMN resolved_by TEXT;
ALTER TABLE alerts ADD COLUMN resolve_note TEXT NOT NULL DEFAULT '';
UPDATE alerts SET resolved_at_ms = acknowledged_at_ms, resolved_by = acknowledged_by, resolve_note = ack_note
  WHERE acknowledged_at_ms IS NOT NULL;
DROP INDEX alerts_open;
CREATE INDEX alerts_unresolved ON alerts(team_id) WHERE resolved_at_ms IS NULL;
