-- A lead's or coordinator's short message to a patrol ("come back to base"). The text is
-- scrubbed before it is stored, and the whole row is deleted after retention-note-text-days,
-- like note text.
CREATE TABLE patrol_messages (
  id TEXT PRIMARY KEY,
  patrol_id TEXT NOT NULL REFERENCES patrols(id),
  team_id TEXT NOT NULL,
  from_volunteer_id TEXT NOT NULL,
  sent_at_ms INTEGER NOT NULL,
  text TEXT NOT NULL
) STRICT;
CREATE INDEX patrol_messages_sent ON patrol_messages(sent_at_ms);
