-- What each table of a schema needs, why (each reason with its figure and threshold), and the statements that fix
-- it, in the order to run them. Computed from metadata, listings and the journal, never from the data.
SELECT table_name, table_type, status, reasons, fix
FROM dredge.system.table_health
WHERE schema_name = 'demo'
ORDER BY table_name;

-- One table's figures.
SELECT * FROM dredge.system.table_health WHERE schema_name = 'demo' AND table_name = 'events_ice';
