package io.dredge.it;

import io.trino.Session;
import io.trino.spi.security.Identity;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compact_table}, {@code rollback_compaction}, {@code cleanup} and {@code recover} through SQL on a real
 * Trino cluster: the protocol's round trip, verification, refusals and rights, checking the table's rows and files
 * after every call. Crashes and races are in {@link TestHiveCompactionRecovery}, odd layouts in
 * {@link TestHiveCompactionLayouts}.
 */
public class TestHiveCompaction
        extends AbstractTestHiveCompaction
{
    @Override
    protected String schema()
    {
        return "compaction";
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
        assertThat(computeActual(format("SELECT count(*) FROM dredge.system.small_file_report WHERE schema_name = 'compaction' AND table_name = '%s'", operation.getField(5))).getOnlyValue()).isEqualTo(0L);
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
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name = 'guarded' AND state = 'RUNNING'").getOnlyValue()).isEqualTo(0L);
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

        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name IN ('acid', 'regex')").getOnlyValue()).isEqualTo(0L);
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
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name IN ('footed', 'two_headers')").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testDryRunAndPartitionFilter()
    {
        createTable("filtered", "day date", "ARRAY['day']", List.of("DATE '2024-01-01'", "DATE '2024-01-02'", "DATE '2024-01-03'"), 3);
        TableState before = state("filtered");

        assertUpdate(compact("filtered", "dry_run => true"));
        assertThat(state("filtered")).isEqualTo(before);
        assertThat(computeActual("SELECT state, partitions_planned, files_before FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name = 'filtered' ORDER BY operation_id DESC LIMIT 1").getMaterializedRows().get(0).getFields())
                .containsExactly("PLANNED", 3L, 9L);

        assertUpdate(compact("filtered", "partition_filter => 'day = DATE ''2024-01-02''', verify => 'count'"));
        assertThat(state("filtered").rows()).isEqualTo(before.rows());
        assertThat(computeActual("SELECT CAST(day AS varchar), count(DISTINCT \"$path\") FROM hive.compaction.filtered GROUP BY 1").getMaterializedRows())
                .extracting(row -> row.getField(0) + "=" + row.getField(1))
                .containsExactlyInAnyOrder("2024-01-01=3", "2024-01-02=1", "2024-01-03=3");
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
            assertThat(computeActual("SELECT partitions_compacted FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name = 'concurrent'").getOnlyValue()).isIn(2L, 3L);
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
        assertThat(computeActual("SELECT state, partitions_compacted, partitions_skipped, step FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name = 'tampered'").getMaterializedRows().get(0).getFields())
                .containsExactly("SUCCEEDED", 0L, 1L, "compacted 0 of 1 partitions: 0 files -> 0 files; skipped day=a (checksum differs between original and rewritten copy)");
        // nothing was compacted: no backup table is left behind
        assertThat(computeActual("SELECT backup_table FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name = 'tampered'").getOnlyValue()).isNull();
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
        MaterializedRow operation = computeActual("SELECT state, partitions_compacted, partitions_skipped, step, backup_table FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name = 'short_copy'").getMaterializedRows().get(0);
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
            assertThat(computeActual("SELECT partitions_considered, partitions_compacted, step FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name = 'pruned' AND kind = 'COMPACT' ORDER BY operation_id DESC LIMIT 1").getMaterializedRows().get(0).getFields())
                    .containsExactly(3L, 2L, "compacted 2 of 3 partitions: 6 files -> 2 files");
            assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'pruned')");
            assertThat(computeActual(readable).getMaterializedRows().get(0).getFields()).containsExactly(600L, before.get(1), 6L);
        }
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
        String operationId = (String) computeActual("SELECT operation_id FROM dredge.system.operations WHERE schema_name = 'compaction' AND table_name = 'acl_recover' AND state = 'RUNNING'").getOnlyValue();

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
}
