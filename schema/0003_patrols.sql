-- Patrols, check-ins, incident notes, alerts, the event log, and the idempotency keys of
-- client writes. Positions are stored only as geohash cells; note text only scrubbed.

CREATE TABLE patrols (
  id                 TEXT PRIMARY KEY,
  team_id            TEXT NOT NULL REFERENCES teams(id),
  area_id            TEXT NOT NULL REFERENCES areas(id),
  shift_id           TEXT,
  started_by         TEXT NOT NULL REFERENCES volunteers(id),
  checkin_interval_s INTEGER NOT NULL,
  started_at_ms      INTEGER NOT NULL,  -- the phone's clock
  received_at_ms     INTEGER NOT NULL,  -- the server's clock
  last_check_in_ms   INTEGER,           -- server time of the latest check-in
  last_cell          TEXT,
  last_status        INTEGER,
  last_activity_ms   INTEGER NOT NULL,  -- server time of the start or latest check-in
  due_at_ms          INTEGER,           -- overdue from then on; NULL once ended
  overdue_alert_id   TEXT,              -- the open overdue alert, if any
  ended_at_ms        INTEGER,
  ended_received_ms  INTEGER,
  auto_closed        INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX patrols_due ON patrols(due_at_ms) WHERE ended_at_ms IS NULL;
CREATE INDEX patrols_active ON patrols(last_activity_ms) WHERE ended_at_ms IS NULL;
CREATE INDEX patrols_team ON patrols(team_id, received_at_ms);

CREATE TABLE patrol_members (
  patrol_id    TEXT NOT NULL REFERENCES patrols(id),
  volunteer_id TEXT NOT NULL REFERENCES volunteers(id),
  PRIMARY KEY (patrol_id, volunteer_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX patrol_members_volunteer ON patrol_members(volunteer_id);

CREATE TABLE check_ins (
  id             TEXT PRIMARY KEY,
  patrol_id      TEXT NOT NULL REFERENCES patrols(id),
  volunteer_id   TEXT NOT NULL REFERENCES volunteers(id),
  at_ms          INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  cell           TEXT NOT NULL,
  area_id        TEXT REFERENCES areas(id),
  status         INTEGER NOT NULL
) STRICT;
CREATE INDEX check_ins_patrol ON check_ins(patrol_id, received_at_ms);
CREATE INDEX check_ins_area_time ON check_ins(area_id, received_at_ms);

-- category, outcome and age_band are gadehold.v1 enum numbers.
CREATE TABLE notes (
  id                 TEXT PRIMARY KEY,
  patrol_id          TEXT NOT NULL REFERENCES patrols(id),
  team_id            TEXT NOT NULL REFERENCES teams(id),
  volunteer_id       TEXT NOT NULL REFERENCES volunteers(id),
  at_ms              INTEGER NOT NULL,
  received_at_ms     INTEGER NOT NULL,
  cell               TEXT,
  area_id            TEXT REFERENCES areas(id),
  category           INTEGER NOT NULL,
  outcome            INTEGER NOT NULL,
  age_band           INTEGER NOT NULL,
  group_size         INTEGER NOT NULL,
  text               TEXT NOT NULL DEFAULT '',  -- scrubbed; cleared by retention
  text_cleared_at_ms INTEGER
) STRICT;
CREATE INDEX notes_area_time ON notes(area_id, received_at_ms);
CREATE INDEX notes_patrol ON notes(patrol_id);

-- kind is gadehold.v1.AlertKind.
CREATE TABLE alerts (
  id                 TEXT PRIMARY KEY,
  kind               INTEGER NOT NULL,
  team_id            TEXT NOT NULL REFERENCES teams(id),
  patrol_id          TEXT REFERENCES patrols(id),
  raised_by          TEXT,
  raised_at_ms       INTEGER NOT NULL,
  cell               TEXT,
  area_id            TEXT,
  message            TEXT NOT NULL DEFAULT '',
  escalate_at_ms     INTEGER,
  escalated_at_ms    INTEGER,
  acknowledged_at_ms INTEGER,
  acknowledged_by    TEXT,
  ack_note           TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX alerts_open ON alerts(team_id) WHERE acknowledged_at_ms IS NULL;
CREATE INDEX alerts_escalation ON alerts(escalate_at_ms) WHERE acknowledged_at_ms IS NULL AND escalated_at_ms IS NULL;

-- The idempotency key of every client write: (volunteer, client_id) -> what it was.
CREATE TABLE client_writes (
  volunteer_id TEXT NOT NULL,
  client_id    TEXT NOT NULL,
  kind         TEXT NOT NULL,
  content_hash BLOB NOT NULL,
  object_id    TEXT NOT NULL,
  at_ms        INTEGER NOT NULL,
  PRIMARY KEY (volunteer_id, client_id)
) STRICT, WITHOUT ROWID;

-- audience: 1 the team (members, leads, coordinators), 2 the team's leads and the
-- coordinators, 3 coordinators only, 4 one volunteer.
CREATE TABLE events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms        INTEGER NOT NULL,
  audience     INTEGER NOT NULL,
  team_id      TEXT,
  volunteer_id TEXT,
  payload      BLOB NOT NULL  -- a serialized gadehold.v1.Event
) STRICT;
CREATE INDEX events_at ON events(at_ms);
