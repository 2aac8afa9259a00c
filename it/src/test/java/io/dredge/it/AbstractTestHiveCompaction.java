package io.dredge.it;

import io.trino.Session;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

import static java.lang.String.format;
import static java.util.stream.Collectors.joining;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the Hive compaction test classes share: a real Trino cluster (coordinator and worker) over a real thrift
 * metastore, with Trino's file-based access control in which user {@code reader} may only read ({@link SharedCluster}),
 * a schema of each class's own, and the helpers that make tables and read their rows and files.
 */
public abstract class AbstractTestHiveCompaction
        extends AbstractTestWithThriftMetastore
{
    /**
     * The class's own schema, as it shares a cluster with other classes.
     */
    protected abstract String schema();

    @BeforeAll
    public void createSchema()
    {
        createSchema(schema());
    }

    /**
     * A one-file copy of {@code rows} in partition {@code day=a}, written by the engine as a Parquet table of its own.
     */
    protected Path forgery(String table, String rows, long rowCount)
    {
        assertUpdate(format("CREATE TABLE hive.%s.%s (id bigint, name varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])", schema(), table));
        assertUpdate(format("INSERT INTO hive.%s.%s %s", schema(), table, rows), rowCount);
        return Path.of(URI.create((String) computeActual(format("SELECT DISTINCT \"$path\" FROM hive.%s.%s", schema(), table)).getOnlyValue()));
    }

    /**
     * Runs {@code call} on a one-partition table ({@code day=a}), and while the operation waits between rewrite and
     * verification, swaps its rewritten copy for {@code forgery}.
     */
    protected void compactWithForgedCopy(String table, String call, Path forgery)
            throws Exception
    {
        Set<String> files = state(table).files();
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", "WRITTEN:4").build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> compaction = executor.submit(() -> getQueryRunner().execute(pausing, call));
            String operationId = (String) waitForRunningOperation(table, "COMPACT", "wrote").getField(0);
            Path tableDirectory = Path.of(URI.create(files.iterator().next())).getParent().getParent();
            Path copy = tableDirectory.resolve(".dredge").resolve(operationId).resolve("day=a");
            List<Path> written = LocalDataFiles.list(copy);
            assertThat(written).isNotEmpty();
            for (Path file : written) {
                Files.delete(file);
            }
            Files.copy(forgery, copy.resolve(forgery.getFileName()));
            compaction.get();
        }
        finally {
            executor.shutdownNow();
        }
    }

    /**
     * How many verification scans (both sides in one query) the engine ran for compactions of {@code table}.
     */
    protected long verificationQueries(String table)
    {
        return (long) computeActual(format("SELECT count(*) FROM system.runtime.queries WHERE source = 'dredge' AND query LIKE '%% UNION ALL %%' AND query LIKE '%%%s__dredge_%%'", table)).getOnlyValue();
    }

    /**
     * Compacts {@code table} with a pause after {@code pauseAfter}, runs {@code statement} during the pause, and
     * expects the compaction to fail with {@code failure}.
     */
    protected void runWhilePaused(String table, String pauseAfter, String stepPrefix, String statement, String failure)
            throws Exception
    {
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", pauseAfter).build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> compaction = executor.submit(() -> getQueryRunner().execute(pausing, compact(table)));
            waitForRunningOperation(table, "COMPACT", stepPrefix);
            assertUpdate(statement);
            assertThatThrownBy(compaction::get).hasMessageMatching("(?s)" + failure);
        }
        finally {
            executor.shutdownNow();
        }
    }

    protected Path tableDirectory(String table)
    {
        return tableDirectory(schema(), table);
    }

    /**
     * Registers partition {@code day=<value>} of {@code table} at {@code location}, with {@code files} data files
     * written by Trino into a scratch table and copied there.
     */
    /**
     * Copies the data files of a new unpartitioned scratch table with {@code files} data files into {@code directory}.
     */
    protected void copyDataFilesOf(String scratch, Path directory, int files)
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.%s.%s (id bigint, name varchar) WITH (format = 'PARQUET')".formatted(schema(), scratch));
        insertBatches(scratch, "", files);
        for (Path file : LocalDataFiles.list(tableDirectory(scratch))) {
            Files.copy(file, directory.resolve(file.getFileName()));
        }
    }

    protected void registerPartitionWithFilesOf(String table, String value, Path location, int files)
            throws Exception
    {
        String scratch = table + "_scratch_" + value;
        createTable(scratch, "day varchar", "ARRAY['day']", List.of("'" + value + "'"), files);
        Files.createDirectories(location);
        for (Path file : LocalDataFiles.list(tableDirectory(scratch).resolve("day=" + value))) {
            Files.copy(file, location.resolve(file.getFileName()));
        }
        assertUpdate("CALL hive.system.register_partition('%s', '%s', ARRAY['day'], ARRAY['%s'], '%s')".formatted(schema(), table, value, location.toUri()));
    }

    /**
     * The first line of a text file the engine wrote, compressed (as Trino writes them by default) or not.
     */
    protected static String firstLine(String file)
            throws IOException
    {
        InputStream input = Files.newInputStream(Path.of(URI.create(file)));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.endsWith(".gz") ? new GZIPInputStream(input) : input, UTF_8))) {
            return reader.readLine();
        }
    }

    protected static Path copyDataFile(Path fromDirectory, Path toDirectory)
            throws Exception
    {
        Path file = LocalDataFiles.list(fromDirectory).get(0);
        return Files.copy(file, toDirectory.resolve("000000_0_copy"));
    }

    protected String compact(String table)
    {
        return "CALL dredge.system.compact_table(schema_name => '" + schema() + "', table_name => '" + table + "')";
    }

    protected String compact(String table, String arguments)
    {
        return "CALL dredge.system.compact_table(schema_name => '" + schema() + "', table_name => '" + table + "', " + arguments + ")";
    }

    protected String operationState(String table, String kind)
    {
        return (String) computeActual(format("SELECT state FROM dredge.system.operations WHERE schema_name = '%s' AND table_name = '%s' AND kind = '%s' ORDER BY operation_id DESC LIMIT 1", schema(), table, kind)).getOnlyValue();
    }

    protected void createTable(String table, String partitionColumn, String partitionedBy, List<String> partitionValues, int filesPerPartition)
    {
        createTable(table, partitionColumn, partitionedBy, partitionValues, filesPerPartition, "PARQUET");
    }

    protected void createTable(String table, String partitionColumns, String partitionedBy, List<String> partitionValues, int filesPerPartition, String format)
    {
        assertUpdate(format("CREATE TABLE hive.%s.%s (id bigint, name varchar, %s) WITH (format = '%s', partitioned_by = %s)", schema(), table, partitionColumns, format, partitionedBy));
        // one INSERT per batch writes a file to each partition: the same files as an INSERT per partition, in fewer statements
        String partitions = partitionValues.stream().map(values -> "(" + values + ")").collect(joining(", "));
        for (int batch = 0; batch < filesPerPartition; batch++) {
            assertUpdate(format("INSERT INTO hive.%s.%s SELECT id, 'name-' || CAST(id AS varchar), p.* FROM UNNEST(sequence(%s, %s)) AS t(id) CROSS JOIN (VALUES %s) AS p",
                    schema(), table, batch * 100, batch * 100 + 99, partitions), 100L * partitionValues.size());
        }
    }

    protected void insertBatches(String table, String extraColumns, int batches)
    {
        for (int batch = 0; batch < batches; batch++) {
            assertUpdate(format("INSERT INTO hive.%s.%s SELECT id, 'name-' || CAST(id AS varchar)%s FROM UNNEST(sequence(%s, %s)) AS t(id)", schema(), table, extraColumns, batch * 100, batch * 100 + 99), 100);
        }
    }

    protected TableState state(String table)
    {
        List<String> columns = computeActual("SHOW COLUMNS FROM hive." + schema() + "." + table).getMaterializedRows().stream()
                .map(row -> "\"" + row.getField(0) + "\"")
                .toList();
        MaterializedRow rows = computeActual(format("SELECT count(*), to_hex(checksum(ROW(%s))) FROM hive.%s.%s", String.join(", ", columns), schema(), table)).getMaterializedRows().get(0);
        Set<String> files = computeActual(format("SELECT DISTINCT \"$path\" FROM hive.%s.%s", schema(), table)).getOnlyColumnAsSet().stream()
                .map(String.class::cast)
                .collect(java.util.stream.Collectors.toSet());
        return new TableState(rows.getFields(), files);
    }

    protected record TableState(List<Object> rows, Set<String> files) {}
}
