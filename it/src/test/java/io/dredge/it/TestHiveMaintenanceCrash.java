package io.dredge.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.dredge.it.HiveStatements.rows;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * HiveServer2 killed ({@code kill -9}) while its {@code dredge_compact_table} or {@code dredge_remove_orphan_files}
 * runs: the table's rows stay readable and unchanged throughout, Hive's guard holds the table until the operation is
 * closed, and Trino's {@code recover} closes it (a removal's files all back in place).
 */
@TestInstance(PER_CLASS)
class TestHiveMaintenanceCrash
        extends AbstractTestWithDredgeHive
{
    private static final String USER = "analyst";

    @Override
    protected HiveServer2Process.Builder configureHive(HiveServer2Process.Builder builder)
    {
        // a HiveServer2 of its own: the tests kill it, in steps that each job keeps running for a second at least
        return builder.property("hive.exec.counters.pull.interval", "1000");
    }

    @Test
    public void testTestOnlyPauseIsRefusedWhereHiveSiteDoesNotEnableIt()
            throws Exception
    {
        // this HiveServer2's hive-site.xml does not enable fault injection, as no real one does; a session cannot
        createSchema("hc_pause");
        assertUpdate("CREATE TABLE hive.hc_pause.events (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.hc_pause.events VALUES (1, 'a')", 1);
        try (Connection hive = hiveServer().connect(USER)) {
            HiveStatements.execute(hive, "SET dredge.testing.pause-after=PLANNED:30");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_compact_table('hc_pause', 'events')"))
                    .hasMessageContaining("dredge.testing.pause-after is a test-only setting, which this HiveServer2 does not take (dredge.testing.fault-injection-enabled is not set in its hive-site.xml)");
            HiveStatements.execute(hive, "SET dredge.testing.fault-injection-enabled=true");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_backup_table('hc_pause', 'events', 'paused')"))
                    .hasMessageContaining("dredge.testing.pause-after is a test-only setting");
        }
        assertThat(computeActual("SELECT id FROM hive.hc_pause.events").getOnlyValue()).isEqualTo(1L);
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'hc_pause'").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testHiveServerKilledWhileItCompactsIsRecoveredByTrino()
            throws Exception
    {
        createSchema("hc");
        // killed while Hive writes the staging copy, then while it verifies it
        for (String step : List.of("writing", "verifying")) {
            String table = "killed_" + step;
            assertUpdate(format("CREATE TABLE hive.hc.%s (id bigint, name varchar, day varchar) WITH (format = 'ORC', partitioned_by = ARRAY['day'])", table));
            for (int batch = 0; batch < 4; batch++) {
                assertUpdate(format("INSERT INTO hive.hc.%s VALUES (%s, 'a', 'd1'), (%s, 'b', 'd2')", table, batch * 2, batch * 2 + 1), 2);
            }
            List<String> rows = trinoRows(table);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                // not closed: HiveServer2 dies under it
                Connection hive = hiveServer().connect(USER);
                Future<?> compaction = executor.submit(() -> rows(hive, format("SELECT dredge_compact_table('hc', '%s')", table)));
                String operationId = (String) waitForRunningOperation(table, "COMPACT", step).getField(0);
                killAndRestartHiveServer();
                assertThatThrownBy(compaction::get).as("the compaction died with HiveServer2").isNotNull();

                assertThat(trinoRows(table)).containsExactlyElementsOf(rows);
                try (Connection restarted = hiveServer().connect(USER)) {
                    assertThatThrownBy(() -> HiveStatements.execute(restarted, format("INSERT INTO hc.%s PARTITION (day = 'd1') VALUES (100, 'late')", table)))
                            .hasMessageContaining("is held by operation " + operationId);
                }
                assertUpdate(format("CALL dredge.system.recover(schema_name => 'hc', table_name => '%s')", table));
                assertThat(computeActual(format("SELECT state FROM dredge.system.operations WHERE operation_id = '%s'", operationId)).getOnlyValue()).isNotEqualTo("RUNNING");
                assertThat(trinoRows(table)).containsExactlyElementsOf(rows);
                assertThat(computeActual("SHOW TABLES FROM hive.hc").getOnlyColumnAsSet()).noneMatch(name -> ((String) name).startsWith(table + "__dredge_"));
                try (Connection restarted = hiveServer().connect(USER)) {
                    HiveStatements.execute(restarted, format("INSERT INTO hc.%s PARTITION (day = 'd1') VALUES (100, 'late')", table));
                    assertThat(rows(restarted, format("SELECT state FROM (SELECT dredge_compact_table('hc', '%s')) r", table))).containsExactly(List.of("SUCCEEDED"));
                }
                assertThat(computeActual(format("SELECT count(*) FROM hive.hc.%s", table)).getOnlyValue()).isEqualTo((long) rows.size() + 1);
            }
            finally {
                executor.shutdownNow();
            }
        }
    }

    @Test
    public void testHiveServerKilledWhileItRemovesOrphansIsUndoneByTrino()
            throws Exception
    {
        createSchema("hc_orphans");
        assertUpdate("CREATE TABLE hive.hc_orphans.events (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.hc_orphans.events VALUES (1, 'a'), (2, 'b')", 2);
        List<Object> rows = computeActual("SELECT count(*), to_hex(checksum(ROW(id, day))) FROM hive.hc_orphans.events").getMaterializedRows().getFirst().getFields();
        // a dropped partition's directory of many files: moving them takes long enough to be killed in the middle
        Path dropped = Files.createDirectories(tableDirectory("hc_orphans", "events").resolve("day=dropped"));
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        Set<Path> orphans = new HashSet<>();
        for (int file = 0; file < 20_000; file++) {
            Path orphan = Files.writeString(dropped.resolve("part-%05d".formatted(file)), "stray");
            Files.setLastModifiedTime(orphan, twoDaysAgo);
            orphans.add(orphan);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            // not closed: HiveServer2 dies under it
            Connection hive = hiveServer().connect(USER);
            Future<?> removal = executor.submit(() -> rows(hive, "SELECT dredge_remove_orphan_files('hc_orphans', 'events', map('older_than', '1d'))"));
            String operationId = (String) waitForRunningOperation("events", "REMOVE_ORPHAN_FILES", "moving to quarantine").getField(0);
            killAndRestartHiveServer();
            assertThatThrownBy(removal::get).as("the removal died with HiveServer2").isNotNull();
            assertThat(orphans).as("the kill came in the middle of the moves").anyMatch(file -> !Files.exists(file));
            try (Connection restarted = hiveServer().connect(USER)) {
                assertThatThrownBy(() -> HiveStatements.execute(restarted, "INSERT INTO hc_orphans.events PARTITION (day = 'a') VALUES (3)"))
                        .hasMessageContaining("is held by operation " + operationId);
            }

            assertUpdate("CALL dredge.system.recover(schema_name => 'hc_orphans', table_name => 'events')");
            assertThat(computeActual(format("SELECT state FROM dredge.system.operations WHERE operation_id = '%s'", operationId)).getOnlyValue()).isEqualTo("RECOVERED");
            assertThat(orphans).allSatisfy(file -> assertThat(file).exists());
            assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, day))) FROM hive.hc_orphans.events").getMaterializedRows().getFirst().getFields()).isEqualTo(rows);
        }
        finally {
            executor.shutdownNow();
        }
    }

    private List<String> trinoRows(String table)
    {
        return computeActual(format("SELECT * FROM hive.hc.%s ORDER BY id", table)).getMaterializedRows().stream()
                .map(row -> row.getFields().toString())
                .toList();
    }
}
