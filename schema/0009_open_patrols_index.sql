-- The watchdog's timers without a timer index. patrols_due (0003) was ordered by each
-- patrol's timer, so every check-in, note or SOS moved its patrol's entry in it: two
-- B-tree changes per check-in, and about two pages of every commit in the WAL
-- (docs/performance.md). The patrols that are not ended are few (the street teams out
-- at a time), so once a second the watchdog now reads all of them, through this
-- partial index, and compares their timers itself (store::open_patrol_timers). A
-- check-in changes none of this index's columns, nor its WHERE clause's, so it never
-- writes it; only a patrol's start and its end do. patrols_timer_moved (0007), which
-- found the patrols whose timer an acknowledged overdue alert had moved far out, goes
-- with it: those are open patrols too.
CREATE INDEX patrols_open ON patrols(team_id) WHERE ended_at_ms IS NULL;
DROP INDEX patrols_due;
DROP INDEX patrols_timer_moved;
