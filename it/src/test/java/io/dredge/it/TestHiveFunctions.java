package io.dredge.it;

import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static io.dredge.it.HiveStatements.execute;
import static io.dredge.it.HiveStatements.rows;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * Dredge's Hive table functions in a real HiveServer2 (installed from the shaded jar, registered by the init file it
 * ships) over the thrift metastore Trino's Dredge uses: the same rows as Trino's system tables.
 */
@TestInstance(PER_CLASS)
class TestHiveFunctions
        extends AbstractTestWithDredgeHive
{
    private static final String USER = "analyst";
    private static final String REPORT_COLUMNS = "schema_name, table_name, partition_name, table_type, file_format, file_count, total_bytes, avg_file_bytes, "
            + "small_file_count, ideal_file_count, compaction_ratio, status, recommended_action";

    @BeforeAll
    public void createTables()
    {
        createSchema("fn");
        assertUpdate("CREATE TABLE hive.fn.events (id bigint, name varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.fn.events VALUES (%s, 'a', 'd1'), (%s, 'b', 'd2')", batch * 2, batch * 2 + 1), 2);
        }
        assertUpdate("CREATE TABLE hive.fn.flat (id bigint) WITH (format = 'ORC')");
        assertUpdate("INSERT INTO hive.fn.flat VALUES 1", 1);
        assertUpdate("INSERT INTO hive.fn.flat VALUES 2", 1);
        assertUpdate("CREATE TABLE iceberg.fn.ice (id bigint, day date) WITH (partitioning = ARRAY['day'])");
        assertUpdate("INSERT INTO iceberg.fn.ice VALUES (1, DATE '2024-01-01')", 1);
        assertUpdate("INSERT INTO iceberg.fn.ice VALUES (2, DATE '2024-01-02')", 1);
        assertUpdate("CREATE VIEW hive.fn.events_view AS SELECT id FROM hive.fn.events");
    }

    @Test
    public void testReportHasTrinosRows()
            throws Exception
    {
        List<List<Object>> trino = computeActual(format("SELECT %s FROM dredge.system.small_file_report WHERE schema_name = 'fn'", REPORT_COLUMNS)).getMaterializedRows().stream()
                .map(MaterializedRow::getFields)
                .toList();
        // a partitioned Hive table and its partitions, an unpartitioned ORC table, an Iceberg table and its partitions
        assertThat(trino).extracting(row -> row.get(1) + ":" + row.get(2))
                .contains("events:null", "events:day=d1", "events:day=d2", "flat:null", "ice:null", "ice:day=2024-01-01", "ice:day=2024-01-02");
        try (Connection hive = hiveServer().connect(USER)) {
            assertThat(rows(hive, format("SELECT %s FROM (SELECT dredge_small_file_report('fn')) r", REPORT_COLUMNS))).containsExactlyInAnyOrderElementsOf(trino);
            assertThat(rows(hive, "SELECT DISTINCT catalog_name FROM (SELECT dredge_small_file_report('fn')) r")).containsExactly(List.of("hive"));
            // one table, and another policy
            assertThat(rows(hive, "SELECT partition_name, file_count, status FROM (SELECT dredge_small_file_report('fn', 'events', '100', '1.5')) r"))
                    .containsExactlyInAnyOrder(
                            Arrays.asList(null, 6L, "OK"),
                            List.of("day=d1", 3L, "OK"),
                            List.of("day=d2", 3L, "OK"));
            assertThat(rows(hive, "SELECT partition_name, status FROM (SELECT dredge_small_file_report('fn', 'events')) r WHERE partition_name = 'day=d1'"))
                    .containsExactly(List.of("day=d1", "NEEDS_COMPACTION"));
            // Hive 4.0.1 takes no table function in FROM: the function alone gives every column
            assertThat(rows(hive, "SELECT dredge_small_file_report('fn', 'flat')")).hasSize(1);
        }
    }

    @Test
    public void testReportRefusesWhatItCannotReport()
            throws Exception
    {
        try (Connection hive = hiveServer().connect(USER)) {
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_small_file_report('missing')) r")).hasMessageContaining("schema missing does not exist");
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_small_file_report('fn', 'missing')) r")).hasMessageContaining("table fn.missing does not exist");
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_small_file_report('fn', 'events_view')) r")).hasMessageContaining("fn.events_view is a view");
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_small_file_report('fn''; DROP TABLE fn.events; --')) r")).hasMessageContaining("does not exist");
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_small_file_report(CAST(NULL AS string))) r")).hasMessageContaining("schema must not be NULL or empty");
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_small_file_report()) r")).hasMessageContaining("dredge_small_file_report takes 1 to 4 arguments");
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_small_file_report('fn', 'events', 'big')) r")).hasMessageContaining("dredge_small_file_report: ");
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_small_file_report('fn', 'events', '0')) r")).hasMessageContaining("target file size must be positive");
        }
        assertThat(computeActual("SELECT count(*) FROM hive.fn.events").getOnlyValue()).isEqualTo(6L);
    }

    @Test
    public void testChangedPartitionsInHiveResumeInTrinoAndBack()
            throws Exception
    {
        createSchema("fn_changes");
        assertUpdate("CREATE TABLE hive.fn_changes.events (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.fn_changes.events VALUES (%s, 'd1'), (%s, 'd2')", batch * 2, batch * 2 + 1), 2);
        }
        String columns = "partition_name, change_kinds, rows_added, rows_removed, files_added, files_removed";
        try (Connection hive = hiveServer().connect(USER)) {
            // the function runs in the session, not in a task: no ORDER BY or DISTINCT around it; Hive's JDBC gives arrays as JSON

            assertThat(rows(hive, format("SELECT %s FROM (SELECT dredge_changed_partitions('fn_changes', 'events', '2000-01-01 00:00:00')) c", columns))).containsExactlyInAnyOrder(
                    Arrays.asList("day=d1", "[\"APPEND\"]", null, null, 3L, 0L),
                    Arrays.asList("day=d2", "[\"APPEND\"]", null, null, 3L, 0L));
            String token = (String) rows(hive, "SELECT resume_token FROM (SELECT dredge_changed_partitions('fn_changes', 'events', '2000-01-01')) c").getFirst().getFirst();

            // Hive's compaction is no change; Hive's INSERT OVERWRITE is one, even of the same rows
            rows(hive, "SELECT dredge_compact_table('fn_changes', 'events')");
            assertThat(rows(hive, format("SELECT * FROM (SELECT dredge_changed_partitions('fn_changes', 'events', '%s')) c", token))).isEmpty();
            execute(hive, "INSERT OVERWRITE TABLE fn_changes.events PARTITION (day = 'd2') SELECT id FROM fn_changes.events WHERE day = 'd2'");
            List<List<Object>> hiveAnswer = rows(hive, format("SELECT partition_name, change_kinds, resume_token FROM (SELECT dredge_changed_partitions('fn_changes', 'events', '%s')) c", token));
            assertThat(hiveAnswer).extracting(row -> row.subList(0, 2)).containsExactly(List.of("day=d2", "[\"OVERWRITE\"]"));

            // the token of Hive's answer resumes in Trino, and Trino's in Hive
            String hiveToken = (String) hiveAnswer.getFirst().get(2);
            assertUpdate("INSERT INTO hive.fn_changes.events VALUES (10, 'd3')", 1);
            MaterializedResult trinoAnswer = computeActual(format("SELECT partition_name, resume_token FROM TABLE(dredge.system.changed_partitions(schema_name => 'fn_changes', table_name => 'events', since_token => '%s'))", hiveToken));
            assertThat(trinoAnswer.getMaterializedRows()).extracting(row -> row.getField(0)).containsExactly("day=d3");
            String trinoToken = (String) trinoAnswer.getMaterializedRows().getFirst().getField(1);
            assertThat(rows(hive, format("SELECT * FROM (SELECT dredge_changed_partitions('fn_changes', 'events', '%s')) c", trinoToken))).isEmpty();

            assertThatThrownBy(() -> rows(hive, "SELECT dredge_changed_partitions('fn_changes', 'events', 'yesterday')")).hasMessageContaining("'yesterday' is not a resume token of changed_partitions");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_changed_partitions('fn_changes', 'events', '2026-13-45 00:00')")).hasMessageContaining("since '2026-13-45 00:00' is not a snapshot id, a time");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_changed_partitions('fn_changes', 'events', '42')")).hasMessageContaining("fn_changes.events is a Hive table, which has no snapshots");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_changed_partitions('fn_changes', 'missing', '2000-01-01')")).hasMessageContaining("table fn_changes.missing does not exist");
            // an Iceberg table, from its snapshots
            assertThat(rows(hive, "SELECT partition_name, rows_added FROM (SELECT dredge_changed_partitions('fn', 'ice', '2000-01-01')) c"))
                    .containsExactlyInAnyOrder(List.of("day=2024-01-01", 1L), List.of("day=2024-01-02", 1L));
        }
    }

    @Test
    public void testTableHealthHasTrinosRowsAndHiveFixes()
            throws Exception
    {
        // a schema of its own: the fix compacts, which the other tests' operations would see
        createSchema("fn_health");
        assertUpdate("CREATE TABLE hive.fn_health.events (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.fn_health.events VALUES (%s, 'a')", batch), 1);
        }
        assertUpdate("CREATE TABLE iceberg.fn_health.ice (id bigint, day date) WITH (partitioning = ARRAY['day'])");
        assertUpdate("INSERT INTO iceberg.fn_health.ice VALUES (1, DATE '2024-01-01')", 1);
        assertUpdate("INSERT INTO iceberg.fn_health.ice VALUES (2, DATE '2024-01-01')", 1);
        // a merge-on-read delete of one row in two: a reason of its own, fixed by Trino's optimize
        assertUpdate("DELETE FROM iceberg.fn_health.ice WHERE id = 2", 1);
        assertUpdate("CREATE VIEW hive.fn_health.a_view AS SELECT id FROM hive.fn_health.events");
        List<Object> rows = computeActual("SELECT count(*), to_hex(checksum(ROW(id, day))) FROM hive.fn_health.events").getMaterializedRows().getFirst().getFields();
        String columns = "schema_name, table_name, table_type, status, %s, files, small_files, total_bytes, avg_file_bytes, partitions, delete_files, snapshots, manifests, avg_manifest_bytes, running_operation_id";
        List<List<Object>> trino = computeActual(format("SELECT " + columns + " FROM dredge.system.table_health WHERE schema_name = 'fn_health'", "array_join(reasons, '|')"))
                .getMaterializedRows().stream()
                .map(MaterializedRow::getFields)
                .toList();
        assertThat(trino).extracting(row -> row.get(1) + ":" + row.get(3)).containsExactlyInAnyOrder("events:WARN", "ice:WARN");
        try (Connection hive = hiveServer().connect(USER)) {
            assertThat(rows(hive, format("SELECT " + columns + " FROM (SELECT dredge_table_health('fn_health')) h", "concat_ws('|', reasons)")))
                    .containsExactlyInAnyOrderElementsOf(trino);
            // a Hive table's fix is Hive's function, an Iceberg table's Trino's procedure
            assertThat(rows(hive, "SELECT table_name, f FROM (SELECT dredge_table_health('fn_health')) h LATERAL VIEW explode(fix) x AS f"))
                    .containsExactlyInAnyOrder(
                            List.of("events", "SELECT dredge_compact_table('fn_health', 'events')"),
                            List.of("ice", "CALL \"dredge\".system.compact_table(schema_name => 'fn_health', table_name => 'ice')"),
                            List.of("ice", "ALTER TABLE \"iceberg\".\"fn_health\".\"ice\" EXECUTE optimize(file_size_threshold => '0B')"));
            // run as given, it makes the table OK with the same rows
            rows(hive, "SELECT dredge_compact_table('fn_health', 'events')");
            assertThat(rows(hive, "SELECT status, size(reasons), size(fix), files, last_compaction_at IS NOT NULL FROM (SELECT dredge_table_health('fn_health', 'events')) h"))
                    .containsExactly(List.of("OK", 0, 0, 1L, true));
            assertThat(computeActual("SELECT status FROM dredge.system.table_health WHERE schema_name = 'fn_health' AND table_name = 'events'").getOnlyValue()).isEqualTo("OK");
            assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, day))) FROM hive.fn_health.events").getMaterializedRows().getFirst().getFields()).isEqualTo(rows);


            // maintain_schema in Hive: every Hive table's fix, in order, each its own operation; Iceberg tables are Trino's
            // partitioned: an unpartitioned table's compaction moves it to a new directory, leaving the leftover behind
            assertUpdate("CREATE TABLE hive.fn_health.leftovers (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
            for (int batch = 0; batch < 3; batch++) {
                assertUpdate(format("INSERT INTO hive.fn_health.leftovers VALUES (%s, 'a')", batch), 1);
            }
            Path leftover = tableDirectory("fn_health", "leftovers").resolve("_temporary/0/part-00000");
            Files.createDirectories(leftover.getParent());
            Files.writeString(leftover, "stray");
            Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofDays(4))));
            assertThat(rows(hive, "SELECT table_name, kind, state FROM (SELECT dredge_maintain_schema('fn_health', map('dry_run', 'true'))) r"))
                    .containsExactly(List.of("leftovers", "COMPACT", "PLANNED"), List.of("leftovers", "REMOVE_ORPHAN_FILES", "PLANNED"));
            assertThat(leftover).exists();
            assertThat(rows(hive, "SELECT table_name, kind, state FROM (SELECT dredge_maintain_schema('fn_health')) r"))
                    .containsExactly(List.of("leftovers", "COMPACT", "SUCCEEDED"), List.of("leftovers", "REMOVE_ORPHAN_FILES", "SUCCEEDED"));
            assertThat(leftover).doesNotExist();
            assertThat(rows(hive, "SELECT table_name, status FROM (SELECT dredge_table_health('fn_health')) h"))
                    .containsExactlyInAnyOrder(List.of("events", "OK"), List.of("leftovers", "OK"), List.of("ice", "WARN"));
            assertThat(computeActual("SELECT count(*), sum(id) FROM hive.fn_health.leftovers").getMaterializedRows().getFirst().getFields()).containsExactly(3L, 3L);
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_maintain_schema('missing')) r")).hasMessageContaining("schema missing does not exist");

            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_table_health('fn_health', 'a_view')) h")).hasMessageContaining("fn_health.a_view is a view");
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_table_health('missing')) h")).hasMessageContaining("schema missing does not exist");
        }
    }

    @Test
    public void testOperationsHaveTrinosRows()
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.fn.compacted (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.fn.compacted VALUES (%s, 'a')", batch), 1);
        }
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'fn', table_name => 'compacted')");
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'fn', table_name => 'compacted')");
        String columns = "operation_id, kind, schema_name, table_name, state, user_name, step, target_operation_id, verification, partitions_considered, partitions_planned, "
                + "partitions_compacted, partitions_skipped, files_before, bytes_before, files_after, bytes_after, rows_verified, backup_table, error_message";
        List<List<Object>> trino = computeActual(format("SELECT %s FROM dredge.system.operations WHERE schema_name = 'fn' ORDER BY operation_id", columns)).getMaterializedRows().stream()
                .map(MaterializedRow::getFields)
                .toList();
        assertThat(trino).extracting(row -> row.get(1) + ":" + row.get(4)).containsExactly("COMPACT:ROLLED_BACK", "ROLLBACK:SUCCEEDED");
        try (Connection hive = hiveServer().connect(USER)) {
            assertThat(rows(hive, format("SELECT %s FROM (SELECT dredge_operations('fn')) r", columns))).containsExactlyInAnyOrderElementsOf(trino);
            assertThat(rows(hive, "SELECT kind FROM (SELECT dredge_operations('fn', 'compacted')) r WHERE started_at <= finished_at")).containsExactlyInAnyOrder(List.of("COMPACT"), List.of("ROLLBACK"));
            assertThat(rows(hive, "SELECT count(*) FROM (SELECT dredge_operations('fn', 'events')) r")).containsExactly(List.of(0L));
            assertThatThrownBy(() -> rows(hive, "SELECT * FROM (SELECT dredge_operations('missing')) r")).hasMessageContaining("schema missing does not exist");
        }
    }
}
