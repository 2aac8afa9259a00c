package io.dredge.core.journal;

import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TestOperationSummary
{
    private static final Instant START = Instant.parse("2026-11-23T23:15:12Z");
    private static final TableReference TABLE = new TableReference("demo", "events");

    @Test
    void testACompactionShowsItsPlanAndFigures()
    {
        PartitionRecord swapped = PartitionRecord.planned(Optional.of("day=1"), "s3://t/day=1", "s3://t/.dredge/x/day=1", List.of(new TableFile("s3://t/day=1/a", 10), new TableFile("s3://t/day=1/b", 20)))
                .verified(42, List.of(new TableFile("s3://t/.dredge/x/day=1/c", 25)))
                .withState(PartitionState.SWAPPED);
        PartitionRecord skipped = PartitionRecord.planned(Optional.of("day=2"), "s3://t/day=2", "s3://t/.dredge/x/day=2", List.of(new TableFile("s3://t/day=2/d", 5)))
                .skipped("files changed");
        OperationRecord compaction = OperationRecord.start(OperationKind.COMPACT, TABLE, "alice", Optional.empty(), CompactionDetails.unplanned(), START)
                .withCompaction(details -> details.withPlan("checksum", 3, List.of(swapped, skipped)).withBackupTable("events__dredge_backup_x"))
                .withStep("done")
                .finished(OperationState.SUCCEEDED, Optional.empty(), START.plusSeconds(5));

        assertThat(OperationSummary.of(compaction).values("hive")).containsExactly(
                compaction.id(), "COMPACT", "hive", "demo", "events", "SUCCEEDED", "alice", START, START.plusSeconds(5), "done", null,
                "checksum", 3L, 2L, 1L, 1L, 3L, 35L, 2L, 30L, 42L, "events__dredge_backup_x", null);
    }

    /**
     * Other kinds keep no compaction details, and show the compaction columns as they always have: 0 and NULL.
     */
    @Test
    void testOtherKindsShowTheCompactionColumnsEmpty()
    {
        OperationRecord backup = OperationRecord.start(OperationKind.BACKUP, TABLE, "alice", Optional.empty(), new BackupDetails("s3://r/backups/b/manifest.json"), START)
                .withStep("copying 3 files");
        assertThat(OperationSummary.of(backup).values("hive")).containsExactly(
                backup.id(), "BACKUP", "hive", "demo", "events", "RUNNING", "alice", START, null, "copying 3 files", null,
                null, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, null, null);

        OperationRecord cleanup = OperationRecord.start(OperationKind.CLEANUP, TABLE, "bob", Optional.of("20261123_231512_3f9a0c1d"), OperationDetails.NONE, START)
                .withStep("deleted")
                .finished(OperationState.FAILED, Optional.of("oops"), START);
        assertThat(OperationSummary.of(cleanup).values("hive")).containsExactly(
                cleanup.id(), "CLEANUP", "hive", "demo", "events", "FAILED", "bob", START, START, "deleted", "20261123_231512_3f9a0c1d",
                null, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, null, "oops");
    }
}
