-- Statistics and retention. Check-ins older than their retention are folded into daily
-- per-area, per-team counts and then deleted, so statistics stay the same after a purge.
-- day is the UTC day number (ms / 86400000); area_id is '' for check-ins outside every area.
CREATE TABLE checkin_daily (
  day          INTEGER NOT NULL,
  area_id      TEXT NOT NULL,
  team_id      TEXT NOT NULL,
  total        INTEGER NOT NULL,
  need_support INTEGER NOT NULL,
  PRIMARY KEY (day, area_id, team_id)
) STRICT, WITHOUT ROWID;

-- Statistics read check-ins by time with their area and status from the index alone.
CREATE INDEX check_ins_time ON check_ins(received_at_ms, area_id, status);
CREATE INDEX notes_time ON notes(received_at_ms);
CREATE INDEX alerts_time ON alerts(raised_at_ms);
CREATE INDEX patrols_time ON patrols(received_at_ms);
-- Retention scans.
CREATE INDEX invites_expiry ON invites(expires_at_ms);
