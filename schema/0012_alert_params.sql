-- The values of a server-raised alert's sentence ("signed_up", "min_volunteers", ...), so
-- apps localise it; keys per kind are listed in proto/gadehold/v1/reasons.tsv. Encoded as
-- key=value pairs joined by '&' (keys are lower-case names, values numbers or ids).
-- Alerts raised before this migration keep '' and their English message.
ALTER TABLE alerts ADD COLUMN params TEXT NOT NULL DEFAULT '';
