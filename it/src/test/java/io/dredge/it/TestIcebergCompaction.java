package io.dredge.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trino.Session;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static com.google.common.collect.Iterables.getOnlyElement;
import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code compact_table}, {@code rollback_compaction}, {@code cleanup} and {@code recover} on Iceberg tables through SQL
 * on a real Trino cluster (coordinator and worker) over a real thrift metastore, checking the table's rows, files and
 * snapshots, and the journal, after every call.
 */
public class TestIcebergCompaction
        extends AbstractTestWithThriftMetastore
{
    private static final String SCHEMA = "ice";
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    public void createIcebergSchema()
    {
        createIcebergSchema(SCHEMA);
    }

    @Test
    public void testCompactVerifiesRollsBackAndCleansUp()
    {
        createTable(SCHEMA, "basic", List.of("a", "b"), 4);
        TableState before = state("basic");
        assertThat(before.files()).hasSize(8);
        long planned = snapshot("basic");

        assertUpdate(compact("basic"));
        TableState compacted = state("basic");
        assertThat(compacted.rows()).isEqualTo(before.rows());
        assertThat(compacted.files()).hasSize(2).doesNotContainAnyElementsOf(before.files());
        assertThat(lastCompaction("basic").getFields().subList(1, 6)).containsExactly("SUCCEEDED", 2L, 8L, 2L, 800L);
        JsonNode journal = journal(SCHEMA, (String) lastCompaction("basic").getField(0));
        long replace = snapshot("basic");
        assertThat(journal.at("/iceberg-snapshots/before").asLong()).isEqualTo(planned);
        assertThat(journal.at("/iceberg-snapshots/after").asLong()).isEqualTo(replace);
        assertThat(journal.at("/iceberg-snapshots/after-parent").asLong()).isEqualTo(planned);
        assertThat(journal.get("table-identity").asText()).startsWith("iceberg-uuid:");
        assertThat(operation("basic", replace)).isEqualTo("replace");

        assertUpdate(rollback("basic"));
        assertThat(state("basic")).isEqualTo(before);
        assertThat(lastCompaction("basic").getField(1)).isEqualTo("ROLLED_BACK");

        // cleanup closes the rollback window and deletes nothing: the snapshot before still reads every row
        assertUpdate(compact("basic"));
        long beforeSecond = snapshotBefore("basic", snapshot("basic"));
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'ice', table_name => 'basic', older_than => '0s')");
        assertThat(lastCompaction("basic").getField(1)).isEqualTo("CLEANED_UP");
        assertThat(state("basic").rows()).isEqualTo(before.rows());
        assertThat(before.files()).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(rows(format("iceberg.ice.basic FOR VERSION AS OF %s", beforeSecond))).isEqualTo(before.rows());
        assertQueryFails(rollback("basic"), ".*nothing left to roll back.*cleanup.*");
    }

    @Test
    public void testInsertCommittedBeforeOptimizeIsKept()
            throws Exception
    {
        createTable(SCHEMA, "early_insert", List.of("a", "b"), 3);
        TableState before = state("early_insert");
        long planned = snapshot("early_insert");

        // the insert commits once the compaction has planned and journaled its snapshot, so optimize rewrites on top of it
        runPaused("early_insert", "PLANNED:5", () -> runningStep("early_insert").isPresent(),
                () -> assertUpdate("INSERT INTO iceberg.ice.early_insert VALUES (-1, 'late', 'a')", 1));

        assertThat(rows("iceberg.ice.early_insert WHERE id >= 0")).isEqualTo(before.rows());
        assertThat(computeActual("SELECT name FROM iceberg.ice.early_insert WHERE id = -1").getOnlyValue()).isEqualTo("late");
        MaterializedRow compaction = lastCompaction("early_insert");
        assertThat(compaction.getField(1)).isEqualTo("SUCCEEDED");
        JsonNode journal = journal(SCHEMA, (String) compaction.getField(0));
        long insert = journal.at("/iceberg-snapshots/after-parent").asLong();
        assertThat(snapshotBefore("early_insert", insert)).isEqualTo(planned);
        assertThat(operation("early_insert", insert)).isEqualTo("append");
        assertThat(operation("early_insert", journal.at("/iceberg-snapshots/after").asLong())).isEqualTo("replace");

        // nothing was committed after the compaction: rolling back keeps the insert, which came before it
        assertUpdate(rollback("early_insert"));
        assertThat(snapshot("early_insert")).isEqualTo(insert);
        assertThat(computeActual("SELECT count(*) FROM iceberg.ice.early_insert").getOnlyValue()).isEqualTo(601L);
    }

    @Test
    public void testInsertCommittedAfterOptimizeIsKeptAndBlocksRollback()
            throws Exception
    {
        createTable(SCHEMA, "late_insert", List.of("a", "b"), 3);
        TableState before = state("late_insert");
        long planned = snapshot("late_insert");

        // optimize has committed; the insert commits before its snapshot is verified, so it is not the current one
        runPaused("late_insert", "WRITTEN:5", () -> replaceSnapshots("late_insert") > 0,
                () -> assertUpdate("INSERT INTO iceberg.ice.late_insert VALUES (-1, 'late', 'b')", 1));

        assertThat(rows("iceberg.ice.late_insert WHERE id >= 0")).isEqualTo(before.rows());
        long insert = snapshot("late_insert");
        assertThat(operation("late_insert", insert)).isEqualTo("append");
        long replace = snapshotBefore("late_insert", insert);
        assertThat(operation("late_insert", replace)).isEqualTo("replace");
        MaterializedRow compaction = lastCompaction("late_insert");
        assertThat(compaction.getFields().subList(1, 6)).containsExactly("SUCCEEDED", 2L, 6L, 2L, 600L);
        assertThat(addedDataFiles("late_insert", replace)).isEqualTo(2L);
        JsonNode journal = journal(SCHEMA, (String) compaction.getField(0));
        assertThat(journal.at("/iceberg-snapshots/after").asLong()).isEqualTo(replace);
        assertThat(journal.at("/iceberg-snapshots/after-parent").asLong()).isEqualTo(planned);

        // rolling back would discard the insert: refused, naming it, and the compaction still stands
        TableState withInsert = state("late_insert");
        assertQueryFails(rollback("late_insert"), ".*has snapshots \\[" + insert + "] committed after snapshot " + replace + " of compaction .*rolling it back would discard them.*");
        assertThat(state("late_insert")).isEqualTo(withInsert);
        assertThat(lastCompaction("late_insert").getField(1)).isEqualTo("SUCCEEDED");
    }

    @Test
    public void testOnlyPlannedPartitionsAndSmallFilesAreRewritten()
    {
        assertUpdate("CREATE TABLE iceberg.ice.sizes (id bigint, name varchar, part varchar) WITH (partitioning = ARRAY['part'])");
        for (int i = 0; i < 4; i++) {
            assertUpdate(format("INSERT INTO iceberg.ice.sizes VALUES (%s, 'tiny', 'small one')", i), 1);
        }
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO iceberg.ice.sizes SELECT id, 'name-' || CAST(id * 7919 %% 100003 AS varchar) || '-' || CAST(id AS varchar), 'big' FROM UNNEST(sequence(%s, %s)) AS t(id)",
                    batch * 3000, batch * 3000 + 2999), 3000);
        }
        List<Long> smallSizes = fileSizes("sizes", "small one");
        List<Long> bigSizes = fileSizes("sizes", "big");
        // a bound between the two sizes, and a target above every file: optimize given the target as its threshold
        // (as before), or without a partition predicate, would rewrite the big files too
        long bound = (smallSizes.stream().mapToLong(Long::longValue).max().orElseThrow() + bigSizes.stream().mapToLong(Long::longValue).min().orElseThrow()) / 2;
        long target = bound * 10;
        assertThat(bigSizes).hasSize(3).allSatisfy(size -> assertThat(size).isGreaterThan(bound).isLessThan(target));
        Set<String> bigFiles = files("sizes", "big");
        TableState before = state("sizes");
        String arguments = format("target_file_size => '%sB', compaction_ratio_threshold => 10", target);

        assertUpdate(compact("sizes", arguments + ", dry_run => true"));
        assertThat(computeActual("SELECT partitions_planned, files_before FROM dredge.system.operations WHERE schema_name = 'ice' AND table_name = 'sizes' AND state = 'PLANNED'").getMaterializedRows().get(0).getFields())
                .containsExactly(1L, 4L);

        assertUpdate(compact("sizes", arguments));
        assertThat(state("sizes").rows()).isEqualTo(before.rows());
        assertThat(files("sizes", "big")).isEqualTo(bigFiles);
        assertThat(files("sizes", "small one")).hasSize(1);
        MaterializedRow compaction = lastCompaction("sizes");
        assertThat(compaction.getFields().subList(1, 6)).containsExactly("SUCCEEDED", 1L, 4L, 1L, 4L);
        assertThat(removedDataFiles("sizes", snapshot("sizes"))).isEqualTo(4L);

        // a partition filter narrows the plan further: nothing it excludes is rewritten
        for (int i = 0; i < 3; i++) {
            assertUpdate(format("INSERT INTO iceberg.ice.sizes VALUES (%s, 'tiny', 'small one'), (%s, 'tiny', 'small two')", 100 + i, 200 + i), 2);
        }
        Set<String> smallOne = files("sizes", "small one");
        assertUpdate(compact("sizes", arguments + ", partition_filter => 'part = ''small two'''"));
        assertThat(files("sizes", "small one")).isEqualTo(smallOne);
        assertThat(files("sizes", "small two")).hasSize(1);
        assertThat(files("sizes", "big")).isEqualTo(bigFiles);
        assertThat(lastCompaction("sizes").getFields().subList(1, 5)).containsExactly("SUCCEEDED", 1L, 3L, 1L);
    }

    @Test
    public void testUnpartitionedTableAndFiltersThatCannotBound()
    {
        assertUpdate("CREATE TABLE iceberg.ice.flat (id bigint, name varchar, part varchar)");
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate(format("INSERT INTO iceberg.ice.flat SELECT id, 'name-' || CAST(id AS varchar), 'x' FROM UNNEST(sequence(%s, %s)) AS t(id)", batch * 100, batch * 100 + 99), 100);
        }
        TableState before = state("flat");
        assertQueryFails(compact("flat", "partition_filter => 'part = ''x'''"), ".*table ice.flat is not partitioned: partition_filter does not apply.*");
        assertUpdate(compact("flat"));
        assertThat(state("flat").rows()).isEqualTo(before.rows());
        assertThat(state("flat").files()).hasSize(1);
        assertThat(lastCompaction("flat").getFields().subList(1, 6)).containsExactly("SUCCEEDED", 1L, 4L, 1L, 400L);

        // a filter over a data column cannot name partitions: optimize refuses it and nothing changes
        createTable(SCHEMA, "filtered", List.of("a", "b"), 2);
        TableState filtered = state("filtered");
        assertQueryFails(compact("filtered", "partition_filter => 'id = 1'"), ".*partition_filter must be a predicate over the partition columns of ice.filtered.*");
        assertThat(state("filtered")).isEqualTo(filtered);
        assertThat(lastCompaction("filtered").getField(1)).isEqualTo("FAILED");
    }

    @Test
    public void testCleanupAfterRenameDeletesNoLiveFile()
    {
        createIcebergSchema("renames");
        // partition b has one file: optimize leaves it, so it is live in the compacted snapshot
        createTable("renames", "before_rename", List.of("a"), 3);
        assertUpdate("INSERT INTO iceberg.renames.before_rename VALUES (-1, 'single', 'b')", 1);
        TableState before = state("renames", "before_rename");
        long planned = snapshot("renames", "before_rename");

        assertUpdate("CALL dredge.system.compact_table(schema_name => 'renames', table_name => 'before_rename')");
        assertUpdate("ALTER TABLE iceberg.renames.before_rename RENAME TO after_rename");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'renames', older_than => '0s')");

        TableState after = state("renames", "after_rename");
        assertThat(after.rows()).isEqualTo(before.rows());
        assertThat(after.files()).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        // nor any file of the snapshot before the compaction: expire_snapshots decides when those go
        assertThat(before.files()).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(rows(format("iceberg.renames.after_rename FOR VERSION AS OF %s", planned))).isEqualTo(before.rows());
        assertThat(computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'renames' AND kind = 'CLEANUP'").getOnlyValue())
                .asString().contains("deleted nothing");
    }

    @Test
    public void testOperationsFollowTheTableNotItsName()
    {
        createIcebergSchema("recreated");
        createTable("recreated", "events", List.of("a", "b"), 3);
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'recreated', table_name => 'events')");
        String compactionId = (String) computeActual("SELECT operation_id FROM dredge.system.operations WHERE schema_name = 'recreated' AND kind = 'COMPACT'").getOnlyValue();
        assertUpdate("DROP TABLE iceberg.recreated.events");
        createTable("recreated", "events", List.of("c"), 3);
        TableState recreated = state("recreated", "events");

        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'recreated', table_name => 'events')",
                ".*recreated.events is no longer the table that operation " + compactionId + " ran on .*nothing was changed.*");
        assertQueryFails("CALL dredge.system.cleanup(schema_name => 'recreated', table_name => 'events', older_than => '0s')",
                ".*cannot clean up compaction " + compactionId + ": recreated.events is no longer the table.*");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'recreated', older_than => '0s')");
        assertThat(computeActual("SELECT state, error_message FROM dredge.system.operations WHERE schema_name = 'recreated' AND kind = 'CLEANUP'").getMaterializedRows().get(0).getFields())
                .satisfies(fields -> {
                    assertThat(fields.get(0)).isEqualTo("FAILED");
                    assertThat((String) fields.get(1)).startsWith("skipped compaction " + compactionId);
                });
        assertThat(computeActual("SELECT state FROM dredge.system.operations WHERE operation_id = '" + compactionId + "'").getOnlyValue()).isEqualTo("SUCCEEDED");
        assertThat(state("recreated", "events")).isEqualTo(recreated);

        // an interrupted compaction of the dropped table: recover closes it and leaves the new table alone
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN").build();
        assertQueryFails(crashing, "CALL dredge.system.compact_table(schema_name => 'recreated', table_name => 'events')", ".*injected fault after.*");
        assertUpdate("DROP TABLE iceberg.recreated.events");
        createTable("recreated", "events", List.of("d"), 3);
        recreated = state("recreated", "events");
        assertQueryFails("CALL dredge.system.compact_table(schema_name => 'recreated', table_name => 'events')", ".*unfinished compact operation.*recover.*");
        assertUpdate("CALL dredge.system.recover(schema_name => 'recreated', table_name => 'events')");
        assertThat(state("recreated", "events")).isEqualTo(recreated);
        assertThat(computeActual("SELECT state, error_message FROM dredge.system.operations WHERE schema_name = 'recreated' AND kind = 'COMPACT' ORDER BY started_at DESC LIMIT 1").getMaterializedRows().get(0).getFields())
                .satisfies(fields -> {
                    assertThat(fields.get(0)).isEqualTo("FAILED");
                    assertThat((String) fields.get(1)).contains("is no longer the table that operation").contains("closed the operation without verifying or undoing it");
                });
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'recreated', table_name => 'events')");
        assertThat(state("recreated", "events").rows()).isEqualTo(recreated.rows());
    }

    @Test
    public void testEveryCrashPointKeepsRowsAndRecovers()
    {
        List<String> crashPoints = List.of("PLANNED", "WRITTEN", "VERIFYING", "VERIFIED", "BEFORE_COMPLETION");
        for (int i = 0; i < crashPoints.size(); i++) {
            String crashPoint = crashPoints.get(i);
            String table = "crash_" + i;
            createTable(SCHEMA, table, List.of("a", "b"), 3);
            TableState before = state(table);
            Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", crashPoint).build();
            assertQueryFails(crashing, compact(table), ".*injected fault after " + crashPoint + ".*");
            assertThat(state(table).rows()).as("rows after a crash at %s", crashPoint).isEqualTo(before.rows());
            assertThat(lastCompaction(table).getField(1)).isEqualTo("RUNNING");
            assertQueryFails(compact(table), ".*has an unfinished compact operation .*CALL dredge.system.recover.*");

            assertUpdate("CALL dredge.system.recover(schema_name => 'ice', table_name => '" + table + "')");
            TableState recovered = state(table);
            assertThat(recovered.rows()).as("rows after recovering from %s", crashPoint).isEqualTo(before.rows());
            MaterializedRow compaction = lastCompaction(table);
            if (crashPoint.equals("PLANNED")) {
                // optimize never ran: nothing to verify or undo
                assertThat(compaction.getField(1)).isEqualTo("RECOVERED");
                assertThat(recovered.files()).isEqualTo(before.files());
            }
            else {
                // optimize had committed: recover verifies its snapshot and keeps it, and the journal names it
                assertThat(compaction.getFields().subList(1, 6)).as("compaction recovered from %s", crashPoint).containsExactly("SUCCEEDED", 2L, 6L, 2L, 600L);
                assertThat((String) compaction.getField(6)).contains("verified by recover");
                assertThat(recovered.files()).hasSize(2);
                assertThat(journal(SCHEMA, (String) compaction.getField(0)).at("/iceberg-snapshots/after").asLong()).isEqualTo(snapshot(table));
                assertThat(operation(table, snapshot(table))).isEqualTo("replace");
            }
            assertUpdate(rollbackOrCompact(table, crashPoint));
            assertThat(state(table).rows()).isEqualTo(before.rows());
        }
    }

    @Test
    public void testRecoverUndoesASnapshotThatCannotBeVerified()
            throws IOException
    {
        createTable(SCHEMA, "lost_file", List.of("a", "b"), 3);
        TableState before = state("lost_file");
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN").build();
        assertQueryFails(crashing, compact("lost_file"), ".*injected fault after WRITTEN.*");
        // one of the files optimize wrote is lost before its snapshot was verified
        deleteOneFile("lost_file");

        assertUpdate("CALL dredge.system.recover(schema_name => 'ice', table_name => 'lost_file')");
        assertThat(state("lost_file")).isEqualTo(before);
        MaterializedRow compaction = lastCompaction("lost_file");
        assertThat(compaction.getField(1)).isEqualTo("RECOVERED");
        assertThat((String) compaction.getField(6)).contains("was not verified against its parent").contains("rolled back to").contains("undone by recover");
    }

    @Test
    public void testSnapshotThatCannotBeVerifiedIsKeptWhenCommitsFollowedIt()
            throws IOException
    {
        createTable(SCHEMA, "lost_later", List.of("a", "b"), 3);
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN").build();
        assertQueryFails(crashing, compact("lost_later"), ".*injected fault after WRITTEN.*");
        long replace = snapshot("lost_later");
        deleteOneFile("lost_later");
        assertUpdate("INSERT INTO iceberg.ice.lost_later VALUES (-1, 'late', 'a')", 1);
        long insert = snapshot("lost_later");

        assertUpdate("CALL dredge.system.recover(schema_name => 'ice', table_name => 'lost_later')");
        // the insert is not discarded; the record says the table still holds the unverified snapshot
        assertThat(snapshot("lost_later")).isEqualTo(insert);
        MaterializedRow compaction = lastCompaction("lost_later");
        assertThat(compaction.getFields().subList(1, 5)).containsExactly("FAILED", 2L, 6L, 2L);
        assertThat((String) compaction.getField(7))
                .contains("snapshot " + replace + " was not verified against its parent")
                .contains("has snapshots [" + insert + "] committed after snapshot " + replace)
                .contains("the table still holds snapshot " + replace + "'s files");
        assertQueryFails(rollback("lost_later"), ".*has snapshots \\[" + insert + "] committed after snapshot " + replace + ".*");
        assertThat(snapshot("lost_later")).isEqualTo(insert);
    }

    @Test
    public void testChecksumCatchesAFileChangedBeforeVerification()
            throws Exception
    {
        // uncompressed, so that a value can be changed in place without changing the file's size
        createTable(SCHEMA, "forged", List.of("a", "b"), 3, "compression_codec = 'NONE'");
        TableState before = state("forged");
        long planned = snapshot("forged");

        // optimize has committed; one name in the file it wrote changes before verification reads it
        assertThatThrownBy(() -> runPaused("forged", "WRITTEN:5", () -> replaceSnapshots("forged") > 0, () -> forgeName("forged", "a", "name-150", "nbme-150")))
                .hasMessageMatching("(?s).*compaction .* of ice.forged: snapshot \\d+ was not verified against its parent " + planned + " \\(the rows of part=a differ\\): rolled back to " + planned + ".*");
        assertThat(state("forged")).isEqualTo(before);
        assertThat(snapshot("forged")).isEqualTo(planned);
        assertThat(lastCompaction("forged").getFields().subList(1, 5)).containsExactly("FAILED", 0L, 6L, 6L);

        // the same with a commit after the compaction's snapshot: nothing is discarded, and the record says what the table holds
        assertThatThrownBy(() -> runPaused("forged", "WRITTEN:5", () -> replaceSnapshots("forged") > 1, () -> {
            forgeName("forged", "a", "name-150", "nbme-150");
            assertUpdate("INSERT INTO iceberg.ice.forged VALUES (-1, 'late', 'b')", 1);
        })).hasMessageMatching("(?s).*was not verified against its parent.*the rows of part=a differ.*has snapshots \\[\\d+] committed after snapshot \\d+ of compaction.*the table still holds snapshot \\d+'s files.*");
        assertThat(computeActual("SELECT name FROM iceberg.ice.forged WHERE id = -1").getOnlyValue()).isEqualTo("late");
        // the forged value is what the table reads now (counted without a filter, which the file's statistics would prune)
        assertThat(computeActual("SELECT count_if(name = 'nbme-150') FROM iceberg.ice.forged").getOnlyValue()).isEqualTo(1L);
        assertThat(lastCompaction("forged").getFields().subList(1, 5)).containsExactly("FAILED", 2L, 6L, 2L);
        assertQueryFails(rollback("forged"), ".*has snapshots \\[\\d+] committed after snapshot \\d+ of compaction.*");
    }

    @Test
    public void testCountVerificationReadsFootersUnlessRowsAreDeleted()
            throws Exception
    {
        createTable(SCHEMA, "counted", List.of("a", "b"), 3);
        TableState before = state("counted");
        assertUpdate(compact("counted", "verify => 'count'"));
        assertThat(state("counted").rows()).isEqualTo(before.rows());
        assertThat(lastCompaction("counted").getFields().subList(1, 6)).containsExactly("SUCCEEDED", 2L, 6L, 2L, 600L);
        assertThat((String) lastCompaction("counted").getField(6)).contains("rows counted from the files' footers");

        // delete files: the data files' own counts overstate the rows, so the engine counts them
        createTable(SCHEMA, "counted_deletes", List.of("a", "b"), 3);
        assertUpdate("DELETE FROM iceberg.ice.counted_deletes WHERE id % 10 = 0", 60);
        TableState afterDelete = state("counted_deletes");
        assertUpdate(compact("counted_deletes", "verify => 'count'"));
        assertThat(state("counted_deletes").rows()).isEqualTo(afterDelete.rows());
        assertThat(lastCompaction("counted_deletes").getFields().subList(1, 2)).containsExactly("SUCCEEDED");
        assertThat((String) lastCompaction("counted_deletes").getField(6)).doesNotContain("footers");

        // a file optimize wrote is replaced before verification by one with other rows: not verified, rolled back
        createTable(SCHEMA, "counted_swapped", List.of("a", "b"), 3);
        TableState original = state("counted_swapped");
        long planned = snapshot("counted_swapped");
        Set<String> originalFiles = files("counted_swapped", "a");
        assertThatThrownBy(() -> runPaused("counted_swapped", compact("counted_swapped", "verify => 'count'"), "WRITTEN:5", () -> replaceSnapshots("counted_swapped") > 0, () -> {
            try {
                Path written = Path.of(URI.create(getOnlyElement(files("counted_swapped", "a"))));
                Files.copy(Path.of(URI.create(originalFiles.iterator().next())), written, StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(written.resolveSibling("." + written.getFileName() + ".crc"));
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        })).hasMessageMatching("(?s).*compaction .* of ice.counted_swapped: snapshot \\d+ was not verified against its parent " + planned + " .*: rolled back to " + planned + ".*");
        assertThat(snapshot("counted_swapped")).isEqualTo(planned);
        assertThat(state("counted_swapped")).isEqualTo(original);
    }

    @Test
    public void testRecoverFinishesAnInterruptedRollback()
            throws IOException
    {
        createTable(SCHEMA, "rollback_crash", List.of("a", "b"), 3);
        TableState before = state("rollback_crash");
        assertUpdate(compact("rollback_crash"));
        String compactionId = (String) lastCompaction("rollback_crash").getField(0);
        // what a coordinator crash in rollback_compaction leaves: its record RUNNING beside its marker, the table untouched
        String rollbackId = "29991231_235959_0000abcd";
        Path operations = warehouse().resolve(SCHEMA).resolve(".dredge").resolve("operations");
        Files.writeString(operations.resolve(rollbackId + ".json"), """
                {"format-version": 1, "id": "%s", "kind": "ROLLBACK", "schema": "ice", "table": "rollback_crash", "user": "user",
                 "state": "RUNNING", "started-at": "2026-01-01T00:00:00Z", "target-operation-id": "%s", "step": "started",
                 "partitions-considered": 0, "partitions": []}
                """.formatted(rollbackId, compactionId));
        Files.writeString(operations.resolve(rollbackId + ".running"), "");
        assertQueryFails(compact("rollback_crash"), ".*has an unfinished rollback operation " + rollbackId + ".*");

        assertUpdate("CALL dredge.system.recover(schema_name => 'ice', table_name => 'rollback_crash')");
        assertThat(state("rollback_crash")).isEqualTo(before);
        assertThat(lastCompaction("rollback_crash").getField(1)).isEqualTo("ROLLED_BACK");
        assertThat(computeActual("SELECT state, step FROM dredge.system.operations WHERE operation_id = '" + rollbackId + "'").getMaterializedRows().get(0).getFields())
                .containsExactly("SUCCEEDED", "finished by recover");
    }

    private void runPaused(String table, String pauseAfter, BooleanSupplier ready, Runnable during)
            throws Exception
    {
        runPaused(table, compact(table), pauseAfter, ready, during);
    }

    private void runPaused(String table, String call, String pauseAfter, BooleanSupplier ready, Runnable during)
            throws Exception
    {
        Optional<Throwable> failure = callPausedWhile(pauseAfter, call, () -> {
            waitUntil("compaction of %s reached its pause".formatted(table), ready);
            during.run();
        });
        if (failure.isPresent()) {
            throw new ExecutionException(failure.get());
        }
    }

    private Optional<String> runningStep(String table)
    {
        return computeActual(format("SELECT step FROM dredge.system.operations WHERE schema_name = '%s' AND table_name = '%s' AND state = 'RUNNING'", SCHEMA, table)).getOnlyColumn()
                .map(String.class::cast)
                .findFirst();
    }

    /**
     * Changes a value inside the one data file of a partition, keeping the file's size: a forged or damaged rewrite.
     */
    private void forgeName(String table, String part, String name, String forged)
    {
        try {
            Path file = Path.of(URI.create(getOnlyElement(files(table, part))));
            String content = new String(Files.readAllBytes(file), ISO_8859_1);
            assertThat(content).contains(name);
            Files.write(file, content.replace(name, forged).getBytes(ISO_8859_1));
            // Hadoop's local file system would otherwise refuse the file for its stale checksum sidecar
            Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loses one of the table's current data files. The engine keeps small data files it has read in memory (Iceberg
     * data files never change), so this must happen before any query reads the table's rows.
     */
    private void deleteOneFile(String table)
            throws IOException
    {
        Set<String> files = computeActual(format("SELECT file_path FROM iceberg.ice.\"%s$files\"", table)).getOnlyColumn()
                .map(String.class::cast)
                .collect(toImmutableSet());
        Files.delete(Path.of(URI.create(files.iterator().next())));
    }

    private String rollbackOrCompact(String table, String crashPoint)
    {
        return crashPoint.equals("PLANNED") ? compact(table) : rollback(table);
    }

    private static String compact(String table)
    {
        return "CALL dredge.system.compact_table(schema_name => 'ice', table_name => '" + table + "')";
    }

    private static String compact(String table, String arguments)
    {
        return "CALL dredge.system.compact_table(schema_name => 'ice', table_name => '" + table + "', " + arguments + ")";
    }

    private static String rollback(String table)
    {
        return "CALL dredge.system.rollback_compaction(schema_name => 'ice', table_name => '" + table + "')";
    }

    /**
     * operation_id, state, partitions_compacted, files_before, files_after, rows_verified, step, error_message
     */
    private MaterializedRow lastCompaction(String table)
    {
        return computeActual(format("SELECT operation_id, state, partitions_compacted, files_before, files_after, rows_verified, step, error_message FROM dredge.system.operations " +
                "WHERE schema_name = 'ice' AND table_name = '%s' AND kind = 'COMPACT' ORDER BY started_at DESC LIMIT 1", table)).getMaterializedRows().get(0);
    }

    private JsonNode journal(String schema, String operationId)
    {
        try {
            return JSON.readTree(warehouse().resolve(schema).resolve(".dredge").resolve("operations").resolve(operationId + ".json").toFile());
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private long snapshot(String table)
    {
        return snapshot(SCHEMA, table);
    }

    private long snapshot(String schema, String table)
    {
        return (long) computeActual(format("SELECT snapshot_id FROM iceberg.%s.\"%s$history\" WHERE is_current_ancestor ORDER BY made_current_at DESC LIMIT 1", schema, table)).getOnlyValue();
    }

    private long snapshotBefore(String table, long snapshot)
    {
        return (long) computeActual(format("SELECT parent_id FROM iceberg.ice.\"%s$snapshots\" WHERE snapshot_id = %s", table, snapshot)).getOnlyValue();
    }

    private String operation(String table, long snapshot)
    {
        return (String) computeActual(format("SELECT operation FROM iceberg.ice.\"%s$snapshots\" WHERE snapshot_id = %s", table, snapshot)).getOnlyValue();
    }

    private long replaceSnapshots(String table)
    {
        return (long) computeActual(format("SELECT count(*) FROM iceberg.ice.\"%s$snapshots\" WHERE operation = 'replace'", table)).getOnlyValue();
    }

    private long addedDataFiles(String table, long snapshot)
    {
        return Long.parseLong((String) computeActual(format("SELECT summary['added-data-files'] FROM iceberg.ice.\"%s$snapshots\" WHERE snapshot_id = %s", table, snapshot)).getOnlyValue());
    }

    private long removedDataFiles(String table, long snapshot)
    {
        return Long.parseLong((String) computeActual(format("SELECT summary['deleted-data-files'] FROM iceberg.ice.\"%s$snapshots\" WHERE snapshot_id = %s", table, snapshot)).getOnlyValue());
    }

    private List<Long> fileSizes(String table, String part)
    {
        return computeActual(format("SELECT file_size_in_bytes FROM iceberg.ice.\"%s$files\" WHERE partition.part = '%s'", table, part)).getOnlyColumn()
                .map(Long.class::cast)
                .toList();
    }

    private Set<String> files(String table, String part)
    {
        return computeActual(format("SELECT file_path FROM iceberg.ice.\"%s$files\" WHERE partition.part = '%s'", table, part)).getOnlyColumn()
                .map(String.class::cast)
                .collect(toImmutableSet());
    }

    private void createIcebergSchema(String schema)
    {
        assertUpdate(format("CREATE SCHEMA iceberg.%s WITH (location = '%s')", schema, schemaLocation(schema)));
    }

    /**
     * One data file per partition per batch of 100 rows.
     */
    private void createTable(String schema, String table, List<String> partitions, int batches)
    {
        createTable(schema, table, partitions, batches, "format = 'PARQUET'");
    }

    private void createTable(String schema, String table, List<String> partitions, int batches, String property)
    {
        assertUpdate(format("CREATE TABLE iceberg.%s.%s (id bigint, name varchar, part varchar) WITH (partitioning = ARRAY['part'], %s)", schema, table, property));
        for (int batch = 0; batch < batches; batch++) {
            for (String partition : partitions) {
                assertUpdate(format("INSERT INTO iceberg.%s.%s SELECT id, 'name-' || CAST(id AS varchar), '%s' FROM UNNEST(sequence(%s, %s)) AS t(id)",
                        schema, table, partition, batch * 100, batch * 100 + 99), 100);
            }
        }
    }

    private List<Object> rows(String relation)
    {
        return computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, part))) FROM " + relation).getMaterializedRows().get(0).getFields();
    }

    private TableState state(String table)
    {
        return state(SCHEMA, table);
    }

    private TableState state(String schema, String table)
    {
        Set<String> files = computeActual(format("SELECT file_path FROM iceberg.%s.\"%s$files\"", schema, table)).getOnlyColumn()
                .map(String.class::cast)
                .collect(toImmutableSet());
        return new TableState(rows(format("iceberg.%s.%s", schema, table)), files);
    }

    private record TableState(List<Object> rows, Set<String> files) {}
}
