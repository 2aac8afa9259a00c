package io.dredge.it;

import io.trino.Session;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;

import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dredge.system.table_health} through SQL on a real cluster over a real thrift metastore: the figures match
 * what the engines and the disk say ({@code $files}, {@code $snapshots}, {@code $manifests}, the data files), the
 * reasons name them, and the {@code fix} statements, executed as given, bring the table to {@code OK} with its rows
 * unchanged. A table an operation left unfinished is held with no fix until {@code recover} runs.
 */
class TestTableHealth
        extends AbstractTestWithThriftMetastore
{
    private static final String HEALTH = "SELECT status, reasons, fix, files, small_files, total_bytes, partitions, delete_files, snapshots, running_operation_id, last_compaction_at IS NOT NULL " +
            "FROM dredge.system.table_health WHERE schema_name = 'health' AND table_name = '%s'";

    @BeforeAll
    public void createHealthSchema()
    {
        createSchema("health");
    }

    @Test
    public void testHiveTableOfSmallFilesIsFixedByItsFix()
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.health.events (id bigint, day varchar) WITH (format = 'ORC', partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate(format("INSERT INTO hive.health.events VALUES (%s, 'a'), (%s, 'b')", batch * 2, batch * 2 + 1), 2);
        }
        assertUpdate("CREATE VIEW hive.health.events_view AS SELECT id FROM hive.health.events");
        List<Object> before = figures("hive.health.events", "id, day");

        MaterializedRow row = health("events");
        long bytesOnDisk = 0;
        for (Path file : LocalDataFiles.list(tableDirectory("health", "events"))) {
            bytesOnDisk += Files.size(file);
        }
        assertThat(row.getField(0)).isEqualTo("WARN");
        assertThat((List<?>) row.getField(1)).singleElement().asString().matches("8 files averaging \\d+ B where 2 would do; target 128 MB");
        assertThat(row.getField(2)).isEqualTo(List.of("CALL \"dredge\".system.compact_table(schema_name => 'health', table_name => 'events')"));
        assertThat(row.getFields().subList(3, 10)).containsExactly(8L, 8L, bytesOnDisk, 2L, null, null, null);
        assertThat(row.getField(10)).isEqualTo(false);
        // a view has no health
        assertThat(computeActual("SELECT count(*) FROM dredge.system.table_health WHERE schema_name = 'health' AND table_name = 'events_view'").getOnlyValue()).isEqualTo(0L);

        runFix(row);
        MaterializedRow fixed = health("events");
        assertThat(fixed.getFields().subList(0, 5)).containsExactly("OK", List.of(), List.of(), 2L, 2L);
        assertThat(fixed.getField(10)).isEqualTo(true);
        assertThat(figures("hive.health.events", "id, day")).isEqualTo(before);
    }

    @Test
    public void testIcebergFiguresAreTheMetadataTablesOnes()
    {
        assertUpdate("CREATE TABLE iceberg.health.ice (id bigint, name varchar) WITH (format_version = 2)");
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate(format("INSERT INTO iceberg.health.ice VALUES (%s, 'x'), (%s, 'y')", batch * 2, batch * 2 + 1), 2);
        }
        // a merge-on-read delete: a delete file
        assertUpdate("DELETE FROM iceberg.health.ice WHERE id = 3", 1);
        List<Object> before = figures("iceberg.health.ice", "id, name");

        MaterializedRow row = computeActual("SELECT status, files, delete_files, snapshots, oldest_snapshot_at, manifests, avg_manifest_bytes, total_bytes, partitions " +
                "FROM dredge.system.table_health WHERE schema_name = 'health' AND table_name = 'ice'").getMaterializedRows().getFirst();
        MaterializedRow files = computeActual("SELECT count(*), count_if(content <> 0), sum(file_size_in_bytes) FROM iceberg.health.\"ice$files\"").getMaterializedRows().getFirst();
        MaterializedRow snapshots = computeActual("SELECT count(*), min(committed_at) FROM iceberg.health.\"ice$snapshots\"").getMaterializedRows().getFirst();
        MaterializedRow manifests = computeActual("SELECT count(*), sum(length) / count(*) FROM iceberg.health.\"ice$manifests\"").getMaterializedRows().getFirst();
        assertThat(row.getField(0)).isEqualTo("WARN");
        assertThat(row.getFields().subList(1, 3)).containsExactly(files.getField(0), files.getField(1));
        assertThat(row.getField(2)).isEqualTo(1L);
        assertThat(row.getField(3)).isEqualTo(snapshots.getField(0));
        assertThat(((ZonedDateTime) row.getField(4)).toInstant()).isEqualTo(((ZonedDateTime) snapshots.getField(1)).toInstant());
        assertThat(row.getFields().subList(5, 7)).containsExactly(manifests.getField(0), manifests.getField(1));
        assertThat(row.getField(7)).isEqualTo(files.getField(2));
        assertThat(row.getField(8)).isNull();
        // one deleted position among the 8 rows of the data files
        MaterializedRow rows = computeActual("SELECT sum(record_count) FILTER (WHERE content = 0), sum(record_count) FILTER (WHERE content <> 0) FROM iceberg.health.\"ice$files\"").getMaterializedRows().getFirst();
        assertThat(rows.getFields()).containsExactly(8L, 1L);
        assertThat(computeActual("SELECT deleted_row_share FROM dredge.system.table_health WHERE schema_name = 'health' AND table_name = 'ice'").getOnlyValue()).isEqualTo(1.0 / 8);

        runFix(health("ice"));
        assertThat(health("ice").getFields().subList(0, 3)).containsExactly("OK", List.of(), List.of());
        assertThat(figures("iceberg.health.ice", "id, name")).isEqualTo(before);
    }

    @Test
    public void testIcebergManySmallManifestsAreFixedByOptimizeManifests()
    {
        createManyManifests("health", "manifests");
        List<Object> before = figures("iceberg.health.manifests", "id, day");

        MaterializedRow row = computeActual("SELECT status, reasons, fix, manifests, avg_manifest_bytes, files, small_files FROM dredge.system.table_health WHERE schema_name = 'health' AND table_name = 'manifests'")
                .getMaterializedRows().getFirst();
        MaterializedRow manifests = computeActual("SELECT count(*), sum(length) / count(*) FROM iceberg.health.\"manifests$manifests\"").getMaterializedRows().getFirst();
        assertThat(row.getFields().subList(3, 5)).containsExactly(101L, manifests.getField(1));
        assertThat(manifests.getField(0)).isEqualTo(101L);
        // a file per partition: no small-file reason, only the manifests'
        assertThat(row.getFields().subList(5, 7)).containsExactly(101L, 101L);
        assertThat(row.getField(0)).isEqualTo("WARN");
        assertThat((List<?>) row.getField(1)).singleElement().asString().matches("101 manifests averaging \\d+(\\.\\d)? KB; threshold 100 manifests averaging under 1 MB");
        assertThat(row.getField(2)).isEqualTo(List.of("ALTER TABLE \"iceberg\".\"health\".\"manifests\" EXECUTE optimize_manifests"));

        runFix(row);
        assertThat(health("manifests").getFields().subList(0, 3)).containsExactly("OK", List.of(), List.of());
        assertThat(computeActual("SELECT count(*) FROM iceberg.health.\"manifests$manifests\"").getOnlyValue()).isEqualTo(1L);
        assertThat(figures("iceberg.health.manifests", "id, day")).isEqualTo(before);
    }

    @Test
    public void testIcebergDeletedRowsAreFixedByOptimize()
    {
        createDeletedRows("health", "deleted");
        List<Object> before = figures("iceberg.health.deleted", "id, day");

        MaterializedRow row = computeActual("SELECT status, reasons, fix, delete_files, deleted_row_share FROM dredge.system.table_health WHERE schema_name = 'health' AND table_name = 'deleted'")
                .getMaterializedRows().getFirst();
        MaterializedRow files = computeActual("SELECT count_if(content <> 0), sum(record_count) FILTER (WHERE content = 0), sum(record_count) FILTER (WHERE content <> 0) FROM iceberg.health.\"deleted$files\"").getMaterializedRows().getFirst();
        assertThat(files.getFields()).containsExactly(1L, 20L, 3L);
        assertThat(row.getFields().subList(3, 5)).containsExactly(1L, 3.0 / 20);
        assertThat(row.getField(0)).isEqualTo("WARN");
        List<?> reasons = (List<?>) row.getField(1);
        assertThat(reasons).hasSize(2);
        assertThat(reasons.get(0).toString()).matches("3 files averaging \\d+ B where 2 would do; target 128 MB");
        assertThat(reasons.get(1)).isEqualTo("3 delete records in 1 delete files against 20 data rows (15 %); threshold 10 %");
        assertThat(row.getField(2)).isEqualTo(List.of(
                "CALL \"dredge\".system.compact_table(schema_name => 'health', table_name => 'deleted')",
                "ALTER TABLE \"iceberg\".\"health\".\"deleted\" EXECUTE optimize(file_size_threshold => '0B')"));

        // Trino's optimize alone removes the deletes: it rewrites the data file they apply to and drops them, and
        // leaves the other partition's file as it was
        String untouched = "SELECT file_path FROM iceberg.health.\"deleted$files\" WHERE content = 0 AND partition.day = 'b'";
        Object otherFile = computeActual(untouched).getOnlyValue();
        assertUpdate((String) ((List<?>) row.getField(2)).get(1));
        assertThat(computeActual("SELECT count_if(content <> 0), sum(record_count) FROM iceberg.health.\"deleted$files\"").getMaterializedRows().getFirst().getFields()).containsExactly(0L, 17L);
        assertThat(computeActual(untouched).getOnlyValue()).isEqualTo(otherFile);
        assertThat(computeActual("SELECT delete_files, deleted_row_share FROM dredge.system.table_health WHERE schema_name = 'health' AND table_name = 'deleted'").getMaterializedRows().getFirst().getFields())
                .containsExactly(0L, 0.0);

        // the rest of the fix, as given: compact_table finds nothing left to do
        assertUpdate((String) ((List<?>) row.getField(2)).get(0));
        assertThat(health("deleted").getFields().subList(0, 3)).containsExactly("OK", List.of(), List.of());
        assertThat(figures("iceberg.health.deleted", "id, day")).isEqualTo(before);
    }

    @Test
    public void testIcebergHistoryOlderThanTheTableKeepsIsFixedByExpiry()
            throws InterruptedException
    {
        // the table keeps a second of history (the test catalog's minimum retention)
        assertUpdate("CREATE TABLE iceberg.health.history (id bigint) WITH (extra_properties = MAP(ARRAY['history.expire.max-snapshot-age-ms'], ARRAY['1000']))");
        // one file: no small-file reason (a compaction would keep its rollback point from expiring until cleanup)
        assertUpdate("INSERT INTO iceberg.health.history VALUES 1, 2, 3", 3);
        List<Object> before = figures("iceberg.health.history", "id");
        Thread.sleep(1100);

        MaterializedRow row = health("history");
        assertThat(row.getField(0)).isEqualTo("WARN");
        assertThat((List<?>) row.getField(1)).singleElement().asString().matches("1 of 2 snapshots are older than 1 s, the history kept \\(the oldest is \\d+ s old\\)");
        assertThat(row.getField(2)).isEqualTo(List.of("CALL \"dredge\".system.expire_snapshots(schema_name => 'health', table_name => 'history', older_than => '1s', retain_last => 1)"));
        assertThat(row.getField(8)).isEqualTo(computeActual("SELECT count(*) FROM iceberg.health.\"history$snapshots\"").getOnlyValue());

        runFix(row);
        MaterializedRow fixed = health("history");
        assertThat(fixed.getFields().subList(0, 3)).containsExactly("OK", List.of(), List.of());
        assertThat(fixed.getField(8)).isEqualTo(1L);
        assertThat(computeActual("SELECT last_expiry_at IS NOT NULL FROM dredge.system.table_health WHERE schema_name = 'health' AND table_name = 'history'").getOnlyValue()).isEqualTo(true);
        assertThat(figures("iceberg.health.history", "id")).isEqualTo(before);
    }

    @Test
    public void testMaintainSchemaRunsEveryTablesFix()
            throws IOException, InterruptedException
    {
        createSchema("maintained");
        assertUpdate("CREATE TABLE hive.maintained.events (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate(format("INSERT INTO hive.maintained.events VALUES (%s, 'a'), (%s, 'b')", batch * 2, batch * 2 + 1), 2);
        }
        assertUpdate("CREATE TABLE iceberg.maintained.history (id bigint) WITH (extra_properties = MAP(ARRAY['history.expire.max-snapshot-age-ms'], ARRAY['1000']))");
        assertUpdate("INSERT INTO iceberg.maintained.history VALUES 1, 2, 3", 3);
        assertUpdate("CREATE TABLE hive.maintained.healthy AS SELECT 1 AS id", 1);
        assertUpdate("CREATE VIEW hive.maintained.a_view AS SELECT id FROM hive.maintained.events");
        List<Object> events = figures("hive.maintained.events", "id, day");
        List<Object> history = figures("iceberg.maintained.history", "id");
        // a failed write's leftover, older than remove_orphan_files' default age of three days
        Path leftover = tableDirectory("maintained", "events").resolve("_temporary/0/part-00000");
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "stray");
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofDays(4))));
        Thread.sleep(1100);
        String statuses = "SELECT table_name || ' ' || status FROM dredge.system.table_health WHERE schema_name = 'maintained'";
        assertThat(computeActual(statuses).getOnlyColumnAsSet()).containsExactlyInAnyOrder("events WARN", "healthy OK", "history WARN");
        MaterializedRow orphans = computeActual("SELECT orphan_files, orphan_bytes, reasons[2], fix[2] FROM dredge.system.table_health WHERE schema_name = 'maintained' AND table_name = 'events'").getMaterializedRows().getFirst();
        assertThat(orphans.getFields()).containsExactly(1L, 5L,
                "1 files, 5 B, below its location are read by nothing and were last written more than 3 d ago",
                "CALL \"dredge\".system.remove_orphan_files(schema_name => 'maintained', table_name => 'events')");

        // a dry run of each statement: journaled PLANNED, nothing changed
        assertUpdate("CALL dredge.system.maintain_schema(schema_name => 'maintained', dry_run => true)");
        String operations = "SELECT table_name || ' ' || kind || ' ' || state FROM dredge.system.operations WHERE schema_name = 'maintained'";
        assertThat(computeActual(operations).getOnlyColumnAsSet()).containsExactlyInAnyOrder("events COMPACT PLANNED", "events REMOVE_ORPHAN_FILES PLANNED", "history EXPIRE_SNAPSHOTS PLANNED");
        assertThat(computeActual(statuses).getOnlyColumnAsSet()).containsExactlyInAnyOrder("events WARN", "healthy OK", "history WARN");
        assertThat(leftover).exists();

        // compaction first, then the orphans go to the quarantine: the compaction's backup of the originals is not one
        assertUpdate("CALL dredge.system.maintain_schema(schema_name => 'maintained')");
        assertThat(computeActual(statuses).getOnlyColumnAsSet()).containsExactlyInAnyOrder("events OK", "healthy OK", "history OK");
        assertThat(computeActual(operations).getOnlyColumnAsSet()).contains("events COMPACT SUCCEEDED", "events REMOVE_ORPHAN_FILES SUCCEEDED", "history EXPIRE_SNAPSHOTS SUCCEEDED");
        assertThat(leftover).doesNotExist();
        assertThat(computeActual("SELECT orphan_files FROM dredge.system.table_health WHERE schema_name = 'maintained' AND table_name = 'events'").getOnlyValue()).isEqualTo(0L);
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'maintained', table_name => 'events')");
        assertThat(figures("hive.maintained.events", "id, day")).isEqualTo(events);
        assertThat(figures("iceberg.maintained.history", "id")).isEqualTo(history);
        assertQueryFails("CALL dredge.system.maintain_schema(schema_name => 'no_such_schema')", ".*schema no_such_schema does not exist.*");
    }

    @Test
    public void testMaintainSchemaRemovesIcebergDeletesAndRewritesManifests()
    {
        createSchema("layout");
        createManyManifests("layout", "manifests");
        createDeletedRows("layout", "deleted");
        List<Object> manifestsRows = figures("iceberg.layout.manifests", "id, day");
        List<Object> deletedRows = figures("iceberg.layout.deleted", "id, day");
        String statuses = "SELECT table_name || ' ' || status || ' ' || CAST(cardinality(fix) AS varchar) FROM dredge.system.table_health WHERE schema_name = 'layout'";
        String layout = "SELECT (SELECT count(*) FROM iceberg.layout.\"manifests$manifests\"), (SELECT count_if(content <> 0) FROM iceberg.layout.\"deleted$files\")";
        assertThat(computeActual(statuses).getOnlyColumnAsSet()).containsExactlyInAnyOrder("manifests WARN 1", "deleted WARN 2");

        // Trino's statements have no dry run: a dry run journals them as planned and runs none
        assertUpdate("CALL dredge.system.maintain_schema(schema_name => 'layout', dry_run => true)");
        assertThat(computeActual(layout).getMaterializedRows().getFirst().getFields()).containsExactly(101L, 1L);
        String operations = "SELECT table_name || ' ' || kind || ' ' || state FROM dredge.system.operations WHERE schema_name = 'layout'";
        assertThat(computeActual(operations).getOnlyColumnAsSet()).containsExactlyInAnyOrder("deleted COMPACT PLANNED", "deleted REWRITE PLANNED", "manifests REWRITE PLANNED");

        assertUpdate("CALL dredge.system.maintain_schema(schema_name => 'layout')");
        assertThat(computeActual(statuses).getOnlyColumnAsSet()).containsExactlyInAnyOrder("manifests OK 0", "deleted OK 0");
        assertThat(computeActual(layout).getMaterializedRows().getFirst().getFields()).containsExactly(1L, 0L);
        // Trino's statements ran as operations of their own, each holding its table and checked afterwards
        assertThat(computeActual(operations + " AND state = 'SUCCEEDED'").getOnlyColumnAsSet()).containsExactlyInAnyOrder("deleted COMPACT SUCCEEDED", "deleted REWRITE SUCCEEDED", "manifests REWRITE SUCCEEDED");
        assertThat(computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'layout' AND table_name = 'manifests' AND kind = 'REWRITE' AND state = 'SUCCEEDED'").getOnlyValue())
                .isEqualTo("ran ALTER TABLE \"iceberg\".\"layout\".\"manifests\" EXECUTE optimize_manifests: no data file was rewritten");
        assertThat(figures("iceberg.layout.manifests", "id, day")).isEqualTo(manifestsRows);
        assertThat(figures("iceberg.layout.deleted", "id, day")).isEqualTo(deletedRows);
    }

    @Test
    public void testMaintainSchemaVerifiesTheSnapshotTrinosOptimizeCommits()
    {
        createDeletesBeforePartitioning("evolved");
        List<Object> before = figures("iceberg.evolved.events", "id, day");
        assertThat((List<?>) computeActual("SELECT fix FROM dredge.system.table_health WHERE schema_name = 'evolved' AND table_name = 'events'").getOnlyValue())
                .anySatisfy(fix -> assertThat(fix).asString().contains("EXECUTE optimize(file_size_threshold => '0B')"));

        assertUpdate("CALL dredge.system.maintain_schema(schema_name => 'evolved')");
        assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'evolved' AND kind = 'REWRITE' AND state = 'SUCCEEDED'").getOnlyValue())
                .matches("ran ALTER TABLE \"iceberg\"\\.\"evolved\"\\.\"events\" EXECUTE optimize\\(file_size_threshold => '0B'\\): snapshots \\[\\d+] verified against their parents");
        assertThat(computeActual("SELECT count_if(content <> 0) FROM iceberg.evolved.\"events$files\"").getOnlyValue()).isEqualTo(0L);
        assertThat(figures("iceberg.evolved.events", "id, day")).isEqualTo(before);
    }

    @Test
    public void testRecoverVerifiesTheSnapshotOfAnInterruptedRewrite()
    {
        createDeletesBeforePartitioning("rewrite_crash");
        List<Object> before = figures("iceberg.rewrite_crash.events", "id, day");
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN").build();
        assertQueryFails(crashing, "CALL dredge.system.maintain_schema(schema_name => 'rewrite_crash')", "(?s).*events \\(optimize failed: injected fault after WRITTEN.*");
        // Trino's optimize has committed; the operation is left running, as a crash leaves it
        assertThat(computeActual("SELECT kind FROM dredge.system.operations WHERE schema_name = 'rewrite_crash' AND state = 'RUNNING'").getOnlyValue()).isEqualTo("REWRITE");

        assertUpdate("CALL dredge.system.recover(schema_name => 'rewrite_crash', table_name => 'events')");
        assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'rewrite_crash' AND kind = 'REWRITE'").getOnlyValue())
                .matches("ran the interrupted statement: snapshots \\[\\d+] verified against their parents \\(interrupted; verified by recover\\)");
        assertThat(computeActual("SELECT state FROM dredge.system.operations WHERE schema_name = 'rewrite_crash' AND kind = 'REWRITE'").getOnlyValue()).isEqualTo("RECOVERED");
        assertThat(figures("iceberg.rewrite_crash.events", "id, day")).isEqualTo(before);
    }

    @Test
    public void testUnfinishedOperationHoldsTheTableUntilRecovered()
    {
        assertUpdate("CREATE TABLE hive.health.crashed (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate(format("INSERT INTO hive.health.crashed VALUES (%s, 'a')", batch), 1);
        }
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, "CALL dredge.system.compact_table(schema_name => 'health', table_name => 'crashed')", ".*injected fault after.*");
        String operationId = (String) computeActual("SELECT operation_id FROM dredge.system.operations WHERE schema_name = 'health' AND table_name = 'crashed' AND state = 'RUNNING'").getOnlyValue();

        MaterializedRow row = health("crashed");
        assertThat(row.getField(0)).isEqualTo("WARN");
        assertThat((List<?>) row.getField(1)).singleElement().asString()
                .startsWith("held by operation %s (COMPACT), RUNNING for ".formatted(operationId))
                .contains(" at step '");
        // within dredge.health.stale-operation-age the operation may be running elsewhere: nothing to run yet
        assertThat((List<?>) row.getField(2)).isEmpty();
        assertThat(row.getField(9)).isEqualTo(operationId);

        assertUpdate("CALL dredge.system.recover(schema_name => 'health', table_name => 'crashed')");
        assertThat(health("crashed").getField(9)).isNull();
    }

    @Test
    public void testTableThatCannotBeReadIsCriticalAndTheOthersAreStillJudged()
            throws Exception
    {
        assertUpdate("CREATE TABLE iceberg.health.broken (id bigint)");
        assertUpdate("INSERT INTO iceberg.health.broken VALUES 1", 1);
        assertUpdate("CREATE TABLE iceberg.health.sound (id bigint)");
        String metadata = (String) computeActual("SELECT file FROM iceberg.health.\"broken$metadata_log_entries\" ORDER BY timestamp DESC LIMIT 1").getOnlyValue();
        Files.delete(Path.of(metadata.replaceFirst("^file:", "")));

        MaterializedResult rows = computeActual("SELECT table_name, status, reasons, fix, files FROM dredge.system.table_health WHERE schema_name = 'health' AND table_name IN ('broken', 'sound') ORDER BY table_name");
        MaterializedRow broken = rows.getMaterializedRows().get(0);
        assertThat(broken.getField(1)).isEqualTo("CRITICAL");
        assertThat((List<?>) broken.getField(2)).singleElement().asString().startsWith("cannot be read: ").contains("metadata");
        assertThat(broken.getField(3)).isEqualTo(List.of());
        assertThat(broken.getField(4)).isNull();
        assertThat(rows.getMaterializedRows().get(1).getFields()).containsExactly("sound", "OK", List.of(), List.of(), 0L);
        assertUpdate("DROP TABLE iceberg.health.broken");
    }

    /**
     * An Iceberg table {@code events} with 3 of 20 rows deleted in files written before it was partitioned:
     * {@code compact_table} leaves those files (their partition has no name), Trino's {@code optimize} rewrites them.
     */
    private void createDeletesBeforePartitioning(String schema)
    {
        createSchema(schema);
        assertUpdate("CREATE TABLE iceberg.%s.events (id bigint, day varchar) WITH (format_version = 2)".formatted(schema));
        assertUpdate("INSERT INTO iceberg.%s.events SELECT x, IF(x %% 2 = 0, 'a', 'b') FROM UNNEST(sequence(1, 20)) t(x)".formatted(schema), 20);
        assertUpdate("DELETE FROM iceberg.%s.events WHERE id IN (1, 2, 3)".formatted(schema), 3);
        assertUpdate("ALTER TABLE iceberg.%s.events SET PROPERTIES partitioning = ARRAY['day']".formatted(schema));
    }

    /**
     * An Iceberg table of 101 commits, a row each into a partition of its own, appended without merging manifests
     * (as fast appends of streaming writers do): 101 manifests of a few KB, one more than the threshold allows.
     */
    private void createManyManifests(String schema, String table)
    {
        assertUpdate("CREATE TABLE iceberg.%s.%s (id bigint, day bigint) WITH (partitioning = ARRAY['day'])".formatted(schema, table));
        Session fastAppends = Session.builder(getSession()).setCatalogSessionProperty("iceberg", "merge_manifests_on_write", "false").build();
        for (int day = 0; day < 101; day++) {
            assertUpdate(fastAppends, "INSERT INTO iceberg.%s.%s VALUES (%s, %s)".formatted(schema, table, day, day), 1);
        }
    }

    /**
     * An Iceberg table of two partitions of 10 rows, 3 of them deleted by a merge-on-read delete (a position delete
     * file): 15 % of the rows hidden, above the 10 % threshold.
     */
    private void createDeletedRows(String schema, String table)
    {
        assertUpdate("CREATE TABLE iceberg.%s.%s (id bigint, day varchar) WITH (format_version = 2, partitioning = ARRAY['day'])".formatted(schema, table));
        assertUpdate("INSERT INTO iceberg.%s.%s SELECT x, 'a' FROM UNNEST(sequence(1, 10)) t(x)".formatted(schema, table), 10);
        assertUpdate("INSERT INTO iceberg.%s.%s SELECT x, 'b' FROM UNNEST(sequence(11, 20)) t(x)".formatted(schema, table), 10);
        assertUpdate("DELETE FROM iceberg.%s.%s WHERE id IN (1, 2, 3)".formatted(schema, table), 3);
    }

    private MaterializedRow health(String table)
    {
        return computeActual(HEALTH.formatted(table)).getMaterializedRows().getFirst();
    }

    private void runFix(MaterializedRow row)
    {
        for (Object statement : (List<?>) row.getField(2)) {
            assertUpdate((String) statement);
        }
    }

    private List<Object> figures(String table, String columns)
    {
        return computeActual("SELECT count(*), to_hex(checksum(ROW(%s))) FROM %s".formatted(columns, table)).getMaterializedRows().getFirst().getFields();
    }
}
