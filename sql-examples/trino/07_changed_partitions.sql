-- Every partition of events_ice whose rows changed since a point, told from Iceberg's snapshots (no data is read);
-- compactions (Dredge's and Trino's optimize) change no row and are not reported. The first run starts at a time
-- before the table existed; each row carries the resume token to pass as since_token next time.
SELECT partition_name, event_date, change_kinds, rows_added, rows_removed, last_changed_at, resume_token
FROM TABLE(dredge.system.changed_partitions(schema_name => 'demo', table_name => 'events_ice', since => TIMESTAMP '2000-01-01 00:00:00 UTC'));

-- A backfill step for a daily aggregate: keep this run's changed partitions and its token, recompute those
-- partitions, and keep the token for the next run (a pipeline puts it into since_token => '...').
CREATE TABLE iceberg.demo.daily_events (event_date date, events bigint);
CREATE TABLE iceberg.demo.changed_now AS
SELECT event_date, resume_token
FROM TABLE(dredge.system.changed_partitions(schema_name => 'demo', table_name => 'events_ice', since => TIMESTAMP '2000-01-01 00:00:00 UTC'));
DELETE FROM iceberg.demo.daily_events WHERE event_date IN (SELECT event_date FROM iceberg.demo.changed_now);
INSERT INTO iceberg.demo.daily_events
SELECT event_date, count(*) FROM iceberg.demo.events_ice
WHERE event_date IN (SELECT event_date FROM iceberg.demo.changed_now)
GROUP BY event_date;
SELECT DISTINCT resume_token FROM iceberg.demo.changed_now;
DROP TABLE iceberg.demo.changed_now;

-- A Hive table has no snapshots: Dredge keeps a checkpoint of its files at each answer (beside the journal), and the
-- next answer, from that answer's token, is the difference. A first answer from a time lists the files written
-- after it. Rows are not known without reading the files (NULL); Dredge's compactions and rollbacks are no change.
SELECT partition_name, event_date, change_kinds, files_added, files_removed, last_changed_at, resume_token
FROM TABLE(dredge.system.changed_partitions(schema_name => 'demo', table_name => 'events', since => TIMESTAMP '2000-01-01 00:00:00 UTC'));

-- A WHERE on the partition columns only: a Hive answer from a token (since_token => '...') lists only the partitions
-- it takes and moves the token on for those only; a first answer, as here, lists them all and filters the rows.
SELECT partition_name, event_date, change_kinds, files_added, resume_token
FROM TABLE(dredge.system.changed_partitions(schema_name => 'demo', table_name => 'events', since => TIMESTAMP '2000-01-01 00:00:00 UTC'))
WHERE event_date >= DATE '2024-01-01';
