package io.dredge.it;

import com.google.common.collect.ImmutableMap;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code dredge.system.small_file_report} checked against the files actually on disk, for every table shape a
 * lake has. Subclasses choose the metastore.
 */
public abstract class AbstractTestSmallFileReport
        extends AbstractTestQueryFramework
{
    private static final long TARGET = 128L * 1024 * 1024;
    private static final double THRESHOLD = 10;

    private Path warehouse;
    private LakeMetastore metastore;

    /**
     * The metastore under test, keeping its files under {@code directory}.
     */
    protected abstract LakeMetastore createMetastore(Path directory)
            throws Exception;

    /**
     * A Dredge query runner over {@code metastore}.
     */
    protected QueryRunner createQueryRunner(LakeMetastore metastore)
            throws Exception
    {
        return DredgeQueryRunner.builder(metastore).build();
    }

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        metastore = createMetastore(Files.createTempDirectory("dredge-report"));
        warehouse = metastore.warehouse();
        return createQueryRunner(metastore);
    }

    @BeforeAll
    public void createSchema()
    {
        createSchema("report");
    }

    protected void createSchema(String schema)
    {
        String location = metastore.schemaLocation(schema)
                .map(value -> " WITH (location = '" + value + "')")
                .orElse("");
        assertUpdate("CREATE SCHEMA IF NOT EXISTS hive." + schema + location);
    }

    @Test
    public void testUnpartitionedTable()
    {
        assertUpdate("CREATE TABLE report.flat (id bigint, name varchar) WITH (format = 'PARQUET')");
        insertBatches("report.flat", "", 5);
        assertReportMatchesDisk("report", "flat", false);
        assertThat(reportRow("report", "flat", null).getField(5)).isEqualTo("PARQUET");
        assertThat(reportRow("report", "flat", null).getField(12)).isEqualTo("NEEDS_COMPACTION");
    }

    @Test
    public void testOneLevelPartitionedOrcTable()
    {
        assertUpdate("CREATE TABLE report.one_level (id bigint, name varchar, day varchar) WITH (format = 'ORC', partitioned_by = ARRAY['day'])");
        for (String day : List.of("2024-01-01", "2024-01-02", "2024-01-03")) {
            insertBatches("report.one_level", ", '" + day + "'", 3);
        }
        assertReportMatchesDisk("report", "one_level", true);
        assertThat(reportRow("report", "one_level", "day=2024-01-02").getField(5)).isEqualTo("ORC");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.small_file_report WHERE schema_name = 'report' AND table_name = 'one_level'").getOnlyValue())
                .isEqualTo(4L);
    }

    @Test
    public void testTwoLevelPartitionedTable()
    {
        assertUpdate("CREATE TABLE report.two_level (id bigint, name varchar, day varchar, ref integer) WITH (format = 'PARQUET', partitioned_by = ARRAY['day', 'ref'])");
        for (String day : List.of("2024-01-01", "2024-01-02")) {
            for (int ref = 1; ref <= 2; ref++) {
                insertBatches("report.two_level", ", '" + day + "', " + ref, 2);
            }
        }
        assertReportMatchesDisk("report", "two_level", true);
        assertThat(reportRow("report", "two_level", "day=2024-01-02/ref=2").getField(6)).isEqualTo(fileCountOnDisk("report", "two_level", "day=2024-01-02/ref=2"));
    }

    @Test
    public void testEmptyTableAndEmptyPartition()
    {
        assertUpdate("CREATE TABLE report.empty_flat (id bigint)");
        assertReportMatchesDisk("report", "empty_flat", false);
        MaterializedRow flat = reportRow("report", "empty_flat", null);
        assertThat(flat.getField(6)).isEqualTo(0L);
        assertThat(flat.getField(7)).isEqualTo(0L);
        assertThat(flat.getField(10)).isEqualTo(1L);
        assertThat(flat.getField(12)).isEqualTo("OK");

        assertUpdate("CREATE TABLE report.empty_partitioned (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertThat(computeActual("SELECT partition_name, file_count FROM dredge.system.small_file_report WHERE schema_name = 'report' AND table_name = 'empty_partitioned'").getMaterializedRows())
                .extracting(row -> row.getField(0), row -> row.getField(1))
                .containsExactly(tuple(null, 0L));

        assertUpdate("CALL hive.system.create_empty_partition('report', 'empty_partitioned', ARRAY['day'], ARRAY['2024-02-02'])");
        MaterializedRow partition = reportRow("report", "empty_partitioned", "day=2024-02-02");
        assertThat(partition.getField(6)).isEqualTo(0L);
        assertThat(partition.getField(12)).isEqualTo("OK");
    }

    @Test
    public void testAwkwardPartitionValues()
    {
        assertUpdate("CREATE TABLE report.awkward (id bigint, name varchar, tag varchar) WITH (partitioned_by = ARRAY['tag'])");
        for (String tag : List.of("with space", "a/b", "k=v", "100%", "x%2Fy")) {
            insertBatches("report.awkward", ", '" + tag.replace("'", "''") + "'", 2);
        }
        insertBatches("report.awkward", ", CAST(NULL AS varchar)", 2);
        assertReportMatchesDisk("report", "awkward", true);
        assertThat(computeActual("SELECT partition_name FROM dredge.system.small_file_report WHERE schema_name = 'report' AND table_name = 'awkward' AND partition_name IS NOT NULL").getOnlyColumnAsSet())
                .hasSize(6)
                .contains("tag=__HIVE_DEFAULT_PARTITION__", "tag=with space", "tag=a%2Fb", "tag=k%3Dv", "tag=100%25");
    }

    @Test
    public void testUnicodePartitionValue()
            throws IOException
    {
        // Trino does not write non-ASCII partition values, but Hive and Spark do: register one by hand
        assertUpdate("CREATE TABLE report.unicode_source (id bigint, name varchar)");
        insertBatches("report.unicode_source", "", 3);
        assertUpdate("CREATE TABLE report.unicode (id bigint, name varchar, city varchar) WITH (partitioned_by = ARRAY['city'])");
        // where Hive puts it: partition names escape path characters, not unicode
        Path partitionDirectory = tableDirectory("report", "unicode").resolve("city=Zürich 東京");
        Files.createDirectories(partitionDirectory);
        long bytes = 0;
        int count = 0;
        for (Path file : dataFiles(tableDirectory("report", "unicode_source")).toList()) {
            Files.copy(file, partitionDirectory.resolve(file.getFileName()));
            bytes += Files.size(file);
            count++;
        }
        assertUpdate("CALL hive.system.register_partition('report', 'unicode', ARRAY['city'], ARRAY['Zürich 東京'])");
        assertThat(computeActual("SELECT * FROM hive.report.\"unicode$partitions\"").getOnlyValue()).isEqualTo("Zürich 東京");

        MaterializedRow row = reportRow("report", "unicode", "city=Zürich 東京");
        assertThat(row.getField(6)).isEqualTo((long) count);
        assertThat(row.getField(7)).isEqualTo(bytes);
        assertReportMatchesDisk("report", "unicode", true);
    }

    @Test
    public void testIcebergTableAfterDeletesAndExpiry()
            throws IOException, InterruptedException
    {
        assertUpdate("CREATE TABLE iceberg.report.ice (id bigint, name varchar, day varchar) WITH (partitioning = ARRAY['day'])");
        for (int batch = 0; batch < 4; batch++) {
            for (String day : List.of("2024-01-01", "2024-01-02")) {
                assertUpdate(format("INSERT INTO iceberg.report.ice SELECT id, 'n' || CAST(id AS varchar), '%s' FROM UNNEST(sequence(%s, %s)) AS t(id)", day, batch * 100, batch * 100 + 99), 100);
            }
        }
        assertUpdate("DELETE FROM iceberg.report.ice WHERE id % 7 = 0", 116);
        assertIcebergReportMatchesMetadata("ice");

        // an orphan file in the data directory is not part of the table
        Path orphan = Files.walk(warehouse.resolve("report")).filter(path -> path.toString().endsWith(".parquet") && path.toString().contains("/ice-")).findFirst().orElseThrow();
        Files.copy(orphan, orphan.resolveSibling("orphan-" + orphan.getFileName()));
        assertUpdate("ALTER TABLE iceberg.report.ice EXECUTE optimize");
        // the catalog's minimum retention is 1s
        Thread.sleep(1100);
        assertQuerySucceeds("ALTER TABLE iceberg.report.ice EXECUTE expire_snapshots(retention_threshold => '1s')");
        assertIcebergReportMatchesMetadata("ice");
        assertThat(reportRow("report", "ice", null).getField(4)).isEqualTo("ICEBERG");
        assertThat(computeActual("SELECT catalog_name FROM dredge.system.small_file_report WHERE schema_name = 'report' AND table_name = 'ice'").getOnlyColumnAsSet())
                .containsExactly("iceberg");
    }

    @Test
    public void testViewHasNoRows()
    {
        assertUpdate("CREATE TABLE report.view_base (id bigint)");
        assertUpdate("CREATE VIEW hive.report.a_view AS SELECT * FROM report.view_base");
        assertQueryReturnsEmptyResult("SELECT * FROM dredge.system.small_file_report WHERE schema_name = 'report' AND table_name = 'a_view'");
        assertThat(computeActual("SELECT table_name FROM dredge.system.small_file_report WHERE schema_name = 'report'").getOnlyColumnAsSet())
                .doesNotContain("a_view");
    }

    @Test
    public void testNonexistentSchemaAndTableHaveNoRows()
    {
        assertQueryReturnsEmptyResult("SELECT * FROM dredge.system.small_file_report WHERE schema_name = 'no_such_schema'");
        assertQueryReturnsEmptyResult("SELECT * FROM dredge.system.small_file_report WHERE schema_name = 'report' AND table_name = 'no_such_table'");
        assertQueryReturnsEmptyResult("SELECT * FROM dredge.system.small_file_report WHERE table_name = 'no_such_table'");
    }

    @Test
    public void testCatalogListsTheReport()
    {
        assertThat(computeActual("SHOW TABLES FROM dredge.system").getOnlyColumnAsSet()).contains("small_file_report");
        assertThat(computeActual("SHOW SCHEMAS FROM dredge").getOnlyColumnAsSet()).contains("system");
    }

    @Test
    public void testWholeLakeListsEveryTable()
    {
        assertUpdate("CREATE TABLE report.lake_a (id bigint)");
        assertUpdate("INSERT INTO report.lake_a VALUES 1", 1);
        createSchema("report_other");
        assertUpdate("CREATE TABLE report_other.lake_b (id bigint)");
        assertThat(computeActual("SELECT schema_name || '.' || table_name FROM dredge.system.small_file_report WHERE partition_name IS NULL").getOnlyColumnAsSet())
                .contains("report.lake_a", "report_other.lake_b");
        assertThat(computeActual("SELECT table_name FROM dredge.system.small_file_report WHERE schema_name IN ('report_other')").getOnlyColumnAsSet())
                .containsExactly("lake_b");
    }

    private void insertBatches(String table, String extraColumns, int batches)
    {
        for (int batch = 0; batch < batches; batch++) {
            assertUpdate(format("INSERT INTO %s SELECT id, 'name-' || CAST(id AS varchar)%s FROM UNNEST(sequence(%s, %s)) AS t(id)", table, extraColumns, batch * 100, batch * 100 + 99), 100);
        }
    }

    private void assertIcebergReportMatchesMetadata(String table)
    {
        MaterializedResult files = computeActual(format("SELECT partition_key, count(*), sum(file_size_in_bytes) FROM (SELECT 'day=' || partition.day AS partition_key, file_size_in_bytes FROM iceberg.report.\"%s$files\") GROUP BY partition_key", table));
        Map<String, List<Long>> expected = new HashMap<>();
        long totalCount = 0;
        long totalBytes = 0;
        for (MaterializedRow row : files.getMaterializedRows()) {
            expected.put((String) row.getField(0), List.of((Long) row.getField(1), (Long) row.getField(2)));
            totalCount += (Long) row.getField(1);
            totalBytes += (Long) row.getField(2);
        }
        Map<String, List<Long>> actual = new HashMap<>();
        for (MaterializedRow row : reportRows("report", table)) {
            if (row.getField(3) == null) {
                assertThat(row.getField(6)).isEqualTo(totalCount);
                assertThat(row.getField(7)).isEqualTo(totalBytes);
            }
            else {
                actual.put((String) row.getField(3), List.of((Long) row.getField(6), (Long) row.getField(7)));
            }
        }
        assertThat(actual).isEqualTo(expected);
    }

    /**
     * The report's table row and partition rows agree with a walk of the table directory, and the status
     * follows the definition in the README.
     */
    private void assertReportMatchesDisk(String schema, String table, boolean partitioned)
    {
        Map<String, List<Long>> disk = filesOnDisk(schema, table);
        List<MaterializedRow> rows = reportRows(schema, table);
        assertThat(rows).isNotEmpty();
        List<Long> allSizes = disk.values().stream().flatMap(List::stream).collect(toImmutableList());
        for (MaterializedRow row : rows) {
            String partition = (String) row.getField(3);
            List<Long> sizes = partition == null ? allSizes : disk.getOrDefault(partition, List.of());
            assertThat(row.getField(0)).isEqualTo("hive");
            assertThat(row.getField(4)).isEqualTo("HIVE");
            // a partitioned table's ideal is the sum of its non-empty partitions': no file spans two partitions
            long ideal = partition == null && partitioned
                    ? Math.max(1, disk.values().stream().filter(files -> !files.isEmpty()).mapToLong(files -> idealFileCount(files)).sum())
                    : idealFileCount(sizes);
            assertFigures(row, sizes, ideal);
        }
        if (partitioned) {
            assertThat(rows.stream().map(row -> (String) row.getField(3)).filter(name -> name != null).collect(toImmutableList()))
                    .containsAll(disk.keySet());
        }
        else {
            assertThat(rows).hasSize(1);
        }
    }

    private static long idealFileCount(List<Long> sizes)
    {
        return Math.max(1, (long) Math.ceil((double) sizes.stream().mapToLong(Long::longValue).sum() / TARGET));
    }

    private static void assertFigures(MaterializedRow row, List<Long> sizes, long ideal)
    {
        long count = sizes.size();
        long total = sizes.stream().mapToLong(Long::longValue).sum();
        long small = sizes.stream().filter(size -> size < TARGET / THRESHOLD).count();
        String status = count > ideal && count > 0 && (double) total / count < TARGET / THRESHOLD ? "NEEDS_COMPACTION" : "OK";
        assertThat(row.getField(6)).as("file_count of %s", row).isEqualTo(count);
        assertThat(row.getField(7)).as("total_bytes of %s", row).isEqualTo(total);
        assertThat(row.getField(8)).as("avg_file_bytes of %s", row).isEqualTo(count == 0 ? 0L : total / count);
        assertThat(row.getField(9)).as("small_file_count of %s", row).isEqualTo(small);
        assertThat(row.getField(10)).as("ideal_file_count of %s", row).isEqualTo(ideal);
        assertThat((Double) row.getField(11)).as("compaction_ratio of %s", row).isEqualTo((double) count / ideal);
        assertThat(row.getField(12)).as("status of %s", row).isEqualTo(status);
    }

    private List<MaterializedRow> reportRows(String schema, String table)
    {
        return computeActual(format("SELECT * FROM dredge.system.small_file_report WHERE schema_name = '%s' AND table_name = '%s'", schema, table)).getMaterializedRows();
    }

    private MaterializedRow reportRow(String schema, String table, String partition)
    {
        List<MaterializedRow> matching = reportRows(schema, table).stream()
                .filter(row -> partition == null ? row.getField(3) == null : partition.equals(row.getField(3)))
                .collect(toImmutableList());
        assertThat(matching).as("report rows of %s.%s partition %s", schema, table, partition).hasSize(1);
        return matching.getFirst();
    }

    private long fileCountOnDisk(String schema, String table, String partition)
    {
        return filesOnDisk(schema, table).getOrDefault(partition, List.of()).size();
    }

    /**
     * Data files under the table directory by partition directory (the relative path, which is the escaped
     * partition name); an unpartitioned table's files are under "".
     */
    private Map<String, List<Long>> filesOnDisk(String schema, String table)
    {
        Path directory = tableDirectory(schema, table);
        Map<String, List<Long>> files = new HashMap<>();
        try (Stream<Path> paths = dataFiles(directory)) {
            paths.forEach(path -> {
                Path parent = directory.relativize(path).getParent();
                String partition = parent == null ? "" : parent.toString();
                try {
                    files.computeIfAbsent(partition, _ -> new ArrayList<>()).add(Files.size(path));
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return ImmutableMap.copyOf(files);
    }

    private static Stream<Path> dataFiles(Path directory)
    {
        try {
            if (!Files.exists(directory)) {
                return Stream.of();
            }
            return Files.walk(directory)
                    .filter(Files::isRegularFile)
                    .filter(path -> {
                        for (Path name : directory.relativize(path)) {
                            if (name.toString().startsWith(".") || name.toString().startsWith("_")) {
                                return false;
                            }
                        }
                        return true;
                    });
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected Path tableDirectory(String schema, String table)
    {
        return warehouse.resolve(schema).resolve(table);
    }
}
