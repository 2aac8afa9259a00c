package io.dredge.core.report;

import io.dredge.core.iceberg.IcebergFigures;
import io.dredge.core.journal.BackupDetails;
import io.dredge.core.journal.CompactionDetails;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.model.PartitionFiles;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableFiles;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.report.SmallFileReport.ListedTable;
import io.dredge.core.report.SmallFileReport.UnreadableTable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestTableHealth
{
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final TableReference TABLE = new TableReference("demo", "events");
    private static final Map<Long, Instant> RECENT = Map.of(1L, NOW.minus(Duration.ofHours(1)));
    private static final TableHealth HEALTH = new TableHealth("dredge", "iceberg", policy(new SmallFilePolicy(128L << 20, 10), Duration.ofHours(24)));

    @Test
    public void testFewLargeFilesAreOk()
    {
        TableHealthRow row = HEALTH.assess(hive(TABLE, 2, 200L << 20), Optional.empty(), List.of(), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.OK);
        assertThat(row.reasons()).isEmpty();
        assertThat(row.fix()).isEmpty();
        assertThat(row.files().orElseThrow().fileCount()).isEqualTo(2);
        assertThat(row.partitions()).isEqualTo(OptionalLong.of(1));
    }

    @Test
    public void testSmallFilesWarnWithTheFigureAndTheCompaction()
    {
        TableHealthRow row = HEALTH.assess(hive(TABLE, 240, 18 << 10), Optional.empty(), List.of(), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.WARN);
        assertThat(row.reasons()).containsExactly("240 files averaging 18 KB where 1 would do; target 128 MB");
        assertThat(row.fix()).containsExactly("CALL \"dredge\".system.compact_table(schema_name => 'demo', table_name => 'events')");
        assertThat(row.files().orElseThrow().smallFileCount()).isEqualTo(240);
    }

    @Test
    public void testOrphansWarnAfterTheCompactionWithTheirRemoval()
    {
        TableHealthRow row = HEALTH.assess(hive(TABLE, 240, 18 << 10), Optional.of(new OrphanFigures(12, 3 << 20, Duration.ofDays(3))), List.of(), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.WARN);
        assertThat(row.reasons()).containsExactly(
                "240 files averaging 18 KB where 1 would do; target 128 MB",
                "12 files, 3 MB, below its location are read by nothing and were last written more than 3 d ago");
        assertThat(row.fix()).containsExactly(
                "CALL \"dredge\".system.compact_table(schema_name => 'demo', table_name => 'events')",
                "CALL \"dredge\".system.remove_orphan_files(schema_name => 'demo', table_name => 'events')");
        assertThat(row.figures()).endsWith(12L, 3L << 20);

        // none, or none that can be told (a shared location): no reason
        assertThat(HEALTH.assess(hive(TABLE, 2, 200L << 20), Optional.of(new OrphanFigures(0, 0, Duration.ofDays(3))), List.of(), NOW).status()).isEqualTo(HealthStatus.OK);
        assertThat(HEALTH.assess(hive(TABLE, 2, 200L << 20), Optional.empty(), List.of(), NOW).figures()).endsWith(new Object[] {null, null});
    }

    @Test
    public void testFixQuotesHostileNamesAndTheCatalog()
    {
        TableHealth health = new TableHealth("my\"catalog", "ice\"berg", policy(SmallFilePolicy.DEFAULT, Duration.ofHours(1)));
        TableHealthRow row = health.assess(hive(new TableReference("o'neil", "x'); DROP TABLE t; --"), 20, 1024), Optional.empty(), List.of(), NOW);
        assertThat(row.fix()).containsExactly("CALL \"my\"\"catalog\".system.compact_table(schema_name => 'o''neil', table_name => 'x''); DROP TABLE t; --')");
        // as Hive's functions, quoted as HiveQL quotes: a backslash escapes
        assertThat(row.fixes()).extracting(HealthFix::hiveSql).containsExactly("SELECT dredge_compact_table('o\\'neil', 'x\\'); DROP TABLE t; --')");
        assertThat(HealthFix.expireSnapshots(new TableReference("s", "a\\b"), Duration.ofDays(7), 2).hiveSql())
                .isEqualTo("SELECT dredge_expire_snapshots('s', 'a\\\\b', map('older_than', '7d', 'retain_last', '2'))");
        // Trino's own table procedures: identifiers of the Iceberg catalog, quoted as identifiers
        assertThat(HealthFix.of(HealthFix.Procedure.OPTIMIZE_MANIFESTS, new TableReference("o'neil", "t\"x")).sql("my\"catalog", "ice\"berg"))
                .isEqualTo("ALTER TABLE \"ice\"\"berg\".\"o'neil\".\"t\"\"x\" EXECUTE optimize_manifests");
        assertThatThrownBy(() -> HealthFix.of(HealthFix.Procedure.OPTIMIZE, TABLE).hiveSql()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    public void testRunningOperationHoldsTheTableWithoutAFix()
    {
        OperationRecord running = OperationRecord.start(OperationKind.COMPACT, TABLE, "alice", Optional.empty(), CompactionDetails.unplanned(), NOW.minus(Duration.ofMinutes(12)))
                .withStep("wrote 2 partitions");
        TableHealthRow row = HEALTH.assess(hive(TABLE, 240, 18 << 10), Optional.empty(), List.of(running), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.WARN);
        assertThat(row.reasons()).containsExactly(
                "held by operation %s (COMPACT), RUNNING for 12 min at step 'wrote 2 partitions'".formatted(running.id()),
                "240 files averaging 18 KB where 1 would do; target 128 MB");
        // what holds the table refuses a compaction: nothing to run until it ends
        assertThat(row.fix()).isEmpty();
        assertThat(row.runningOperation()).contains(running.id());
    }

    @Test
    public void testStaleOperationIsCriticalAndRecoveredFirst()
    {
        OperationRecord stale = OperationRecord.start(OperationKind.BACKUP, TABLE, "alice", Optional.empty(), new BackupDetails("file:/r/backups/b/manifest.json"), NOW.minus(Duration.ofHours(26).plusMinutes(5)))
                .withStep("copied 3 files");
        TableHealthRow row = HEALTH.assess(hive(TABLE, 240, 18 << 10), Optional.empty(), List.of(stale), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.CRITICAL);
        assertThat(row.reasons().get(0)).isEqualTo("operation %s (BACKUP) has been RUNNING for 1 d 2 h, at step 'copied 3 files'; after 1 d it counts as interrupted".formatted(stale.id()));
        assertThat(row.fix()).containsExactly(
                "CALL \"dredge\".system.recover(schema_name => 'demo', table_name => 'events')",
                "CALL \"dredge\".system.compact_table(schema_name => 'demo', table_name => 'events')");
    }

    @Test
    public void testOnlyThisTablesOperationsCount()
    {
        Instant started = NOW.minus(Duration.ofDays(3));
        OperationRecord compacted = OperationRecord.start(OperationKind.COMPACT, TABLE, "alice", Optional.empty(), CompactionDetails.unplanned(), started)
                .finished(OperationState.CLEANED_UP, Optional.empty(), started.plusSeconds(60));
        OperationRecord rolledBack = OperationRecord.start(OperationKind.COMPACT, TABLE, "alice", Optional.empty(), CompactionDetails.unplanned(), started.plusSeconds(3600))
                .finished(OperationState.ROLLED_BACK, Optional.empty(), started.plusSeconds(3660));
        OperationRecord backedUp = OperationRecord.start(OperationKind.BACKUP, TABLE, "alice", Optional.empty(), new BackupDetails("file:/r/backups/b/manifest.json"), started)
                .finished(OperationState.SUCCEEDED, Optional.empty(), started.plusSeconds(30));
        // another table's operation, and one of a table that had this name before a rename (another identity)
        OperationRecord otherTable = OperationRecord.start(OperationKind.COMPACT, new TableReference("demo", "other"), "alice", Optional.empty(), CompactionDetails.unplanned(), NOW);
        OperationRecord renamedAway = OperationRecord.start(OperationKind.COMPACT, TABLE, "alice", Optional.empty(), CompactionDetails.unplanned(), NOW)
                .withTableIdentity("iceberg-uuid:old");
        ListedTable iceberg = new ListedTable(
                new TableFiles(TABLE, TableType.ICEBERG, "PARQUET", false, List.of(new PartitionFiles(Optional.empty(), List.of(new TableFile("file:/t/data/a.parquet", 200L << 20))))),
                Optional.of(new IcebergFigures(Map.of(1L, started, 2L, started.plusSeconds(60), 3L, started.plusSeconds(3660)), Optional.empty(), OptionalInt.empty(), 2, 9000, 0, OptionalLong.of(100), OptionalLong.of(0))),
                Optional.of("iceberg-uuid:new"));

        TableHealthRow row = HEALTH.assess(iceberg, Optional.empty(), List.of(compacted, rolledBack, backedUp, otherTable, renamedAway), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.OK);
        assertThat(row.runningOperation()).isEmpty();
        assertThat(row.lastCompaction()).contains(started.plusSeconds(60));
        assertThat(row.lastBackup()).contains(started.plusSeconds(30));
        assertThat(row.partitions()).isEmpty();
        assertThat(row.iceberg().orElseThrow().avgManifestBytes()).isEqualTo(4500);
        assertThat(row.iceberg().orElseThrow().oldestSnapshot()).contains(started);
    }

    @Test
    public void testHistoryOlderThanKeptWarnsWithTheExpiryAfterTheCompaction()
    {
        Map<Long, Instant> snapshots = Map.of(1L, NOW.minus(Duration.ofDays(30)), 2L, NOW.minus(Duration.ofDays(10)), 3L, NOW.minus(Duration.ofDays(8)), 4L, NOW.minus(Duration.ofDays(1)));
        TableHealthRow row = HEALTH.assess(iceberg(snapshots, Optional.empty(), OptionalInt.empty(), 240, 18 << 10), Optional.empty(), List.of(), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.WARN);
        assertThat(row.reasons()).containsExactly(
                "240 files averaging 18 KB where 1 would do; target 128 MB",
                "3 of 4 snapshots are older than 7 d, the history kept (the oldest is 30 d old)");
        assertThat(row.fix()).containsExactly(
                "CALL \"dredge\".system.compact_table(schema_name => 'demo', table_name => 'events')",
                "CALL \"dredge\".system.expire_snapshots(schema_name => 'demo', table_name => 'events', older_than => '7d', retain_last => 1)");

        // the table's own history.expire properties win: 9 days and the 3 newest kept leave one snapshot to expire
        TableHealthRow own = HEALTH.assess(iceberg(snapshots, Optional.of(Duration.ofDays(9)), OptionalInt.of(3), 2, 200L << 20), Optional.empty(), List.of(), NOW);
        assertThat(own.reasons()).containsExactly("1 of 4 snapshots are older than 9 d, the history kept (the oldest is 30 d old)");
        assertThat(own.fix()).containsExactly("CALL \"dredge\".system.expire_snapshots(schema_name => 'demo', table_name => 'events', older_than => '9d', retain_last => 3)");
        TableHealthRow kept = HEALTH.assess(iceberg(snapshots, Optional.of(Duration.ofMillis(1500)), OptionalInt.of(4), 2, 200L << 20), Optional.empty(), List.of(), NOW);
        assertThat(kept.status()).isEqualTo(HealthStatus.OK);
        TableHealthRow seconds = HEALTH.assess(iceberg(snapshots, Optional.of(Duration.ofMillis(1500)), OptionalInt.empty(), 2, 200L << 20), Optional.empty(), List.of(), NOW);
        assertThat(seconds.fix()).containsExactly("CALL \"dredge\".system.expire_snapshots(schema_name => 'demo', table_name => 'events', older_than => '2s', retain_last => 1)");

        // snapshot 3 is a compaction's rollback point: it and what is within 10 s before it stay, so only 2 go
        OperationRecord compaction = OperationRecord.start(OperationKind.COMPACT, TABLE, "alice", Optional.empty(), CompactionDetails.unplanned(), NOW.minus(Duration.ofDays(8)))
                .withCompaction(details -> details.withIcebergSnapshots(CompactionDetails.IcebergSnapshots.planned(3).committed(4, Optional.of(3L))))
                .finished(OperationState.SUCCEEDED, Optional.empty(), NOW.minus(Duration.ofDays(1)));
        TableHealthRow rollbackPoint = HEALTH.assess(iceberg(snapshots, Optional.empty(), OptionalInt.empty(), 2, 200L << 20), Optional.empty(), List.of(compaction), NOW);
        assertThat(rollbackPoint.reasons()).containsExactly("2 of 4 snapshots are older than 7 d, the history kept (the oldest is 30 d old)");

        // a table another operation holds gets no fix
        OperationRecord running = OperationRecord.start(OperationKind.BACKUP, TABLE, "alice", Optional.empty(), new BackupDetails("file:/r/backups/b/manifest.json"), NOW.minusSeconds(60));
        TableHealthRow held = HEALTH.assess(iceberg(snapshots, Optional.empty(), OptionalInt.empty(), 2, 200L << 20), Optional.empty(), List.of(running), NOW);
        assertThat(held.status()).isEqualTo(HealthStatus.WARN);
        assertThat(held.reasons()).hasSize(2);
        assertThat(held.fix()).isEmpty();
    }

    @Test
    public void testManySmallManifestsWarnWithOptimizeManifests()
    {
        TableHealthRow row = HEALTH.assess(iceberg(2, 200L << 20, new IcebergFigures(RECENT, Optional.empty(), OptionalInt.empty(), 101, 101 * 6_000, 0, OptionalLong.of(101), OptionalLong.of(0))), Optional.empty(), List.of(), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.WARN);
        assertThat(row.reasons()).containsExactly("101 manifests averaging 5.9 KB; threshold 100 manifests averaging under 1 MB");
        assertThat(row.fix()).containsExactly("ALTER TABLE \"iceberg\".\"demo\".\"events\" EXECUTE optimize_manifests");

        // as many as writers that merge on commit leave, or more but large: no reason
        assertThat(HEALTH.assess(iceberg(2, 200L << 20, new IcebergFigures(RECENT, Optional.empty(), OptionalInt.empty(), 100, 100 * 6_000, 0, OptionalLong.of(100), OptionalLong.of(0))), Optional.empty(), List.of(), NOW).status())
                .isEqualTo(HealthStatus.OK);
        assertThat(HEALTH.assess(iceberg(2, 200L << 20, new IcebergFigures(RECENT, Optional.empty(), OptionalInt.empty(), 300, 300L << 20, 0, OptionalLong.of(100), OptionalLong.of(0))), Optional.empty(), List.of(), NOW).status())
                .isEqualTo(HealthStatus.OK);
    }

    @Test
    public void testDeletedRowShareAboveTheThresholdWarnsWithOptimize()
    {
        TableHealthRow row = HEALTH.assess(iceberg(2, 200L << 20, new IcebergFigures(RECENT, Optional.empty(), OptionalInt.empty(), 2, 12_000, 1, OptionalLong.of(8), OptionalLong.of(1))), Optional.empty(), List.of(), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.WARN);
        assertThat(row.reasons()).containsExactly("1 delete records in 1 delete files against 8 data rows (12.5 %); threshold 10 %");
        assertThat(row.fix()).containsExactly("ALTER TABLE \"iceberg\".\"demo\".\"events\" EXECUTE optimize(file_size_threshold => '0B')");

        // at the threshold, or not counted: no reason
        assertThat(HEALTH.assess(iceberg(2, 200L << 20, new IcebergFigures(RECENT, Optional.empty(), OptionalInt.empty(), 2, 12_000, 1, OptionalLong.of(10), OptionalLong.of(1))), Optional.empty(), List.of(), NOW).status())
                .isEqualTo(HealthStatus.OK);
        assertThat(HEALTH.assess(iceberg(2, 200L << 20, new IcebergFigures(RECENT, Optional.empty(), OptionalInt.empty(), 2, 12_000, 1, OptionalLong.of(8), OptionalLong.empty())), Optional.empty(), List.of(), NOW).status())
                .isEqualTo(HealthStatus.OK);
    }

    @Test
    public void testRewritesComeBeforeTheExpiryAndManifestsAfterTheRewrites()
    {
        Map<Long, Instant> snapshots = Map.of(1L, NOW.minus(Duration.ofDays(30)), 2L, NOW.minus(Duration.ofDays(1)));
        IcebergFigures figures = new IcebergFigures(snapshots, Optional.empty(), OptionalInt.empty(), 150, 150 * 8_000, 3, OptionalLong.of(200), OptionalLong.of(50));
        TableHealthRow row = HEALTH.assess(iceberg(240, 18 << 10, figures), Optional.of(new OrphanFigures(1, 5, Duration.ofDays(3))), List.of(), NOW);
        assertThat(row.reasons()).containsExactly(
                "240 files averaging 18 KB where 1 would do; target 128 MB",
                "50 delete records in 3 delete files against 200 data rows (25 %); threshold 10 %",
                "150 manifests averaging 7.8 KB; threshold 100 manifests averaging under 1 MB",
                "1 of 2 snapshots are older than 7 d, the history kept (the oldest is 30 d old)",
                "1 files, 5 B, below its location are read by nothing and were last written more than 3 d ago");
        assertThat(row.fixes()).extracting(HealthFix::procedure).containsExactly(
                HealthFix.Procedure.COMPACT_TABLE,
                HealthFix.Procedure.OPTIMIZE,
                HealthFix.Procedure.OPTIMIZE_MANIFESTS,
                HealthFix.Procedure.EXPIRE_SNAPSHOTS,
                HealthFix.Procedure.REMOVE_ORPHAN_FILES);

        // a table another operation holds: the reasons, no fix
        OperationRecord running = OperationRecord.start(OperationKind.BACKUP, TABLE, "alice", Optional.empty(), new BackupDetails("file:/r/backups/b/manifest.json"), NOW.minusSeconds(60));
        TableHealthRow held = HEALTH.assess(iceberg(2, 200L << 20, figures), Optional.empty(), List.of(running), NOW);
        assertThat(held.reasons()).hasSize(4);
        assertThat(held.fix()).isEmpty();
    }

    @Test
    public void testThresholdsAreThePolicys()
    {
        TableHealth strict = new TableHealth("dredge", "iceberg", new HealthPolicy(SmallFilePolicy.DEFAULT, Duration.ofHours(24), Duration.ofDays(7), 4, 64 << 10, 0.01));
        TableHealthRow row = strict.assess(iceberg(2, 200L << 20, new IcebergFigures(RECENT, Optional.empty(), OptionalInt.empty(), 5, 5 * 6_000, 1, OptionalLong.of(50), OptionalLong.of(1))), Optional.empty(), List.of(), NOW);
        assertThat(row.reasons()).containsExactly(
                "1 delete records in 1 delete files against 50 data rows (2 %); threshold 1 %",
                "5 manifests averaging 5.9 KB; threshold 4 manifests averaging under 64 KB");
    }

    private static ListedTable iceberg(int files, long fileBytes, IcebergFigures figures)
    {
        List<TableFile> data = new ArrayList<>();
        for (int file = 0; file < files; file++) {
            data.add(new TableFile("file:/t/data/%s.parquet".formatted(file), fileBytes));
        }
        return new ListedTable(new TableFiles(TABLE, TableType.ICEBERG, "PARQUET", false, List.of(new PartitionFiles(Optional.empty(), data))), Optional.of(figures), Optional.of("iceberg-uuid:t"));
    }

    private static ListedTable iceberg(Map<Long, Instant> snapshots, Optional<Duration> maxSnapshotAge, OptionalInt minSnapshotsToKeep, int files, long fileBytes)
    {
        return iceberg(files, fileBytes, new IcebergFigures(snapshots, maxSnapshotAge, minSnapshotsToKeep, 1, 4000, 0, OptionalLong.of(100), OptionalLong.of(0)));
    }

    @Test
    public void testUnreadableTableIsCriticalWithWhyAndNoFix()
    {
        OperationRecord compacted = OperationRecord.start(OperationKind.COMPACT, TABLE, "alice", Optional.empty(), CompactionDetails.unplanned(), NOW.minusSeconds(600))
                .finished(OperationState.SUCCEEDED, Optional.empty(), NOW.minusSeconds(540));
        TableHealthRow row = HEALTH.assess(new UnreadableTable(TABLE, TableType.ICEBERG, "metadata file s3://lake/t/metadata/00003.metadata.json not found"), Optional.empty(), List.of(compacted), NOW);
        assertThat(row.status()).isEqualTo(HealthStatus.CRITICAL);
        assertThat(row.reasons()).containsExactly("cannot be read: metadata file s3://lake/t/metadata/00003.metadata.json not found");
        assertThat(row.fix()).isEmpty();
        assertThat(row.files()).isEmpty();
        assertThat(row.iceberg()).isEmpty();
        assertThat(row.lastCompaction()).contains(NOW.minusSeconds(540));
    }

    @Test
    public void testFiguresReadAsPeopleSayThem()
    {
        assertThat(TableHealth.bytes(512)).isEqualTo("512 B");
        assertThat(TableHealth.bytes(18 << 10)).isEqualTo("18 KB");
        assertThat(TableHealth.bytes(3L << 29)).isEqualTo("1.5 GB");
        assertThat(TableHealth.bytes(128L << 20)).isEqualTo("128 MB");
        assertThat(TableHealth.describe(Duration.ofSeconds(40))).isEqualTo("40 s");
        assertThat(TableHealth.describe(Duration.ofMinutes(310))).isEqualTo("5 h 10 min");
        assertThat(TableHealth.describe(Duration.ofHours(48))).isEqualTo("2 d");
    }

    private static HealthPolicy policy(SmallFilePolicy smallFiles, Duration staleOperationAge)
    {
        return new HealthPolicy(smallFiles, staleOperationAge, Duration.ofDays(7), HealthPolicy.DEFAULT_MAX_MANIFESTS, HealthPolicy.DEFAULT_MIN_AVG_MANIFEST_BYTES, HealthPolicy.DEFAULT_MAX_DELETED_ROW_SHARE);
    }

    private static ListedTable hive(TableReference table, int files, long fileBytes)
    {
        List<TableFile> listed = IntStream.range(0, files)
                .mapToObj(index -> new TableFile("file:/lake/%s/day=a/%05d.orc".formatted(table.tableName(), index), fileBytes))
                .toList();
        return new ListedTable(new TableFiles(table, TableType.HIVE, "ORC", true, List.of(new PartitionFiles(Optional.of("day=a"), listed))), Optional.empty(), Optional.empty());
    }
}
