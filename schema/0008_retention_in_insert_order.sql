-- Two indexes that served retention alone: check_ins_time (0005) and events_at (0003).
-- Each cost every check-in a B-tree insert, and a commit of a few check-ins a page of
-- each in the WAL (docs/performance.md). Rows of both tables are appended in the order
-- the server received them (a check-in's rowid, an event's seq), and their times grow
-- with that order, so retention now reads each table from its oldest row and stops at
-- the first one inside the retention period (store/retention.cpp).
DROP INDEX check_ins_time;
DROP INDEX events_at;
