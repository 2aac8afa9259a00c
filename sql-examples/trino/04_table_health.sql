-- What each table of a schema needs, why (each reason with its figure and threshold), and the statements that fix
-- it, in the order to run them. Computed from metadata, listings and the journal, never from the data.
SELECT table_name, table_type, status, reasons, fix
FROM dredge.system.table_health
WHERE schema_name = 'demo'
ORDER BY table_name;

-- One table's figures.
SELECT * FROM dredge.system.table_health WHERE schema_name = 'demo' AND table_name = 'events_ice';

-- Every table's fix, run: what a dry run would do is journaled (state PLANNED); without dry_run each statement runs
-- as its own operation, and a table whose statement fails gets none of its later ones while the others go on.
CALL dredge.system.maintain_schema(schema_name => 'demo', dry_run => true);
