package io.dredge.it.demo;

import io.airlift.log.Logger;
import io.dredge.it.LakeMetastore;
import io.dredge.it.LocalDataFiles;
import io.trino.testing.QueryRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.google.common.util.concurrent.Futures.getUnchecked;
import static io.airlift.concurrent.Threads.daemonThreadsNamed;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * The demo lake: Hive and Iceberg tables made of many small files, as streaming ingestion leaves them.
 */
public final class DemoLake
{
    private static final Logger log = Logger.get(DemoLake.class);

    private final QueryRunner queryRunner;
    private final LakeMetastore metastore;
    private final Path warehouse;
    private final String schema;

    public DemoLake(QueryRunner queryRunner, LakeMetastore metastore, String schema)
    {
        this.queryRunner = requireNonNull(queryRunner, "queryRunner is null");
        this.metastore = requireNonNull(metastore, "metastore is null");
        this.warehouse = metastore.warehouse();
        this.schema = requireNonNull(schema, "schema is null");
    }

    public void create()
            throws IOException
    {
        createSchema();
        // the Iceberg table's 20 small commits wait mostly on the metastore: build it beside the Hive tables
        ExecutorService executor = Executors.newSingleThreadExecutor(daemonThreadsNamed("demo-iceberg"));
        try {
            Future<?> iceberg = executor.submit(() -> createIcebergTable("events_ice", 20));
            createHiveTable("events_flat", List.of(), 300_000, 500);
            createHiveTable("events", List.of("event_date"), 300_000, 200);
            createHiveTable("events_2p", List.of("event_date", "ref"), 450_000, 100);
            getUnchecked(iceberg);
        }
        finally {
            executor.shutdownNow();
        }
    }

    public void createSchema()
    {
        queryRunner.execute("CREATE SCHEMA hive." + schema + metastore.schemaLocation(schema).map(location -> " WITH (location = '%s')".formatted(location)).orElse(""));
    }

    /**
     * Writing one bucketed table gives one file per bucket in a single query, far faster than hundreds of
     * small inserts; the files then move into a plain (unbucketed) table, as a trickle of inserts would leave them.
     */
    public void createHiveTable(String table, List<String> partitionColumns, int rows, int filesPerPartition)
            throws IOException
    {
        long start = System.nanoTime();
        String partitioning = partitionColumns.isEmpty() ? "" : ", partitioned_by = ARRAY[%s]".formatted(quotedList(partitionColumns));
        String load = table + "_load";
        queryRunner.execute(format(
                "CREATE TABLE hive.%s.%s WITH (format = 'PARQUET', bucketed_by = ARRAY['event_id'], bucket_count = %s%s) AS %s",
                schema, load, filesPerPartition, partitioning, eventsQuery(rows, partitionColumns)));
        queryRunner.execute(format("CREATE TABLE hive.%s.%s (LIKE hive.%s.%s) WITH (format = 'PARQUET'%s)", schema, table, schema, load, partitioning));
        moveDataFiles(warehouse.resolve(schema).resolve(load), warehouse.resolve(schema).resolve(table));
        queryRunner.execute(format("DROP TABLE hive.%s.%s", schema, load));
        if (!partitionColumns.isEmpty()) {
            queryRunner.execute(format("CALL hive.system.sync_partition_metadata('%s', '%s', 'ADD')", schema, table));
        }
        long count = (long) queryRunner.execute(format("SELECT count(*) FROM hive.%s.%s", schema, table)).getOnlyValue();
        if (count != rows) {
            throw new IllegalStateException("demo table %s has %s rows, expected %s".formatted(table, count, rows));
        }
        log.info("created hive.%s.%s: %s rows in %.1f s", schema, table, rows, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Many small inserts, each a snapshot writing a file into every one of 12 partitions.
     */
    private void createIcebergTable(String table, int snapshots)
    {
        long start = System.nanoTime();
        queryRunner.execute(format(
                "CREATE TABLE iceberg.%s.%s (event_id bigint, user_id bigint, event_type varchar, amount double, event_date date) " +
                        "WITH (format = 'PARQUET', partitioning = ARRAY['event_date'])", schema, table));
        for (int snapshot = 0; snapshot < snapshots; snapshot++) {
            queryRunner.execute(format(
                    "INSERT INTO iceberg.%s.%s SELECT event_id, event_id %% 9973, 'click', (event_id %% 1000) / 10.0, date_add('day', event_id %% 12, DATE '2024-01-01') " +
                            "FROM UNNEST(sequence(%s, %s)) AS t(event_id)",
                    schema, table, snapshot * 500L, snapshot * 500L + 499));
        }
        log.info("created iceberg.%s.%s: %s snapshots in %.1f s", schema, table, snapshots, (System.nanoTime() - start) / 1e9);
    }

    /**
     * A table in the Iceberg REST catalog {@code catalog}, in a schema of the same name as the lake's, at a location of
     * its own: many small inserts, each a snapshot writing one file into every one of 4 partitions.
     */
    public void createRestTable(String catalog, String table, int snapshots)
    {
        queryRunner.execute(format("CREATE SCHEMA IF NOT EXISTS %s.%s WITH (location = '%s')", catalog, schema, "file:" + warehouse.resolve(schema + "_" + catalog).toAbsolutePath()));
        queryRunner.execute(format(
                "CREATE TABLE %s.%s.%s (order_id bigint, customer_id bigint, amount double, order_date date) WITH (format = 'PARQUET', partitioning = ARRAY['order_date'])", catalog, schema, table));
        for (int snapshot = 0; snapshot < snapshots; snapshot++) {
            queryRunner.execute(format(
                    "INSERT INTO %s.%s.%s SELECT order_id, order_id %% 997, (order_id %% 500) / 10.0, date_add('day', order_id %% 4, DATE '2024-01-01') FROM UNNEST(sequence(%s, %s)) AS t(order_id)",
                    catalog, schema, table, snapshot * 200L, snapshot * 200L + 199));
        }
        log.info("created %s.%s.%s: %s snapshots", catalog, schema, table, snapshots);
    }

    private static String eventsQuery(int rows, List<String> partitionColumns)
    {
        String columns = """
                SELECT
                    event_id,
                    event_id % 9973 AS user_id,
                    element_at(ARRAY['click', 'view', 'purchase', 'signup'], CAST(event_id % 4 AS integer) + 1) AS event_type,
                    'payload-' || CAST(event_id AS varchar) AS payload,
                    (event_id % 1000) / 10.0 AS amount,
                    TIMESTAMP '2024-01-01 00:00:00' + event_id * INTERVAL '1' SECOND AS event_time""";
        if (partitionColumns.contains("event_date")) {
            columns += ",\n    date_add('day', event_id % 3, DATE '2024-01-01') AS event_date";
        }
        if (partitionColumns.contains("ref")) {
            columns += ",\n    CAST((event_id / 3) % 3 + 1 AS integer) AS ref";
        }
        // sequence() stops at 10,000 elements: cross two of them
        return columns + format("\nFROM (SELECT x * 1000 + y AS event_id FROM UNNEST(sequence(0, %s)) a(x) CROSS JOIN UNNEST(sequence(0, 999)) b(y))", rows / 1000 - 1);
    }

    private static void moveDataFiles(Path source, Path target)
            throws IOException
    {
        for (Path file : LocalDataFiles.list(source)) {
            Path destination = target.resolve(source.relativize(file).toString());
            Files.createDirectories(destination.getParent());
            Files.move(file, destination);
        }
    }

    private static String quotedList(List<String> values)
    {
        return String.join(", ", values.stream().map(value -> "'" + value + "'").toList());
    }
}
