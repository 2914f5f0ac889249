-- Identity: teams, areas, pseudonymous volunteers, their devices, invites, and the audit
-- log. No personal data: a volunteer is a handle they chose. Secrets (device tokens,
-- invite codes) are stored only as SHA-256 hashes.

CREATE TABLE teams (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL COLLATE NOCASE UNIQUE,
  created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE areas (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL COLLATE NOCASE UNIQUE,
  created_at_ms INTEGER NOT NULL
) STRICT;

-- Each geohash prefix belongs to one area; a cell is placed by its longest matching prefix.
CREATE TABLE area_prefixes (
  prefix  TEXT PRIMARY KEY,
  area_id TEXT NOT NULL REFERENCES areas(id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX area_prefixes_area ON area_prefixes(area_id);

-- role: 1 volunteer, 2 lead, 3 coordinator (gadehold.v1.Role).
CREATE TABLE volunteers (
  id            TEXT PRIMARY KEY,
  handle        TEXT NOT NULL COLLATE NOCASE UNIQUE,
  role          INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER
) STRICT;

CREATE TABLE memberships (
  volunteer_id TEXT NOT NULL REFERENCES volunteers(id),
  team_id      TEXT NOT NULL REFERENCES teams(id),
  is_lead      INTEGER NOT NULL DEFAULT 0 CHECK (is_lead IN (0, 1)),
  PRIMARY KEY (volunteer_id, team_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX memberships_team ON memberships(team_id);

CREATE TABLE devices (
  id            TEXT PRIMARY KEY,
  volunteer_id  TEXT NOT NULL REFERENCES volunteers(id),
  name          TEXT NOT NULL,
  token_hash    BLOB NOT NULL UNIQUE,
  created_at_ms INTEGER NOT NULL,
  last_seen_ms  INTEGER,
  revoked_at_ms INTEGER
) STRICT;
CREATE INDEX devices_volunteer ON devices(volunteer_id);
CREATE INDEX devices_revoked ON devices(revoked_at_ms) WHERE revoked_at_ms IS NOT NULL;

CREATE TABLE invites (
  id            TEXT PRIMARY KEY,
  code_hash     BLOB NOT NULL UNIQUE,
  role          INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),
  team_id       TEXT REFERENCES teams(id),
  created_by    TEXT,  -- a volunteer id, or 'cli'
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  used_at_ms    INTEGER,
  used_by       TEXT REFERENCES volunteers(id)
) STRICT;

-- Who did what, never with content: no handles, names, codes, tokens or text.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at_ms       INTEGER NOT NULL,
  actor_id    TEXT NOT NULL,
  action      TEXT NOT NULL,
  object_kind TEXT NOT NULL,
  object_id   TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at_ms);
