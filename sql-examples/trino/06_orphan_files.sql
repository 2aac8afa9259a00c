-- Which files of a table's location nothing reads, last written more than three days ago (the default): journaled as
-- an operation (state PLANNED), each file listed with why in system.operation_files. Nothing is changed.
CALL dredge.system.remove_orphan_files(schema_name => 'demo', table_name => 'events', dry_run => true);
CALL dredge.system.remove_orphan_files(schema_name => 'demo', table_name => 'events_ice', older_than => '3d', dry_run => true);

-- The same for real: the files move to the schema's .dredge/quarantine, from which
-- CALL dredge.system.restore_orphan_files(operation_id => ...) puts them back.
CALL dredge.system.remove_orphan_files(schema_name => 'demo', table_name => 'events');

-- What each removal did.
SELECT operation_id, table_name, state, step
FROM dredge.system.operations
WHERE schema_name = 'demo' AND kind = 'REMOVE_ORPHAN_FILES'
ORDER BY started_at;
