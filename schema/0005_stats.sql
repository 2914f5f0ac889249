-- Statistics and retention. Every check-in is also counted in checkin_daily, in the same
-- transaction as its insert, so statistics read a few thousand daily rows instead of every
-- check-in, and retention can delete old check-ins without changing any figure.
-- day is the UTC day number of the server's receive time (ms / 86400000); area_id is ''
-- for check-ins outside every area.
CREATE TABLE checkin_daily (
  day          INTEGER NOT NULL,
  area_id      TEXT NOT NULL,
  team_id      TEXT NOT NULL,
  total        INTEGER NOT NULL,
  need_support INTEGER NOT NULL,
  PRIMARY KEY (day, area_id, team_id)
) STRICT, WITHOUT ROWID;

-- The check-ins stored before this migration.
INSERT INTO checkin_daily (day, area_id, team_id, total, need_support)
SELECT c.received_at_ms / 86400000, COALESCE(c.area_id, ''), p.team_id, COUNT(*), SUM(c.status = 2)
FROM check_ins c JOIN patrols p ON p.id = c.patrol_id
GROUP BY 1, 2, 3;

CREATE INDEX check_ins_time ON check_ins(received_at_ms);
CREATE INDEX notes_time ON notes(received_at_ms);
CREATE INDEX alerts_time ON alerts(raised_at_ms);
CREATE INDEX patrols_time ON patrols(received_at_ms);
CREATE INDEX invites_expiry ON invites(expires_at_ms);
