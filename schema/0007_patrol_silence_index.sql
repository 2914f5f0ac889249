-- The index on patrols(last_activity_ms) served one query only: the watchdog's search,
-- once a second, for patrols silent long enough to close. Every check-in, note and SOS
-- moved the patrol's entry in it, at a page of its own (docs/performance.md). That
-- search now goes through patrols_due instead (store::silent_patrols), since a
-- patrol's due_at_ms is never more than its interval plus the grace past its
-- last_activity_ms.
DROP INDEX patrols_active;
