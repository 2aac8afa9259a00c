package io.dredge.it;

import io.trino.Session;
import io.trino.spi.security.Identity;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code remove_orphan_files} and {@code restore_orphan_files} through SQL on a real Trino cluster over a real
 * thrift metastore: what a dry run lists is what the run moves to the quarantine, and exactly the files nothing
 * reads (a dropped partition's directory, failed writes' leftovers, in and outside the table's directory; an
 * Iceberg file no snapshot references); the rows and every file read stay; a restore puts them back; each refusal
 * changes nothing. File ages are set back two days: removal never takes a file younger than a day.
 */
public class TestOrphanFiles
        extends AbstractTestWithThriftMetastore
{
    private static final String SCHEMA = "orphans";

    @BeforeAll
    public void createOrphansSchema()
    {
        createSchema(SCHEMA);
    }

    @Test
    public void testHiveOrphansGoToTheQuarantineAndComeBack()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.orphans.events (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (String day : List.of("a", "b", "c")) {
            assertUpdate(format("INSERT INTO hive.orphans.events SELECT id, '%s' FROM UNNEST(sequence(1, 10)) AS t(id)", day), 10);
        }
        Path table = tableDirectory(SCHEMA, "events");
        // a partition dropped from the metastore only: its directory is nobody's
        assertUpdate("CALL hive.system.unregister_partition(schema_name => 'orphans', table_name => 'events', partition_columns => ARRAY['day'], partition_values => ARRAY['c'])");
        Path dropped = onlyFile(table.resolve("day=c"));
        // a partition outside the table's directory, which Dredge must leave alone, with a failed write's leftover
        Path outside = Files.createDirectories(warehouse().resolve("orphans_outside_d"));
        Files.copy(onlyFile(table.resolve("day=a")), outside.resolve("data_d"));
        assertUpdate(format("CALL hive.system.register_partition(schema_name => 'orphans', table_name => 'events', partition_columns => ARRAY['day'], partition_values => ARRAY['d'], location => '%s')", outside.toUri()));
        Path outsideLeftover = write(outside.resolve(".hive-staging_hive_2026-01-01_00-00-00/-ext-10000/000000_0"));
        Path stagingLeftover = write(table.resolve("day=a/.hive-staging_hive_2026-01-01_00-00-00/-ext-10000/000000_0"));
        Path temporary = write(table.resolve("_temporary/0/part-00000"));
        Path tooYoung = table.resolve("day=z_young/part-00000");
        List<Object> rows = figures("hive.orphans.events", "id, day");
        Set<Path> read = Set.of(onlyFile(table.resolve("day=a")), onlyFile(table.resolve("day=b")), outside.resolve("data_d"));
        age(table);
        age(outside);
        write(tooYoung);

        assertUpdate(remove("events", "older_than => '1d', dry_run => true"));
        MaterializedRow dryRun = lastRemoval("events");
        assertThat(dryRun.getField(1)).isEqualTo("PLANNED");
        Set<Path> orphans = Set.of(dropped, outsideLeftover, stagingLeftover, temporary);
        assertThat(listed((String) dryRun.getField(0))).isEqualTo(orphans);
        assertThat(orphans).allSatisfy(file -> assertThat(file).exists());

        assertUpdate(remove("events", "older_than => '1d'"));
        MaterializedRow removal = lastRemoval("events");
        assertThat(removal.getField(1)).isEqualTo("SUCCEEDED");
        assertThat((String) removal.getField(2)).startsWith("removed 4 orphan files").contains("restore_orphan_files(operation_id => '%s')".formatted(removal.getField(0)));
        assertThat(listed((String) removal.getField(0))).isEqualTo(orphans);
        assertThat(orphans).allSatisfy(file -> assertThat(file).doesNotExist());
        assertThat(read).allSatisfy(file -> assertThat(file).exists());
        assertThat(tooYoung).exists();
        assertThat(figures("hive.orphans.events", "id, day")).isEqualTo(rows);

        // the dropped partition is registered again before the restore: its old file would become rows, so it stays
        assertUpdate("CALL hive.system.register_partition(schema_name => 'orphans', table_name => 'events', partition_columns => ARRAY['day'], partition_values => ARRAY['c'])");
        assertUpdate(format("CALL dredge.system.restore_orphan_files(operation_id => '%s')", removal.getField(0)));
        Set<Path> leftovers = Set.of(outsideLeftover, stagingLeftover, temporary);
        assertThat(leftovers).allSatisfy(file -> assertThat(file).exists());
        assertThat(dropped).doesNotExist();
        assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'orphans' AND table_name = 'events' AND kind = 'RESTORE_ORPHAN_FILES'").getOnlyValue())
                .startsWith("put back 3 of 4 files; kept in the quarantine, as a partition now reads their place: ")
                .endsWith("/day=c/" + dropped.getFileName());
        assertThat(lastRemoval("events").getField(1)).isEqualTo("ROLLED_BACK");
        assertThat(figures("hive.orphans.events", "id, day")).isEqualTo(rows);
        assertQueryFails(format("CALL dredge.system.restore_orphan_files(operation_id => '%s')", removal.getField(0)), ".*is ROLLED_BACK: only a finished removal has files to put back.*");

        // purge deletes at once, and there is nothing to put back (a file put back may carry a new time)
        long leftoverBytes = 0;
        for (Path leftover : leftovers) {
            Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
            leftoverBytes += Files.size(leftover);
        }
        assertUpdate(remove("events", "older_than => '1d', purge => true"));
        MaterializedRow purged = lastRemoval("events");
        assertThat((String) purged.getField(2)).isEqualTo("removed 3 orphan files, %s bytes: deleted (purge)".formatted(leftoverBytes));
        assertThat(leftovers).allSatisfy(file -> assertThat(file).doesNotExist());
        assertQueryFails(format("CALL dredge.system.restore_orphan_files(operation_id => '%s')", purged.getField(0)), ".*deleted its files \\(purge\\): nothing to put back.*");
        assertThat(figures("hive.orphans.events", "id, day")).isEqualTo(rows);
    }

    @Test
    public void testIcebergFileNoSnapshotReferencesGoes()
            throws IOException
    {
        assertUpdate("CREATE TABLE iceberg.orphans.ice (id bigint, part varchar) WITH (partitioning = ARRAY['part'])");
        for (String part : List.of("a", "b")) {
            assertUpdate(format("INSERT INTO iceberg.orphans.ice SELECT id, '%s' FROM UNNEST(sequence(1, 10)) AS t(id)", part), 10);
        }
        Set<Path> live = dataFiles("ice");
        Path dataFile = live.iterator().next();
        Path orphan = Files.copy(dataFile, dataFile.resolveSibling("orphan-" + dataFile.getFileName()));
        Path location = dataFile.getParent().getParent().getParent();
        List<Object> rows = figures("iceberg.orphans.ice", "id, part");
        age(location);
        Path young = Files.copy(dataFile, dataFile.resolveSibling("young-" + dataFile.getFileName()));

        assertUpdate(remove("ice", "older_than => '1d', dry_run => true"));
        String dryRun = (String) lastRemoval("ice").getField(0);
        assertThat(listed(dryRun)).containsExactly(orphan);
        // the run of that dry run removes what it listed; an orphan since then waits for a run of its own
        Path later = Files.copy(dataFile, dataFile.resolveSibling("later-" + dataFile.getFileName()));
        Files.setLastModifiedTime(later, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        assertQueryFails(remove("ice", "older_than => '1d', dry_run_id => '%s'".formatted(dryRun)), ".*older_than comes from dry run %s: give one or the other.*".formatted(dryRun));
        assertUpdate(remove("ice", "dry_run_id => '%s'".formatted(dryRun)));
        MaterializedRow removal = lastRemoval("ice");
        assertThat(listed((String) removal.getField(0))).containsExactly(orphan);
        assertThat(orphan).doesNotExist();
        assertThat(later).exists();
        assertThat(young).exists();
        assertThat(live).allSatisfy(file -> assertThat(file).exists());
        assertThat(figures("iceberg.orphans.ice", "id, part")).isEqualTo(rows);
        // the metadata files of every version stay: time travel and the metastore pointer read them
        assertThat(computeActual("SELECT count(*) FROM iceberg.orphans.\"ice$snapshots\"").getOnlyValue()).isEqualTo(3L);

        assertUpdate(format("CALL dredge.system.restore_orphan_files(operation_id => '%s')", removal.getField(0)));
        assertThat(orphan).exists();

        // a second table registered on the same location: each one's files would look like the other's orphans
        String tableLocation = (String) computeActual("SELECT regexp_replace(file_path, '/data/.*', '') FROM iceberg.orphans.\"ice$files\" LIMIT 1").getOnlyValue();
        assertUpdate(format("CALL iceberg.system.register_table(schema_name => 'orphans', table_name => 'ice_twin', table_location => '%s')", tableLocation));
        assertQueryFails(remove("ice", "older_than => '1d'"), ".*is shared with orphans.ice_twin.*nothing was removed.*");
        assertThat(orphan).exists();
        assertUpdate("CALL iceberg.system.unregister_table(schema_name => 'orphans', table_name => 'ice_twin')");
    }

    @Test
    public void testCrashIsUndoneByRecover()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.orphans.crashed (id bigint)");
        assertUpdate("INSERT INTO hive.orphans.crashed VALUES 1, 2", 2);
        List<Object> rows = figures("hive.orphans.crashed", "id");
        Path leftover = write(tableDirectory(SCHEMA, "crashed").resolve(".hive-staging_hive_x/-ext-10000/000000_0"));
        age(tableDirectory(SCHEMA, "crashed"));
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN").build();
        assertQueryFails(crashing, remove("crashed", "older_than => '1d'"), ".*injected fault after WRITTEN.*");
        assertThat(leftover).doesNotExist();
        assertThat(lastRemoval("crashed").getField(1)).isEqualTo("RUNNING");

        assertUpdate("CALL dredge.system.recover(schema_name => 'orphans', table_name => 'crashed')");
        assertThat(leftover).exists();
        assertThat(lastRemoval("crashed").getFields().subList(1, 3)).containsExactly("RECOVERED", "interrupted; put back 1 files");
        assertThat(figures("hive.orphans.crashed", "id")).isEqualTo(rows);
    }

    @Test
    public void testCleanupDeletesTheQuarantine()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.orphans.quarantined (id bigint)");
        assertUpdate("INSERT INTO hive.orphans.quarantined VALUES 1", 1);
        write(tableDirectory(SCHEMA, "quarantined").resolve("_temporary/0/part-00000"));
        age(tableDirectory(SCHEMA, "quarantined"));
        assertUpdate(remove("quarantined", "older_than => '1d'"));
        String removal = (String) lastRemoval("quarantined").getField(0);
        Path quarantine = warehouse().resolve(SCHEMA).resolve(".dredge/quarantine").resolve(removal);
        assertThat(quarantine).isDirectoryContaining(file -> file.getFileName().toString().equals("0-part-00000"));

        // cleanup closes the undo window of a removal as it does a compaction's: a week by default
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'orphans', table_name => 'quarantined')");
        assertThat(quarantine).exists();
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'orphans', table_name => 'quarantined', older_than => '0s')");
        assertThat(quarantine).doesNotExist();
        assertThat(lastRemoval("quarantined").getField(1)).isEqualTo("CLEANED_UP");
        assertQueryFails(format("CALL dredge.system.restore_orphan_files(operation_id => '%s')", removal), ".*is CLEANED_UP: only a finished removal has files to put back.*");
    }

    @Test
    public void testCompactionNotCleanedUpKeepsItsOriginals()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.orphans.compacted (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.orphans.compacted SELECT id, 'a' FROM UNNEST(sequence(%s, %s)) AS t(id)", batch * 10, batch * 10 + 9), 10);
        }
        List<Object> rows = figures("hive.orphans.compacted", "id, day");
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'orphans', table_name => 'compacted')");
        Path leftover = write(tableDirectory(SCHEMA, "compacted").resolve("_temporary/0/part-00000"));
        age(tableDirectory(SCHEMA, "compacted"));

        // its backup table over the original files is the table's own: no refusal, and nothing of it is an orphan
        assertUpdate(remove("compacted", "older_than => '1d'"));
        assertThat(listed((String) lastRemoval("compacted").getField(0))).containsExactly(leftover);
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'orphans', table_name => 'compacted')");
        assertThat(figures("hive.orphans.compacted", "id, day")).isEqualTo(rows);
    }

    @Test
    public void testRunningCompactionKeepsItsStagingFiles()
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.orphans.busy (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.orphans.busy VALUES (%s, 'a')", batch), 1);
        }
        List<Object> rows = figures("hive.orphans.busy", "id, day");
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", "WRITTEN:6").build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> compaction = executor.submit(() -> getQueryRunner().execute(pausing, "CALL dredge.system.compact_table(schema_name => 'orphans', table_name => 'busy')"));
            String operationId = (String) waitForRunningOperation("busy", "COMPACT", "wrote").getField(0);
            // its staging copy is written and read by nothing yet; as old as the originals, it would pass the age rule
            age(warehouse().resolve(SCHEMA));
            assertUpdate(remove("busy", "older_than => '1d', dry_run => true"));
            assertThat(listed((String) lastRemoval("busy").getField(0))).isEmpty();
            assertQueryFails(remove("busy", "older_than => '1d'"), ".*is held by running operation %s; try again when it has finished.*".formatted(operationId));
            compaction.get();
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(computeActual("SELECT state, files_after FROM dredge.system.operations WHERE schema_name = 'orphans' AND table_name = 'busy' AND kind = 'COMPACT'").getMaterializedRows().getFirst().getFields())
                .containsExactly("SUCCEEDED", 1L);
        assertThat(figures("hive.orphans.busy", "id, day")).isEqualTo(rows);
    }

    @Test
    public void testPartitionRegisteredWhileTheRemovalRunsKeepsItsFiles()
            throws Exception
    {
        Path dropped = tableWithDroppedPartition("racing");
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", "PLANNED:4").build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> removal = executor.submit(() -> getQueryRunner().execute(pausing, remove("racing", "older_than => '1d'")));
            String operationId = (String) waitForRunningOperation("racing", "REMOVE_ORPHAN_FILES", "").getField(0);
            // planned: the dropped partition's file is listed; then a writer registers the partition again
            for (int attempt = 0; attempt < 100 && listed(operationId).isEmpty(); attempt++) {
                Thread.sleep(100);
            }
            assertThat(listed(operationId)).containsExactly(dropped);
            assertUpdate("CALL hive.system.register_partition(schema_name => 'orphans', table_name => 'racing', partition_columns => ARRAY['day'], partition_values => ARRAY['b'])");
            assertThatThrownBy(removal::get).hasMessageContaining("1 of the orphan files are read by the table now");
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(dropped).exists();
        assertThat(lastRemoval("racing").getField(1)).isEqualTo("FAILED");
        assertThat(computeActual("SELECT count(*), sum(id) FROM hive.orphans.racing").getMaterializedRows().getFirst().getFields()).containsExactly(2L, 3L);
    }

    @Test
    public void testHiveTableReplacedWhileTheRemovalRunsGetsNoneOfItsFiles()
            throws Exception
    {
        Path dropped = tableWithDroppedPartition("replaced");

        // once the orphan is in the quarantine, the table is dropped through the engine (which deletes its directory)
        // and made again, with a row in the partition b that reads the orphan's old place
        Optional<Throwable> failure = removeWhile("WRITTEN:8", "replaced", () -> waitUntil("the orphan is moved", () -> !Files.exists(dropped)),
                "DROP TABLE hive.orphans.replaced",
                "CREATE TABLE hive.orphans.replaced (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])",
                "INSERT INTO hive.orphans.replaced VALUES (10, 'b')");
        MaterializedRow removal = failedAsReplaced("replaced", failure);
        // put back, the old table's file would be a row of the new table
        assertThat(dropped).doesNotExist();
        assertOnlyTheNewRow("hive.orphans.replaced");
        assertThat((String) removal.getField(2)).contains("1 moved files stay in the quarantine");
        Path quarantine = warehouse().resolve(SCHEMA).resolve(".dredge/quarantine").resolve((String) removal.getField(0));
        assertThat(quarantine.resolve("0-" + dropped.getFileName())).exists();
        assertUpdate("CALL dredge.system.recover(schema_name => 'orphans', table_name => 'replaced')");
        assertOnlyTheNewRow("hive.orphans.replaced");
        // held for the quarantine's retention, then deleted by cleanup as a finished removal's quarantine is
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'orphans', table_name => 'replaced')");
        assertThat(quarantine).exists();
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'orphans', table_name => 'replaced', older_than => '0s')");
        assertThat(quarantine).doesNotExist();
        assertOnlyTheNewRow("hive.orphans.replaced");
    }

    @Test
    public void testHiveTableDroppedInTheMetastoreWhileTheRemovalRunsKeepsItsFiles()
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.orphans.unlisted (id bigint)");
        assertUpdate("INSERT INTO hive.orphans.unlisted VALUES 1", 1);
        Path leftover = write(tableDirectory(SCHEMA, "unlisted").resolve("_temporary/0/part-00000"));
        age(tableDirectory(SCHEMA, "unlisted"));

        // planned, then the table is dropped from the metastore only, as another engine's client may, keeping its files
        Optional<Throwable> failure = callPausedWhile("PLANNED:6", remove("unlisted", "older_than => '1d'"), () -> {
            waitUntilPlanned("unlisted");
            hiveMetastore().dropTable(SCHEMA, "unlisted", false);
        });
        MaterializedRow removal = lastRemoval("unlisted");
        assertThat(failure).get().asString().contains("table orphans.unlisted was dropped or renamed while operation %s ran; nothing was removed".formatted(removal.getField(0)));
        assertThat(removal.getFields().subList(1, 3)).containsExactly("FAILED", "failed; put back 0 files");
        assertThat(leftover).exists();
        assertThat(tableDirectory(SCHEMA, "unlisted")).isDirectoryContaining(file -> file.getFileName().toString().startsWith("20"));
    }

    @Test
    public void testHiveTableRenamedWhileTheRemovalRunsIsLeftAlone()
            throws Exception
    {
        String orphanName = tableWithDroppedPartition("moving").getFileName().toString();
        List<Object> rows = figures("hive.orphans.moving", "id, day");

        // planned, then the table is renamed (its directory stays) and another one made under its name elsewhere
        Path elsewhere = Files.createDirectories(warehouse().resolve("orphans_moving_again"));
        Optional<Throwable> failure = removeWhile("PLANNED:8", "moving", () -> waitUntilPlanned("moving"),
                "ALTER TABLE hive.orphans.moving RENAME TO hive.orphans.moved",
                format("CREATE TABLE hive.orphans.moving (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'], external_location = '%s')", elsewhere.toUri()));
        assertThat(failure).get().asString().contains("orphans.moving is no longer the table that operation");
        assertThat(lastRemoval("moving").getFields().subList(1, 3)).containsExactly("FAILED", "failed; put back 0 files");
        // nothing moved: the renamed table keeps its orphan and its rows
        assertThat(tableDirectory(SCHEMA, "moving").resolve("day=b").resolve(orphanName)).exists();
        assertThat(figures("hive.orphans.moved", "id, day")).isEqualTo(rows);
        assertThat(computeActual("SELECT count(*) FROM hive.orphans.moving").getOnlyValue()).isEqualTo(0L);
        // the renamed table is let go
        assertThat(hiveMetastore().getTable(SCHEMA, "moved").orElseThrow().getParameters()).doesNotContainKey("dredge.operation");
    }

    @Test
    public void testIcebergTableReplacedWhileTheRemovalRunsGetsNoneOfItsFiles()
            throws Exception
    {
        Path orphan = icebergTableWithOrphan("ice_replaced");
        Optional<Throwable> failure = removeWhile("WRITTEN:8", "ice_replaced", () -> waitUntil("the orphan is moved", () -> !Files.exists(orphan)),
                "DROP TABLE iceberg.orphans.ice_replaced",
                "CREATE TABLE iceberg.orphans.ice_replaced (id bigint, part varchar)",
                "INSERT INTO iceberg.orphans.ice_replaced VALUES (10, 'b')");
        MaterializedRow removal = failedAsReplaced("ice_replaced", failure);
        assertOnlyTheNewRow("iceberg.orphans.ice_replaced");
        assertThat(dataFiles("ice_replaced")).allSatisfy(file -> assertThat(file).exists());
        // the dropped table's directory is not made again for its orphan
        assertThat(orphan).doesNotExist();
    }

    @Test
    public void testIcebergTableRenamedWhileTheRemovalRunsIsLeftAlone()
            throws Exception
    {
        Path orphan = icebergTableWithOrphan("ice_moving");
        List<Object> rows = figures("iceberg.orphans.ice_moving", "id, part");
        Optional<Throwable> failure = removeWhile("PLANNED:8", "ice_moving", () -> waitUntilPlanned("ice_moving"),
                "ALTER TABLE iceberg.orphans.ice_moving RENAME TO iceberg.orphans.ice_moved",
                "CREATE TABLE iceberg.orphans.ice_moving (id bigint, part varchar)",
                "INSERT INTO iceberg.orphans.ice_moving VALUES (10, 'b')");
        assertThat(failure).get().asString().contains("orphans.ice_moving is no longer the table that operation");
        assertThat(lastRemoval("ice_moving").getFields().subList(1, 3)).containsExactly("FAILED", "failed; put back 0 files");
        assertThat(orphan).exists();
        assertThat(figures("iceberg.orphans.ice_moved", "id, part")).isEqualTo(rows);
        assertOnlyTheNewRow("iceberg.orphans.ice_moving");
    }

    @Test
    public void testRestoreInProgressKeepsItsFiles()
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.orphans.saved (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.orphans.saved VALUES (1, 'a'), (2, 'b'), (3, 'b')", 3);
        List<Object> rows = figures("hive.orphans.saved", "id, day");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'orphans', table_name => 'saved', backup_name => 'orphans_saved_1')");
        Path area = warehouse().resolve("orphans_area");
        Path copy = area.resolve("copy");
        Path leftover = area.resolve("_temporary/0/part-00000");
        Set<Path> restored = new HashSet<>();
        String restore = "CALL dredge.system.restore_table(backup_name => 'orphans_saved_1', schema_name => 'orphans', table_name => 'saved_copy', location => '%s')".formatted(copy.toUri());

        // while the restore waits to register its copies, a table is made over the place it copies to: its copies,
        // set back two days so that their age does not keep them, are in none of that table's partitions
        Optional<Throwable> failure = callPausedWhile("WRITTEN:10", restore, () -> {
            long files = (long) computeActual("SELECT files FROM dredge.system.backups WHERE backup_name = 'orphans_saved_1'").getOnlyValue();
            waitUntil("the restore has copied", () -> dataFilesBelow(copy).size() == files && Files.exists(copy.resolve(".dredge-restore")));
            restored.addAll(filesBelow(copy));
            for (Path file : restored) {
                assertThat(file.toFile().setLastModified(Instant.now().minus(Duration.ofDays(2)).toEpochMilli())).isTrue();
            }
            assertUpdate(format("CREATE TABLE hive.orphans.area (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'], external_location = '%s')", area.toUri()));
            write(leftover);
            age(leftover.getParent());

            assertUpdate(remove("area", "older_than => '1d', dry_run => true"));
            assertThat(listed((String) lastRemoval("area").getField(0))).containsExactly(leftover);
            assertUpdate(remove("area", "older_than => '1d'"));
            assertThat(listed((String) lastRemoval("area").getField(0))).containsExactly(leftover);
            assertThat(restored).allSatisfy(file -> assertThat(file).exists());
        });
        assertThat(failure).isEmpty();
        assertThat(leftover).doesNotExist();
        assertThat(figures("hive.orphans.saved_copy", "id, day")).isEqualTo(rows);
        hiveMetastore().dropTable(SCHEMA, "area", false);
    }

    @Test
    public void testRefusalsChangeNothing()
            throws IOException
    {
        Path shared = Files.createDirectories(warehouse().resolve("orphans_shared"));
        assertUpdate(format("CREATE TABLE hive.orphans.shared_a (id bigint) WITH (external_location = '%s')", shared.toUri()));
        assertUpdate(format("CREATE TABLE hive.orphans.shared_b (id bigint) WITH (external_location = '%s')", shared.toUri()));
        Path nested = Files.createDirectories(shared.resolve("nested"));
        assertUpdate(format("CREATE TABLE hive.orphans.inner_table (id bigint) WITH (external_location = '%s')", nested.toUri()));
        Path stray = write(shared.resolve("_temporary/0/part-00000"));
        age(shared);

        assertQueryFails(remove("shared_a", "older_than => '1d'"), ".*is shared with orphans.inner_table, orphans.shared_b.*nothing was removed.*");
        assertQueryFails(remove("inner_table", "older_than => '1d'"), ".*is shared with orphans.shared_a, orphans.shared_b.*nothing was removed.*");
        assertQueryFails(remove("shared_a", "older_than => '12h'"), ".*older_than must be at least 1d \\(a younger file may belong to a write still in flight\\): 43200s.*");
        assertQueryFails(remove("shared_a", "purge => NULL"), ".*purge must be true or false.*");
        assertQueryFails(remove("missing", "older_than => '1d'"), ".*table orphans.missing does not exist.*");
        assertUpdate("CREATE VIEW hive.orphans.a_view AS SELECT 1 AS x");
        assertQueryFails(remove("a_view", "older_than => '1d'"), ".*orphans.a_view is a view.*");
        assertQueryFails("CALL dredge.system.restore_orphan_files(operation_id => '20261206_000000_00000000')", ".*operation 20261206_000000_00000000 does not exist.*");
        assertThat(stray).exists();

        assertUpdate("CREATE TABLE hive.orphans.own (id bigint)");
        Path ownStray = write(tableDirectory(SCHEMA, "own").resolve("_temporary/0/part-00000"));
        age(tableDirectory(SCHEMA, "own"));
        Session reader = Session.builder(getSession()).setIdentity(Identity.ofUser("reader")).build();
        assertQueryFails(reader, remove("own", "older_than => '1d'"), ".*user reader may not write orphans.own.*");
        assertThat(ownStray).exists();
    }

    /**
     * A removal of {@code table} (older than a day), paused after {@code pauseAfter}; once {@code reached} says it
     * got there, {@code statements} run, as a careless operator would run them; returns the removal's failure.
     */
    private Optional<Throwable> removeWhile(String pauseAfter, String table, Meanwhile reached, String... statements)
            throws Exception
    {
        return callPausedWhile(pauseAfter, remove(table, "older_than => '1d'"), () -> {
            reached.run();
            for (String statement : statements) {
                getQueryRunner().execute(statement);
            }
        });
    }

    /**
     * The last removal of {@code table}, which failed, as {@code failure} says, because the name means another table now.
     */
    private MaterializedRow failedAsReplaced(String table, Optional<Throwable> failure)
    {
        MaterializedRow removal = lastRemoval(table);
        assertThat(failure).get().asString().contains("orphans.%s is no longer the table that operation %s ran on".formatted(table, removal.getField(0)));
        assertThat(removal.getField(1)).isEqualTo("FAILED");
        return removal;
    }

    /**
     * The table made under the old name reads its own row, (10, 'b'), and nothing of the table it replaced.
     */
    private void assertOnlyTheNewRow(String table)
    {
        assertThat(computeActual("SELECT count(*), sum(id) FROM " + table).getMaterializedRows().getFirst().getFields()).containsExactly(1L, 10L);
    }

    private void waitUntilPlanned(String table)
            throws InterruptedException
    {
        String operationId = (String) waitForRunningOperation(table, "REMOVE_ORPHAN_FILES", "").getField(0);
        waitUntil("the removal is planned", () -> !listed(operationId).isEmpty());
    }

    /**
     * A Hive table of rows (1, 'a') and (2, 'b'), partitioned by day, whose partition b is dropped from the metastore
     * only, every file two days old: returns the partition's file, the orphan.
     */
    private Path tableWithDroppedPartition(String table)
            throws IOException
    {
        assertUpdate(format("CREATE TABLE hive.orphans.%s (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])", table));
        assertUpdate(format("INSERT INTO hive.orphans.%s VALUES (1, 'a'), (2, 'b')", table), 2);
        assertUpdate(format("CALL hive.system.unregister_partition(schema_name => 'orphans', table_name => '%s', partition_columns => ARRAY['day'], partition_values => ARRAY['b'])", table));
        Path orphan = onlyFile(tableDirectory(SCHEMA, table).resolve("day=b"));
        age(tableDirectory(SCHEMA, table));
        return orphan;
    }

    /**
     * An Iceberg table of two snapshots, every file of it two days old, and a copy of a data file that no snapshot
     * references: the orphan, which is returned.
     */
    private Path icebergTableWithOrphan(String table)
            throws IOException
    {
        assertUpdate(format("CREATE TABLE iceberg.orphans.%s (id bigint, part varchar)", table));
        assertUpdate(format("INSERT INTO iceberg.orphans.%s VALUES (1, 'a'), (2, 'b')", table), 2);
        Path dataFile = dataFiles(table).iterator().next();
        Path orphan = Files.copy(dataFile, dataFile.resolveSibling("orphan-" + dataFile.getFileName()));
        age(dataFile.getParent().getParent());
        return orphan;
    }

    private static Set<Path> filesBelow(Path directory)
    {
        if (!Files.isDirectory(directory)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).collect(toImmutableSet());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<Path> dataFilesBelow(Path directory)
    {
        return filesBelow(directory).stream()
                .filter(file -> !file.getFileName().toString().startsWith("."))
                .collect(toImmutableSet());
    }

    private static String remove(String table, String arguments)
    {
        return format("CALL dredge.system.remove_orphan_files(schema_name => '%s', table_name => '%s', %s)", SCHEMA, table, arguments);
    }

    /**
     * operation_id, state, step
     */
    private MaterializedRow lastRemoval(String table)
    {
        return computeActual(format("SELECT operation_id, state, step FROM dredge.system.operations WHERE schema_name = '%s' AND table_name = '%s' AND kind = 'REMOVE_ORPHAN_FILES' ORDER BY started_at DESC, operation_id DESC LIMIT 1", SCHEMA, table))
                .getMaterializedRows().get(0);
    }

    private Set<Path> listed(String operationId)
    {
        return computeActual(format("SELECT path FROM dredge.system.operation_files WHERE operation_id = '%s'", operationId)).getOnlyColumn()
                .map(path -> Path.of(URI.create((String) path)))
                .collect(toImmutableSet());
    }

    private Set<Path> dataFiles(String table)
    {
        return computeActual(format("SELECT file_path FROM iceberg.%s.\"%s$files\"", SCHEMA, table)).getOnlyColumn()
                .map(path -> Path.of(URI.create((String) path)))
                .collect(toImmutableSet());
    }

    private List<Object> figures(String table, String columns)
    {
        return computeActual("SELECT count(*), to_hex(checksum(ROW(%s))) FROM %s".formatted(columns, table)).getMaterializedRows().get(0).getFields();
    }

    private static Path onlyFile(Path directory)
            throws IOException
    {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> !file.getFileName().toString().startsWith(".")).reduce((first, second) -> {
                throw new AssertionError("more than one file in " + directory);
            }).orElseThrow();
        }
    }

    private static Path write(Path file)
            throws IOException
    {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "stray");
    }

    /**
     * Every file below the directory as if written two days ago.
     */
    private static void age(Path directory)
            throws IOException
    {
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, twoDaysAgo);
            }
        }
    }
}
