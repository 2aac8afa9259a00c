package io.dredge.it;

import io.trino.Session;
import io.trino.metastore.HiveMetastore;
import io.trino.metastore.Partition;
import io.trino.metastore.PartitionStatistics;
import io.trino.metastore.PartitionWithStatistics;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * backup_table, restore_table, verify_backup, drop_backup and system.backups for Hive tables, through SQL on a real
 * Trino (coordinator and worker; the worker copies the files) over a real thrift metastore, the backup repository on
 * local disk.
 */
@TestInstance(PER_CLASS)
public class TestHiveBackup
        extends AbstractTestWithThriftMetastore
{
    @BeforeAll
    public void createSchemas()
    {
        createSchema("bk");
        createSchema("restored");
    }

    @Test
    public void testRoundTripWithTwoPartitionLevelsAndSpecialValuesAfterTheSourceIsGone()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.bk.events (id bigint, payload varchar, region varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['region', 'day'])");
        assertUpdate("INSERT INTO hive.bk.events VALUES (1, 'a', 'eu', '2024-01-01'), (2, 'b', 'eu', '2024-01-02')", 2);
        assertUpdate("INSERT INTO hive.bk.events VALUES (3, 'c', 'us west', 'a/b'), (4, 'd', 'x=y', '100%'), (5, 'e', 'it''s', NULL), (6, NULL, NULL, '2024-01-01')", 4);
        assertUpdate("INSERT INTO hive.bk.events VALUES (7, 'f', 'eu', '2024-01-01')", 1);
        MaterializedResult before = computeActual("SELECT * FROM hive.bk.events");
        String createBefore = showCreateTable("hive.bk.events");

        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'events', backup_name => 'events_1')");
        MaterializedRow backup = computeActual("SELECT state, table_type, partitions, files, rows, bytes = bytes_copied, format_version FROM dredge.system.backups WHERE backup_name = 'events_1'").getMaterializedRows().getFirst();
        assertThat(backup.getFields()).containsExactly("COMPLETE", "HIVE", 6L, 7L, 7L, true, 2);

        Path sourceDirectory = warehouse().resolve("bk").resolve("events");
        assertUpdate("DROP TABLE hive.bk.events");
        if (Files.exists(sourceDirectory)) {
            deleteRecursively(sourceDirectory);
        }
        assertThat(sourceDirectory).doesNotExist();

        assertUpdate("CALL dredge.system.restore_table(backup_name => 'events_1', schema_name => 'restored', table_name => 'events')");
        assertThat(computeActual("SELECT * FROM hive.restored.events").getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before.getMaterializedRows());
        assertThat(showCreateTable("hive.restored.events")).isEqualTo(createBefore.replace("hive.bk.events", "hive.restored.events"));
        assertThat(computeActual("SELECT count(*) FROM hive.restored.\"events$partitions\"").getOnlyValue()).isEqualTo(6L);
    }

    @Test
    public void testRepositoryAndRestoreLieOutsideEveryTable()
    {
        assertUpdate("CREATE TABLE hive.bk.holder (id bigint, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.holder VALUES (1, 'a'), (2, 'b')", 2);
        Path table = tableDirectory("bk", "holder");
        // dropping the table would take the backup with it, and its files would look like the table's orphans
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'holder', backup_name => 'inside_table', location => 'file:%s')".formatted(table),
                ".*the backup repository .* lies inside the data of bk.holder: choose a location outside.*");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'holder', backup_name => 'inside_partition', location => 'file:%s/day=a/backups')".formatted(table),
                ".*lies inside the data of bk.holder, bk.holder partition day=a: .*");
        assertThat(table.resolve("backups")).doesNotExist();
        assertThat(table.resolve("tables")).doesNotExist();
        assertThat(table.resolve("day=a").resolve("backups")).doesNotExist();

        // a restore whose data would lie inside another table's, or hold it
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'holder', backup_name => 'holder_1')");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'holder_1', schema_name => 'restored', table_name => 'holder_inside', location => 'file:%s/day=a/copy')".formatted(table),
                ".*cannot restore restored.holder_inside to .*: that location overlaps the data of bk.holder, bk.holder partition day=a; give the restore a location of its own.*");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'holder_1', schema_name => 'restored', table_name => 'holder_around', location => 'file:%s')".formatted(warehouse().resolve("bk")),
                ".*that location overlaps the data of .*");
        assertThat(computeActual("SHOW TABLES FROM hive.restored LIKE 'holder%'").getRowCount()).isZero();
        assertThat(table.resolve("day=a").resolve("copy")).doesNotExist();
        assertThat(computeActual("SELECT count(*) FROM hive.bk.holder").getOnlyValue()).isEqualTo(2L);
    }

    @Test
    public void testOddLayoutsRoundTripAfterTheSourceIsGone()
            throws IOException
    {
        // a Parquet table whose partitions are where Hive allows rather than where it puts them: one inside another
        // partition's directory, two outside the table directory (one inside the other), one stored as ORC, and one
        // with a file in a subdirectory, as Hive on Tez writes a UNION ALL (Trino does not read it; Hive may)
        assertUpdate("CREATE TABLE hive.bk.layouts (id bigint, name varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.layouts VALUES (1, 'a1', 'a'), (2, 'a2', 'a'), (3, 's1', 's')", 3);
        Path table = tableDirectory("bk", "layouts");
        Path elsewhere = Files.createTempDirectory(warehouse(), "elsewhere");
        addPartitionWithRows("layouts", "b", table.resolve("day=a").resolve("inner"), "PARQUET", "(4, 'b1'), (5, 'b2')");
        addPartitionWithRows("layouts", "c", elsewhere.resolve("c"), "PARQUET", "(6, 'c1')");
        addPartitionWithRows("layouts", "d", elsewhere.resolve("c").resolve("d"), "PARQUET", "(7, 'd1'), (8, 'd2')");
        addPartitionWithRows("layouts", "o", table.resolve("day=o"), "ORC", "(9, 'o1'), (10, NULL)");
        Path union = Files.createDirectories(table.resolve("day=s").resolve("HIVE_UNION_SUBDIR_1"));
        byte[] unionFile = Files.readAllBytes(Files.copy(LocalDataFiles.list(table.resolve("day=s")).getFirst(), union.resolve("000000_0")));
        MaterializedResult before = computeActual("SELECT * FROM hive.bk.layouts");
        assertThat(before.getRowCount()).isEqualTo(10);
        List<String> formats = partitionFormats("bk");
        assertThat(formats).containsExactlyInAnyOrder("day=a:PARQUET", "day=b:PARQUET", "day=c:PARQUET", "day=d:PARQUET", "day=o:ORC", "day=s:PARQUET");

        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'layouts', backup_name => 'layouts_1')");
        // every file once: day=a's directory holds day=b's, and c's holds d's, but each belongs to its own partition;
        // the footers count the subdirectory's row, which Trino does not read
        assertThat(computeActual("SELECT partitions, files, rows, verification FROM dredge.system.backups WHERE backup_name = 'layouts_1'").getMaterializedRows().getFirst().getFields())
                .containsExactly(6L, 7L, 11L, "files");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'layouts', backup_name => 'layouts_rows', verify => 'rows')");
        assertThat(computeActual("SELECT files, bytes_copied, rows, verification FROM dredge.system.backups WHERE backup_name = 'layouts_rows'").getMaterializedRows().getFirst().getFields())
                .containsExactly(7L, 0L, 10L, "rows");
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'layouts_1')");
        assertUpdate("DROP TABLE hive.bk.layouts");
        deleteRecursively(elsewhere);
        if (Files.exists(table)) {
            deleteRecursively(table);
        }

        assertUpdate("CALL dredge.system.restore_table(backup_name => 'layouts_1', schema_name => 'restored', table_name => 'layouts')");
        assertThat(computeActual("SELECT * FROM hive.restored.layouts").getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before.getMaterializedRows());
        assertThat(partitionFormats("restored")).containsExactlyInAnyOrderElementsOf(formats);
        // each partition in its own directory of the restored table
        Path restored = tableDirectory("restored", "layouts");
        assertThat(computeActual("SELECT DISTINCT day, \"$path\" LIKE '%/restored/layouts/day=' || day || '/%' FROM hive.restored.layouts").getMaterializedRows())
                .extracting(row -> row.getField(1))
                .containsOnly(true);
        assertThat(restored.resolve("day=s").resolve("HIVE_UNION_SUBDIR_1").resolve("000000_0")).hasBinaryContent(unionFile);
        assertThat(LocalDataFiles.list(restored)).hasSize(7);
    }

    @Test
    public void testTableOfManySmallFilesRoundTrips()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.bk.tiny (id bigint, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.tiny VALUES (1, 'a'), (2, 'a'), (3, 'b')", 3);
        Path table = tableDirectory("bk", "tiny");
        // 300 small files: copies of the two Trino wrote
        for (String day : List.of("a", "b")) {
            Path seed = LocalDataFiles.list(table.resolve("day=" + day)).getFirst();
            for (int copy = 0; copy < 150; copy++) {
                Files.copy(seed, table.resolve("day=" + day).resolve("copy-%03d".formatted(copy)));
            }
        }
        MaterializedResult before = computeActual("SELECT * FROM hive.bk.tiny");
        assertThat(before.getRowCount()).isEqualTo(453);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'tiny', backup_name => 'tiny_1')");
        assertThat(computeActual("SELECT files, rows FROM dredge.system.backups WHERE backup_name = 'tiny_1'").getMaterializedRows().getFirst().getFields())
                .containsExactly(302L, 453L);
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'tiny_1')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'tiny_1', schema_name => 'restored', table_name => 'tiny')");
        assertThat(computeActual("SELECT * FROM hive.restored.tiny").getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before.getMaterializedRows());
        assertThat(LocalDataFiles.list(tableDirectory("restored", "tiny"))).hasSize(302);
    }

    /**
     * Adds partition {@code day=<value>} of {@code bk.<table>} at {@code location}, stored in {@code format} whatever the
     * table's, holding {@code rows} ({@code (id, name)} tuples) written by Trino.
     */
    private void addPartitionWithRows(String table, String value, Path location, String format, String rows)
            throws IOException
    {
        String scratch = "scratch_%s_%s".formatted(table, value);
        assertUpdate(format("CREATE TABLE hive.bk.%s (id bigint, name varchar, day varchar) WITH (format = '%s', partitioned_by = ARRAY['day'])", scratch, format));
        computeActual(format("INSERT INTO hive.bk.%s SELECT id, name, '%s' FROM (VALUES %s) t(id, name)", scratch, value, rows));
        Files.createDirectories(location);
        for (Path file : LocalDataFiles.list(tableDirectory("bk", scratch).resolve("day=" + value))) {
            Files.copy(file, location.resolve(file.getFileName()));
        }
        HiveMetastore metastore = hiveMetastore();
        Partition partition = metastore.getPartition(metastore.getTable("bk", scratch).orElseThrow(), List.of(value)).orElseThrow();
        metastore.addPartitions("bk", table, List.of(new PartitionWithStatistics(
                Partition.builder(partition).setTableName(table).withStorage(storage -> storage.setLocation(location.toUri().toString())).build(),
                "day=" + value,
                PartitionStatistics.empty())));
        assertUpdate("DROP TABLE hive.bk." + scratch);
    }

    private List<String> partitionFormats(String schema)
    {
        return computeActual(format("SELECT partition_name, file_format FROM dredge.system.small_file_report WHERE schema_name = '%s' AND table_name = 'layouts' AND partition_name IS NOT NULL", schema))
                .getMaterializedRows().stream()
                .map(row -> row.getField(0) + ":" + row.getField(1))
                .toList();
    }

    @Test
    public void testTableDroppedOrRenamedDuringTheBackupFailsItAndLeavesNoMark()
            throws Exception
    {
        for (String change : List.of("DROP TABLE hive.bk.%s", "ALTER TABLE hive.bk.%s RENAME TO hive.bk.%<s_renamed")) {
            String table = change.startsWith("DROP") ? "dropped" : "renamed";
            assertUpdate(format("CREATE TABLE hive.bk.%s (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])", table));
            assertUpdate(format("INSERT INTO hive.bk.%s VALUES (1, 'a'), (2, 'b')", table), 2);
            Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", "WRITTEN:4").build();
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                Future<?> backup = executor.submit(() -> getQueryRunner().execute(pausing, format("CALL dredge.system.backup_table(schema_name => 'bk', table_name => '%s', backup_name => '%s_1')", table, table)));
                waitForRunningOperation(table, "BACKUP", "copied");
                assertUpdate(format(change, table));
                assertThatThrownBy(backup::get).hasMessageContaining("backup %s_1 failed: table bk.%s was dropped or renamed while it was copied".formatted(table, table));
            }
            finally {
                executor.shutdownNow();
            }
            assertThat(computeActual(format("SELECT state, files FROM dredge.system.backups WHERE backup_name = '%s_1'", table)).getMaterializedRows().getFirst().getFields())
                    .containsExactly("FAILED", 0L);
            assertThat(storedFiles("bk", table)).isEmpty();
            assertThat(computeActual(format("SELECT state FROM dredge.system.operations WHERE table_name = '%s' AND kind = 'BACKUP'", table)).getOnlyValue()).isEqualTo("FAILED");
        }
        // the renamed table keeps no mark of the backup that held it: Hive's guard would refuse its writes
        assertThat(hiveMetastore().getTable("bk", "renamed_renamed").orElseThrow().getParameters()).doesNotContainKey("dredge.operation");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'renamed_renamed', backup_name => 'renamed_2')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'renamed_2', schema_name => 'restored', table_name => 'renamed')");
        assertThat(computeActual("SELECT count(*) FROM hive.restored.renamed").getOnlyValue()).isEqualTo(2L);
    }

    @Test
    public void testBucketedSortedOrcRoundTrip()
    {
        assertUpdate("CREATE TABLE hive.bk.bucketed (id bigint, name varchar, day date) WITH (format = 'ORC', partitioned_by = ARRAY['day'], bucketed_by = ARRAY['id'], bucket_count = 4, sorted_by = ARRAY['name'])");
        assertUpdate("INSERT INTO hive.bk.bucketed VALUES (1, 'a', DATE '2024-01-01'), (2, 'b', DATE '2024-01-01'), (3, 'c', DATE '2024-01-02'), (4, 'd', DATE '2024-01-02'), (5, 'e', DATE '2024-01-02')", 5);
        MaterializedResult before = computeActual("SELECT * FROM hive.bk.bucketed");
        String createBefore = showCreateTable("hive.bk.bucketed");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'bucketed', backup_name => 'bucketed_1')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'bucketed_1', schema_name => 'restored', table_name => 'bucketed')");
        assertThat(computeActual("SELECT * FROM hive.restored.bucketed").getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before.getMaterializedRows());
        assertThat(showCreateTable("hive.restored.bucketed")).isEqualTo(createBefore.replace("hive.bk.bucketed", "hive.restored.bucketed"));
        assertThat(computeActual("SELECT count(*) FROM hive.restored.bucketed WHERE id = 3").getOnlyValue()).isEqualTo(1L);
    }

    @Test
    public void testChainOfIncrementalBackupsEachRestoresToItsOwnPoint()
    {
        assertUpdate("CREATE TABLE hive.bk.chain (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.chain VALUES (1, 'a'), (2, 'b')", 2);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'chain', backup_name => 'chain_1')");
        List<MaterializedRow> first = computeActual("SELECT * FROM hive.bk.chain").getMaterializedRows();

        assertUpdate("INSERT INTO hive.bk.chain VALUES (3, 'c')", 1);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'chain', backup_name => 'chain_2')");
        List<MaterializedRow> second = computeActual("SELECT * FROM hive.bk.chain").getMaterializedRows();

        assertUpdate("DELETE FROM hive.bk.chain WHERE day = 'a'");
        assertUpdate("INSERT INTO hive.bk.chain VALUES (4, 'b')", 1);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'chain', backup_name => 'chain_3')");
        List<MaterializedRow> third = computeActual("SELECT * FROM hive.bk.chain").getMaterializedRows();

        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'chain', backup_name => 'chain_4')");

        // the second and third copied only their new files; the fourth, of an unchanged table, copied nothing
        MaterializedResult backups = computeActual("SELECT backup_name, files, bytes_copied > 0, bytes_copied < bytes, rows FROM dredge.system.backups WHERE source_table = 'chain' ORDER BY created_at");
        assertThat(backups.getMaterializedRows()).extracting(MaterializedRow::getFields).containsExactly(
                List.of("chain_1", 2L, true, false, 2L),
                List.of("chain_2", 3L, true, true, 3L),
                List.of("chain_3", 3L, true, true, 3L),
                List.of("chain_4", 3L, false, true, 3L));
        assertThat(computeActual("SELECT bytes_copied FROM dredge.system.backups WHERE backup_name = 'chain_4'").getOnlyValue()).isEqualTo(0L);

        assertUpdate("CALL dredge.system.drop_backup(backup_name => 'chain_2')");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.backups WHERE backup_name = 'chain_2'").getOnlyValue()).isEqualTo(0L);
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'chain_1')");
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'chain_3')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'chain_1', schema_name => 'restored', table_name => 'chain_1')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'chain_3', schema_name => 'restored', table_name => 'chain_3')");
        assertThat(computeActual("SELECT * FROM hive.restored.chain_1").getMaterializedRows()).containsExactlyInAnyOrderElementsOf(first);
        assertThat(computeActual("SELECT * FROM hive.restored.chain_3").getMaterializedRows()).containsExactlyInAnyOrderElementsOf(third);
        assertThat(second).hasSize(3);
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'chain_2', schema_name => 'restored', table_name => 'chain_2')", "backup chain_2 does not exist");
    }

    @Test
    public void testUnchangedTableKeepsItsFiguresUntilItsDefinitionChanges()
    {
        assertUpdate("CREATE TABLE hive.bk.unchanged (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.unchanged VALUES (1, 'a'), (2, 'b'), (3, 'b')", 3);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'unchanged', backup_name => 'unchanged_1')");
        // same files, same definition: the rows and checksums the first backup counted, which restore compares; the
        // files are read to compare their checksums by one copy_files query, on the worker (this coordinator schedules no splits)
        // counted from a point in time: the engine forgets queries older than its expiry age, so a plain count can fall
        Object since = computeActual("SELECT to_iso8601(current_timestamp)").getOnlyValue();
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'unchanged', backup_name => 'unchanged_2')");
        assertThat(computeActual(format("SELECT count(*) FROM system.runtime.queries WHERE query LIKE 'SELECT target, size_bytes, crc32c, node, row_count FROM TABLE(%%copy_files%%' AND state = 'FINISHED' AND created >= from_iso8601_timestamp('%s')",
                since)).getOnlyValue()).isEqualTo(1L);
        // same files, one more column: the engine reads other rows from them, so they are counted again
        assertUpdate("ALTER TABLE hive.bk.unchanged ADD COLUMN note varchar");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'unchanged', backup_name => 'unchanged_3')");
        assertThat(computeActual("SELECT backup_name, bytes_copied, rows FROM dredge.system.backups WHERE source_table = 'unchanged' ORDER BY created_at").getMaterializedRows())
                .extracting(MaterializedRow::getFields)
                .containsExactly(
                        List.of("unchanged_1", computeActual("SELECT bytes FROM dredge.system.backups WHERE backup_name = 'unchanged_1'").getOnlyValue(), 3L),
                        List.of("unchanged_2", 0L, 3L),
                        List.of("unchanged_3", 0L, 3L));
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'unchanged_2', schema_name => 'restored', table_name => 'unchanged_2')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'unchanged_3', schema_name => 'restored', table_name => 'unchanged_3')");
        String figures = "SELECT count(*), to_hex(checksum(ROW(id, day))) FROM ";
        assertThat(computeActual(figures + "hive.restored.unchanged_2").getMaterializedRows()).isEqualTo(computeActual(figures + "hive.bk.unchanged").getMaterializedRows());
        assertThat(computeActual(figures + "hive.restored.unchanged_3").getMaterializedRows()).isEqualTo(computeActual(figures + "hive.bk.unchanged").getMaterializedRows());
        assertThat(computeActual("SELECT count(*) FROM hive.restored.unchanged_3 WHERE note IS NULL").getOnlyValue()).isEqualTo(3L);
    }

    @Test
    public void testOnlyPartitionsWithNewFilesAreCountedAgain()
    {
        assertUpdate("CREATE TABLE hive.bk.partly (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.partly VALUES (1, 'a'), (2, 'b'), (3, 'c')", 3);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'partly', backup_name => 'partly_1', verify => 'rows')");
        assertUpdate("INSERT INTO hive.bk.partly VALUES (4, 'b')", 1);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'partly', backup_name => 'partly_2', verify => 'rows')");
        // a partition gone, the others as the second backup saw them: nothing to count
        assertUpdate("DELETE FROM hive.bk.partly WHERE day = 'c'");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'partly', backup_name => 'partly_3', verify => 'rows')");

        // the row counts the backups asked the engine for: all of the first, day=b of the second, none for the third
        assertThat(computeActual("""
                SELECT query FROM system.runtime.queries
                WHERE source = 'dredge' AND query LIKE 'SELECT "$partition", count(*)%' AND query LIKE '%"bk"."partly"%'
                ORDER BY created""").getOnlyColumn().map(String.class::cast).toList())
                .satisfiesExactly(
                        first -> assertThat(first).doesNotContain("WHERE"),
                        second -> assertThat(second).contains("WHERE").contains("'day=b'").doesNotContain("'day=a'").doesNotContain("'day=c'"));
        assertThat(computeActual("SELECT backup_name, partitions, rows FROM dredge.system.backups WHERE source_table = 'partly' ORDER BY created_at").getMaterializedRows())
                .extracting(MaterializedRow::getFields)
                .containsExactly(List.of("partly_1", 3L, 3L), List.of("partly_2", 3L, 4L), List.of("partly_3", 2L, 3L));
        // a restore compares the rows it reads with the figures each backup recorded, counted or kept
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'partly_2', schema_name => 'restored', table_name => 'partly_2')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'partly_3', schema_name => 'restored', table_name => 'partly_3')");
        assertThat(computeActual("SELECT id FROM hive.restored.partly_2").getOnlyColumnAsSet()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        assertThat(computeActual("SELECT id FROM hive.restored.partly_3").getOnlyColumnAsSet()).containsExactlyInAnyOrder(1L, 2L, 4L);
    }

    @Test
    public void testVerifyFilesTakesRowsFromFootersAndReadsNoRowThroughTheEngine()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.bk.byfiles (id bigint, name varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.byfiles VALUES (1, 'a1', 'a'), (2, 'a2', 'a'), (3, 'b1', 'b')", 3);
        addPartitionWithRows("byfiles", "o", tableDirectory("bk", "byfiles").resolve("day=o"), "ORC", "(4, 'o1')");
        addPartitionWithRows("byfiles", "t", tableDirectory("bk", "byfiles").resolve("day=t"), "TEXTFILE", "(5, 't1'), (6, 't2')");
        MaterializedResult first = computeActual("SELECT * FROM hive.bk.byfiles");

        Object since = computeActual("SELECT to_iso8601(current_timestamp)").getOnlyValue();
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'byfiles', backup_name => 'byfiles_1')");
        assertThat(computeActual("SELECT rows, verification FROM dredge.system.backups WHERE backup_name = 'byfiles_1'").getMaterializedRows().getFirst().getFields())
                .containsExactly(6L, "files");
        // the copy, then the Parquet and the ORC footers, each read on the worker (this coordinator schedules no splits)
        assertThat(computeActual(format("SELECT count(*) FROM system.runtime.queries WHERE query LIKE '%%copy_files%%' AND source = 'dredge' AND state = 'FINISHED' AND created >= from_iso8601_timestamp('%s')", since)).getOnlyValue())
                .isEqualTo(3L);
        // Parquet's and ORC's footers give their rows; only the text partition, whose files record none, is counted
        assertThat(rowQueries("bk", "byfiles")).singleElement().satisfies(query -> assertThat(query).contains("'day=t'").doesNotContain("'day=a'").doesNotContain("'day=o'"));
        // an incremental backup takes the unchanged partitions' rows from the first, and reads the new file's footer
        assertUpdate("INSERT INTO hive.bk.byfiles VALUES (7, 'b2', 'b')", 1);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'byfiles', backup_name => 'byfiles_2')");
        assertThat(computeActual("SELECT rows FROM dredge.system.backups WHERE backup_name = 'byfiles_2'").getOnlyValue()).isEqualTo(7L);
        assertThat(rowQueries("bk", "byfiles")).hasSize(1);
        // at 'rows' the engine checksums what it has no checksum of: all but the text partition
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'byfiles', backup_name => 'byfiles_3', verify => 'rows')");
        assertThat(rowQueries("bk", "byfiles")).hasSize(2).last().satisfies(query -> assertThat(query).contains("'day=a'").contains("'day=b'").contains("'day=o'").doesNotContain("'day=t'"));
        // written in format version 1, which a Dredge from before the levels reads too
        assertThat(computeActual("SELECT rows, bytes_copied, verification, format_version FROM dredge.system.backups WHERE backup_name = 'byfiles_3'").getMaterializedRows().getFirst().getFields())
                .containsExactly(7L, 0L, "rows", 1);

        // a backup taken at 'files' restores at 'files': every file read back and compared, no row read
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'byfiles_1', schema_name => 'restored', table_name => 'byfiles_1')");
        assertThat(computeActual("SELECT * FROM hive.restored.byfiles_1").getMaterializedRows()).containsExactlyInAnyOrderElementsOf(first.getMaterializedRows());
        assertThat(rowQueries("restored", "byfiles_1")).isEmpty();
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'byfiles_2', schema_name => 'restored', table_name => 'byfiles_2', verify => 'rows')",
                "backup byfiles_2 was taken with verify => 'files': it holds no row checksums for a restore to compare; restore it with verify => 'files'.*");
        assertRestoreLeftNothing("byfiles_2");
        // one taken at 'rows' restores at 'rows', unless told otherwise
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'byfiles_3', schema_name => 'restored', table_name => 'byfiles_3')");
        assertThat(rowQueries("restored", "byfiles_3")).hasSize(1);
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'byfiles_3', schema_name => 'restored', table_name => 'byfiles_3_fast', verify => 'files')");
        assertThat(rowQueries("restored", "byfiles_3_fast")).isEmpty();
        assertThat(computeActual("SELECT count(*) FROM hive.restored.byfiles_3_fast").getOnlyValue()).isEqualTo(7L);

        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'byfiles', backup_name => 'byfiles_x', verify => 'bytes')", "verify must be 'files' or 'rows', not 'bytes'");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'byfiles_1', schema_name => 'restored', table_name => 'byfiles_x', verify => 'count')", "verify must be 'files' or 'rows', not 'count'");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'byfiles', backup_name => 'byfiles_x', verify => NULL)", "verify must not be NULL");
        assertRestoreLeftNothing("byfiles_x");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.backups WHERE backup_name = 'byfiles_x'").getOnlyValue()).isEqualTo(0L);
    }

    /**
     * The row count and checksum queries Dredge ran on the table, oldest first.
     */
    private List<String> rowQueries(String schema, String table)
    {
        return computeActual(format("""
                SELECT query FROM system.runtime.queries
                WHERE source = 'dredge' AND query LIKE 'SELECT %%count(*)%%' AND query LIKE '%%"%s"."%s"%%'
                ORDER BY created""", schema, table)).getOnlyColumn().map(String.class::cast).toList();
    }

    @Test
    public void testEachLevelFindsAFlippedByteATruncatedFileAndAChangedFooter()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.bk.harmed (id bigint, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.harmed VALUES (1, 'a'), (2, 'a')", 2);
        for (String level : List.of("files", "rows")) {
            for (String damage : List.of("flipped", "truncated", "footer")) {
                // a repository of its own, so that no backup shares the damaged file
                Path repository = Files.createTempDirectory("dredge-damage");
                String backup = "harmed_%s_%s".formatted(level, damage);
                assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'harmed', backup_name => '%s', location => 'file:%s', verify => '%s')".formatted(backup, repository, level));
                List<Path> stored;
                try (Stream<Path> files = Files.walk(repository.resolve("tables"))) {
                    stored = files.filter(Files::isRegularFile).filter(path -> !path.getFileName().toString().startsWith(".")).toList();
                }
                Path file = stored.getFirst();
                assertThat(stored).hasSize(1);
                try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
                    switch (damage) {
                        case "flipped" -> flipByte(access, access.length() / 2);
                        case "truncated" -> access.setLength(access.length() - 1);
                        // inside Parquet's footer, before its length and magic
                        default -> flipByte(access, access.length() - 12);
                    }
                }
                assertQueryFails("CALL dredge.system.verify_backup(backup_name => '%s')".formatted(backup), "backup %s is damaged: 1 of 1 files fail: .*".formatted(backup));
                assertQueryFails("CALL dredge.system.restore_table(backup_name => '%s', schema_name => 'restored', table_name => '%s', verify => '%s')".formatted(backup, backup, level),
                        "backup %s is damaged, nothing was restored: .*".formatted(backup));
                assertRestoreLeftNothing(backup);
            }
        }
    }

    private static void flipByte(RandomAccessFile access, long position)
            throws IOException
    {
        access.seek(position);
        int value = access.read();
        access.seek(position);
        access.write(value ^ 0xFF);
    }

    @Test
    public void testDamagedBackupIsFoundByVerifyAndRestoresNothing()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.bk.damaged (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.damaged VALUES (1, 'a'), (2, 'b')", 2);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'damaged', backup_name => 'damaged_flipped')");
        Path stored = storedFiles("bk", "damaged").getFirst();
        flipLastByte(stored);
        assertQueryFails("CALL dredge.system.verify_backup(backup_name => 'damaged_flipped')", "backup damaged_flipped is damaged: 1 of 2 files fail: tables/bk/damaged/day=a/.*");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'damaged_flipped', schema_name => 'restored', table_name => 'damaged_flipped')",
                "backup damaged_flipped is damaged, nothing was restored: .*");
        assertRestoreLeftNothing("damaged_flipped");

        // a missing file; a later backup of the table copies it again instead of sharing the missing one
        assertUpdate("CREATE TABLE hive.bk.missing (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.missing VALUES (1, 'a'), (2, 'b')", 2);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'missing', backup_name => 'damaged_missing')");
        Files.delete(storedFiles("bk", "missing").getFirst());
        assertQueryFails("CALL dredge.system.verify_backup(backup_name => 'damaged_missing')", "backup damaged_missing is damaged: 1 of 2 files fail: .*cannot be read.*");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'damaged_missing', schema_name => 'restored', table_name => 'damaged_missing')",
                "backup damaged_missing is damaged, nothing was restored: .*");
        assertRestoreLeftNothing("damaged_missing");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'missing', backup_name => 'missing_again')");
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'missing_again')");
        assertThat(computeActual("SELECT files, bytes_copied > 0, bytes_copied < bytes FROM dredge.system.backups WHERE backup_name = 'missing_again'").getMaterializedRows().getFirst().getFields())
                .containsExactly(2L, true, true);

        // a truncated manifest
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'damaged', backup_name => 'damaged_manifest')");
        Path manifest = backupRepository().resolve("backups").resolve("damaged_manifest").resolve("manifest.json");
        byte[] json = Files.readAllBytes(manifest);
        Files.write(manifest, java.util.Arrays.copyOf(json, json.length / 2));
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'damaged_manifest', schema_name => 'restored', table_name => 'damaged_manifest')",
                "backup damaged_manifest cannot be read .*Checksum error.*");
        assertRestoreLeftNothing("damaged_manifest");
        // without Hadoop's checksum file beside it (an object store has none), the manifest itself is found truncated
        Files.delete(manifest.resolveSibling(".manifest.json.crc"));
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'damaged_manifest', schema_name => 'restored', table_name => 'damaged_manifest')",
                "(?s)backup damaged_manifest cannot be read .*truncated or not JSON.*");
        assertRestoreLeftNothing("damaged_manifest");

        // a manifest of a future format
        Files.writeString(manifest, new String(json, java.nio.charset.StandardCharsets.UTF_8).replace("\"format-version\" : 2", "\"format-version\" : 9"));
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'damaged_manifest', schema_name => 'restored', table_name => 'damaged_manifest')",
                "backup damaged_manifest cannot be read .*format version 9 is not one this Dredge reads.*");
        assertRestoreLeftNothing("damaged_manifest");
        // that backup's files are unknown here: no backup shares one, and no drop deletes one, until it is gone
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'damaged', backup_name => 'after_newer')",
                "backup repository .* holds backups that a newer Dredge wrote \\(damaged_manifest\\), whose files this one cannot know: it may share or delete none there; use that version");
        assertQueryFails("CALL dredge.system.drop_backup(backup_name => 'damaged_flipped')", "backup repository .* holds backups that a newer Dredge wrote .*");
        assertThat(computeActual("SELECT state FROM dredge.system.backups WHERE backup_name = 'damaged_flipped'").getOnlyValue()).isEqualTo("COMPLETE");
        // the refused backup is FAILED, as any that fails once the table is held
        assertThat(computeActual("SELECT state, files FROM dredge.system.backups WHERE backup_name = 'after_newer'").getMaterializedRows().getFirst().getFields())
                .containsExactly("FAILED", 0L);
        deleteRecursively(manifest.getParent());
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'damaged', backup_name => 'after_newer_2')");
        assertThat(computeActual("SELECT state FROM dredge.system.backups WHERE backup_name = 'after_newer_2'").getOnlyValue()).isEqualTo("COMPLETE");
    }

    @Test
    public void testRefusalsChangeNothing()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.bk.refused (id bigint)");
        assertUpdate("INSERT INTO hive.bk.refused VALUES 1", 1);
        assertUpdate("CREATE VIEW hive.bk.refused_view AS SELECT * FROM hive.bk.refused");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'nope', backup_name => 'x')", "table bk.nope does not exist");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'nope', table_name => 'refused', backup_name => 'x')", "schema nope does not exist");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'refused_view', backup_name => 'x')", ".*is a view, not a table.*");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'refused', backup_name => '../escape')", "invalid backup name '../escape'.*");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'refused', backup_name => NULL)", "backup_name must not be NULL");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => NULL, backup_name => 'x')", "table_name must not be NULL");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'refused', backup_name => 'x', location => 'relative/dir')",
                "location must be an absolute location with a scheme.*'relative/dir'");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'x', schema_name => 'restored', table_name => 'x', location => 'file:/tmp/../etc')",
                "location must be an absolute location with a scheme.*");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => NULL, schema_name => 'restored', table_name => 'x')", "backup_name must not be NULL");
        assertUpdate("CREATE TABLE hive.bk.refused_acid (id bigint)");
        markInsertOnlyAcid("bk", "refused_acid");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'refused_acid', backup_name => 'x')", ".*is a transactional \\(ACID\\) table.*");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'refused', backup_name => 'refused_1')");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'refused', backup_name => 'refused_1')", "backup refused_1 already exists.*");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'no_such_backup', schema_name => 'restored', table_name => 'x')", "backup no_such_backup does not exist");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'refused_1', schema_name => 'bk', table_name => 'refused')", "table bk.refused already exists.*");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'refused_1', schema_name => 'nope', table_name => 'x')", "schema nope does not exist");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'refused_1', schema_name => 'restored', table_name => 'x', location => '" + schemaLocation("bk") + "/refused')",
                "cannot restore restored.x to .*/bk/refused: that location overlaps the data of bk.refused; give the restore a location of its own");
        // a directory no table reads, but not empty
        Path stray = Files.createDirectories(warehouse().resolve("stray"));
        Files.writeString(stray.resolve("notes.txt"), "not a table's");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'refused_1', schema_name => 'restored', table_name => 'x', location => 'file:" + stray + "')",
                "restore location .* is not empty .*");
        assertThat(stray.resolve("notes.txt")).hasContent("not a table's");
        assertThat(computeActual("SELECT count(*) FROM hive.bk.refused").getOnlyValue()).isEqualTo(1L);
        assertQueryFails("CALL dredge.system.drop_backup(backup_name => 'no_such_backup')", "backup no_such_backup does not exist");
        assertQueryFails("CALL dredge.system.verify_backup(backup_name => 'no_such_backup')", "backup no_such_backup does not exist");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.backups WHERE backup_name IN ('x', '../escape')").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testPartitionWrittenDuringTheBackupFailsItAndNothingIsKept()
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.bk.busy (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.busy VALUES (1, 'a'), (2, 'b')", 2);
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", "WRITTEN:4").build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> backup = executor.submit(() -> getQueryRunner().execute(pausing, "CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'busy', backup_name => 'busy_1')"));
            waitForRunningOperation("busy", "BACKUP", "copied");
            // the lock: no compaction, and no other backup, while this one runs
            assertQueryFails("CALL dredge.system.compact_table(schema_name => 'bk', table_name => 'busy')", ".*table bk.busy is held by running operation.*");
            assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'busy', backup_name => 'busy_2')", ".*table bk.busy is held by running operation.*");
            // a writer the lock does not stop (an INSERT through the engine)
            assertUpdate("INSERT INTO hive.bk.busy VALUES (3, 'b')", 1);
            assertThatThrownBy(backup::get).hasMessageContaining("backup busy_1 failed: written while it was copied, so the copy would mix two states: day=b");
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(computeActual("SELECT state, files, error_message LIKE '%day=b%' FROM dredge.system.backups WHERE backup_name = 'busy_1'").getMaterializedRows().getFirst().getFields())
                .containsExactly("FAILED", 0L, true);
        assertThat(storedFiles("bk", "busy")).isEmpty();
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'busy_1', schema_name => 'restored', table_name => 'busy')", "backup busy_1 is FAILED, not COMPLETE.*");
        // the table is free again
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'busy', backup_name => 'busy_2')");
        assertThat(computeActual("SELECT rows FROM dredge.system.backups WHERE backup_name = 'busy_2'").getOnlyValue()).isEqualTo(3L);
    }

    @Test
    public void testKilledCallCancelsTheBackup()
            throws Exception
    {
        // big enough that counting its rows runs for a moment: the CALL is killed while it does
        assertUpdate("CREATE TABLE hive.bk.killed (id bigint, name varchar, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.killed SELECT a * 1000 + b, 'name-' || CAST(b AS varchar), IF(a % 2 = 0, 'a', 'b') " +
                "FROM UNNEST(sequence(1, 2000)) AS x(a) CROSS JOIN UNNEST(sequence(1, 1000)) AS y(b)", 2_000_000);
        String backup = "CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'killed', backup_name => 'killed_1', verify => 'rows')";
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> running = executor.submit(() -> getQueryRunner().execute(backup));
            waitForRunningOperation("killed", "BACKUP", "");
            waitForDredgeStatement("SELECT %\"bk\".\"killed\"%");
            killRunningQuery(backup, "killed by the test");
            assertThatThrownBy(running::get).hasMessageContaining("killed by the test");
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(settledState("SELECT state || ': ' || coalesce(error_message, '') FROM dredge.system.operations WHERE table_name = 'killed' AND kind = 'BACKUP'"))
                .matches("FAILED: cancelled: .*ADMINISTRATIVELY_KILLED.*");
        assertThat(computeActual("SELECT state, files FROM dredge.system.backups WHERE backup_name = 'killed_1'").getMaterializedRows().getFirst().getFields())
                .containsExactly("FAILED", 0L);
        assertThat(unfinishedDredgeStatements("killed")).isEmpty();
        assertThat(unfinishedDredgeStatements("copy_files")).isEmpty();
        if (Files.exists(backupRepository().resolve("tables").resolve("bk").resolve("killed"))) {
            assertThat(storedFiles("bk", "killed")).isEmpty();
        }
        // the table is free again
        assertUpdate(backup.replace("killed_1", "killed_2"));
        assertThat(computeActual("SELECT rows FROM dredge.system.backups WHERE backup_name = 'killed_2'").getOnlyValue()).isEqualTo(2_000_000L);
    }

    @Test
    public void testRecoverClosesABackupThatDied()
    {
        assertUpdate("CREATE TABLE hive.bk.crashed (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.crashed VALUES (1, 'a')", 1);
        Session failing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN:1").build();
        assertQueryFails(failing, "CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'crashed', backup_name => 'crashed_1')", "injected fault after WRITTEN 1");
        assertThat(computeActual("SELECT state FROM dredge.system.backups WHERE backup_name = 'crashed_1'").getOnlyValue()).isEqualTo("RUNNING");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'crashed', backup_name => 'crashed_2')", ".*unfinished backup operation.*recover.*");
        assertUpdate("CALL dredge.system.recover(schema_name => 'bk', table_name => 'crashed')");
        assertThat(computeActual("SELECT state, error_message LIKE 'interrupted; closed by recover%' FROM dredge.system.backups WHERE backup_name = 'crashed_1'").getMaterializedRows().getFirst().getFields())
                .containsExactly("FAILED", true);
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'crashed_1', schema_name => 'restored', table_name => 'crashed')", "backup crashed_1 is FAILED, not COMPLETE.*");
        // a new backup replaces what the dead one left in the repository
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'crashed', backup_name => 'crashed_2')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'crashed_2', schema_name => 'restored', table_name => 'crashed')");
        assertThat(computeActual("SELECT * FROM hive.restored.crashed").getMaterializedRows()).hasSize(1);
    }

    @Test
    public void testRestoreThatDiedIsReplacedByRunningItAgain()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.bk.interrupted (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.interrupted VALUES (1, 'a'), (2, 'b')", 2);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'interrupted', backup_name => 'interrupted_1')");
        // a crash after the copies, before the table is made: the files and the marker stay, as after kill -9
        Session failing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN:1").build();
        String restore = "CALL dredge.system.restore_table(backup_name => 'interrupted_1', schema_name => 'restored', table_name => 'interrupted')";
        assertQueryFails(failing, restore, "injected fault after WRITTEN 1");
        Path target = tableDirectory("restored", "interrupted");
        assertThat(LocalDataFiles.list(target)).hasSize(2);
        assertThat(target.resolve(".dredge-restore")).content().contains("interrupted_1");
        assertThat(computeActual("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'restored' AND table_name = 'interrupted'").getOnlyValue()).isEqualTo(0L);

        assertUpdate(restore);
        assertThat(computeActual("SELECT * FROM hive.restored.interrupted").getMaterializedRows())
                .containsExactlyInAnyOrderElementsOf(computeActual("SELECT * FROM hive.bk.interrupted").getMaterializedRows());
        assertThat(LocalDataFiles.list(target)).hasSize(2);
        assertThat(target.resolve(".dredge-restore")).doesNotExist();

        // a location with files of its own, and no marker, is still refused and left as it was
        Path foreign = Files.createDirectories(warehouse().resolve("foreign"));
        Files.writeString(foreign.resolve("data.txt"), "mine");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'interrupted_1', schema_name => 'restored', table_name => 'interrupted_foreign', location => '%s')".formatted(foreign.toUri()),
                "restore location .* is not empty \\(1 files, .*");
        assertThat(foreign.resolve("data.txt")).hasContent("mine");
        assertThat(foreign.resolve(".dredge-restore")).doesNotExist();
    }

    @Test
    public void testBackupHoldsTheTableLockAndRecoverClosesAnInterruptedOne()
    {
        assertUpdate("CREATE TABLE hive.bk.locked (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.bk.locked VALUES (1, 'a')", 1);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'bk', table_name => 'locked', backup_name => 'locked_1')");
        assertThat(computeActual("SELECT kind, state FROM dredge.system.operations WHERE table_name = 'locked'").getMaterializedRows())
                .extracting(MaterializedRow::getFields)
                .containsExactly(List.of("BACKUP", "SUCCEEDED"));
        assertThat(computeActual("SELECT step FROM dredge.system.operations WHERE table_name = 'locked'").getOnlyValue().toString()).startsWith("backed up 1 files");
    }

    private void assertRestoreLeftNothing(String tableName)
    {
        assertThat(computeActual(format("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'restored' AND table_name = '%s'", tableName)).getOnlyValue()).isEqualTo(0L);
        assertThat(warehouse().resolve("restored").resolve(tableName)).doesNotExist();
    }

    private List<Path> storedFiles(String schema, String table)
            throws IOException
    {
        try (Stream<Path> files = Files.walk(backupRepository().resolve("tables").resolve(schema).resolve(table))) {
            return files.filter(Files::isRegularFile).filter(path -> !path.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private static void flipLastByte(Path file)
            throws IOException
    {
        try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
            access.seek(access.length() - 1);
            int value = access.read();
            access.seek(access.length() - 1);
            access.write(value ^ 0xFF);
        }
    }

    private String showCreateTable(String table)
    {
        // the location is the one thing a restore changes
        return ((String) computeActual("SHOW CREATE TABLE " + table).getOnlyValue()).replaceAll("(?m)^\\s*external_location = .*\\n", "");
    }

    private static void deleteRecursively(Path directory)
            throws IOException
    {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
