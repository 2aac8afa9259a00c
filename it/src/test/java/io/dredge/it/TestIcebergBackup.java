package io.dredge.it;

import io.trino.Session;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * backup_table and restore_table of Iceberg tables through SQL, on a real Trino whose worker copies the files, over a
 * real thrift metastore: every snapshot reads the same after a restore, with the source table and its files gone.
 */
@TestInstance(PER_CLASS)
public class TestIcebergBackup
        extends AbstractTestWithThriftMetastore
{
    private static final String FIGURES = "count(*), to_hex(checksum(ROW(id, name, day)))";

    @BeforeAll
    public void createSchemas()
    {
        assertUpdate(format("CREATE SCHEMA iceberg.iceb WITH (location = '%s')", schemaLocation("iceb")));
        assertUpdate(format("CREATE SCHEMA iceberg.iceb_restored WITH (location = '%s')", schemaLocation("iceb_restored")));
    }

    @Test
    public void testIncrementalBackupsRestoreEverySnapshotAfterTheSourceIsGone()
            throws IOException
    {
        assertUpdate("CREATE TABLE iceberg.iceb.events (id bigint, name varchar, day date) WITH (format = 'PARQUET', partitioning = ARRAY['day'])");
        assertUpdate(insert(1, 30), 30);
        assertUpdate(insert(31, 60), 30);
        // merge-on-read: position-delete files that name data files, rewritten on restore
        assertUpdate("DELETE FROM iceberg.iceb.events WHERE id % 7 = 0", 8);
        assertUpdate("UPDATE iceberg.iceb.events SET name = 'updated' WHERE id % 5 = 0", 11);
        assertUpdate("ALTER TABLE iceberg.iceb.events SET PROPERTIES partitioning = ARRAY['day', 'bucket(id, 4)']");
        assertUpdate(insert(61, 70), 10);
        Map<Long, List<Object>> firstPoint = figuresAtEverySnapshot("iceberg.iceb.events");
        long firstSnapshot = currentSnapshot("iceberg.iceb.events");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'events', backup_name => 'ice_1')");

        assertUpdate(insert(71, 90), 20);
        assertUpdate("DELETE FROM iceberg.iceb.events WHERE id = 1", 1);
        Map<Long, List<Object>> secondPoint = figuresAtEverySnapshot("iceberg.iceb.events");
        long secondSnapshot = currentSnapshot("iceberg.iceb.events");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'events', backup_name => 'ice_2')");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'events', backup_name => 'ice_3')");

        assertThat(computeActual("SELECT backup_name, table_type, snapshot_id, state, bytes_copied = bytes, bytes_copied > 0, rows FROM dredge.system.backups WHERE source_table = 'events' AND source_schema = 'iceb' ORDER BY created_at")
                .getMaterializedRows())
                .extracting(row -> row.getFields())
                .containsExactly(
                        List.of("ice_1", "ICEBERG", firstSnapshot, "COMPLETE", true, true, 62L),
                        List.of("ice_2", "ICEBERG", secondSnapshot, "COMPLETE", false, true, 81L),
                        List.of("ice_3", "ICEBERG", secondSnapshot, "COMPLETE", false, false, 81L));
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'ice_2')");

        Path source = Path.of(((String) computeActual("SELECT file FROM iceberg.iceb.\"events$metadata_log_entries\" LIMIT 1").getOnlyValue()).replaceFirst("^file:", "")).getParent().getParent();
        assertUpdate("DROP TABLE iceberg.iceb.events");
        if (Files.exists(source)) {
            deleteRecursively(source);
        }

        assertUpdate("CALL dredge.system.drop_backup(backup_name => 'ice_3')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'ice_1', schema_name => 'iceb_restored', table_name => 'first')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'ice_2', schema_name => 'iceb_restored', table_name => 'second')");
        assertThat(figuresAtEverySnapshot("iceberg.iceb_restored.first")).isEqualTo(firstPoint);
        assertThat(figuresAtEverySnapshot("iceberg.iceb_restored.second")).isEqualTo(secondPoint);
        // the restored table is a table like any other
        assertUpdate("INSERT INTO iceberg.iceb_restored.second VALUES (1000, 'new', DATE '2024-01-01')", 1);
        assertThat(computeActual("SELECT count(*) FROM iceberg.iceb_restored.second").getOnlyValue()).isEqualTo(82L);
    }

    @Test
    public void testVerifyFilesTakesRowsFromTheManifests()
    {
        assertUpdate("CREATE TABLE iceberg.iceb.lean (id bigint, day date) WITH (partitioning = ARRAY['day'])");
        assertUpdate("INSERT INTO iceberg.iceb.lean VALUES (1, DATE '2024-01-01'), (2, DATE '2024-01-01'), (3, DATE '2024-01-02')", 3);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'lean', backup_name => 'lean_1')");
        assertThat(computeActual("SELECT rows, verification FROM dredge.system.backups WHERE backup_name = 'lean_1'").getMaterializedRows().getFirst().getFields())
                .containsExactly(3L, "files");
        assertThat(rowQueries("iceb", "lean")).isEmpty();
        // a delete file makes the manifests' record counts more than the rows: the engine counts them, without a checksum
        assertUpdate("DELETE FROM iceberg.iceb.lean WHERE id = 1", 1);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'lean', backup_name => 'lean_2')");
        assertThat(computeActual("SELECT rows FROM dredge.system.backups WHERE backup_name = 'lean_2'").getOnlyValue()).isEqualTo(2L);
        assertThat(rowQueries("iceb", "lean")).singleElement().asString().startsWith("SELECT count(*) FROM ");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'lean', backup_name => 'lean_3', verify => 'rows')");
        assertThat(rowQueries("iceb", "lean")).hasSize(2).last().asString().startsWith("SELECT count(*), ");

        assertUpdate("CALL dredge.system.restore_table(backup_name => 'lean_2', schema_name => 'iceb_restored', table_name => 'lean_2')");
        assertThat(rowQueries("iceb_restored", "lean_2")).isEmpty();
        assertThat(computeActual("SELECT id FROM iceberg.iceb_restored.lean_2").getOnlyColumnAsSet()).containsExactlyInAnyOrder(2L, 3L);
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'lean_1', schema_name => 'iceb_restored', table_name => 'lean_1', verify => 'rows')",
                "backup lean_1 was taken with verify => 'files'.*");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'lean_3', schema_name => 'iceb_restored', table_name => 'lean_3')");
        assertThat(rowQueries("iceb_restored", "lean_3")).singleElement().asString().startsWith("SELECT count(*), ");
    }

    private List<String> rowQueries(String schema, String table)
    {
        return computeActual("""
                SELECT query FROM system.runtime.queries
                WHERE source = 'dredge' AND query LIKE 'SELECT count(*)%%' AND query LIKE '%%"%s"."%s"%%'
                ORDER BY created""".formatted(schema, table)).getOnlyColumn().map(String.class::cast).toList();
    }

    @Test
    public void testUnpartitionedTableRestoresEverySnapshotAfterTheSourceIsGone()
            throws IOException
    {
        assertUpdate("CREATE TABLE iceberg.iceb.flat (id bigint, name varchar, day date)");
        assertUpdate("INSERT INTO iceberg.iceb.flat SELECT x, 'n' || CAST(x AS varchar), DATE '2024-01-01' FROM UNNEST(sequence(1, 20)) t(x)", 20);
        assertUpdate("INSERT INTO iceberg.iceb.flat SELECT x, 'm' || CAST(x AS varchar), DATE '2024-01-02' FROM UNNEST(sequence(21, 30)) t(x)", 10);
        assertUpdate("DELETE FROM iceberg.iceb.flat WHERE id % 4 = 0", 7);
        assertUpdate("ALTER TABLE iceberg.iceb.flat ADD COLUMN score double");
        assertUpdate("INSERT INTO iceberg.iceb.flat VALUES (100, 'late', DATE '2024-01-03', 1.5)", 1);
        Map<Long, List<Object>> before = figuresAtEverySnapshot("iceberg.iceb.flat");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'flat', backup_name => 'flat_1')");

        Path source = Path.of(((String) computeActual("SELECT file FROM iceberg.iceb.\"flat$metadata_log_entries\" LIMIT 1").getOnlyValue()).replaceFirst("^file:", "")).getParent().getParent();
        assertUpdate("DROP TABLE iceberg.iceb.flat");
        if (Files.exists(source)) {
            deleteRecursively(source);
        }
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'flat_1', schema_name => 'iceb_restored', table_name => 'flat')");
        assertThat(figuresAtEverySnapshot("iceberg.iceb_restored.flat")).isEqualTo(before);
        assertThat(computeActual("SELECT score FROM iceberg.iceb_restored.flat WHERE id = 100").getOnlyValue()).isEqualTo(1.5);
    }

    @Test
    public void testEqualityDeletesRestoreWithTheSameRows()
            throws IOException
    {
        assertUpdate("CREATE TABLE iceberg.iceb.keyed (id bigint, name varchar, day date)");
        assertUpdate("INSERT INTO iceberg.iceb.keyed SELECT x, 'n' || CAST(x AS varchar), DATE '2024-01-01' FROM UNNEST(sequence(1, 20)) t(x)", 20);
        // Trino writes no equality deletes: committed as Flink or Spark would, with iceberg-core
        IcebergTestTables.deleteWhereEquals(IcebergTestTables.load(hiveMetastore(), "iceb", "keyed"), "id", List.of(3L, 5L, 7L));
        assertUpdate("INSERT INTO iceberg.iceb.keyed VALUES (3, 'again', DATE '2024-01-02')", 1);
        assertThat(computeActual("SELECT content, record_count FROM iceberg.iceb.\"keyed$files\" WHERE content = 2").getMaterializedRows())
                .extracting(row -> row.getFields())
                .containsExactly(List.of(2, 3L));
        assertThat(computeActual("SELECT count(*) FROM iceberg.iceb.keyed").getOnlyValue()).isEqualTo(18L);
        Map<Long, List<Object>> before = figuresAtEverySnapshot("iceberg.iceb.keyed");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'keyed', backup_name => 'keyed_1')");
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'keyed_1')");

        Path source = Path.of(((String) computeActual("SELECT file FROM iceberg.iceb.\"keyed$metadata_log_entries\" LIMIT 1").getOnlyValue()).replaceFirst("^file:", "")).getParent().getParent();
        assertUpdate("DROP TABLE iceberg.iceb.keyed");
        if (Files.exists(source)) {
            deleteRecursively(source);
        }
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'keyed_1', schema_name => 'iceb_restored', table_name => 'keyed')");
        assertThat(figuresAtEverySnapshot("iceberg.iceb_restored.keyed")).isEqualTo(before);
        assertThat(computeActual("SELECT name FROM iceberg.iceb_restored.keyed WHERE id IN (3, 5, 7)").getOnlyColumnAsSet()).containsExactly("again");
        // the equality delete file came along, under the restored table's location
        assertThat(computeActual("SELECT file_path FROM iceberg.iceb_restored.\"keyed$files\" WHERE content = 2").getOnlyColumnAsSet())
                .singleElement().asString().contains("/iceb_restored/").doesNotContain("/iceb/");
    }

    @Test
    public void testOrcTableWithPositionDeletesRestoresEverySnapshotAfterTheSourceIsGone()
            throws IOException
    {
        // Trino writes ORC position-delete files for an ORC table (format version 2): a restore reads and rewrites
        // them with iceberg-orc, and a wrong data-file path in one would bring deleted rows back
        assertUpdate("CREATE TABLE iceberg.iceb.orc_events (id bigint, name varchar, day date) WITH (format = 'ORC', format_version = 2, partitioning = ARRAY['day'])");
        assertUpdate("INSERT INTO iceberg.iceb.orc_events SELECT x, 'n' || CAST(x AS varchar), date_add('day', x % 3, DATE '2024-01-01') FROM UNNEST(sequence(1, 30)) t(x)", 30);
        assertUpdate("INSERT INTO iceberg.iceb.orc_events SELECT x, 'n' || CAST(x AS varchar), date_add('day', x % 3, DATE '2024-01-01') FROM UNNEST(sequence(31, 60)) t(x)", 30);
        assertUpdate("DELETE FROM iceberg.iceb.orc_events WHERE id % 7 = 0", 8);
        assertUpdate("UPDATE iceberg.iceb.orc_events SET name = 'updated' WHERE id % 5 = 0", 11);
        assertUpdate("ALTER TABLE iceberg.iceb.orc_events ADD COLUMN score double");
        assertUpdate("INSERT INTO iceberg.iceb.orc_events VALUES (100, 'late', DATE '2024-01-04', 1.5)", 1);
        assertUpdate("DELETE FROM iceberg.iceb.orc_events WHERE id = 1", 1);
        assertThat(computeActual("SELECT DISTINCT file_format FROM iceberg.iceb.\"orc_events$files\" WHERE content = 1").getOnlyColumnAsSet())
                .containsExactly("ORC");
        Map<Long, List<Object>> before = figuresAtEverySnapshot("iceberg.iceb.orc_events");
        Object deleteFiles = computeActual("SELECT count(*) FROM iceberg.iceb.\"orc_events$files\" WHERE content = 1").getOnlyValue();
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'orc_events', backup_name => 'orc_events_1')");

        Path source = Path.of(((String) computeActual("SELECT file FROM iceberg.iceb.\"orc_events$metadata_log_entries\" LIMIT 1").getOnlyValue()).replaceFirst("^file:", "")).getParent().getParent();
        assertUpdate("DROP TABLE iceberg.iceb.orc_events");
        if (Files.exists(source)) {
            deleteRecursively(source);
        }
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'orc_events_1', schema_name => 'iceb_restored', table_name => 'orc_events')");
        assertThat(figuresAtEverySnapshot("iceberg.iceb_restored.orc_events")).isEqualTo(before);
        assertThat(computeActual("SELECT DISTINCT file_format FROM iceberg.iceb_restored.\"orc_events$files\" WHERE content = 1").getOnlyColumnAsSet())
                .containsExactly("ORC");
        assertThat(computeActual("SELECT count(*) FROM iceberg.iceb_restored.\"orc_events$files\" WHERE content = 1").getOnlyValue()).isEqualTo(deleteFiles);
        assertThat(computeActual("SELECT score FROM iceberg.iceb_restored.orc_events WHERE id = 100").getOnlyValue()).isEqualTo(1.5);
        // the restored table takes further deletes like any other
        assertUpdate("DELETE FROM iceberg.iceb_restored.orc_events WHERE id = 2", 1);
        assertThat(computeActual("SELECT count(*) FROM iceberg.iceb_restored.orc_events").getOnlyValue()).isEqualTo(51L);
    }

    @Test
    public void testCommitsRacingTheBackupAreNotInItAndTheNextBackupHasThem()
            throws Exception
    {
        assertUpdate("CREATE TABLE iceberg.iceb.racing (id bigint, name varchar, day date) WITH (partitioning = ARRAY['day'])");
        assertUpdate("INSERT INTO iceberg.iceb.racing SELECT x, 'n' || CAST(x AS varchar), DATE '2024-01-01' FROM UNNEST(sequence(1, 20)) t(x)", 20);
        assertUpdate("INSERT INTO iceberg.iceb.racing SELECT x, 'n' || CAST(x AS varchar), DATE '2024-01-02' FROM UNNEST(sequence(21, 40)) t(x)", 20);
        long planned = currentSnapshot("iceberg.iceb.racing");
        List<Object> atBackup = figures("iceberg.iceb.racing");
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", "WRITTEN:4").build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> backup = executor.submit(() -> getQueryRunner().execute(pausing, "CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'racing', backup_name => 'racing_1')"));
            waitForRunningOperation("racing", "BACKUP", "copied");
            // writers a backup does not stop: an append, a delete, and a rewrite of every data file
            assertUpdate("INSERT INTO iceberg.iceb.racing SELECT x, 'late', DATE '2024-01-03' FROM UNNEST(sequence(41, 50)) t(x)", 10);
            assertUpdate("DELETE FROM iceberg.iceb.racing WHERE id <= 5", 5);
            assertUpdate("ALTER TABLE iceberg.iceb.racing EXECUTE optimize");
            backup.get();
        }
        finally {
            executor.shutdownNow();
        }
        List<Object> afterRace = figures("iceberg.iceb.racing");
        assertThat(afterRace).isNotEqualTo(atBackup);
        assertThat(computeActual("SELECT snapshot_id, rows FROM dredge.system.backups WHERE backup_name = 'racing_1'").getMaterializedRows().getFirst().getFields())
                .containsExactly(planned, 40L);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'racing', backup_name => 'racing_2')");

        assertUpdate("CALL dredge.system.restore_table(backup_name => 'racing_1', schema_name => 'iceb_restored', table_name => 'racing_1')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'racing_2', schema_name => 'iceb_restored', table_name => 'racing_2')");
        assertThat(figures("iceberg.iceb_restored.racing_1")).isEqualTo(atBackup);
        assertThat(figures("iceberg.iceb_restored.racing_2")).isEqualTo(afterRace);
    }

    private List<Object> figures(String table)
    {
        return computeActual(format("SELECT %s FROM %s", FIGURES, table)).getMaterializedRows().getFirst().getFields();
    }

    @Test
    public void testTableWithDataOutsideItsLocationIsRefusedBeforeAnythingIsWritten()
            throws IOException
    {
        String elsewhere = schemaLocation("iceb") + "/elsewhere";
        assertUpdate(format("CREATE TABLE iceberg.iceb.data_elsewhere (id bigint) WITH (data_location = '%s')", elsewhere));
        assertUpdate("INSERT INTO iceberg.iceb.data_elsewhere VALUES 1", 1);
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'iceb', table_name => 'data_elsewhere', backup_name => 'elsewhere_1')",
                ".*lies outside the table location.*");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.backups WHERE backup_name = 'elsewhere_1'").getOnlyValue()).isEqualTo(0L);
        assertThat(backupRepository().resolve("tables").resolve("iceb").resolve("data_elsewhere")).doesNotExist();
        assertThat(backupRepository().resolve("backups").resolve("elsewhere_1")).doesNotExist();
    }

    private static String insert(int from, int to)
    {
        return format("INSERT INTO iceberg.iceb.events SELECT x, 'n' || CAST(x AS varchar), date_add('day', x %% 3, DATE '2024-01-01') FROM UNNEST(sequence(%s, %s)) t(x)", from, to);
    }

    /**
     * Row count and checksum at every snapshot the table has, and now.
     */
    private Map<Long, List<Object>> figuresAtEverySnapshot(String table)
    {
        Map<Long, List<Object>> figures = new LinkedHashMap<>();
        String[] parts = table.split("\\.");
        for (Object snapshot : computeActual(format("SELECT snapshot_id FROM %s.%s.\"%s$snapshots\" ORDER BY committed_at", parts[0], parts[1], parts[2])).getOnlyColumnAsSet()) {
            figures.put((Long) snapshot, computeActual(format("SELECT %s FROM %s FOR VERSION AS OF %s", FIGURES, table, snapshot)).getMaterializedRows().getFirst().getFields());
        }
        figures.put(-1L, computeActual(format("SELECT %s FROM %s", FIGURES, table)).getMaterializedRows().getFirst().getFields());
        return figures;
    }

    private long currentSnapshot(String table)
    {
        String[] parts = table.split("\\.");
        return (long) computeActual(format("SELECT snapshot_id FROM %s.%s.\"%s$snapshots\" ORDER BY committed_at DESC LIMIT 1", parts[0], parts[1], parts[2])).getOnlyValue();
    }

    private static void deleteRecursively(Path directory)
            throws IOException
    {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
