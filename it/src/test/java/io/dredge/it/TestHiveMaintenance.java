package io.dredge.it;

import io.dredge.core.sql.SqlDialect;
import io.trino.Session;
import io.trino.metastore.HiveMetastore;
import io.trino.metastore.Partition;
import io.trino.metastore.PartitionStatistics;
import io.trino.metastore.PartitionWithStatistics;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static io.dredge.it.HiveStatements.execute;
import static io.dredge.it.HiveStatements.rows;
import static java.lang.String.format;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * Dredge's maintenance functions in a real HiveServer2 over the thrift metastore Trino's Dredge uses: Hive rewrites
 * the data through the same protocol, journal and lock, and each engine undoes, cleans up and recovers what the other
 * did.
 */
@TestInstance(PER_CLASS)
class TestHiveMaintenance
        extends AbstractTestWithDredgeHive
{
    private static final String USER = "analyst";
    private static final String RESULT = "SELECT kind, state, partitions_compacted, partitions_skipped, files_before, files_after, error_message FROM (SELECT %s) r";

    @Test
    public void testCompactInHiveReadInTrinoAndRollBackInEither()
            throws Exception
    {
        createSchema("hm");
        createSmallFiles("hm", "events");
        List<String> rows = trinoRows("hm", "events");
        assertThat(fileCount("hm", "events")).isEqualTo(12);
        try (Connection hive = hiveServer().connect(USER)) {
            assertThat(hiveRows(hive, "hm", "events")).containsExactlyElementsOf(rows);

            assertThat(rows(hive, format(RESULT, "dredge_compact_table('hm', 'events')")))
                    .containsExactly(Arrays.asList("COMPACT", "SUCCEEDED", 3L, 0L, 12L, 3L, null));
            assertThat(fileCount("hm", "events")).isEqualTo(3);
            assertThat(trinoRows("hm", "events")).containsExactlyElementsOf(rows);
            assertThat(hiveRows(hive, "hm", "events")).containsExactlyElementsOf(rows);
            // one journal: Trino shows Hive's compaction, and no staging table is left
            assertThat(computeActual("SELECT user_name, verification, rows_verified FROM dredge.system.operations WHERE schema_name = 'hm' AND table_name = 'events' AND kind = 'COMPACT'").getMaterializedRows().getFirst().getFields())
                    .containsExactly(USER, "checksum", 12L);
            assertThat(computeActual("SHOW TABLES FROM hive.hm").getOnlyColumnAsSet()).allMatch(table -> table.equals("events") || ((String) table).startsWith("events__dredge_backup_"));

            // Trino undoes Hive's compaction
            assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'hm', table_name => 'events')");
            assertThat(fileCount("hm", "events")).isEqualTo(12);
            assertThat(hiveRows(hive, "hm", "events")).containsExactlyElementsOf(rows);

            // and Hive undoes Trino's
            assertUpdate("CALL dredge.system.compact_table(schema_name => 'hm', table_name => 'events')");
            assertThat(fileCount("hm", "events")).isEqualTo(3);
            assertThat(rows(hive, "SELECT kind, state FROM (SELECT dredge_rollback_compaction('hm', 'events')) r")).containsExactly(List.of("ROLLBACK", "SUCCEEDED"));
            assertThat(fileCount("hm", "events")).isEqualTo(12);
            assertThat(trinoRows("hm", "events")).containsExactlyElementsOf(rows);
            assertThat(hiveRows(hive, "hm", "events")).containsExactlyElementsOf(rows);
        }
    }

    @Test
    public void testUnpartitionedTableAndOptions()
            throws Exception
    {
        createSchema("hm_options");
        assertUpdate("CREATE TABLE hive.hm_options.flat (id bigint, name varchar) WITH (format = 'ORC')");
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate(format("INSERT INTO hive.hm_options.flat VALUES (%s, 'x%s'), (%s, NULL)", batch * 2, batch, batch * 2 + 1), 2);
        }
        createSmallFiles("hm_options", "events");
        List<String> flat = trinoRows("hm_options", "flat");
        List<String> events = trinoRows("hm_options", "events");
        try (Connection hive = hiveServer().connect(USER)) {
            assertThat(rows(hive, "SELECT state, partitions_planned FROM (SELECT dredge_compact_table('hm_options', 'flat', map('dry_run', 'true'))) r"))
                    .containsExactly(List.of("PLANNED", 1L));
            assertThat(fileCount("hm_options", "flat")).isEqualTo(4);
            assertThat(rows(hive, "SELECT state, verification, files_before, files_after FROM (SELECT dredge_compact_table('hm_options', 'flat', map('verify', 'count', 'target_file_size', '64MB'))) r"))
                    .containsExactly(List.of("SUCCEEDED", "count", 4L, 1L));
            assertThat(trinoRows("hm_options", "flat")).containsExactlyElementsOf(flat);

            // a filter over partition columns, as Trino takes it: only the partitions it selects
            assertThat(rows(hive, "SELECT state, partitions_compacted FROM (SELECT dredge_compact_table('hm_options', 'events', map('partition_filter', \"day = 'd/1' AND n = 1\"))) r"))
                    .containsExactly(List.of("SUCCEEDED", 1L));
            assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.hm_options.events WHERE day = 'd/1'").getOnlyValue()).isEqualTo(1L);
            assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.hm_options.events WHERE day IS NULL").getOnlyValue()).isEqualTo(4L);
            // the partition whose values are NULL, by a filter that selects it
            assertThat(rows(hive, "SELECT state, partitions_compacted FROM (SELECT dredge_compact_table('hm_options', 'events', map('partition_filter', 'n IS NULL'))) r"))
                    .containsExactly(List.of("SUCCEEDED", 1L));
            assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.hm_options.events WHERE day IS NULL").getOnlyValue()).isEqualTo(1L);
            assertThat(trinoRows("hm_options", "events")).containsExactlyElementsOf(events);

            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_options', 'events', map('partition_filter', 'id > 1'))"))
                    .hasMessageContaining("partition_filter must be a predicate over the partition columns [day, n]");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_options', 'events', map('partition_filter', 'n = 1) OR (true'))"))
                    .hasMessageContaining("partition_filter must be one SQL expression");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_options', 'flat', map('target_file_size', 'huge'))"))
                    .hasMessageContaining("target_file_size must be a size like '128MB'");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_options', 'flat', map('compaction_ratio_threshold', 'ten'))"))
                    .hasMessageContaining("compaction_ratio_threshold must be a number");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_options', 'flat', map('verify', 'maybe'))"))
                    .hasMessageContaining("verify");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_options', 'flat', map('dry_run', 'perhaps'))"))
                    .hasMessageContaining("dry_run must be true or false");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_options', 'flat', map('dryrun', 'true'))"))
                    .hasMessageContaining("unknown option 'dryrun'");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_options', 'flat', 'verify=count')"))
                    .hasMessageContaining("options must be a map of text to text");
        }
        assertThat(trinoRows("hm_options", "flat")).containsExactlyElementsOf(flat);
    }

    @Test
    public void testRefusals()
            throws Exception
    {
        createSchema("hm_refused");
        assertUpdate("CREATE TABLE hive.hm_refused.events (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.hm_refused.events VALUES (1, 'a')", 1);
        assertUpdate("CREATE VIEW hive.hm_refused.events_view AS SELECT id FROM hive.hm_refused.events");
        assertUpdate("CREATE TABLE iceberg.hm_refused.ice (id bigint)");
        assertUpdate("INSERT INTO iceberg.hm_refused.ice VALUES 1", 1);
        assertUpdate("INSERT INTO iceberg.hm_refused.ice VALUES 2", 1);
        assertUpdate("CREATE TABLE hive.hm_refused.acid (id bigint)");
        assertUpdate("INSERT INTO hive.hm_refused.acid VALUES 1", 1);
        markInsertOnlyAcid("hm_refused", "acid");
        try (Connection hive = hiveServer().connect(USER)) {
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_refused', 'missing')")).hasMessageContaining("hm_refused.missing does not exist");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('nowhere', 'events')")).hasMessageContaining("does not exist");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_refused', 'events_view')")).hasMessageContaining("view");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_refused', 'acid')")).hasMessageContaining("transactional");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_refused', 'ice')")).hasMessageContaining("Iceberg tables are compacted through Trino's Dredge (CALL dredge.system.compact_table)");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_refused', NULL)")).hasMessageContaining("table must not be NULL or empty");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_refused')")).hasMessageContaining("dredge_compact_table takes 2 to 3 arguments");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_refused', 'events'' ; DROP TABLE hm_refused.events; --')")).hasMessageContaining("does not exist");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_rollback_compaction('hm_refused', 'events')")).hasMessageContaining("no compaction");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_cleanup('hm_refused', 'events', 'soon')")).hasMessageContaining("older_than must be a number and a unit");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_recover('hm_refused', 'missing')")).hasMessageContaining("does not exist");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_recover('hm_refused')")).hasMessageContaining("give table or operation_id, not both or neither");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_recover('hm_refused', 'events', '20240101_000000_00000000')")).hasMessageContaining("give table or operation_id, not both or neither");
        }
        assertThat(computeActual("SELECT id FROM hive.hm_refused.events").getOnlyValue()).isEqualTo(1L);
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'hm_refused'").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testTablesWithHeaderOrFooterLinesAreRefused()
            throws Exception
    {
        createSchema("hm_header");
        try (Connection hive = hiveServer().connect(USER)) {
            execute(hive, "CREATE TABLE hm_header.flat (id INT, name STRING) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' STORED AS TEXTFILE " +
                    "TBLPROPERTIES ('skip.header.line.count'='1')");
        }
        // where Hive put it (a managed table may become external in Hive 4)
        CsvFiles.writeWithHeader(Path.of(URI.create(hiveMetastore().getTable("hm_header", "flat").orElseThrow().getStorage().getLocation())), 20, 0);
        assertUpdate("CREATE TABLE hive.hm_header.daily (id integer, name varchar, day varchar) " +
                "WITH (format = 'TEXTFILE', textfile_field_separator = ',', skip_header_line_count = 1, partitioned_by = ARRAY['day'])");
        CsvFiles.writeWithHeader(tableDirectory("hm_header", "daily").resolve("day=a"), 12, 0);
        CsvFiles.writeWithHeader(tableDirectory("hm_header", "daily").resolve("day=b"), 12, 100);
        assertUpdate("CALL hive.system.sync_partition_metadata('hm_header', 'daily', 'ADD')");
        assertUpdate("CREATE TABLE hive.hm_header.footed (id integer, name varchar) WITH (format = 'TEXTFILE', textfile_field_separator = ',', skip_footer_line_count = 1)");
        CsvFiles.writeWithFooter(tableDirectory("hm_header", "footed"), 12, 0);
        Map<String, Set<Object>> files = Stream.of("flat", "daily", "footed").collect(toImmutableMap(table -> table, this::files));
        assertSkippedLinesRead(100, 120, 60);

        // Hive counts the header lines of files it reads combined as rows: its rewrite would keep them as rows, and its
        // verification of the rewrite would agree
        try (Connection hive = hiveServer().connect(USER)) {
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_header', 'flat')"))
                    .hasMessageContaining("cannot compact hm_header.flat: its text files have lines to skip (table parameter skip.header.line.count = 1)")
                    .hasMessageContaining("Hive 4.0.1 does not skip header and footer lines in files it reads combined")
                    .hasMessageContaining("CALL dredge.system.compact_table");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_header', 'daily', map('dry_run', 'true'))"))
                    .hasMessageContaining("cannot compact hm_header.daily: its text files have lines to skip (table parameter skip.header.line.count = 1)");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_header', 'daily')"))
                    .hasMessageContaining("cannot compact hm_header.daily: its text files have lines to skip (table parameter skip.header.line.count = 1)");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_header', 'footed')"))
                    .hasMessageContaining("cannot compact hm_header.footed: its text files have lines to skip (table parameter skip.footer.line.count = 1)");
        }
        assertThat(Stream.of("flat", "daily", "footed").collect(toImmutableMap(table -> table, this::files))).isEqualTo(files);
        assertSkippedLinesRead(100, 120, 60);
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'hm_header'").getOnlyValue()).isEqualTo(0L);
        assertThat(computeActual("SHOW TABLES FROM hive.hm_header").getOnlyColumnAsSet()).containsExactlyInAnyOrder("flat", "daily", "footed");
    }

    private void assertSkippedLinesRead(long flat, long daily, long footed)
    {
        assertThat(computeActual("SELECT count(*), count(id), count(DISTINCT id) FROM hive.hm_header.flat").getMaterializedRows().getFirst().getFields()).containsExactly(flat, flat, flat);
        assertThat(computeActual("SELECT count(*), count(id), count(DISTINCT id) FROM hive.hm_header.daily").getMaterializedRows().getFirst().getFields()).containsExactly(daily, daily, daily);
        assertThat(computeActual("SELECT count(*), count(id), count(DISTINCT id) FROM hive.hm_header.footed").getMaterializedRows().getFirst().getFields()).containsExactly(footed, footed, footed);
    }

    private Set<Object> files(String table)
    {
        return computeActual(format("SELECT DISTINCT \"$path\" FROM hive.hm_header.%s", table)).getOnlyColumnAsSet();
    }

    @Test
    public void testCleanupAndRecoverInHiveOfWhatTrinoLeft()
            throws Exception
    {
        createSchema("hm_recover");
        createSmallFiles("hm_recover", "crashed");
        List<String> rows = trinoRows("hm_recover", "crashed");
        // Trino's compaction stops as a crash would, after its first partition's swap
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, "CALL dredge.system.compact_table(schema_name => 'hm_recover', table_name => 'crashed')", ".*injected fault.*");
        try (Connection hive = hiveServer().connect(USER)) {
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hm_recover', 'crashed')")).hasMessageContaining("unfinished");
            assertThatThrownBy(() -> execute(hive, "INSERT INTO hm_recover.crashed PARTITION (day = 'd1', n = 1) VALUES (100, 'late')")).hasMessageContaining("is held by operation");
            List<List<Object>> recovered = rows(hive, "SELECT kind, state FROM (SELECT dredge_recover('hm_recover', 'crashed')) r");
            assertThat(recovered).containsExactly(List.of("RECOVER", "SUCCEEDED"));
            assertThat(trinoRows("hm_recover", "crashed")).containsExactlyElementsOf(rows);
            assertThat(hiveRows(hive, "hm_recover", "crashed")).containsExactlyElementsOf(rows);

            assertThat(rows(hive, "SELECT state FROM (SELECT dredge_compact_table('hm_recover', 'crashed')) r")).containsExactly(List.of("SUCCEEDED"));
            // a retention not yet passed cleans nothing; 0s cleans the compaction, which then cannot be rolled back
            assertThat(rows(hive, "SELECT dredge_cleanup('hm_recover', 'crashed', '7d')")).isEmpty();
            assertThat(rows(hive, "SELECT kind, state FROM (SELECT dredge_cleanup('hm_recover', NULL, '0s')) r")).contains(List.of("CLEANUP", "SUCCEEDED"));
            assertThat(computeActual("SHOW TABLES FROM hive.hm_recover").getOnlyColumnAsSet()).containsExactly("crashed");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_rollback_compaction('hm_recover', 'crashed')")).hasMessageContaining("cleanup");
            execute(hive, "INSERT INTO hm_recover.crashed PARTITION (day = 'd1', n = 1) VALUES (100, 'late')");
        }
        assertThat(computeActual("SELECT count(*) FROM hive.hm_recover.crashed").getOnlyValue()).isEqualTo((long) rows.size() + 1);
    }

    @Test
    public void testHiveChecksumSeesAValueMovedToAnotherRow()
            throws Exception
    {
        createSchema("hm_checksum");
        assertUpdate("CREATE TABLE hive.hm_checksum.original (id bigint, name varchar, tags array(varchar))");
        assertUpdate("INSERT INTO hive.hm_checksum.original VALUES (1, 'a', ARRAY['x']), (2, 'b', ARRAY['y'])", 2);
        // the same rows in other files and another order
        assertUpdate("CREATE TABLE hive.hm_checksum.reordered (id bigint, name varchar, tags array(varchar))");
        assertUpdate("INSERT INTO hive.hm_checksum.reordered VALUES (2, 'b', ARRAY['y'])", 1);
        assertUpdate("INSERT INTO hive.hm_checksum.reordered VALUES (1, 'a', ARRAY['x'])", 1);
        // a value moved to the other row; and one moved to the other column
        assertUpdate("CREATE TABLE hive.hm_checksum.moved (id bigint, name varchar, tags array(varchar))");
        assertUpdate("INSERT INTO hive.hm_checksum.moved VALUES (1, 'b', ARRAY['x']), (2, 'a', ARRAY['y'])", 2);
        assertUpdate("CREATE TABLE hive.hm_checksum.swapped (a varchar, b varchar)");
        assertUpdate("INSERT INTO hive.hm_checksum.swapped VALUES ('1', '2')", 1);
        assertUpdate("CREATE TABLE hive.hm_checksum.unswapped (a varchar, b varchar)");
        assertUpdate("INSERT INTO hive.hm_checksum.unswapped VALUES ('2', '1')", 1);
        try (Connection hive = hiveServer().connect(USER)) {
            List<Object> original = digest(hive, "original", List.of("id", "name", "tags"));
            assertThat(digest(hive, "reordered", List.of("id", "name", "tags"))).isEqualTo(original);
            assertThat(digest(hive, "moved", List.of("id", "name", "tags"))).isNotEqualTo(original);
            assertThat(digest(hive, "swapped", List.of("a", "b"))).isNotEqualTo(digest(hive, "unswapped", List.of("a", "b")));
        }
    }

    @Test
    public void testOddLayoutsKeepTheirRows()
            throws Exception
    {
        createSchema("hm_odd");
        // day=b registered inside day=a's directory; day=c an ORC partition of a Parquet table
        assertUpdate("CREATE TABLE hive.hm_odd.nested (id bigint, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        assertUpdate("CREATE TABLE hive.hm_odd.scratch (id bigint, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        assertUpdate("CREATE TABLE hive.hm_odd.scratch_orc (id bigint, day varchar) WITH (format = 'ORC', partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.hm_odd.nested VALUES (%s, 'a')", batch), 1);
            assertUpdate(format("INSERT INTO hive.hm_odd.scratch VALUES (%s, 'b')", 10 + batch), 1);
            assertUpdate(format("INSERT INTO hive.hm_odd.scratch_orc VALUES (%s, 'c')", 20 + batch), 1);
        }
        Path inner = Files.createDirectories(tableDirectory("hm_odd", "nested").resolve("day=a").resolve("inner"));
        copyDataFiles(tableDirectory("hm_odd", "scratch").resolve("day=b"), inner);
        assertUpdate(format("CALL hive.system.register_partition('hm_odd', 'nested', ARRAY['day'], ARRAY['b'], '%s')", inner.toUri()));
        HiveMetastore metastore = hiveMetastore();
        Partition orc = metastore.getPartition(metastore.getTable("hm_odd", "scratch_orc").orElseThrow(), List.of("c")).orElseThrow();
        metastore.addPartitions("hm_odd", "nested", List.of(new PartitionWithStatistics(Partition.builder(orc).setTableName("nested").build(), "day=c", PartitionStatistics.empty())));
        List<String> rows = trinoRows("hm_odd", "nested");
        assertThat(rows).hasSize(9);
        try (Connection hive = hiveServer().connect(USER)) {
            List<List<Object>> result = rows(hive, "SELECT state, partitions_compacted, step FROM (SELECT dredge_compact_table('hm_odd', 'nested')) r");
            assertThat(trinoRows("hm_odd", "nested")).containsExactlyElementsOf(rows);
            assertThat(result.getFirst().get(0)).isEqualTo("SUCCEEDED");
            rows(hive, "SELECT dredge_cleanup('hm_odd', 'nested', '0s')");
        }
        assertThat(trinoRows("hm_odd", "nested")).containsExactlyElementsOf(rows);
        assertThat(computeActual("SELECT count(*) FROM hive.hm_odd.nested WHERE day = 'b'").getOnlyValue()).isEqualTo(3L);
    }

    @Test
    public void testSharedDirectoryAndReusedNameThroughHive()
            throws Exception
    {
        createSchema("hm_adv");
        assertUpdate("CREATE TABLE hive.hm_adv.source (id bigint, name varchar) WITH (format = 'PARQUET')");
        for (int batch = 0; batch < 5; batch++) {
            assertUpdate(format("INSERT INTO hive.hm_adv.source VALUES (%s, 'x%s'), (%s, NULL)", batch * 2, batch, batch * 2 + 1), 2);
        }
        Path shared = Files.createTempDirectory(warehouse(), "shared");
        copyDataFiles(tableDirectory("hm_adv", "source"), shared);
        assertUpdate(format("CREATE TABLE hive.hm_adv.sa (id bigint, name varchar) WITH (format = 'PARQUET', external_location = 'file:%s')", shared));
        assertUpdate(format("CREATE TABLE hive.hm_adv.sb (id bigint, name varchar) WITH (format = 'PARQUET', external_location = 'file:%s')", shared));
        List<String> rows = trinoRows("hm_adv", "sb");
        assertThat(rows).hasSize(10);

        assertUpdate("CREATE TABLE hive.hm_adv.rn (id bigint, name varchar) WITH (format = 'ORC')");
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate(format("INSERT INTO hive.hm_adv.rn VALUES (%s, 'r%s')", batch, batch), 1);
        }
        List<String> renamed = trinoRows("hm_adv", "rn");
        try (Connection hive = hiveServer().connect(USER)) {
            // two tables over one directory: Hive's compaction and cleanup of one leave the other's files alone
            List<List<Object>> compaction = rows(hive, format(RESULT, "dredge_compact_table('hm_adv', 'sa')"));
            assertThat(compaction.getFirst().subList(0, 4)).containsExactly("COMPACT", "SUCCEEDED", 0L, 1L);
            assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'hm_adv' AND table_name = 'sa' AND kind = 'COMPACT'").getOnlyValue())
                    .contains("also read by hm_adv.sb");
            rows(hive, "SELECT dredge_cleanup('hm_adv', 'sa', '0s')");
            assertThat(trinoRows("hm_adv", "sb")).containsExactlyElementsOf(rows);
            assertThat(trinoRows("hm_adv", "sa")).containsExactlyElementsOf(rows);

            // a compacted table renamed in Hive, and a new one created under its name: the new one starts empty
            assertThat(rows(hive, format(RESULT, "dredge_compact_table('hm_adv', 'rn')")).getFirst().subList(0, 3)).containsExactly("COMPACT", "SUCCEEDED", 1L);
            execute(hive, "ALTER TABLE hm_adv.rn RENAME TO hm_adv.rn_old");
            execute(hive, "CREATE TABLE hm_adv.rn (id bigint, name string) STORED AS ORC");
            assertThat(rows(hive, "SELECT count(*) FROM hm_adv.rn")).containsExactly(List.of(0L));
            assertThat(computeActual("SELECT count(*) FROM hive.hm_adv.rn").getOnlyValue()).isEqualTo(0L);
            assertThat(trinoRows("hm_adv", "rn_old")).containsExactlyElementsOf(renamed);
            rows(hive, "SELECT dredge_cleanup('hm_adv', 'rn', '0s')");
            assertThat(computeActual("SELECT count(*) FROM hive.hm_adv.rn").getOnlyValue()).isEqualTo(0L);
            // dropping the new managed table deletes its directory, which holds nothing the renamed table reads
            execute(hive, "DROP TABLE hm_adv.rn");
            assertThat(trinoRows("hm_adv", "rn_old")).containsExactlyElementsOf(renamed);
            assertThat(rows(hive, "SELECT count(*) FROM hm_adv.rn_old")).containsExactly(List.of(4L));
        }
    }

    private static void copyDataFiles(Path from, Path to)
            throws Exception
    {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(path -> !path.getFileName().toString().startsWith(".")).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    @Test
    public void testAuditCompactsAfterAWriteWhenAsked()
            throws Exception
    {
        createSchema("hm_after");
        try (Connection hive = hiveServer().connect(USER)) {
            execute(hive, "CREATE TABLE hm_after.clicks (id bigint) PARTITIONED BY (day string) STORED AS PARQUET");
            execute(hive, "INSERT INTO hm_after.clicks PARTITION (day = 'a') VALUES (1)");
            execute(hive, "INSERT INTO hm_after.clicks PARTITION (day = 'a') VALUES (2)");
            execute(hive, "INSERT INTO hm_after.clicks PARTITION (day = 'b') VALUES (10)");
            assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'hm_after'").getOnlyValue()).isEqualTo(0L);
            // the third file makes partition a need compaction: compacted once the write has finished
            execute(hive, "SET dredge.audit.compact-after-write=true");
            execute(hive, "INSERT INTO hm_after.clicks PARTITION (day = 'a') VALUES (3)");
        }
        long deadline = System.nanoTime() + SECONDS.toNanos(120);
        List<Object> operation = List.of();
        while (System.nanoTime() < deadline) {
            List<MaterializedRow> operations = computeActual("SELECT state, partitions_compacted, files_before, files_after, user_name FROM dredge.system.operations WHERE schema_name = 'hm_after' AND kind = 'COMPACT'").getMaterializedRows();
            if (!operations.isEmpty() && !operations.getFirst().getField(0).equals("RUNNING")) {
                operation = operations.getFirst().getFields();
                break;
            }
            Thread.sleep(500);
        }
        assertThat(operation).containsExactly("SUCCEEDED", 1L, 3L, 1L, USER);
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.hm_after.clicks WHERE day = 'a'").getOnlyValue()).isEqualTo(1L);
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.hm_after.clicks WHERE day = 'b'").getOnlyValue()).isEqualTo(1L);
        assertThat(computeActual("SELECT id FROM hive.hm_after.clicks ORDER BY id").getOnlyColumn().toList()).containsExactly(1L, 2L, 3L, 10L);
        // the compaction's own write into its staging copy is not audited
        try (Stream<Path> audited = Files.list(Path.of(URI.create(schemaLocation("hm_after") + "/.dredge/audit")))) {
            assertThat(audited.map(path -> path.getFileName().toString())).containsExactly("clicks");
        }
    }

    private static List<Object> digest(Connection hive, String table, List<String> columns)
            throws Exception
    {
        return rows(hive, format("SELECT %s FROM hm_checksum.%s", String.join(", ", SqlDialect.HIVE.rowDigestSums(columns)), table)).getFirst();
    }

    @Test
    public void testOrphanFilesRemovedAndPutBackFromHive()
            throws Exception
    {
        createSchema("hm_orphans");
        assertUpdate("CREATE TABLE hive.hm_orphans.events (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.hm_orphans.events VALUES (1, 'a'), (2, 'b')", 2);
        Path leftover = tableDirectory("hm_orphans", "events").resolve("day=a/.hive-staging_hive_x/-ext-10000/000000_0");
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "stray");
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        List<String> rows = trinoRows("hm_orphans", "events");
        try (Connection hive = hiveServer().connect(USER)) {
            List<Object> dryRun = rows(hive, "SELECT operation_id, kind, state FROM (SELECT dredge_remove_orphan_files('hm_orphans', 'events', map('older_than', '1d', 'dry_run', 'true'))) r").getFirst();
            assertThat(dryRun.subList(1, 3)).containsExactly("REMOVE_ORPHAN_FILES", "PLANNED");
            assertThat(leftover).exists();
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_remove_orphan_files('hm_orphans', 'events', map('older_than', '1h'))")).hasMessageContaining("older_than must be at least 1d");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_remove_orphan_files('hm_orphans', 'events', map('purge', 'maybe'))")).hasMessageContaining("purge must be true or false");
            assertThatThrownBy(() -> rows(hive, format("SELECT dredge_remove_orphan_files('hm_orphans', 'events', map('dry_run_id', '%s', 'dry_run', 'true'))", dryRun.getFirst())))
                    .hasMessageContaining("dry_run_id carries out dry run %s: dry_run must be false".formatted(dryRun.getFirst()));

            // what the dry run listed, and only that
            List<Object> removal = rows(hive, format("SELECT operation_id, state, target_operation_id FROM (SELECT dredge_remove_orphan_files('hm_orphans', 'events', map('dry_run_id', '%s'))) r", dryRun.getFirst())).getFirst();
            assertThat(removal.subList(1, 3)).containsExactly("SUCCEEDED", dryRun.getFirst());
            assertThat(leftover).doesNotExist();
            assertThat(trinoRows("hm_orphans", "events")).isEqualTo(rows);
            // one journal: Trino lists the file Hive's removal moved
            assertThat(computeActual(format("SELECT reason FROM dredge.system.operation_files WHERE operation_id = '%s'", removal.get(0))).getOnlyValue())
                    .isEqualTo("leftover of a failed write (.hive-staging_hive_x), which engines do not read");

            assertThat(rows(hive, format("SELECT kind, state FROM (SELECT dredge_restore_orphan_files('%s')) r", removal.get(0))))
                    .containsExactly(List.of("RESTORE_ORPHAN_FILES", "SUCCEEDED"));
            assertThat(leftover).exists();
            assertThat(trinoRows("hm_orphans", "events")).isEqualTo(rows);

            // snapshot expiry is Trino's: Hive names the procedure, and a Hive table has no snapshots
            assertUpdate("CREATE TABLE iceberg.hm_orphans.ice (id bigint)");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_expire_snapshots('hm_orphans', 'ice', map('older_than', '7d'))"))
                    .hasMessageContaining("Iceberg snapshots are expired through Trino's Dredge (CALL dredge.system.expire_snapshots)");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_expire_snapshots('hm_orphans', 'events')"))
                    .hasMessageContaining("hm_orphans.events is a Hive table: only Iceberg tables have snapshots to expire");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_expire_snapshots('hm_orphans', 'ice', map('retain_last', 'all'))"))
                    .hasMessageContaining("retain_last must be a whole number: 'all'");
        }
    }

    /**
     * A table of 12 small files: three partitions (one named with a character Hive escapes, one all NULL) of four
     * files each.
     */
    private void createSmallFiles(String schema, String table)
    {
        assertUpdate(format("CREATE TABLE hive.%s.%s (id bigint, name varchar, day varchar, n integer) WITH (format = 'PARQUET', partitioned_by = ARRAY['day', 'n'])", schema, table));
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate(format("INSERT INTO hive.%s.%s VALUES (%s, 'a%s', 'd/1', 1), (%s, NULL, 'd2', 2), (%s, 'c', NULL, NULL)", schema, table, batch * 3, batch, batch * 3 + 1, batch * 3 + 2), 3);
        }
    }

    private List<String> trinoRows(String schema, String table)
    {
        return computeActual(format("SELECT * FROM hive.%s.%s ORDER BY id", schema, table)).getMaterializedRows().stream()
                .map(row -> row.getFields().toString())
                .toList();
    }

    private static List<String> hiveRows(Connection hive, String schema, String table)
            throws Exception
    {
        // Hive reads a string partition column's NULL as the default partition's name
        return rows(hive, format("SELECT id, name, CASE WHEN day = '__HIVE_DEFAULT_PARTITION__' THEN NULL ELSE day END, n FROM %s.%s ORDER BY id", schema, table)).stream()
                .map(Object::toString)
                .toList();
    }

    private long fileCount(String schema, String table)
    {
        return (long) computeActual(format("SELECT count(DISTINCT \"$path\") FROM hive.%s.%s", schema, table)).getOnlyValue();
    }
}
