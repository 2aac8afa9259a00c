package io.dredge.it;

import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.dredge.it.HiveStatements.execute;
import static io.dredge.it.HiveStatements.rows;
import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * A maintenance function's statement cancelled in a real HiveServer2 through Hive's JDBC driver: by the client's
 * cancel while Hive rewrites the table, by a query timeout and by the session's close while the operation is held at a
 * step (the test-only {@code dredge.testing.pause-after}, which this HiveServer2 takes). Each time Dredge's statement
 * of the moment is cancelled, or the next one refused; no statement of Dredge's runs on; the operation is
 * {@code FAILED} with the reason and undone; the table keeps its rows and files, no Dredge table is left, and the table
 * compacts again. A backup cancelled after its copy keeps no file and runs again.
 */
@TestInstance(PER_CLASS)
class TestHiveMaintenanceCancel
        extends AbstractTestWithDredgeHive
{
    private static final String USER = "analyst";
    private static final String SCHEMA = "hcancel";
    private static final String CANCELLED = "HiveServer2 cancelled the statement that called ";
    private static final String INTERRUPTED = "HiveServer2 interrupted the statement that called ";
    private static final Pattern EXECUTING = Pattern.compile("Executing command\\(queryId=([^)]+)\\): (.*)");

    @BeforeAll
    public void createTestSchema()
    {
        createSchema(SCHEMA);
    }

    @Test
    public void testClientCancelWhileHiveRewritesCancelsTheRewrite()
            throws Exception
    {
        // big enough that Hive's rewrite runs for seconds: the statement is cancelled while it does
        assertUpdate(format("CREATE TABLE hive.%s.rewritten (id bigint, name varchar, day varchar) WITH (partitioned_by = ARRAY['day'])", SCHEMA));
        for (int batch = 0; batch < 2; batch++) {
            assertUpdate(format("INSERT INTO hive.%s.rewritten SELECT a * 1000 + b, 'name-' || CAST(b AS varchar), IF(a %% 2 = 0, 'a', 'b') " +
                    "FROM UNNEST(sequence(%s, %s)) AS x(a) CROSS JOIN UNNEST(sequence(1, 1000)) AS y(b)", SCHEMA, batch * 1000, batch * 1000 + 999), 1_000_000);
        }
        TableState before = state("rewritten");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection hive = hiveServer().connect(USER);
                Statement statement = hive.createStatement()) {
            Future<?> call = executor.submit(() -> rows(statement, format("SELECT dredge_compact_table('%s', 'rewritten')", SCHEMA)));
            String rewrite = waitForHiveStatement(format("INSERT INTO `%s`.`rewritten__dredge_", SCHEMA));
            statement.cancel();
            assertThatThrownBy(call::get).hasMessageContaining("Query was cancelled");
            // the statement stays open: its cancel alone reaches the function, which HiveServer2 does not interrupt for it
            // the table compacts again, as the small tables below show: two million rows through Hive once more take a minute
            assertCancelledAndUndone("rewritten", before, CANCELLED + "dredge_compact_table", false);
            // the rewrite was cancelled, not left to finish
            assertThat(hiveLog()).contains(format("Executing command(queryId=%s) has been interrupted", rewrite));
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    public void testQueryTimeoutWhilePausedRefusesTheRewrite()
            throws Exception
    {
        createSmallFiles("timed_out");
        TableState before = state("timed_out");
        try (Connection hive = hiveServer().connect(USER);
                Statement statement = hive.createStatement()) {
            execute(hive, "SET dredge.testing.pause-after=PLANNED:120");
            statement.setQueryTimeout(5);
            assertThatThrownBy(() -> rows(statement, format("SELECT dredge_compact_table('%s', 'timed_out')", SCHEMA)))
                    .isInstanceOf(SQLTimeoutException.class);
            // the timeout ends the pause (a test's pause, not the protocol's) and the rewrite is refused before it starts
            assertThat(settledState(format("SELECT state FROM dredge.system.operations WHERE schema_name = '%s' AND table_name = 'timed_out' AND kind = 'COMPACT'", SCHEMA))).isEqualTo("FAILED");
            assertThat(hiveStatements(format("`%s`.`timed_out__dredge_", SCHEMA))).isEmpty();
            assertCancelledAndUndone("timed_out", before, CANCELLED + "dredge_compact_table", true);
        }
    }

    @Test
    public void testSessionClosedWhilePausedAfterTheRewriteDropsTheCopy()
            throws Exception
    {
        createSmallFiles("closed");
        TableState before = state("closed");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Connection hive = hiveServer().connect(USER);
            execute(hive, "SET dredge.testing.pause-after=WRITTEN:120");
            Future<?> call = executor.submit(() -> rows(hive, format("SELECT dredge_compact_table('%s', 'closed')", SCHEMA)));
            waitForRunningOperation("closed", "COMPACT", "wrote");
            // the copy Hive wrote, beside the backup table of the original partitions
            assertThat(computeActual(format("SHOW TABLES FROM hive.%s LIKE 'closed\\_\\_dredge\\_%%' ESCAPE '\\'", SCHEMA)).getOnlyColumnAsSet())
                    .filteredOn(name -> !((String) name).startsWith("closed__dredge_backup_"))
                    .hasSize(1);
            // as a client that goes away: its session is closed with the statement running
            hive.close();
            assertThatThrownBy(call::get).isNotNull();
            assertCancelledAndUndone("closed", before, INTERRUPTED + "dredge_compact_table", true);
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    public void testBackupCancelledAfterItsCopyKeepsNoFile()
            throws Exception
    {
        createSmallFiles("backed_up");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection hive = hiveServer().connect(USER);
                Statement statement = hive.createStatement()) {
            execute(hive, "SET dredge.testing.pause-after=WRITTEN:120");
            Future<?> call = executor.submit(() -> rows(statement, format("SELECT dredge_backup_table('%s', 'backed_up', 'cancelled_1')", SCHEMA)));
            // every file is copied; no statement of the backup's runs after that to see the cancel
            waitForRunningOperation("backed_up", "BACKUP", "copied");
            assertThat(storedFiles("backed_up")).hasSize(8);
            statement.cancel();
            assertThatThrownBy(call::get).hasMessageContaining("Query was cancelled");
            assertThat(settledState(format("SELECT state || ': ' || coalesce(error_message, '') FROM dredge.system.operations WHERE schema_name = '%s' AND table_name = 'backed_up' AND kind = 'BACKUP'", SCHEMA)))
                    .startsWith("FAILED: cancelled: " + CANCELLED + "dredge_backup_table");
            assertThat(computeActual("SELECT state, files FROM dredge.system.backups WHERE backup_name = 'cancelled_1'").getMaterializedRows().getFirst().getFields())
                    .containsExactly("FAILED", 0L);
            assertThat(storedFiles("backed_up")).isEmpty();
            assertThat(hiveMetastore().getTable(SCHEMA, "backed_up").orElseThrow().getParameters()).doesNotContainKey("dredge.operation");
        }
        finally {
            executor.shutdownNow();
        }
        try (Connection hive = hiveServer().connect(USER)) {
            assertThat(rows(hive, format("SELECT state, `rows` FROM (SELECT dredge_backup_table('%s', 'backed_up', 'cancelled_2')) b", SCHEMA)))
                    .containsExactly(List.of("COMPLETE", 8L));
        }
    }

    /**
     * After its statement was cancelled: the operation is failed with the reason and undone, no statement of Dredge's
     * on the table runs on, the table has its rows and files, no Dredge table and no mark, and (when asked) it compacts
     * again.
     */
    private void assertCancelledAndUndone(String table, TableState before, String reason, boolean compactsAgain)
            throws Exception
    {
        assertThat(settledState(format("SELECT state || ': ' || coalesce(error_message, '') FROM dredge.system.operations WHERE schema_name = '%s' AND table_name = '%s' AND kind = 'COMPACT'", SCHEMA, table)))
                .startsWith("FAILED: cancelled: " + reason);
        assertThat(unfinishedHiveStatements(format("`%s`.`%s", SCHEMA, table))).isEmpty();
        assertThat(state(table)).isEqualTo(before);
        assertThat(computeActual(format("SHOW TABLES FROM hive.%s LIKE '%s\\_\\_%%' ESCAPE '\\'", SCHEMA, table)).getRowCount()).isEqualTo(0);
        assertThat(hiveMetastore().getTable(SCHEMA, table).orElseThrow().getParameters()).doesNotContainKey("dredge.operation");
        if (!compactsAgain) {
            return;
        }
        try (Connection hive = hiveServer().connect(USER)) {
            assertThat(rows(hive, format("SELECT state FROM (SELECT dredge_compact_table('%s', '%s')) r", SCHEMA, table))).containsExactly(List.of("SUCCEEDED"));
        }
        assertThat(state(table).rows()).isEqualTo(before.rows());
    }

    /**
     * The query id of a statement HiveServer2 executes whose text starts with {@code prefix}, once it does.
     */
    private String waitForHiveStatement(String prefix)
            throws Exception
    {
        for (int attempt = 0; attempt < 480; attempt++) {
            Optional<String> queryId = hiveStatements(prefix).stream().findFirst();
            if (queryId.isPresent()) {
                return queryId.get();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("HiveServer2 did not execute " + prefix);
    }

    /**
     * The query ids of the statements HiveServer2 has started to execute whose text contains {@code text}.
     */
    private Set<String> hiveStatements(String text)
            throws IOException
    {
        return hiveLog().lines()
                .map(EXECUTING::matcher)
                .filter(Matcher::find)
                .filter(matcher -> matcher.group(2).contains(text))
                .map(matcher -> matcher.group(1))
                .collect(Collectors.toSet());
    }

    /**
     * Those of {@link #hiveStatements} whose execution has not ended, once they have (or after a minute).
     */
    private Set<String> unfinishedHiveStatements(String text)
            throws Exception
    {
        Set<String> unfinished = Set.of();
        for (int attempt = 0; attempt < 240; attempt++) {
            String log = hiveLog();
            unfinished = hiveStatements(text).stream()
                    .filter(queryId -> !log.contains(format("Completed executing command(queryId=%s)", queryId))
                            && !log.contains(format("Executing command(queryId=%s) has been interrupted", queryId)))
                    .collect(Collectors.toSet());
            if (unfinished.isEmpty()) {
                break;
            }
            Thread.sleep(250);
        }
        return unfinished;
    }

    private String hiveLog()
            throws IOException
    {
        // not Files.readString: the log holds a byte or two that are not UTF-8
        return new String(Files.readAllBytes(hiveServer().logFile()), UTF_8);
    }

    /**
     * Eight small ORC files in two partitions.
     */
    private void createSmallFiles(String table)
    {
        assertUpdate(format("CREATE TABLE hive.%s.%s (id bigint, name varchar, day varchar) WITH (format = 'ORC', partitioned_by = ARRAY['day'])", SCHEMA, table));
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate(format("INSERT INTO hive.%s.%s VALUES (%s, 'a', 'd1'), (%s, 'b', 'd2')", SCHEMA, table, batch * 2, batch * 2 + 1), 2);
        }
    }

    private List<Path> storedFiles(String table)
            throws IOException
    {
        Path directory = backupRepository().resolve("tables").resolve(SCHEMA).resolve(table);
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).filter(path -> !path.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private TableState state(String table)
    {
        MaterializedRow rows = computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.%s.%s", SCHEMA, table)).getMaterializedRows().getFirst();
        Set<Object> files = computeActual(format("SELECT DISTINCT \"$path\" FROM hive.%s.%s", SCHEMA, table)).getOnlyColumnAsSet();
        return new TableState(rows.getFields(), files);
    }

    private record TableState(List<Object> rows, Set<Object> files) {}
}
