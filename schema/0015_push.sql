-- Push to locked phones (issue 27). The deployment's VAPID key pair (RFC 8292), in one
-- row: the private key in the form VapidKey::stored() gives (base64url of the 32-byte
-- scalar, a secret: it is in backups with the rest of the file and never logged) and the
-- public point (base64url) that Welcome hands out. `gadehold init` creates it, and
-- `serve` does at start for a database made before this migration.
CREATE TABLE vapid_key (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  private_key   TEXT NOT NULL,
  public_key    TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;

-- One push subscription per device (RegisterPush replaces it). The endpoint identifies
-- the phone to its push service: never logged. Revoking the device deletes its row
-- (store/identity.cpp); the cascade covers the device rows that retention deletes.
CREATE TABLE push_subscriptions (
  device_id     TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  endpoint      TEXT NOT NULL,
  p256dh        TEXT NOT NULL,
  auth          TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,  -- when this endpoint was first registered
  updated_at_ms INTEGER NOT NULL
) STRICT;
