-- What expiring events_ice's snapshots older than a week, keeping the newest two, would remove: journaled as an
-- operation (state PLANNED), every file it would delete listed in system.operation_files. Nothing is changed.
CALL dredge.system.expire_snapshots(schema_name => 'demo', table_name => 'events_ice', older_than => '7d', retain_last => 2, dry_run => true);

-- The same for real: snapshots a Dredge compaction can still roll back to stay, however old.
CALL dredge.system.expire_snapshots(schema_name => 'demo', table_name => 'events_ice', older_than => '7d', retain_last => 2);

-- What each expiry did.
SELECT operation_id, state, step
FROM dredge.system.operations
WHERE schema_name = 'demo' AND table_name = 'events_ice' AND kind = 'EXPIRE_SNAPSHOTS'
ORDER BY started_at;
