package io.dredge.it;

import io.trino.Session;
import io.trino.metastore.HiveMetastore;
import io.trino.metastore.Table;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.trino.plugin.hive.metastore.MetastoreUtil.buildInitialPrivilegeSet;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Compactions stopped on the way (a crash after each step, a killed {@code CALL}, the table dropped or renamed
 * while it runs, writes in the rollback window) and what {@code recover}, {@code rollback_compaction} and
 * {@code cleanup} make of them.
 */
public class TestHiveCompactionRecovery
        extends AbstractTestHiveCompaction
{
    @Override
    protected String schema()
    {
        return "compaction_recovery";
    }

    @Test
    public void testEveryCrashPointLeavesOriginalRowsAndRecovers()
            throws Exception
    {
        // every crash point runs on the core's fast tier (TestHiveCompactionProtocol in procedures-core); here the two
        // that need a real engine most: a partial swap that Trino reads and recover undoes, and a finished copy recover keeps
        List<String> crashPoints = List.of("PARTITION_SWAPPED:1", "BEFORE_COMPLETION");
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
            String operationId = (String) computeActual(format("SELECT operation_id FROM dredge.system.operations WHERE schema_name = 'compaction_recovery' AND table_name = '%s' AND state = 'RUNNING'", table)).getOnlyValue();
            Path marker = warehouse().resolve("compaction_recovery").resolve(".dredge").resolve("operations").resolve(operationId + ".running");
            assertThat(marker).exists();
            // a journal from before markers: the first check marks its running operations itself
            Files.delete(marker);
            Files.delete(marker.resolveSibling("running-markers"));

            assertQueryFails(compact(table), ".*has an unfinished compact operation .*CALL dredge.system.recover.*");
            assertThat(marker).exists();
            // after a swap the compaction is unfinished
            assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction_recovery', table_name => '" + table + "')",
                    ".*is unfinished: run recover instead.*");

            assertUpdate("CALL dredge.system.recover(schema_name => 'compaction_recovery', table_name => '" + table + "')");
            assertThat(marker).doesNotExist();
            TableState recovered = state(table);
            assertThat(recovered.rows()).isEqualTo(before.rows());
            boolean finished = crashPoint.equals("BEFORE_COMPLETION");
            assertThat(computeActual("SHOW TABLES FROM hive.compaction_recovery LIKE '" + table + "__dredge_%'").getRowCount())
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
            assertQueryFails(compact("held"), ".*table compaction_recovery.held is held by running operation " + holder + ".*");
            assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction_recovery', table_name => 'held')", ".*held by running operation " + holder + ", which is not interrupted.*");
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
        assertCancelledAndUndone("killed_paused", before, true);
    }

    @Test
    public void testKilledCallCancelsItsRewrite()
            throws Exception
    {
        // big enough that the rewrite runs for seconds on any machine (it failed once when 4 million rows took under one
        // second, before the first look at the CALL): one partition of 2 million rows written in two files, its files copied as three
        // more partitions, which costs a file copy instead of a write, so the rewrite reads and writes 8 million rows
        assertUpdate("CREATE TABLE hive.compaction_recovery.killed_rewrite (id bigint, name varchar, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 2; batch++) {
            assertUpdate(format("INSERT INTO hive.compaction_recovery.killed_rewrite SELECT a * 1000 + b, 'name-' || CAST(b AS varchar), 'a' " +
                    "FROM UNNEST(sequence(%s, %s)) AS x(a) CROSS JOIN UNNEST(sequence(1, 1000)) AS y(b)", batch * 1000, batch * 1000 + 999), 1_000_000);
        }
        Path table = warehouse().resolve("compaction_recovery").resolve("killed_rewrite");
        for (String day : List.of("b", "c", "d")) {
            Path partition = Files.createDirectories(table.resolve("day=" + day));
            try (Stream<Path> files = Files.list(table.resolve("day=a"))) {
                for (Path file : files.filter(file -> !file.getFileName().toString().startsWith(".")).toList()) {
                    Files.copy(file, partition.resolve(file.getFileName()));
                }
            }
        }
        assertUpdate("CALL hive.system.sync_partition_metadata('compaction_recovery', 'killed_rewrite', 'ADD')");
        assertThat(computeActual("SELECT count(*) FROM hive.compaction_recovery.killed_rewrite").getOnlyValue()).isEqualTo(8_000_000L);
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
        // the table compacts again, as testKilledCallWhilePausedUndoesTheCompaction shows: eight million rows once more
        // take a minute
        assertCancelledAndUndone("killed_rewrite", before, false);
    }

    /**
     * After its CALL was killed: no statement of the compaction runs on, the operation is failed with the reason and
     * undone, and (when asked) the table can be compacted again.
     */
    private void assertCancelledAndUndone(String table, TableState before, boolean compactsAgain)
            throws InterruptedException
    {
        String operation = format("SELECT state || ': ' || coalesce(error_message, '') FROM dredge.system.operations WHERE schema_name = 'compaction_recovery' AND table_name = '%s' AND kind = 'COMPACT'", table);
        assertThat(settledState(operation)).matches("FAILED: cancelled: .*ADMINISTRATIVELY_KILLED.*");
        assertThat(unfinishedDredgeStatements(table)).isEmpty();
        assertThat(state(table)).isEqualTo(before);
        assertThat(computeActual(format("SHOW TABLES FROM hive.compaction_recovery LIKE '%s\\_\\_%%' ESCAPE '\\'", table)).getRowCount()).isEqualTo(0);
        if (!compactsAgain) {
            return;
        }
        assertUpdate(compact(table));
        assertThat(operationState(table, "COMPACT")).isEqualTo("SUCCEEDED");
        assertThat(state(table).rows()).isEqualTo(before.rows());
    }

    @Test
    public void testRecoverKeepsRowsWrittenAfterASwap()
    {
        createTable("written_after", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        TableState before = state("written_after");
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, compact("written_after"), ".*injected fault after.*");
        // the first partition now reads the compacted copy: this insert lands there
        assertUpdate("INSERT INTO hive.compaction_recovery.written_after VALUES (-1, 'after', 'a'), (-2, 'after', 'b')", 2);

        assertUpdate("CALL dredge.system.recover(schema_name => 'compaction_recovery', table_name => 'written_after')");
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.compaction_recovery.written_after WHERE id >= 0").getMaterializedRows().get(0).getFields())
                .isEqualTo(before.rows());
        assertThat(computeActual("SELECT id FROM hive.compaction_recovery.written_after WHERE id < 0").getOnlyColumnAsSet()).containsExactlyInAnyOrder(-1L, -2L);
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
            assertUpdate(overwrite, format("INSERT INTO hive.compaction_recovery.%s VALUES (-1, 'overwritten', 'a'%s)", table, extra), 1);
            assertUpdate(format("DELETE FROM hive.compaction_recovery.%s WHERE day = 'b'", table));
            assertUpdate(format("INSERT INTO hive.compaction_recovery.%s VALUES (-2, 'again', 'b'%s)", table, extra), 1);
            assertUpdate(format("INSERT INTO hive.compaction_recovery.%s VALUES (-3, 'appended', 'c'%s)", table, table.equals("overwritten") ? "" : ", 2"), 1);
            assertThat(computeActual(format("SELECT day, count(*), min(id) FROM hive.compaction_recovery.%s GROUP BY day", table)).getMaterializedRows())
                    .extracting(row -> row.getField(0) + ":" + row.getField(1) + ":" + row.getField(2))
                    .containsExactlyInAnyOrder("a:1:-1", "b:1:-2", "c:301:-3", "d:300:0");
            Object expected = computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.compaction_recovery.%s", table)).getMaterializedRows().get(0).getFields();

            // a rollback would bring back rows that were overwritten or deleted: it refuses and changes nothing
            assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction_recovery', table_name => '%s')".formatted(table), ".*no longer reads compaction .*nothing was changed.*");
            assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_recovery', table_name => '%s', older_than => '0s')".formatted(table));
            assertThat(computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.compaction_recovery.%s", table)).getMaterializedRows().get(0).getFields())
                    .isEqualTo(expected);
            // nothing is left of the moved original files, not even their directories
            try (Stream<Path> dredge = Files.list(tableDirectory(table).resolve(".dredge"))) {
                assertThat(dredge.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith("-originals"));
            }

            // after cleanup, the same writes to the partition that was compacted and never written since
            assertUpdate(overwrite, format("INSERT INTO hive.compaction_recovery.%s VALUES (-4, 'overwritten', 'd'%s)", table, extraD), 1);
            assertUpdate(format("DELETE FROM hive.compaction_recovery.%s WHERE day = 'd'", table));
            assertUpdate(format("INSERT INTO hive.compaction_recovery.%s VALUES (-5, 'again', 'd'%s)", table, extraD), 1);
            assertThat(computeActual(format("SELECT id FROM hive.compaction_recovery.%s WHERE day = 'd'", table)).getOnlyColumnAsSet()).containsExactly(-5L);
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
        Table managed = hiveMetastore.getTable("compaction_recovery", "dropped_ext").orElseThrow();
        hiveMetastore.replaceTable("compaction_recovery", "dropped_ext", Table.builder(managed).setTableType("EXTERNAL_TABLE").setParameter("EXTERNAL", "TRUE").build(),
                buildInitialPrivilegeSet(managed.getOwner().orElseThrow()), Map.of());
        for (String table : List.of("dropped_mid", "dropped_ext")) {
            Set<String> files = state(table).files();
            runWhilePaused(table, "PARTITION_SWAPPED:6", "swapped", "DROP TABLE hive.compaction_recovery." + table, ".*was dropped or renamed while compaction .* ran.*");

            assertThat(operationState(table, "COMPACT")).isEqualTo("FAILED");
            assertThat(computeActual("SHOW TABLES FROM hive.compaction_recovery LIKE '%s%%'".formatted(table)).getRowCount()).isEqualTo(0);
            assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'compaction_recovery' AND table_name = '%s'".formatted(table)).getOnlyValue())
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
        runWhilePaused("renamed_mid", "PARTITION_SWAPPED:6", "swapped", "ALTER TABLE hive.compaction_recovery.renamed_mid RENAME TO renamed_mid_new", ".*was dropped or renamed while compaction .* ran.*");

        TableState after = state("renamed_mid_new");
        assertThat(after.rows()).isEqualTo(before.rows());
        assertThat(after.files()).hasSameSizeAs(before.files()).allSatisfy(file -> assertThat(file).doesNotContain("/.dredge/"));
        assertThat(operationState("renamed_mid_new", "COMPACT")).isEqualTo("FAILED");
        assertThat(computeActual("SHOW TABLES FROM hive.compaction_recovery LIKE 'renamed_mid%'").getOnlyColumnAsSet()).containsExactly("renamed_mid_new");
        // no lock is left behind: the table compacts under its new name
        assertUpdate(compact("renamed_mid_new"));
        assertThat(state("renamed_mid_new").rows()).isEqualTo(before.rows());
        assertThat(operationState("renamed_mid_new", "COMPACT")).isEqualTo("SUCCEEDED");
    }

    @Test
    public void testRecoverByOperationIdAfterACrashAndARename()
    {
        createTable("crashed_renamed", "day varchar", "ARRAY['day']", List.of("'a'", "'b'", "'c'"), 3);
        TableState before = state("crashed_renamed");
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, compact("crashed_renamed"), ".*injected fault after.*");
        String operationId = (String) computeActual("SELECT operation_id FROM dredge.system.operations WHERE schema_name = 'compaction_recovery' AND table_name = 'crashed_renamed' AND state = 'RUNNING'").getOnlyValue();
        // one partition reads the compaction's copy when the table is renamed
        assertUpdate("ALTER TABLE hive.compaction_recovery.crashed_renamed RENAME TO crashed_renamed_new");
        assertThat(state("crashed_renamed_new").rows()).isEqualTo(before.rows());

        assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction_recovery', table_name => 'crashed_renamed')",
                ".*table compaction_recovery.crashed_renamed does not exist, and operations \\[" + operationId + "\\] on it are unfinished.*operation_id => '" + operationId + "'.*");
        assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction_recovery', operation_id => 'nope')", ".*schema compaction_recovery has no operation nope.*");
        assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction_recovery', table_name => 'x', operation_id => 'nope')", ".*give table_name or operation_id, not both.*");
        assertUpdate("CALL dredge.system.recover(schema_name => 'compaction_recovery', operation_id => '%s')".formatted(operationId));

        TableState after = state("crashed_renamed_new");
        assertThat(after.rows()).isEqualTo(before.rows());
        assertThat(after.files()).hasSameSizeAs(before.files()).allSatisfy(file -> assertThat(file).doesNotContain("/.dredge/"));
        assertThat((String) computeActual("SELECT state FROM dredge.system.operations WHERE operation_id = '%s'".formatted(operationId)).getOnlyValue()).isEqualTo("RECOVERED");
        assertThat(computeActual("SHOW TABLES FROM hive.compaction_recovery LIKE 'crashed_renamed%'").getOnlyColumnAsSet()).containsExactly("crashed_renamed_new");
        assertQueryFails("CALL dredge.system.recover(schema_name => 'compaction_recovery', operation_id => '%s')".formatted(operationId), ".*is not unfinished \\(it is RECOVERED\\).*");
        assertUpdate(compact("crashed_renamed_new"));
        assertThat(state("crashed_renamed_new").rows()).isEqualTo(before.rows());
    }
}
