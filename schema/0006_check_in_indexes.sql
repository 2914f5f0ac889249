-- Two indexes on check_ins that no query uses any more: statistics read checkin_daily
-- (0005), retention reads check_ins_time, and no patrol or area is ever deleted, so no
-- foreign-key check needs them. Each cost every check-in a B-tree insert, and
-- check_ins_patrol one at a random page (docs/performance.md).
DROP INDEX check_ins_patrol;
DROP INDEX check_ins_area_time;
