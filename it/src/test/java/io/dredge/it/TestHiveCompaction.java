package io.dredge.it;

import io.trino.Session;
import io.trino.metastore.HiveMetastore;
import io.trino.metastore.Partition;
import io.trino.metastore.PartitionStatistics;
import io.trino.metastore.PartitionWithStatistics;
import io.trino.metastore.Table;
import io.trino.spi.security.Identity;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static io.trino.plugin.hive.metastore.MetastoreUtil.buildInitialPrivilegeSet;
import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code compact_table}, {@code rollback_compaction}, {@code cleanup} and {@code recover} through SQL on a real
 * Trino cluster (coordinator and worker) over a real thrift metastore, checking the table's rows and files after
 * every call.
 */
public class TestHiveCompaction
        extends AbstractTestWithThriftMetastore
{
    @Override
    protected DredgeQueryRunner.Builder configure(DredgeQueryRunner.Builder builder, Path directory)
            throws IOException
    {
        // user "reader" may only read tables; everyone else may do anything
        Path rules = Files.writeString(directory.resolve("rules.json"), """
                {
                  "catalogs": [{"allow": "all"}],
                  "schemas": [{"owner": true}],
                  "procedures": [{"privileges": ["EXECUTE"]}],
                  "tables": [
                    {"user": "reader", "privileges": ["SELECT"]},
                    {"privileges": ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"]}
                  ]
                }
                """);
        return builder.setAccessControlRules(rules);
    }

    @BeforeAll
    public void createSchema()
    {
        assertUpdate("CREATE SCHEMA hive.compaction WITH (location = '" + schemaLocation("compaction") + "')");
    }

    @Test
    public void testCompactPartitionedTableThenRollbackThenCleanup()
    {
        createTable("events", "day varchar", "ARRAY['day']", List.of("'2024-01-01'", "'2024-01-02'", "'2024-01-03'"), 4);
        TableState before = state("events");
        assertThat(before.files()).hasSize(12);

        assertUpdate("CALL dredge.system.compact_table(schema_name => 'compaction', table_name => 'events')");
        TableState compacted = state("events");
        assertThat(compacted.rows()).isEqualTo(before.rows());
        assertThat(compacted.files()).hasSize(3).doesNotContainAnyElementsOf(before.files());
        assertThat(computeActual("SELECT DISTINCT status FROM dredge.system.small_file_report WHERE schema_name = 'compaction' AND table_name = 'events'").getOnlyColumnAsSet())
                .containsExactly("OK");
        MaterializedRow operation = computeActual("SELECT state, partitions_compacted, files_before, files_after, rows_verified, backup_table FROM dredge.system.operations " +
                "WHERE table_name = 'events' AND kind = 'COMPACT' ORDER BY started_at DESC LIMIT 1").getMaterializedRows().get(0);
        assertThat(operation.getFields().subList(0, 5)).containsExactly("SUCCEEDED", 3L, 12L, 3L, 1200L);
        // the backup table still reads the original rows; it is no data to report or compact
        assertThat(computeActual(format("SELECT count(*) FROM hive.compaction.\"%s\"", operation.getField(5))).getOnlyValue()).isEqualTo(1200L);
        assertThat(computeActual(format("SELECT count(*) FROM dredge.system.small_file_report WHERE table_name = '%s'", operation.getField(5))).getOnlyValue()).isEqualTo(0L);
        assertQueryFails(compact((String) operation.getField(5)), ".*is a table Dredge made \\(backup of compaction.events.*");

        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'events')");
        assertThat(state("events")).isEqualTo(before);

        assertUpdate("CALL dredge.system.compact_table(schema_name => 'compaction', table_name => 'events')");
        assertThat(state("events").rows()).isEqualTo(before.rows());
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => 'events', older_than => '0s')");
        assertThat(state("events").rows()).isEqualTo(before.rows());
        assertThat(before.files()).allSatisfy(file -> assertThat(Files.exists(java.nio.file.Path.of(URI.create(file)))).isFalse());
        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'events')", ".*nothing left to roll back.*cleanup deleted.*");
    }

    @Test
    public void testEveryCrashPointLeavesOriginalRowsAndRecovers()
            throws Exception
    {
        List<String> crashPoints = List.of("PLANNED", "WRITTEN", "VERIFIED", "PARTITION_SWAPPED:1", "PARTITION_SWAPPED:2", "BEFORE_COMPLETION");
        for (int i = 0; i < crashPoints.size(); i++) {
            String crashPoint = crashPoints.get(i);
            String table = "crash_" + i;
            createTable(table, "day varchar", "ARRAY['day']", List.of("'a'", "'b'", "'c'"), 3);
            TableState before = state(table);
            Session crashing = Session.builder(getSession())
                    .setCatalogSessionProperty("dredge", "testing_fail_after", crashPoint)
                    .build();
            assertQueryFails(crashing, compact(table), ".*injected fault after.*");
            assertThat(state(table).rows()).as("rows after a crash at %s", crashPoint).isEqualTo(before.rows());
            assertThat(operationState(table, "COMPACT")).isEqualTo("RUNNING");
            // the journal keeps a marker beside each running operation's record: starting an operation reads those only
            String operationId = (String) computeActual(format("SELECT operation_id FROM dredge.system.operations WHERE table_name = '%s' AND state = 'RUNNING'", table)).getOnlyValue();
            Path marker = warehouse().resolve("compaction").resolve(".dredge").resolve("operations").resolve(operationId + ".running");
            assertThat(marker).exists();
            // a journal from before markers: the first check marks its running operations itself
            Files.delete(marker);
            Files.delete(marker.resolveSibling("running-markers"));

            assertQueryFails(compact(table), ".*has an unfinished compact operation .*CALL dredge.system.recover.*");
            assertThat(marker).exists();
            // before any swap there is nothing to roll back; after one, the compaction is unfinished
            assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => '" + table + "')",
                    ".*(has no compaction to roll back|is unfinished: run recover instead).*");

            assertUpdate("CALL dredge.system.recover(schema_name => 'compaction', table_name => '" + table + "')");
            assertThat(marker).doesNotExist();
            TableState recovered = state(table);
            assertThat(recovered.rows()).isEqualTo(before.rows());
            boolean finished = crashPoint.equals("BEFORE_COMPLETION");
            assertThat(computeActual("SHOW TABLES FROM hive.compaction LIKE '" + table + "__dredge_%'").getRowCount())
                    .as("tables left after recovering from %s", crashPoint)
                    // a finished compaction keeps its backup table
                    .isEqualTo(finished ? 1 : 0);
            if (finished) {
                assertThat(operationState(table, "COMPACT")).isEqualTo("SUCCEEDED");
                assertThat(recovered.files()).hasSize(3);
            }
            else {
                assertThat(operationState(table, "COMPACT")).isEqualTo("RECOVERED");
                assertThat(recovered.files()).isEqualTo(before.files());
            }

            assertUpdate(compact(table));
            assertThat(state(table).rows()).isEqualTo(before.rows());
            assertThat(operationState(table, "COMPACT")).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    public void testBadInputIsRefusedAndChangesNothing()
    {
        createTable("guarded", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        assertUpdate("CREATE VIEW hive.compaction.guarded_view AS SELECT * FROM hive.compaction.guarded");
        TableState before = state("guarded");

        assertQueryFails("CALL dredge.system.compact_table(schema_name => 'compaction', table_name => 'nope')", ".*table compaction.nope does not exist.*");
        assertQueryFails("CALL dredge.system.compact_table(schema_name => 'nope', table_name => 'guarded')", ".*schema nope does not exist.*");
        assertQueryFails("CALL dredge.system.compact_table(schema_name => 'compaction', table_name => 'guarded_view')", ".*is a view, not a table.*");
        assertQueryFails("CALL dredge.system.compact_table(schema_name => 'compaction', table_name => 'guarded\"; DROP TABLE hive.compaction.guarded; --')", ".*does not exist.*");
        assertQueryFails("CALL dredge.system.compact_table(schema_name => 'compaction', table_name => '')", ".*table_name must not be empty.*");
        assertQueryFails(compact("guarded", "target_file_size => 'huge'"), ".*target_file_size must be a size like '128MB'.*");
        assertQueryFails(compact("guarded", "target_file_size => '0B'"), ".*target file size must be positive.*");
        assertQueryFails(compact("guarded", "compaction_ratio_threshold => 0.5"), ".*compaction ratio threshold must be a finite number of at least 1.*");
        assertQueryFails(compact("guarded", "verify => 'md5'"), ".*verify must be 'checksum' or 'count'.*");
        assertQueryFails(compact("guarded", "partition_filter => 'day = ''a''); DROP TABLE hive.compaction.guarded; --'"), ".*partition_filter must be one SQL expression.*");
        assertQueryFails(compact("guarded", "partition_filter => 'day = ''a'') OR (true'"), ".*partition_filter must be one SQL expression.*unbalanced.*");
        assertQueryFails(compact("guarded", "partition_filter => 'id = 1'"), ".*partition_filter must be a predicate over the partition columns \\[day\\].*");
        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'guarded')", ".*has no compaction to roll back.*");
        assertQueryFails("CALL dredge.system.cleanup(schema_name => 'compaction', older_than => 'soon')", ".*older_than must be a number and a unit.*");
        assertQueryFails("CALL dredge.system.cleanup(schema_name => 'nope')", ".*schema nope does not exist.*");


        assertThat(state("guarded")).isEqualTo(before);
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE table_name = 'guarded' AND state = 'RUNNING'").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testTransactionalAndUnwritableTablesAreRefused()
    {
        // an insert-only ACID table, as Hive makes one (for insert-only, a thrift metastore accepts any format)
        assertUpdate("CREATE TABLE hive.compaction.acid (id bigint)");
        markInsertOnlyAcid("compaction", "acid");
        assertThat(computeActual("SELECT transactional FROM hive.compaction.\"acid$properties\"").getOnlyValue())
                .isEqualTo("true");
        assertQueryFails(compact("acid", "dry_run => true"), ".*compaction.acid is a transactional \\(ACID\\) table: Hive's own compactor owns its files.*");
        assertQueryFails(compact("acid"), ".*compaction.acid is a transactional \\(ACID\\) table.*");

        // Trino reads REGEX tables but cannot write them
        assertUpdate("CREATE TABLE hive.compaction.regex (line varchar) WITH (format = 'REGEX', regex = '(.*)')");
        assertQueryFails(compact("regex"), ".*compaction.regex is stored as REGEX, which the engine cannot write.*");

        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE table_name IN ('acid', 'regex')").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testHeaderTableCompactsAndFooterTableIsRefused()
            throws Exception
    {
        // Trino skips each file's header line as it reads, and writes one header line in each file of the copy
        assertUpdate("CREATE TABLE hive.compaction.headed (id integer, name varchar, day varchar) " +
                "WITH (format = 'TEXTFILE', textfile_field_separator = ',', skip_header_line_count = 1, partitioned_by = ARRAY['day'])");
        CsvFiles.writeWithHeader(tableDirectory("headed").resolve("day=a"), 10, 0);
        CsvFiles.writeWithHeader(tableDirectory("headed").resolve("day=b"), 10, 100);
        assertUpdate("CALL hive.system.sync_partition_metadata('compaction', 'headed', 'ADD')");
        TableState before = state("headed");
        assertThat(before.rows().getFirst()).isEqualTo(100L);
        assertUpdate(compact("headed"));
        TableState compacted = state("headed");
        assertThat(compacted.rows()).isEqualTo(before.rows());
        assertThat(compacted.files()).hasSize(2).doesNotContainAnyElementsOf(before.files());
        assertThat(computeActual("SELECT count(*) FROM hive.compaction.headed WHERE id IS NULL OR name = 'name'").getOnlyValue()).isEqualTo(0L);
        assertThat(compacted.files()).allSatisfy(file -> assertThat(firstLine(file)).isEqualTo("id,name"));

        // Trino's writer writes no footer lines and at most one header line: refused before anything is written
        assertUpdate("CREATE TABLE hive.compaction.footed (id integer, name varchar) WITH (format = 'TEXTFILE', textfile_field_separator = ',', skip_footer_line_count = 1)");
        CsvFiles.writeWithFooter(tableDirectory("footed"), 10, 0);
        assertUpdate("CREATE TABLE hive.compaction.two_headers (id integer, name varchar) WITH (format = 'TEXTFILE', textfile_field_separator = ',', skip_header_line_count = 2)");
        CsvFiles.writeWithHeader(tableDirectory("two_headers"), 10, 0);
        TableState footed = state("footed");
        TableState twoHeaders = state("two_headers");
        assertThat(footed.rows().getFirst()).isEqualTo(50L);
        assertQueryFails(compact("footed"), ".*cannot compact compaction.footed: its text files have lines to skip \\(table parameter skip.footer.line.count = 1\\), " +
                "and Trino's Hive connector writes no footer lines and at most one header line.*");
        assertQueryFails(compact("footed", "dry_run => true"), ".*cannot compact compaction.footed: its text files have lines to skip.*");
        assertQueryFails(compact("two_headers"), ".*cannot compact compaction.two_headers: its text files have lines to skip \\(table parameter skip.header.line.count = 2\\).*");
        assertThat(state("footed")).isEqualTo(footed);
        assertThat(state("two_headers")).isEqualTo(twoHeaders);
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE table_name IN ('footed', 'two_headers')").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testDryRunAndPartitionFilter()
    {
        createTable("filtered", "day date", "ARRAY['day']", List.of("DATE '2024-01-01'", "DATE '2024-01-02'", "DATE '2024-01-03'"), 3);
        TableState before = state("filtered");

        assertUpdate(compact("filtered", "dry_run => true"));
        assertThat(state("filtered")).isEqualTo(before);
        assertThat(computeActual("SELECT state, partitions_planned, files_before FROM dredge.system.operations WHERE table_name = 'filtered' ORDER BY operation_id DESC LIMIT 1").getMaterializedRows().get(0).getFields())
                .containsExactly("PLANNED", 3L, 9L);

        assertUpdate(compact("filtered", "partition_filter => 'day = DATE ''2024-01-02''', verify => 'count'"));
        assertThat(state("filtered").rows()).isEqualTo(before.rows());
        assertThat(computeActual("SELECT CAST(day AS varchar), count(DISTINCT \"$path\") FROM hive.compaction.filtered GROUP BY 1").getMaterializedRows())
                .extracting(row -> row.getField(0) + "=" + row.getField(1))
                .containsExactlyInAnyOrder("2024-01-01=3", "2024-01-02=1", "2024-01-03=3");
    }

    @Test
    public void testTableShapesRoundTrip()
    {
        // unpartitioned ORC
        assertUpdate("CREATE TABLE hive.compaction.flat_orc (id bigint, name varchar) WITH (format = 'ORC')");
        insertBatches("flat_orc", "", 4);
        // Avro with partition values that need escaping, and NULL
        createTable("awkward_avro", "tag varchar", "ARRAY['tag']", List.of("'with space'", "'a/b'", "'100%'", "'k=v'", "CAST(NULL AS varchar)"), 2, "AVRO");
        // bucketed and sorted, with a column comment
        assertUpdate("CREATE TABLE hive.compaction.bucketed (id bigint COMMENT 'the key', name varchar, day varchar) " +
                "WITH (format = 'ORC', partitioned_by = ARRAY['day'], bucketed_by = ARRAY['id'], bucket_count = 2, sorted_by = ARRAY['id'])");
        insertBatches("bucketed", ", 'd1'", 3);
        // two partition levels
        createTable("two_level", "day varchar, ref integer", "ARRAY['day', 'ref']", List.of("'a', 1", "'a', 2", "'b', 1"), 2, "PARQUET");
        // wider than one group of the verification's row hash, with nested and temporal types
        String wideColumns = IntStream.range(0, 36).mapToObj(i -> "c%s bigint".formatted(i)).collect(joining(", "));
        assertUpdate(format("CREATE TABLE hive.compaction.wide (%s, tags array(varchar), attrs map(varchar, double), point row(x double, y double), " +
                "ts timestamp(3), amount decimal(20, 2), day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])", wideColumns));
        String wideValues = IntStream.range(0, 36).mapToObj(i -> "id * %s".formatted(i)).collect(joining(", "));
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.compaction.wide SELECT %s, ARRAY['t' || CAST(id AS varchar), NULL], MAP(ARRAY['k'], ARRAY[id * 0.5e0]), " +
                    "CAST(ROW(id, -id) AS row(x double, y double)), TIMESTAMP '2024-01-01 00:00:00.000' + id * INTERVAL '1' SECOND, " +
                    "CAST(id AS decimal(20, 2)) / 3, 'w' FROM UNNEST(sequence(%s, %s)) AS t(id)", wideValues, batch * 100, batch * 100 + 99), 100);
        }

        for (String table : List.of("flat_orc", "awkward_avro", "bucketed", "two_level", "wide")) {
            TableState before = state(table);
            Object definition = computeActual("SHOW CREATE TABLE hive.compaction." + table).getOnlyValue();
            assertUpdate(compact(table));
            TableState compacted = state(table);
            assertThat(compacted.rows()).as("rows of %s after compaction", table).isEqualTo(before.rows());
            assertThat(compacted.files()).as("files of %s after compaction", table).hasSizeLessThan(before.files().size());
            assertThat(computeActual("SHOW CREATE TABLE hive.compaction." + table).getOnlyValue()).as("definition of %s", table).isEqualTo(definition);
            assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => '" + table + "')");
            assertThat(state(table)).as("%s after rollback", table).isEqualTo(before);
        }
        // bucket files hold only their bucket's rows after compaction too
        assertUpdate(compact("bucketed"));
        assertThat(computeActual("SELECT count(DISTINCT \"$bucket\"), count(DISTINCT \"$path\") FROM hive.compaction.bucketed").getMaterializedRows().get(0).getFields())
                .containsExactly(2L, 2L);
    }

    @Test
    public void testConcurrentInsertsAreKeptExactlyOnce()
            throws Exception
    {
        createTable("concurrent", "day varchar", "ARRAY['day']", List.of("'a'", "'b'", "'c'"), 4);
        TableState before = state("concurrent");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> compaction = executor.submit(() -> getQueryRunner().execute(compact("concurrent")));
            int inserts = 0;
            while (!compaction.isDone() || inserts < 3) {
                // one partition takes the inserts (compaction leaves it as it was), the others are swapped meanwhile
                long first = 1_000_000L + inserts * 10L;
                assertUpdate(format("INSERT INTO hive.compaction.concurrent SELECT id, 'late', 'a' FROM UNNEST(sequence(%s, %s)) AS t(id)", first, first + 9), 10);
                inserts++;
            }
            compaction.get();
            assertThat(computeActual("SELECT count(*), count(DISTINCT id) FROM hive.compaction.concurrent WHERE id >= 1000000").getMaterializedRows().get(0).getFields())
                    .containsExactly(inserts * 10L, inserts * 10L);
            assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.compaction.concurrent WHERE id < 1000000").getMaterializedRows().get(0).getFields())
                    .isEqualTo(before.rows());
            assertThat(operationState("concurrent", "COMPACT")).isEqualTo("SUCCEEDED");
            assertThat(computeActual("SELECT partitions_compacted FROM dredge.system.operations WHERE table_name = 'concurrent'").getOnlyValue()).isIn(2L, 3L);
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    public void testReadersSeeExactlyTheOriginalRowsThroughout()
            throws Exception
    {
        createTable("read_during", "day varchar", "ARRAY['day']", List.of("'a'", "'b'", "'c'", "'d'", "'e'", "'f'"), 3);
        TableState before = state("read_during");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> compaction = executor.submit(() -> getQueryRunner().execute(compact("read_during")));
            int reads = 0;
            while (!compaction.isDone() || reads == 0) {
                assertThat(state("read_during").rows()).as("read %s during compaction", reads).isEqualTo(before.rows());
                reads++;
            }
            compaction.get();
            assertThat(state("read_during").rows()).isEqualTo(before.rows());
            assertThat(state("read_during").files()).hasSize(6);
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    public void testChecksumCatchesValuesMovedBetweenRows()
            throws Exception
    {
        createTable("tampered", "day varchar", "ARRAY['day']", List.of("'a'"), 3);
        TableState before = state("tampered");
        // the same ids and the same names, but each name on another row: count and per-column checksums cannot tell
        Path forgery = forgery("forgery", "SELECT id, 'name-' || CAST((id + 1) % 300 AS varchar), 'a' FROM UNNEST(sequence(0, 299)) AS t(id)", 300);
        String perColumn = "SELECT count(*), to_hex(checksum(id)), to_hex(checksum(name)) FROM hive.compaction.%s";
        assertThat(computeActual(format(perColumn, "forgery")).getMaterializedRows()).isEqualTo(computeActual(format(perColumn, "tampered")).getMaterializedRows());

        compactWithForgedCopy("tampered", compact("tampered"), forgery);

        assertThat(state("tampered")).isEqualTo(before);
        assertThat(computeActual("SELECT state, partitions_compacted, partitions_skipped, step FROM dredge.system.operations WHERE table_name = 'tampered'").getMaterializedRows().get(0).getFields())
                .containsExactly("SUCCEEDED", 0L, 1L, "compacted 0 of 1 partitions: 0 files -> 0 files; skipped day=a (checksum differs between original and rewritten copy)");
        // nothing was compacted: no backup table is left behind
        assertThat(computeActual("SELECT backup_table FROM dredge.system.operations WHERE table_name = 'tampered'").getOnlyValue()).isNull();
        assertThat(computeActual("SHOW TABLES FROM hive.compaction LIKE 'tampered%'").getOnlyColumnAsSet()).containsExactly("tampered");
    }

    @Test
    public void testCountFromFootersCatchesARowMissingFromTheCopy()
            throws Exception
    {
        createTable("short_copy", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        TableState before = state("short_copy");
        Set<String> filesOfA = computeActual("SELECT DISTINCT \"$path\" FROM hive.compaction.short_copy WHERE day = 'a'").getOnlyColumnAsSet().stream().map(String.class::cast).collect(java.util.stream.Collectors.toSet());
        Path forgery = forgery("short_forgery", "SELECT id, 'name-' || CAST(id AS varchar), 'a' FROM UNNEST(sequence(0, 298)) AS t(id)", 299);

        compactWithForgedCopy("short_copy", compact("short_copy", "verify => 'count'"), forgery);

        assertThat(state("short_copy").rows()).isEqualTo(before.rows());
        assertThat(state("short_copy").files()).containsAll(filesOfA).hasSize(4);
        MaterializedRow operation = computeActual("SELECT state, partitions_compacted, partitions_skipped, step, backup_table FROM dredge.system.operations WHERE table_name = 'short_copy'").getMaterializedRows().get(0);
        assertThat(operation.getFields().subList(0, 4))
                .containsExactly("SUCCEEDED", 1L, 1L, "compacted 1 of 2 partitions: 3 files -> 1 files; skipped day=a (row count differs: original 300, rewritten 299)");
        assertThat(verificationQueries("short_copy")).as("footers answered the count, not a scan").isZero();
        // the backup table was made over both partitions while the rewrite ran; it keeps only the compacted one
        assertThat(computeActual(format("SELECT DISTINCT day FROM hive.compaction.\"%s\"", operation.getField(4))).getOnlyColumnAsSet()).containsExactly("b");
    }

    @Test
    public void testCountVerificationScansOnlyWhereFilesKeepNoCounts()
    {
        createTable("counted_orc", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3, "ORC");
        createTable("counted_avro", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3, "AVRO");
        for (String table : List.of("counted_orc", "counted_avro")) {
            TableState before = state(table);
            assertUpdate(compact(table, "verify => 'count'"));
            TableState compacted = state(table);
            assertThat(compacted.rows()).as("rows of %s", table).isEqualTo(before.rows());
            assertThat(compacted.files()).as("files of %s", table).hasSize(2);
        }
        // ORC footers hold row counts; Avro files do not, so the engine counts those rows
        assertThat(verificationQueries("counted_orc")).isZero();
        assertThat(verificationQueries("counted_avro")).isEqualTo(1);
    }

    @Test
    public void testOnlyThePlannedPartitionsAreRead()
            throws Exception
    {
        createTable("pruned", "day date, ref integer", "ARRAY['day', 'ref']", List.of("DATE '2024-01-01', 1", "DATE '2024-01-01', 2", "DATE '2024-01-02', 7"), 3, "ORC");
        // the last partition becomes one file that no reader can open: one file is never compacted, and a rewrite
        // that opened every partition's files, as a filter on "$partition" alone does, would fail on it
        List<Path> damaged = computeActual("SELECT DISTINCT \"$path\" FROM hive.compaction.pruned WHERE day = DATE '2024-01-02'").getOnlyColumnAsSet().stream()
                .map(path -> Path.of(URI.create((String) path)))
                .toList();
        for (Path file : damaged) {
            Files.delete(file);
        }
        Path garbage = damaged.get(0).resolveSibling("garbage.orc");
        Files.write(garbage, "not an ORC file at all".repeat(50).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String readable = "SELECT count(*), to_hex(checksum(ROW(id, name, day, ref))), count(DISTINCT \"$path\") FROM hive.compaction.pruned WHERE day = DATE '2024-01-01'";
        List<Object> before = computeActual(readable).getMaterializedRows().get(0).getFields();
        // the checksum of before is the reference the runs below compare with
        assertThat(before.get(0)).isEqualTo(600L);
        assertThat(before.get(2)).isEqualTo(6L);

        for (String verify : List.of("checksum", "count")) {
            assertUpdate(compact("pruned", "verify => '%s'".formatted(verify)));
            assertThat(computeActual(readable).getMaterializedRows().get(0).getFields()).as("verify => '%s'", verify).containsExactly(600L, before.get(1), 2L);
            assertThat(Files.exists(garbage)).isTrue();
            assertThat(computeActual("SELECT partitions_considered, partitions_compacted, step FROM dredge.system.operations WHERE table_name = 'pruned' AND kind = 'COMPACT' ORDER BY operation_id DESC LIMIT 1").getMaterializedRows().get(0).getFields())
                    .containsExactly(3L, 2L, "compacted 2 of 3 partitions: 6 files -> 2 files");
            assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'pruned')");
            assertThat(computeActual(readable).getMaterializedRows().get(0).getFields()).containsExactly(600L, before.get(1), 6L);
        }
    }

    /**
     * A one-file copy of {@code rows} in partition {@code day=a}, written by the engine as a Parquet table of its own.
     */
    private Path forgery(String table, String rows, long rowCount)
    {
        assertUpdate(format("CREATE TABLE hive.compaction.%s (id bigint, name varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])", table));
        assertUpdate(format("INSERT INTO hive.compaction.%s %s", table, rows), rowCount);
        return Path.of(URI.create((String) computeActual(format("SELECT DISTINCT \"$path\" FROM hive.compaction.%s", table)).getOnlyValue()));
    }

    /**
     * Runs {@code call} on a one-partition table ({@code day=a}), and while the operation waits between rewrite and
     * verification, swaps its rewritten copy for {@code forgery}.
     */
    private void compactWithForgedCopy(String table, String call, Path forgery)
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
    private long verificationQueries(String table)
    {
        return (long) computeActual(format("SELECT count(*) FROM system.runtime.queries WHERE source = 'dredge' AND query LIKE '%% UNION ALL %%' AND query LIKE '%%%s__dredge_%%'", table)).getOnlyValue();
    }

    @Test
    public void testRewriteRunsOnTheWorker()
    {
        createTable("distributed", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        assertUpdate(compact("distributed"));
        // the rewrite is an INSERT that Dredge sent to this cluster, as the calling user, with tasks on the worker
        MaterializedRow insert = computeActual("""
                SELECT query_id, "user" FROM system.runtime.queries
                WHERE source = 'dredge' AND query LIKE 'INSERT INTO "hive"."compaction"."distributed__dredge_%'
                """).getMaterializedRows().get(0);
        assertThat(insert.getField(1)).isEqualTo(getSession().getUser());
        assertThat(computeActual(format("""
                SELECT count(*) FROM system.runtime.tasks t JOIN system.runtime.nodes n ON t.node_id = n.node_id
                WHERE t.query_id = '%s' AND NOT n.coordinator
                """, insert.getField(0))).getOnlyValue()).isNotEqualTo(0L);
    }

    @Test
    public void testUserWhoMayNotWriteCannotCompactRollBackOrClean()
    {
        createTable("acl", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        TableState before = state("acl");
        Session reader = Session.builder(getSession()).setIdentity(Identity.ofUser("reader")).build();

        assertQueryFails(reader, compact("acl"), ".*user reader may not write compaction.acl.*Access Denied.*");
        assertThat(state("acl")).isEqualTo(before);

        assertUpdate(compact("acl"));
        TableState compacted = state("acl");
        assertQueryFails(reader, "CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'acl')", ".*user reader may not write compaction.acl.*");
        assertQueryFails(reader, "CALL dredge.system.cleanup(schema_name => 'compaction', table_name => 'acl', older_than => '0s')", ".*user reader may not write compaction.acl.*");
        assertQueryFails(reader, "CALL dredge.system.recover(schema_name => 'compaction', table_name => 'acl')", ".*user reader may not write compaction.acl.*");
        assertThat(state("acl")).isEqualTo(compacted);
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'acl')");
        assertThat(state("acl")).isEqualTo(before);
    }

    @Test
    public void testOnlyItsUserCleansUpACompactionWhoseTableIsGone()
    {
        // a schema of its own: a cleanup of the schema closes every compaction in it
        assertUpdate("CREATE SCHEMA hive.acl_cleanup WITH (location = '" + schemaLocation("acl_cleanup") + "')");
        assertUpdate("CREATE TABLE hive.acl_cleanup.dropped (id bigint)");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate("INSERT INTO hive.acl_cleanup.dropped VALUES " + batch, 1);
        }
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'acl_cleanup', table_name => 'dropped')");
        assertUpdate("DROP TABLE hive.acl_cleanup.dropped");
        String compaction = "SELECT state FROM dredge.system.operations WHERE schema_name = 'acl_cleanup' AND kind = 'COMPACT'";
        assertThat(computeActual(compaction).getOnlyValue()).isEqualTo("SUCCEEDED");

        // nobody is left to ask whether the reader may write the table: the reader's cleanup of the schema passes it over
        Session reader = Session.builder(getSession()).setIdentity(Identity.ofUser("reader")).build();
        assertUpdate(reader, "CALL dredge.system.cleanup(schema_name => 'acl_cleanup', older_than => '0s')");
        assertThat(computeActual(compaction).getOnlyValue()).isEqualTo("SUCCEEDED");
        assertThat((String) computeActual("SELECT error_message FROM dredge.system.operations WHERE schema_name = 'acl_cleanup' AND kind = 'CLEANUP'").getOnlyValue())
                .contains("acl_cleanup.dropped no longer exists, so only user, who compacted it, may clean it up");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'acl_cleanup', older_than => '0s')");
        assertThat(computeActual(compaction).getOnlyValue()).isEqualTo("CLEANED_UP");
    }

    @Test
    public void testUserWhoMayNotWriteCannotRecoverByOperationId()
    {
        createTable("acl_recover", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        TableState before = state("acl_recover");
        Session reader = Session.builder(getSession()).setIdentity(Identity.ofUser("reader")).build();
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, compact("acl_recover"), ".*injected fault after.*");
        String operationId = (String) computeActual("SELECT operation_id FROM dredge.system.operations WHERE table_name = 'acl_recover' AND state = 'RUNNING'").getOnlyValue();

        // the table exists: the engine decides, as for the user's own write
        assertQueryFails(reader, "CALL dredge.system.recover(schema_name => 'compaction', operation_id => '%s')".formatted(operationId), ".*user reader may not write compaction.acl_recover.*");
        assertThat(operationState("acl_recover", "COMPACT")).isEqualTo("RUNNING");
        // the table is gone: only the user who started the operation may close it
        assertUpdate("DROP TABLE hive.compaction.acl_recover");
        assertQueryFails(reader, "CALL dredge.system.recover(schema_name => 'compaction', operation_id => '%s')".formatted(operationId), ".*no longer exists: only user, who started it, may recover it.*");
        assertThat(operationState("acl_recover", "COMPACT")).isEqualTo("RUNNING");
        assertUpdate("CALL dredge.system.recover(schema_name => 'compaction', operation_id => '%s')".formatted(operationId));
        assertThat(operationState("acl_recover", "COMPACT")).isEqualTo("RECOVERED");
        assertThat(computeActual("SHOW TABLES FROM hive.compaction LIKE 'acl_recover%'").getRowCount()).isEqualTo(0);
        assertThat(before.rows().get(0)).isEqualTo(600L);
    }

    @Test
    public void testRunningOperationHoldsTableAndShowsProgress()
            throws Exception
    {
        createTable("held", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        TableState before = state("held");
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", "VERIFIED:4").build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> compaction = executor.submit(() -> getQueryRunner().execute(pausing, compact("held")));
            MaterializedRow running = waitForRunningOperation("held", "COMPACT", "verified");
            assertThat(running.getField(1)).asString().startsWith("verified 2 partitions");
            String holder = (String) running.getField(0);
            assertQueryFails(compact("held"), ".*table compaction.held is held by running operation " + holder + ".*");
            assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction', table_name => 'held')", ".*held by running operation " + holder + ", which is not interrupted.*");
            compaction.get();
            assertThat(operationState("held", "COMPACT")).isEqualTo("SUCCEEDED");
            assertThat(state("held").rows()).isEqualTo(before.rows());
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    public void testKilledCallWhilePausedUndoesTheCompaction()
            throws Exception
    {
        createTable("killed_paused", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        TableState before = state("killed_paused");
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", "PLANNED:3").build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> compaction = executor.submit(() -> getQueryRunner().execute(pausing, compact("killed_paused")));
            waitForRunningOperation("killed_paused", "COMPACT", "planned");
            killRunningQuery(compact("killed_paused"), "killed by the test");
            assertThatThrownBy(compaction::get).hasMessageContaining("killed by the test");
        }
        finally {
            executor.shutdownNow();
        }
        assertCancelledAndUndone("killed_paused", before);
    }

    @Test
    public void testKilledCallCancelsItsRewrite()
            throws Exception
    {
        // big enough that the rewrite runs for seconds: the CALL is killed while it does
        assertUpdate("CREATE TABLE hive.compaction.killed_rewrite (id bigint, name varchar, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 2; batch++) {
            assertUpdate(format("INSERT INTO hive.compaction.killed_rewrite SELECT a * 1000 + b, 'name-' || CAST(b AS varchar), IF(a %% 2 = 0, 'a', 'b') " +
                    "FROM UNNEST(sequence(%s, %s)) AS x(a) CROSS JOIN UNNEST(sequence(1, 1000)) AS y(b)", batch * 2000, batch * 2000 + 1999), 2_000_000);
        }
        TableState before = state("killed_rewrite");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> compaction = executor.submit(() -> getQueryRunner().execute(compact("killed_rewrite")));
            String rewrite = waitForDredgeStatement("INSERT INTO%killed_rewrite__dredge_%");
            killRunningQuery(compact("killed_rewrite"), "killed by the test");
            assertThatThrownBy(compaction::get).hasMessageContaining("killed by the test");
            // the rewrite does not run on: it is cancelled, not finished
            assertThat(settledState(format("SELECT state || ':' || coalesce(error_code, '') FROM system.runtime.queries WHERE query_id = '%s'", rewrite)))
                    .isEqualTo("FAILED:USER_CANCELED");
        }
        finally {
            executor.shutdownNow();
        }
        assertCancelledAndUndone("killed_rewrite", before);
    }

    /**
     * After its CALL was killed: no statement of the compaction runs on, the operation is failed with the reason and
     * undone, and the table can be compacted again.
     */
    private void assertCancelledAndUndone(String table, TableState before)
            throws InterruptedException
    {
        String operation = format("SELECT state || ': ' || coalesce(error_message, '') FROM dredge.system.operations WHERE table_name = '%s' AND kind = 'COMPACT'", table);
        assertThat(settledState(operation)).matches("FAILED: cancelled: .*ADMINISTRATIVELY_KILLED.*");
        assertThat(unfinishedDredgeStatements(table)).isEmpty();
        assertThat(state(table)).isEqualTo(before);
        assertThat(computeActual(format("SHOW TABLES FROM hive.compaction LIKE '%s\\_\\_%%' ESCAPE '\\'", table)).getRowCount()).isEqualTo(0);
        assertUpdate(compact(table));
        assertThat(operationState(table, "COMPACT")).isEqualTo("SUCCEEDED");
        assertThat(state(table).rows()).isEqualTo(before.rows());
    }

    @Test
    public void testCompactSchemaThenCleanupHonoursRetention()
    {
        assertUpdate("CREATE SCHEMA hive.many WITH (location = '" + schemaLocation("many") + "')");
        assertUpdate("CREATE TABLE hive.many.first (id bigint, name varchar, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("CREATE TABLE hive.many.second (id bigint, name varchar)");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.many.first SELECT id, 'n', IF(id %% 2 = 0, 'a', 'b') FROM UNNEST(sequence(%s, %s)) AS t(id)", batch * 10, batch * 10 + 9), 10);
            assertUpdate(format("INSERT INTO hive.many.second SELECT id, 'n' FROM UNNEST(sequence(%s, %s)) AS t(id)", batch * 10, batch * 10 + 9), 10);
        }
        assertUpdate("CREATE VIEW hive.many.a_view AS SELECT * FROM hive.many.first");
        Object first = computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.many.first").getMaterializedRows().get(0).getFields();
        Object second = computeActual("SELECT count(*), to_hex(checksum(ROW(id, name))) FROM hive.many.second").getMaterializedRows().get(0).getFields();

        assertUpdate("CALL dredge.system.compact_schema(schema_name => 'many')");
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.many.first").getMaterializedRows().get(0).getFields()).isEqualTo(first);
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name))) FROM hive.many.second").getMaterializedRows().get(0).getFields()).isEqualTo(second);
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.many.first").getOnlyValue()).isEqualTo(2L);
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.many.second").getOnlyValue()).isEqualTo(1L);
        assertThat(computeActual("SELECT table_name FROM dredge.system.operations WHERE schema_name = 'many' AND kind = 'COMPACT' AND state = 'SUCCEEDED'").getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("first", "second");

        // too recent for a one-day retention: nothing is cleaned, rollback still works
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'many', older_than => '1d')");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'many' AND kind = 'CLEANUP'").getOnlyValue()).isEqualTo(0L);
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'many', table_name => 'second')");
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.many.second").getOnlyValue()).isEqualTo(3L);

        assertUpdate("CALL dredge.system.cleanup(schema_name => 'many', older_than => '0s')");
        assertThat(computeActual("SELECT table_name, state FROM dredge.system.operations WHERE schema_name = 'many' AND kind = 'COMPACT'").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("first:CLEANED_UP", "second:ROLLED_BACK");
        assertThat(computeActual("SHOW TABLES FROM hive.many LIKE '%dredge%'").getRowCount()).isEqualTo(0);
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.many.first").getMaterializedRows().get(0).getFields()).isEqualTo(first);
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name))) FROM hive.many.second").getMaterializedRows().get(0).getFields()).isEqualTo(second);
    }

    @Test
    public void testUnicodePartitionRoundTrip()
            throws Exception
    {
        // Trino writes only printable ASCII partition values: place the files as Hive would and register the partition
        createTable("unicode_source", "city varchar", "ARRAY['city']", List.of("'x'"), 3);
        createTable("unicode", "city varchar", "ARRAY['city']", List.of("'Zurich'"), 3);
        Path partition = Files.createDirectories(warehouse().resolve("compaction").resolve("unicode").resolve("city=Zürich 東京"));
        try (var files = Files.list(warehouse().resolve("compaction").resolve("unicode_source").resolve("city=x"))) {
            for (Path file : files.filter(path -> !path.getFileName().toString().startsWith(".")).toList()) {
                Files.copy(file, partition.resolve(file.getFileName()));
            }
        }
        assertUpdate("CALL hive.system.register_partition('compaction', 'unicode', ARRAY['city'], ARRAY['Zürich 東京'])");
        TableState before = state("unicode");
        assertThat(before.rows().get(0)).isEqualTo(600L);
        assertThat(before.files()).hasSize(6);

        // Trino cannot write the unicode partition back: it is skipped, with the reason, and the rest is compacted
        assertUpdate(compact("unicode"));
        assertThat(state("unicode").rows()).isEqualTo(before.rows());
        assertThat(state("unicode").files()).hasSize(4);
        assertThat(computeActual("SELECT partitions_compacted, partitions_skipped FROM dredge.system.operations WHERE table_name = 'unicode'").getMaterializedRows().get(0).getFields())
                .containsExactly(1L, 1L);
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'unicode')");
        assertThat(state("unicode")).isEqualTo(before);
    }

    @Test
    public void testRecoverKeepsRowsWrittenAfterASwap()
    {
        createTable("written_after", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        TableState before = state("written_after");
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, compact("written_after"), ".*injected fault after.*");
        // the first partition now reads the compacted copy: this insert lands there
        assertUpdate("INSERT INTO hive.compaction.written_after VALUES (-1, 'after', 'a'), (-2, 'after', 'b')", 2);

        assertUpdate("CALL dredge.system.recover(schema_name => 'compaction', table_name => 'written_after')");
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.compaction.written_after WHERE id >= 0").getMaterializedRows().get(0).getFields())
                .isEqualTo(before.rows());
        assertThat(computeActual("SELECT id FROM hive.compaction.written_after WHERE id < 0").getOnlyColumnAsSet()).containsExactlyInAnyOrder(-1L, -2L);
        assertThat(operationState("written_after", "COMPACT")).isEqualTo("RECOVERED");
    }

    @Test
    public void testEveryWriteToACompactedPartitionWorksInTheRollbackWindowAndAfterCleanup()
            throws IOException
    {
        // one partition level, and two, where the usual directory of a partition is nested two deep
        createTable("overwritten", "day varchar", "ARRAY['day']", List.of("'a'", "'b'", "'c'", "'d'"), 3);
        createTable("overwritten_2l", "day varchar, ref integer", "ARRAY['day', 'ref']", List.of("'a', 1", "'b', 1", "'c', 2", "'d', 2"), 3);
        for (String table : List.of("overwritten", "overwritten_2l")) {
            String extra = table.equals("overwritten") ? "" : ", 1";
            String extraD = table.equals("overwritten") ? "" : ", 2";
            Session overwrite = Session.builder(getSession()).setCatalogSessionProperty("hive", "insert_existing_partitions_behavior", "OVERWRITE").build();
            assertUpdate(compact(table));
            TableState compacted = state(table);

            // in the rollback window: overwrite one partition, drop another by deleting its rows and insert it again, append to a third
            assertUpdate(overwrite, format("INSERT INTO hive.compaction.%s VALUES (-1, 'overwritten', 'a'%s)", table, extra), 1);
            assertUpdate(format("DELETE FROM hive.compaction.%s WHERE day = 'b'", table));
            assertUpdate(format("INSERT INTO hive.compaction.%s VALUES (-2, 'again', 'b'%s)", table, extra), 1);
            assertUpdate(format("INSERT INTO hive.compaction.%s VALUES (-3, 'appended', 'c'%s)", table, table.equals("overwritten") ? "" : ", 2"), 1);
            assertThat(computeActual(format("SELECT day, count(*), min(id) FROM hive.compaction.%s GROUP BY day", table)).getMaterializedRows())
                    .extracting(row -> row.getField(0) + ":" + row.getField(1) + ":" + row.getField(2))
                    .containsExactlyInAnyOrder("a:1:-1", "b:1:-2", "c:301:-3", "d:300:0");
            Object expected = computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.compaction.%s", table)).getMaterializedRows().get(0).getFields();

            // a rollback would bring back rows that were overwritten or deleted: it refuses and changes nothing
            assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => '%s')".formatted(table), ".*no longer reads compaction .*nothing was changed.*");
            assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => '%s', older_than => '0s')".formatted(table));
            assertThat(computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.compaction.%s", table)).getMaterializedRows().get(0).getFields())
                    .isEqualTo(expected);
            // nothing is left of the moved original files, not even their directories
            try (Stream<Path> dredge = Files.list(tableDirectory(table).resolve(".dredge"))) {
                assertThat(dredge.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith("-originals"));
            }

            // after cleanup, the same writes to the partition that was compacted and never written since
            assertUpdate(overwrite, format("INSERT INTO hive.compaction.%s VALUES (-4, 'overwritten', 'd'%s)", table, extraD), 1);
            assertUpdate(format("DELETE FROM hive.compaction.%s WHERE day = 'd'", table));
            assertUpdate(format("INSERT INTO hive.compaction.%s VALUES (-5, 'again', 'd'%s)", table, extraD), 1);
            assertThat(computeActual(format("SELECT id FROM hive.compaction.%s WHERE day = 'd'", table)).getOnlyColumnAsSet()).containsExactly(-5L);
            assertThat(compacted.rows().get(0)).isEqualTo(1200L);
        }
    }

    @Test
    public void testTableDroppedWhileCompactedLeavesNothingOfDredge()
            throws Exception
    {
        createTable("dropped_mid", "day varchar", "ARRAY['day']", List.of("'a'", "'b'", "'c'"), 3);
        // an external table keeps its files when dropped: they must be back where it had them
        createTable("dropped_ext", "day varchar", "ARRAY['day']", List.of("'a'", "'b'", "'c'"), 3);
        HiveMetastore hiveMetastore = hiveMetastore();
        Table managed = hiveMetastore.getTable("compaction", "dropped_ext").orElseThrow();
        hiveMetastore.replaceTable("compaction", "dropped_ext", Table.builder(managed).setTableType("EXTERNAL_TABLE").setParameter("EXTERNAL", "TRUE").build(),
                buildInitialPrivilegeSet(managed.getOwner().orElseThrow()), Map.of());
        for (String table : List.of("dropped_mid", "dropped_ext")) {
            Set<String> files = state(table).files();
            runWhilePaused(table, "PARTITION_SWAPPED:15", "swapped", "DROP TABLE hive.compaction." + table, ".*was dropped or renamed while compaction .* ran.*");

            assertThat(operationState(table, "COMPACT")).isEqualTo("FAILED");
            assertThat(computeActual("SHOW TABLES FROM hive.compaction LIKE '%s%%'".formatted(table)).getRowCount()).isEqualTo(0);
            assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE table_name = '%s'".formatted(table)).getOnlyValue())
                    .contains("the table was dropped while the operation ran");
            Path directory = tableDirectory(table);
            if (table.equals("dropped_ext")) {
                assertThat(files).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
                assertThat(LocalDataFiles.list(directory)).hasSize(files.size());
            }
            assertThat(directory.resolve(".dredge")).satisfiesAnyOf(
                    dredge -> assertThat(dredge).doesNotExist(),
                    dredge -> assertThat(LocalDataFiles.list(dredge)).isEmpty());
        }
    }

    @Test
    public void testTableRenamedWhileCompactedIsUndoneUnderItsNewName()
            throws Exception
    {
        createTable("renamed_mid", "day varchar", "ARRAY['day']", List.of("'a'", "'b'", "'c'"), 3);
        TableState before = state("renamed_mid");
        runWhilePaused("renamed_mid", "PARTITION_SWAPPED:15", "swapped", "ALTER TABLE hive.compaction.renamed_mid RENAME TO renamed_mid_new", ".*was dropped or renamed while compaction .* ran.*");

        TableState after = state("renamed_mid_new");
        assertThat(after.rows()).isEqualTo(before.rows());
        assertThat(after.files()).hasSameSizeAs(before.files()).allSatisfy(file -> assertThat(file).doesNotContain("/.dredge/"));
        assertThat(operationState("renamed_mid_new", "COMPACT")).isEqualTo("FAILED");
        assertThat(computeActual("SHOW TABLES FROM hive.compaction LIKE 'renamed_mid%'").getOnlyColumnAsSet()).containsExactly("renamed_mid_new");
        // no lock is left behind: the table compacts under its new name
        assertUpdate(compact("renamed_mid_new"));
        assertThat(state("renamed_mid_new").rows()).isEqualTo(before.rows());
        assertThat(operationState("renamed_mid_new", "COMPACT")).isEqualTo("SUCCEEDED");
    }

    /**
     * Compacts {@code table} with a pause after {@code pauseAfter}, runs {@code statement} during the pause, and
     * expects the compaction to fail with {@code failure}.
     */
    private void runWhilePaused(String table, String pauseAfter, String stepPrefix, String statement, String failure)
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

    @Test
    public void testRecoverByOperationIdAfterACrashAndARename()
    {
        createTable("crashed_renamed", "day varchar", "ARRAY['day']", List.of("'a'", "'b'", "'c'"), 3);
        TableState before = state("crashed_renamed");
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, compact("crashed_renamed"), ".*injected fault after.*");
        String operationId = (String) computeActual("SELECT operation_id FROM dredge.system.operations WHERE table_name = 'crashed_renamed' AND state = 'RUNNING'").getOnlyValue();
        // one partition reads the compaction's copy when the table is renamed
        assertUpdate("ALTER TABLE hive.compaction.crashed_renamed RENAME TO crashed_renamed_new");
        assertThat(state("crashed_renamed_new").rows()).isEqualTo(before.rows());

        assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction', table_name => 'crashed_renamed')",
                ".*table compaction.crashed_renamed does not exist, and operations \\[" + operationId + "\\] on it are unfinished.*operation_id => '" + operationId + "'.*");
        assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction', operation_id => 'nope')", ".*schema compaction has no operation nope.*");
        assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction', table_name => 'x', operation_id => 'nope')", ".*give table_name or operation_id, not both.*");
        assertUpdate("CALL dredge.system.recover(schema_name => 'compaction', operation_id => '%s')".formatted(operationId));

        TableState after = state("crashed_renamed_new");
        assertThat(after.rows()).isEqualTo(before.rows());
        assertThat(after.files()).hasSameSizeAs(before.files()).allSatisfy(file -> assertThat(file).doesNotContain("/.dredge/"));
        assertThat((String) computeActual("SELECT state FROM dredge.system.operations WHERE operation_id = '%s'".formatted(operationId)).getOnlyValue()).isEqualTo("RECOVERED");
        assertThat(computeActual("SHOW TABLES FROM hive.compaction LIKE 'crashed_renamed%'").getOnlyColumnAsSet()).containsExactly("crashed_renamed_new");
        assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction', operation_id => '%s')".formatted(operationId), ".*is not unfinished \\(it is RECOVERED\\).*");
        assertUpdate(compact("crashed_renamed_new"));
        assertThat(state("crashed_renamed_new").rows()).isEqualTo(before.rows());
    }

    @Test
    public void testCleanupAfterARenameOrARecreationKeepsEveryRowTheTablesRead()
    {
        // renamed after compaction: the renamed table reads the copies, which cleanup of the old name must not touch
        createTable("renamed_after", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        TableState before = state("renamed_after");
        assertUpdate(compact("renamed_after"));
        assertUpdate("ALTER TABLE hive.compaction.renamed_after RENAME TO renamed_after_new");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', older_than => '0s')");
        assertThat(state("renamed_after_new").rows()).isEqualTo(before.rows());
        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'renamed_after_new')", ".*has no compaction to roll back.*");

        // dropped and created again under the same name after compaction: the new table is not the compacted one
        createTable("recreated", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        assertUpdate(compact("recreated"));
        assertUpdate("DROP TABLE hive.compaction.recreated");
        createTable("recreated", "day varchar", "ARRAY['day']", List.of("'a'", "'c'"), 2);
        TableState recreated = state("recreated");
        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'recreated')", ".*no longer reads compaction .*nothing was changed.*");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => 'recreated', older_than => '0s')");
        assertThat(state("recreated")).isEqualTo(recreated);
    }

    @Test
    public void testTablesSharingADirectoryKeepTheirRows()
            throws Exception
    {
        // two external tables over one directory: compacting and cleaning one must not take the other's files
        Path shared = Files.createTempDirectory(warehouse(), "shared");
        copyDataFilesOf("shared_source", shared, 4);
        assertUpdate("CREATE TABLE hive.compaction.shared_a (id bigint, name varchar) WITH (format = 'PARQUET', external_location = 'file:%s')".formatted(shared));
        assertUpdate("CREATE TABLE hive.compaction.shared_b (id bigint, name varchar) WITH (format = 'PARQUET', external_location = 'file:%s')".formatted(shared));
        TableState a = state("shared_a");
        TableState b = state("shared_b");
        assertUpdate(compact("shared_a"));
        assertThat(computeActual("SELECT partitions_compacted, partitions_skipped, step FROM dredge.system.operations WHERE table_name = 'shared_a'").getMaterializedRows().getFirst().getFields())
                .satisfies(fields -> assertThat(fields.subList(0, 2)).isEqualTo(List.of(0L, 1L)))
                .satisfies(fields -> assertThat((String) fields.get(2)).contains("also read by compaction.shared_b"));
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => 'shared_a', older_than => '0s')");
        assertThat(state("shared_a")).isEqualTo(a);
        assertThat(state("shared_b")).isEqualTo(b);

        // a partition registered at another table's directory: neither table's compaction touches that directory
        assertUpdate("CREATE TABLE hive.compaction.lender (id bigint, name varchar) WITH (format = 'PARQUET')");
        insertBatches("lender", "", 3);
        createTable("borrower", "day varchar", "ARRAY['day']", List.of("'a'"), 3);
        assertUpdate("CALL hive.system.register_partition('compaction', 'borrower', ARRAY['day'], ARRAY['b'], 'file:%s')".formatted(tableDirectory("lender")));
        TableState lender = state("lender");
        TableState borrower = state("borrower");
        assertUpdate(compact("borrower"));
        assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE table_name = 'borrower' AND kind = 'COMPACT'").getOnlyValue())
                .contains("compacted 1 of 2 partitions")
                .contains("skipped day=b (its directory %s is also read by compaction.lender".formatted("file:" + tableDirectory("lender")));
        assertUpdate(compact("lender"));
        assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE table_name = 'lender' AND kind = 'COMPACT'").getOnlyValue())
                .contains("also read by compaction.borrower partition day=b");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', older_than => '0s')");
        assertThat(state("lender")).isEqualTo(lender);
        assertThat(state("borrower").rows()).isEqualTo(borrower.rows());
    }

    @Test
    public void testCleanupRefusesOriginalsThatAnotherTableReadsSinceTheCompaction()
            throws Exception
    {
        // day=x lives outside the table directory, so its originals stay where they are until cleanup
        createTable("lent_out", "day varchar", "ARRAY['day']", List.of("'seed'"), 1);
        Path outside = Files.createTempDirectory(warehouse(), "lent");
        registerPartitionWithFilesOf("lent_out", "x", outside.resolve("x"), 3);
        TableState before = state("lent_out");
        assertUpdate(compact("lent_out"));
        // an external table created over the old directory afterwards reads the original files
        assertUpdate("CREATE TABLE hive.compaction.late_reader (id bigint, name varchar) WITH (format = 'PARQUET', external_location = 'file:%s')".formatted(outside.resolve("x")));
        TableState reader = state("late_reader");
        assertThat(reader.rows().getFirst()).isEqualTo(300L);

        assertQueryFails("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => 'lent_out', older_than => '0s')",
                ".*the original files of day=x at .* are also read by compaction.late_reader; nothing was changed.*");
        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'lent_out')",
                ".*cannot roll back compaction .* also read by compaction.late_reader; nothing was changed.*");
        // cleaning the whole schema passes over it and says why
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', older_than => '0s')");
        assertThat(state("late_reader")).isEqualTo(reader);
        assertThat(state("lent_out").rows()).isEqualTo(before.rows());

        // once that table is gone (external: its files stay), cleanup goes ahead
        assertUpdate("DROP TABLE hive.compaction.late_reader");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => 'lent_out', older_than => '0s')");
        assertThat(state("lent_out").rows()).isEqualTo(before.rows());
        assertThat(outside.resolve("x")).doesNotExist();
    }

    @Test
    public void testANameReusedAfterARenameStartsEmpty()
    {
        // a schema at the metastore's default location (<warehouse>/reuse.db): there the metastore moves a managed
        // table's directory when it is renamed, as it does in a lake whose schemas Hive created
        assertUpdate("CREATE SCHEMA hive.reuse");
        assertThat(hiveMetastore().getDatabase("reuse").orElseThrow().getLocation().orElseThrow()).endsWith("/reuse.db");
        // a table Dredge never touched: renamed, its name is free again
        assertUpdate("CREATE TABLE hive.reuse.plain (id bigint) WITH (format = 'PARQUET')");
        assertUpdate("INSERT INTO hive.reuse.plain VALUES 1", 1);
        assertUpdate("ALTER TABLE hive.reuse.plain RENAME TO plain_old");
        assertUpdate("CREATE TABLE hive.reuse.plain (id bigint) WITH (format = 'PARQUET')");
        assertThat(computeActual("SELECT count(*) FROM hive.reuse.plain").getOnlyValue()).isEqualTo(0L);

        // unpartitioned: the compacted table does not sit at its default location, so the rename leaves it in place
        assertNameReusedAfterRename("flat", "");
        // partitioned: the rename moves the table's directory, copies included
        assertNameReusedAfterRename("parted", ", partitioned_by = ARRAY['day']");
    }

    private void assertNameReusedAfterRename(String table, String partitioning)
    {
        String name = "hive.reuse." + table;
        String create = "CREATE TABLE %s (id bigint, name varchar, day varchar) WITH (format = 'PARQUET'%s)".formatted(name, partitioning);
        assertUpdate(create);
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate("INSERT INTO %s VALUES (%s, 'a%s', 'a'), (%s, 'b%s', 'b')".formatted(name, batch * 2, batch, batch * 2 + 1, batch), 2);
        }
        List<MaterializedRow> before = computeActual("SELECT * FROM " + name).getMaterializedRows();
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'reuse', table_name => '%s')".formatted(table));
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM " + name).getOnlyValue()).isEqualTo(partitioning.isEmpty() ? 1L : 2L);
        assertUpdate("ALTER TABLE %s RENAME TO %s_old".formatted(name, table));
        // refused before ("Target directory ... already exists"), and in Hive the new table read the originals
        assertUpdate(create);
        assertThat(computeActual("SELECT count(*) FROM " + name).getOnlyValue()).isEqualTo(0L);
        assertThat(computeActual("SELECT * FROM %s_old".formatted(name)).getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before);

        assertUpdate("INSERT INTO %s SELECT * FROM %s_old WHERE id < 2".formatted(name, name), 2);
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'reuse', table_name => '%s', older_than => '0s')".formatted(table));
        assertThat(computeActual("SELECT id FROM %s ORDER BY id".formatted(name)).getOnlyColumn().toList()).containsExactly(0L, 1L);
        assertThat(computeActual("SELECT * FROM %s_old".formatted(name)).getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before);
        // dropping the new managed table deletes its directory: nothing the renamed one reads is in it
        assertUpdate("DROP TABLE " + name);
        assertThat(computeActual("SELECT * FROM %s_old".formatted(name)).getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before);
        assertUpdate(create);
        assertThat(computeActual("SELECT count(*) FROM " + name).getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testNestedPartitionKeepsItsFilesWhenTheOuterOneIsCompactedAndCleaned()
            throws Exception
    {
        // inside the table directory: day=b is registered inside day=a's directory and holds one file (nothing to compact)
        createTable("nested", "day varchar", "ARRAY['day']", List.of("'a'"), 3);
        Path outer = tableDirectory("nested").resolve("day=a");
        registerPartitionWithFilesOf("nested", "b", outer.resolve("inner"), 1);
        assertNestedPartitionSurvives("nested", "", 3);

        // outside the table directory, and chosen by a filter: d1 and d1/d2 both elsewhere, only the outer one compacted
        createTable("nested_outside", "day varchar", "ARRAY['day']", List.of("'seed'"), 1);
        Path elsewhere = Files.createTempDirectory(warehouse(), "elsewhere");
        registerPartitionWithFilesOf("nested_outside", "a", elsewhere.resolve("d1"), 3);
        registerPartitionWithFilesOf("nested_outside", "b", elsewhere.resolve("d1").resolve("d2"), 3);
        assertNestedPartitionSurvives("nested_outside", "partition_filter => 'day = ''a''', ", 3);
    }

    private void assertNestedPartitionSurvives(String table, String arguments, int outerFiles)
    {
        String innerRows = "SELECT count(*), to_hex(checksum(ROW(id, name))) FROM hive.compaction.%s WHERE day = 'b'".formatted(table);
        Object inner = computeActual(innerRows).getMaterializedRows().get(0).getFields();
        TableState before = state(table);
        // the report counts each file once, for the partition that reads it
        assertThat(computeActual("SELECT file_count FROM dredge.system.small_file_report WHERE schema_name = 'compaction' AND table_name = '%s' AND partition_name = 'day=a'".formatted(table)).getOnlyValue())
                .isEqualTo((long) outerFiles);
        assertThat(computeActual("SELECT file_count FROM dredge.system.small_file_report WHERE schema_name = 'compaction' AND table_name = '%s' AND partition_name IS NULL".formatted(table)).getOnlyValue())
                .isEqualTo((long) before.files().size());

        assertUpdate("CALL dredge.system.compact_table(schema_name => 'compaction', table_name => '%s', %sverify => 'count')".formatted(table, arguments));
        assertThat(computeActual("SELECT files_before FROM dredge.system.operations WHERE table_name = '%s' AND kind = 'COMPACT'".formatted(table)).getOnlyValue())
                .isEqualTo((long) outerFiles);
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => '%s', older_than => '0s')".formatted(table));
        assertThat(state(table).rows()).as("rows of %s after compaction and cleanup", table).isEqualTo(before.rows());
        assertThat(computeActual(innerRows).getMaterializedRows().get(0).getFields()).isEqualTo(inner);
    }

    @Test
    public void testPartitionWithFilesInSubdirectoriesIsLeftAlone()
            throws Exception
    {
        // as Hive on Tez writes a UNION ALL insert: the partition's files in HIVE_UNION_SUBDIR_n, which Trino does not read
        createTable("union_subdir", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        Path subdirectory = Files.createDirectories(tableDirectory("union_subdir").resolve("day=a").resolve("HIVE_UNION_SUBDIR_1"));
        Path hiddenFromTrino = copyDataFile(tableDirectory("union_subdir").resolve("day=b"), subdirectory);
        TableState before = state("union_subdir");

        assertUpdate(compact("union_subdir"));
        assertThat(computeActual("SELECT partitions_compacted, partitions_skipped, step FROM dredge.system.operations WHERE table_name = 'union_subdir'").getMaterializedRows().get(0).getFields())
                .satisfies(fields -> assertThat(fields.subList(0, 2)).isEqualTo(List.of(1L, 1L)))
                .satisfies(fields -> assertThat((String) fields.get(2)).contains("skipped day=a (1 data files in subdirectories"));
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => 'union_subdir', older_than => '0s')");
        assertThat(state("union_subdir").rows()).isEqualTo(before.rows());
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.compaction.union_subdir WHERE day = 'a'").getOnlyValue()).isEqualTo(3L);
        assertThat(hiddenFromTrino).exists();

        // an unpartitioned table with a subdirectory is left alone as a whole
        assertUpdate("CREATE TABLE hive.compaction.flat_subdir (id bigint, name varchar)");
        insertBatches("flat_subdir", "", 3);
        Path flatSubdirectory = Files.createDirectories(tableDirectory("flat_subdir").resolve("HIVE_UNION_SUBDIR_2"));
        Path flatHidden = copyDataFile(tableDirectory("flat_subdir"), flatSubdirectory);
        TableState flat = state("flat_subdir");
        assertUpdate(compact("flat_subdir"));
        assertThat(computeActual("SELECT partitions_compacted, partitions_skipped FROM dredge.system.operations WHERE table_name = 'flat_subdir'").getMaterializedRows().get(0).getFields())
                .containsExactly(0L, 1L);
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => 'flat_subdir', older_than => '0s')");
        assertThat(state("flat_subdir")).isEqualTo(flat);
        assertThat(flatHidden).exists();
    }

    @Test
    public void testPartitionStoredDifferentlyFromTheTableIsLeftAloneAndReported()
    {
        // a Parquet table with one partition whose storage descriptor says ORC, as after ALTER TABLE ... SET FILEFORMAT
        createTable("mixed", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        createTable("mixed_orc_source", "day varchar", "ARRAY['day']", List.of("'o'"), 3, "ORC");
        HiveMetastore hiveMetastore = hiveMetastore();
        Table mixed = hiveMetastore.getTable("compaction", "mixed").orElseThrow();
        Partition orcPartition = hiveMetastore.getPartition(hiveMetastore.getTable("compaction", "mixed_orc_source").orElseThrow(), List.of("o")).orElseThrow();
        assertThat(mixed.getStorage().getStorageFormat()).isNotEqualTo(orcPartition.getStorage().getStorageFormat());
        hiveMetastore.addPartitions("compaction", "mixed", List.of(new PartitionWithStatistics(
                Partition.builder(orcPartition).setTableName("mixed").build(), "day=o", PartitionStatistics.empty())));
        // and an ORC table with a partition written before a column was added
        createTable("evolved", "day varchar", "ARRAY['day']", List.of("'old'"), 3, "ORC");
        assertUpdate("ALTER TABLE hive.compaction.evolved ADD COLUMN extra varchar");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.compaction.evolved SELECT id, 'name-' || CAST(id AS varchar), 'x', 'new' FROM UNNEST(sequence(%s, %s)) AS t(id)", batch * 100, batch * 100 + 99), 100);
        }

        for (String table : List.of("mixed", "evolved")) {
            TableState before = state(table);
            assertUpdate(compact(table));
            assertThat(computeActual("SELECT partitions_compacted, partitions_skipped, step FROM dredge.system.operations WHERE table_name = '%s'".formatted(table)).getMaterializedRows().get(0).getFields())
                    .satisfies(fields -> assertThat(fields.subList(0, 2)).isEqualTo(List.of(table.equals("mixed") ? 2L : 1L, 1L)))
                    .satisfies(fields -> assertThat((String) fields.get(2)).contains("stored differently from the table"));
            assertThat(state(table).rows()).as("rows of %s", table).isEqualTo(before.rows());
            assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => '%s', older_than => '0s')".formatted(table));
            assertThat(state(table).rows()).as("rows of %s after cleanup", table).isEqualTo(before.rows());
        }
        assertThat(computeActual("SELECT partition_name, file_format FROM dredge.system.small_file_report WHERE table_name = 'mixed'").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("null:PARQUET", "day=a:PARQUET", "day=b:PARQUET", "day=o:ORC");
    }

    private Path tableDirectory(String table)
    {
        return tableDirectory("compaction", table);
    }

    /**
     * Registers partition {@code day=<value>} of {@code table} at {@code location}, with {@code files} data files
     * written by Trino into a scratch table and copied there.
     */
    /**
     * Copies the data files of a new unpartitioned scratch table with {@code files} data files into {@code directory}.
     */
    private void copyDataFilesOf(String scratch, Path directory, int files)
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.compaction.%s (id bigint, name varchar) WITH (format = 'PARQUET')".formatted(scratch));
        insertBatches(scratch, "", files);
        for (Path file : LocalDataFiles.list(tableDirectory(scratch))) {
            Files.copy(file, directory.resolve(file.getFileName()));
        }
    }

    private void registerPartitionWithFilesOf(String table, String value, Path location, int files)
            throws Exception
    {
        String scratch = table + "_scratch_" + value;
        createTable(scratch, "day varchar", "ARRAY['day']", List.of("'" + value + "'"), files);
        Files.createDirectories(location);
        for (Path file : LocalDataFiles.list(tableDirectory(scratch).resolve("day=" + value))) {
            Files.copy(file, location.resolve(file.getFileName()));
        }
        assertUpdate("CALL hive.system.register_partition('compaction', '%s', ARRAY['day'], ARRAY['%s'], '%s')".formatted(table, value, location.toUri()));
    }

    /**
     * The first line of a text file the engine wrote, compressed (as Trino writes them by default) or not.
     */
    private static String firstLine(String file)
            throws IOException
    {
        InputStream input = Files.newInputStream(Path.of(URI.create(file)));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.endsWith(".gz") ? new GZIPInputStream(input) : input, UTF_8))) {
            return reader.readLine();
        }
    }

    private static Path copyDataFile(Path fromDirectory, Path toDirectory)
            throws Exception
    {
        Path file = LocalDataFiles.list(fromDirectory).get(0);
        return Files.copy(file, toDirectory.resolve("000000_0_copy"));
    }

    private static String compact(String table)
    {
        return "CALL dredge.system.compact_table(schema_name => 'compaction', table_name => '" + table + "')";
    }

    private static String compact(String table, String arguments)
    {
        return "CALL dredge.system.compact_table(schema_name => 'compaction', table_name => '" + table + "', " + arguments + ")";
    }

    private String operationState(String table, String kind)
    {
        return (String) computeActual(format("SELECT state FROM dredge.system.operations WHERE table_name = '%s' AND kind = '%s' ORDER BY operation_id DESC LIMIT 1", table, kind)).getOnlyValue();
    }

    private void createTable(String table, String partitionColumn, String partitionedBy, List<String> partitionValues, int filesPerPartition)
    {
        createTable(table, partitionColumn, partitionedBy, partitionValues, filesPerPartition, "PARQUET");
    }

    private void createTable(String table, String partitionColumns, String partitionedBy, List<String> partitionValues, int filesPerPartition, String format)
    {
        assertUpdate(format("CREATE TABLE hive.compaction.%s (id bigint, name varchar, %s) WITH (format = '%s', partitioned_by = %s)", table, partitionColumns, format, partitionedBy));
        for (String values : partitionValues) {
            insertBatches(table, ", " + values, filesPerPartition);
        }
    }

    private void insertBatches(String table, String extraColumns, int batches)
    {
        for (int batch = 0; batch < batches; batch++) {
            assertUpdate(format("INSERT INTO hive.compaction.%s SELECT id, 'name-' || CAST(id AS varchar)%s FROM UNNEST(sequence(%s, %s)) AS t(id)", table, extraColumns, batch * 100, batch * 100 + 99), 100);
        }
    }

    private TableState state(String table)
    {
        List<String> columns = computeActual("SHOW COLUMNS FROM hive.compaction." + table).getMaterializedRows().stream()
                .map(row -> "\"" + row.getField(0) + "\"")
                .toList();
        MaterializedRow rows = computeActual(format("SELECT count(*), to_hex(checksum(ROW(%s))) FROM hive.compaction.%s", String.join(", ", columns), table)).getMaterializedRows().get(0);
        Set<String> files = computeActual(format("SELECT DISTINCT \"$path\" FROM hive.compaction.%s", table)).getOnlyColumnAsSet().stream()
                .map(String.class::cast)
                .collect(java.util.stream.Collectors.toSet());
        return new TableState(rows.getFields(), files);
    }

    private record TableState(List<Object> rows, Set<String> files) {}
}
