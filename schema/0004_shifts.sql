-- Shifts, who signed up, withdrawals (for the late-withdrawal statistics), and private
-- calendar feeds. Title, notes and reasons are stored only scrubbed. Feed secrets are
-- stored only as SHA-256 hashes.

CREATE TABLE shifts (
  id                    TEXT PRIMARY KEY,
  team_id               TEXT NOT NULL REFERENCES teams(id),
  area_id               TEXT NOT NULL REFERENCES areas(id),
  starts_at_ms          INTEGER NOT NULL,
  ends_at_ms            INTEGER NOT NULL CHECK (ends_at_ms > starts_at_ms),
  min_volunteers        INTEGER NOT NULL,
  max_volunteers        INTEGER NOT NULL CHECK (max_volunteers >= min_volunteers),
  title                 TEXT NOT NULL,
  notes                 TEXT NOT NULL DEFAULT '',
  created_by            TEXT NOT NULL REFERENCES volunteers(id),
  created_at_ms         INTEGER NOT NULL,
  updated_at_ms         INTEGER NOT NULL,
  sequence              INTEGER NOT NULL DEFAULT 0,  -- iCalendar SEQUENCE: +1 per change
  cancelled_at_ms       INTEGER,
  cancel_reason         TEXT NOT NULL DEFAULT '',
  understaffed_alert_id TEXT  -- set once the understaffing alert was raised
) STRICT;
CREATE INDEX shifts_team_start ON shifts(team_id, starts_at_ms);
CREATE INDEX shifts_start ON shifts(starts_at_ms);

CREATE TABLE shift_signups (
  shift_id        TEXT NOT NULL REFERENCES shifts(id),
  volunteer_id    TEXT NOT NULL REFERENCES volunteers(id),
  signed_up_at_ms INTEGER NOT NULL,
  assigned_by     TEXT REFERENCES volunteers(id),  -- the lead, when assigned
  reminded_at_ms  INTEGER,                         -- when the reminder went out
  PRIMARY KEY (shift_id, volunteer_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX shift_signups_volunteer ON shift_signups(volunteer_id, shift_id);

-- One row per withdrawal or unassignment. No reason text is kept.
CREATE TABLE shift_withdrawals (
  id            INTEGER PRIMARY KEY,
  shift_id      TEXT NOT NULL REFERENCES shifts(id),
  volunteer_id  TEXT NOT NULL REFERENCES volunteers(id),
  at_ms         INTEGER NOT NULL,
  late          INTEGER NOT NULL CHECK (late IN (0, 1)),
  unassigned_by TEXT REFERENCES volunteers(id)  -- a lead, when it was an unassignment
) STRICT;
CREATE INDEX shift_withdrawals_shift ON shift_withdrawals(shift_id);

-- scope: 1 the owner's own shifts, 2 every shift of team_id (gadehold.v1.CalendarScope).
CREATE TABLE calendar_feeds (
  id            TEXT PRIMARY KEY,
  token_hash    BLOB NOT NULL UNIQUE,
  volunteer_id  TEXT NOT NULL REFERENCES volunteers(id),
  scope         INTEGER NOT NULL CHECK (scope IN (1, 2)),
  team_id       TEXT REFERENCES teams(id),
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER
) STRICT;
CREATE INDEX calendar_feeds_volunteer ON calendar_feeds(volunteer_id);

ALTER TABLE alerts ADD COLUMN shift_id TEXT REFERENCES shifts(id);

-- From here on events.audience may also be 6: one volunteer (volunteer_id), the leads of
-- team_id and the coordinators, for changes to one volunteer's sign-up.
