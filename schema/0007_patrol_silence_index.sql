-- The index on patrols(last_activity_ms) served one query only: the watchdog's search,
-- once a second, for patrols silent long enough to close. Every check-in, note and SOS
-- moved the patrol's entry in it, at a page of its own (docs/performance.md). That
-- search now reads two smaller things instead (store::silent_patrols):
-- - the timer index patrols_due, up to 3 hours past the silence: a patrol's start,
--   check-in, note or SOS sets due_at_ms to its time plus the patrol's interval (at
--   most 2 hours) plus the grace (at most 1 hour);
-- - the patrols whose timer lies more than 3 hours past their last activity, which
--   only a lead's acknowledgement of an overdue alert can do (it restarts the timer
--   from the acknowledgement). Those rows alone are in the partial index below; the
--   patrol's next check-in, note or SOS, or its end, takes it out again, and a
--   check-in on any other patrol writes nothing to it. 10800000 is
--   store::kSilentSearchWindowMs.
DROP INDEX patrols_active;
CREATE INDEX patrols_timer_moved ON patrols(last_activity_ms)
  WHERE ended_at_ms IS NULL AND due_at_ms > last_activity_ms + 10800000;
