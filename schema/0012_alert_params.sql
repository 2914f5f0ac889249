-- The values of a server-raised alert's sentence ("signed_up", "min_volunteers", ...), so
-- apps localise it; keys per kind are listed in proto/gadehold/v1/reasons.tsv. Encoded as
-- key=value pairs joined by '&' (keys are lower-case names, values numbers or ids).
-- Alerts raised before this migration keep '' and their English message.
ALTER TABLE alerts ADD COLUMN params TEXT NOT NULL DEFAULT '';
-- Why the server resolved an alert (a reason listed with code RESOLVED, and its values);
-- empty when a person resolved it, or before this migration.
ALTER TABLE alerts ADD COLUMN resolve_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN resolve_params TEXT NOT NULL DEFAULT '';
