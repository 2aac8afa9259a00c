package io.dredge.core.changes;

import com.google.common.collect.ImmutableList;
import io.dredge.core.changes.PartitionChange.ChangeKind;
import io.dredge.core.iceberg.IcebergTableMetadata.PartitionColumn;
import io.dredge.core.journal.CompactionDetails;
import io.dredge.core.journal.OperationDetails;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The difference of two checkpoints of a Hive table's files, with the compactions and rollbacks the journal names in
 * between: every kind of write counts, Dredge's own moves do not, and files a writer put beside a compaction still do.
 */
class TestHiveChanges
{
    private static final TableReference TABLE = new TableReference("s", "t");
    private static final List<PartitionColumn> COLUMNS = List.of(new PartitionColumn("day", "date"));
    private static final String A = "file:/lake/s/t/day=2026-12-01";
    private static final String B = "file:/lake/s/t/day=2026-12-02";
    private static final String A_COPY = "file:/lake/s/t/.dredge/c1/day=2026-12-01";
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final Function<String, List<StoredFile>> NOTHING_PARKED = location -> List.of();

    @Test
    void testLateFileNewPartitionDroppedPartitionAndOverwrite()
    {
        HiveCheckpoint from = checkpoint(T0, partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "f2", 10, 2)), partition("day=2026-12-02", B, file(B, "f1", 10, 3)));
        HiveCheckpoint to = checkpoint(T0.plusSeconds(60),
                partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "f2", 10, 2), file(A, "late", 5, 30)),
                partition("day=2026-12-03", "file:/lake/s/t/day=2026-12-03", file("file:/lake/s/t/day=2026-12-03", "f1", 7, 40)));
        assertThat(summary(HiveChanges.changes(from, to, List.of(), NOTHING_PARKED, COLUMNS))).containsExactly(
                "day=2026-12-01 [APPEND] +1 -0",
                "day=2026-12-02 [DELETE] +0 -1",
                "day=2026-12-03 [APPEND] +1 -0");
        PartitionChange late = HiveChanges.changes(from, to, List.of(), NOTHING_PARKED, COLUMNS).get(0);
        assertThat(late.partitionValues()).containsEntry("day", (int) LocalDate.parse("2026-12-01").toEpochDay());
        assertThat(late.firstChangedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(late.rowsAdded()).isEmpty();
        assertThat(late.rowsRemoved()).isEmpty();

        // Hive's INSERT OVERWRITE writes a file of the same name: its time tells
        HiveCheckpoint overwritten = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A, file(A, "f1", 10, 50)), partition("day=2026-12-02", B, file(B, "f1", 10, 3)));
        assertThat(summary(HiveChanges.changes(from, overwritten, List.of(), NOTHING_PARKED, COLUMNS))).containsExactly("day=2026-12-01 [OVERWRITE] +1 -2");
        // a file the first listing saw half written: its rows are new again, nothing was removed
        HiveCheckpoint growing = checkpoint(T0, partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "writing", 4, -1)));
        HiveCheckpoint grown = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "writing", 9, 5)));
        assertThat(summary(HiveChanges.changes(growing, grown, List.of(), NOTHING_PARKED, COLUMNS))).containsExactly("day=2026-12-01 [APPEND] +1 -0");
        // nothing changed, nothing reported
        assertThat(HiveChanges.changes(from, checkpoint(T0.plusSeconds(60), from.partitions().toArray(HiveCheckpoint.Partition[]::new)), List.of(), NOTHING_PARKED, COLUMNS)).isEmpty();
    }

    @Test
    void testCompactionIsNoChangeAndWhatItCompactedOrMovedAlongStillIs()
    {
        HiveCheckpoint from = checkpoint(T0, partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "f2", 10, 2)));
        List<TableFile> inputs = List.of(new TableFile(A + "/f1", 10), new TableFile(A + "/f2", 10));
        List<TableFile> outputs = List.of(new TableFile(A_COPY + "/c0", 18));
        HiveCheckpoint compacted = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A_COPY, file(A_COPY, "c0", 18, 22)));
        assertThat(HiveChanges.changes(from, compacted, List.of(compaction(T0.plusSeconds(20), PartitionState.SWAPPED, inputs, outputs)), NOTHING_PARKED, COLUMNS)).isEmpty();

        // a file written after the checkpoint and before the compaction planned: compacted into the copy, still new
        List<TableFile> withLate = ImmutableList.<TableFile>builder().addAll(inputs).add(new TableFile(A + "/late", 5)).build();
        assertThat(summary(HiveChanges.changes(from, compacted, List.of(compaction(T0.plusSeconds(20), PartitionState.SWAPPED, withLate, outputs)), NOTHING_PARKED, COLUMNS)))
                .containsExactly("day=2026-12-01 [APPEND] +1 -0");

        // a file a writer put into the original after the checkpoint, moved into the copy by the compaction (LateFiles)
        HiveCheckpoint moved = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A_COPY, file(A_COPY, "c0", 18, 22), file(A_COPY, "late", 5, 45)));
        assertThat(summary(HiveChanges.changes(from, moved, List.of(compaction(T0.plusSeconds(20), PartitionState.SWAPPED, inputs, outputs)), NOTHING_PARKED, COLUMNS)))
                .containsExactly("day=2026-12-01 [APPEND] +1 -0");

        // the copy rewritten later under its name with the same size, as Hive's INSERT OVERWRITE of the same rows does
        HiveCheckpoint rewritten = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A_COPY, file(A_COPY, "c0", 18, 50)));
        assertThat(summary(HiveChanges.changes(from, rewritten, List.of(compaction(T0.plusSeconds(20), PartitionState.SWAPPED, inputs, outputs)), NOTHING_PARKED, COLUMNS)))
                .containsExactly("day=2026-12-01 [OVERWRITE] +1 -1");

        // a file of the checkpoint deleted before the compaction planned
        List<TableFile> oneLeft = List.of(new TableFile(A + "/f1", 10));
        assertThat(summary(HiveChanges.changes(from, compacted, List.of(compaction(T0.plusSeconds(20), PartitionState.SWAPPED, oneLeft, outputs)), NOTHING_PARKED, COLUMNS)))
                .containsExactly("day=2026-12-01 [DELETE] +0 -1");
    }

    @Test
    void testRollbackIsNoChangeEitherWay()
    {
        List<TableFile> inputs = List.of(new TableFile(A + "/f1", 10), new TableFile(A + "/f2", 10));
        List<TableFile> outputs = List.of(new TableFile(A_COPY + "/c0", 18));
        HiveCheckpoint original = checkpoint(T0, partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "f2", 10, 2)));
        HiveCheckpoint compacted = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A_COPY, file(A_COPY, "c0", 18, 22)));
        HiveCheckpoint rolledBack = checkpoint(T0.plusSeconds(120), partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "f2", 10, 2)));
        OperationRecord compaction = compaction(T0.plusSeconds(20), PartitionState.RESTORED, inputs, outputs);
        OperationRecord rollback = finished(OperationRecord.start(OperationKind.ROLLBACK, TABLE, "u", Optional.of(compaction.id()), OperationDetails.NONE, T0.plusSeconds(90)), T0.plusSeconds(91));

        // compacted and rolled back between the checkpoints
        assertThat(HiveChanges.changes(original, rolledBack, List.of(compaction, rollback), NOTHING_PARKED, COLUMNS)).isEmpty();
        // the checkpoint saw the copy, the rollback came after: the compaction finished before the checkpoint
        assertThat(HiveChanges.changes(compacted, rolledBack, List.of(compaction, rollback), NOTHING_PARKED, COLUMNS)).isEmpty();
        // a file written into the copy before the rollback moved it to the original: reported once, when it came
        HiveCheckpoint withLate = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A_COPY, file(A_COPY, "c0", 18, 22), file(A_COPY, "late", 5, 50)));
        HiveCheckpoint lateMovedBack = checkpoint(T0.plusSeconds(120), partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "f2", 10, 2), file(A, "late", 5, 50)));
        assertThat(HiveChanges.changes(withLate, lateMovedBack, List.of(compaction, rollback), NOTHING_PARKED, COLUMNS)).isEmpty();
        // a location Dredge did not move the partition to: every file counts
        HiveCheckpoint elsewhere = checkpoint(T0.plusSeconds(120), partition("day=2026-12-01", "file:/elsewhere", file("file:/elsewhere", "f1", 10, 1)));
        assertThat(summary(HiveChanges.changes(original, elsewhere, List.of(), NOTHING_PARKED, COLUMNS))).containsExactly("day=2026-12-01 [OVERWRITE] +1 -2");
    }

    @Test
    void testSinceCountsFilesWrittenAfterButNotACopyOfOlderOnes()
    {
        // a file's time is when it was written, before its write committed: an hour before the start counts too
        Instant since = T0.plusSeconds(3610);
        List<TableFile> inputs = List.of(new TableFile(A + "/f1", 10), new TableFile(A + "/f2", 10));
        List<TableFile> outputs = List.of(new TableFile(A_COPY + "/c0", 18));
        HiveCheckpoint now = checkpoint(T0.plusSeconds(7200),
                partition("day=2026-12-01", A_COPY, file(A_COPY, "c0", 18, 3622)),
                partition("day=2026-12-02", B, file(B, "old", 10, 1), file(B, "new", 10, 30)));
        OperationRecord compaction = compaction(T0.plusSeconds(3620), PartitionState.SWAPPED, inputs, outputs);
        // the originals parked, as they are until cleanup: written before the start
        Map<String, List<StoredFile>> parked = Map.of(A, List.of(file(A, "f1", 10, 1), file(A, "f2", 10, 2)));
        assertThat(summary(HiveChanges.changesSince(since, now, List.of(compaction), location -> parked.getOrDefault(location, List.of()), COLUMNS)))
                .containsExactly("day=2026-12-02 [APPEND] +1 -0");
        // one of them written after the start: the copy holds new rows
        Map<String, List<StoredFile>> lateOriginal = Map.of(A, List.of(file(A, "f1", 10, 1), file(A, "f2", 10, 3615)));
        assertThat(summary(HiveChanges.changesSince(since, now, List.of(compaction), location -> lateOriginal.getOrDefault(location, List.of()), COLUMNS)))
                .containsExactly("day=2026-12-01 [APPEND] +1 -0", "day=2026-12-02 [APPEND] +1 -0");
        // a file of the copy's name and size written after the compaction finished is no copy of it
        HiveCheckpoint rewritten = checkpoint(T0.plusSeconds(7200), partition("day=2026-12-01", A_COPY, file(A_COPY, "c0", 18, 3700)));
        assertThat(summary(HiveChanges.changesSince(since, rewritten, List.of(compaction), location -> parked.getOrDefault(location, List.of()), COLUMNS)))
                .containsExactly("day=2026-12-01 [APPEND] +1 -0");
        // cleaned up: cannot be told, so it counts
        assertThat(summary(HiveChanges.changesSince(since, now, List.of(compaction), location -> List.of(), COLUMNS)))
                .containsExactly("day=2026-12-01 [APPEND] +1 -0", "day=2026-12-02 [APPEND] +1 -0");
    }

    @Test
    void testWhatTheCompactionsCopyHidesIsFound()
    {
        // a file deleted before the compaction, whose name the compaction's copy took
        HiveCheckpoint from = checkpoint(T0, partition("day=2026-12-01", A, file(A, "000000_0", 10, 1), file(A, "000001_0", 10, 2), file(A, "000002_0", 10, 3)));
        List<TableFile> read = List.of(new TableFile(A + "/000001_0", 10), new TableFile(A + "/000002_0", 10));
        List<TableFile> wrote = List.of(new TableFile(A_COPY + "/000000_0", 18));
        HiveCheckpoint to = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A_COPY, file(A_COPY, "000000_0", 18, 22)));
        assertThat(summary(HiveChanges.changes(from, to, List.of(compaction(T0.plusSeconds(20), PartitionState.SWAPPED, read, wrote)), NOTHING_PARKED, COLUMNS)))
                .containsExactly("day=2026-12-01 [DELETE] +0 -1");

        // files rewritten under their names and sizes (Hive's INSERT OVERWRITE of the same rows), then compacted: the
        // originals, kept until cleanup, have the rewrite's time
        HiveCheckpoint original = checkpoint(T0, partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "f2", 10, 2)));
        List<TableFile> inputs = List.of(new TableFile(A + "/f1", 10), new TableFile(A + "/f2", 10));
        List<TableFile> outputs = List.of(new TableFile(A_COPY + "/c0", 18));
        HiveCheckpoint compacted = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A_COPY, file(A_COPY, "c0", 18, 22)));
        Function<String, List<StoredFile>> rewrittenOriginals = location -> location.equals(A) ? List.of(file(A, "f1", 10, 15), file(A, "f2", 10, 15)) : List.of();
        assertThat(summary(HiveChanges.changes(original, compacted, List.of(compaction(T0.plusSeconds(20), PartitionState.SWAPPED, inputs, outputs)), rewrittenOriginals, COLUMNS)))
                .containsExactly("day=2026-12-01 [OVERWRITE] +2 -2");
        Function<String, List<StoredFile>> sameOriginals = location -> location.equals(A) ? List.of(file(A, "f1", 10, 1), file(A, "f2", 10, 2)) : List.of();
        assertThat(HiveChanges.changes(original, compacted, List.of(compaction(T0.plusSeconds(20), PartitionState.SWAPPED, inputs, outputs)), sameOriginals, COLUMNS)).isEmpty();
    }

    @Test
    void testUnpartitionedTableCompactedIsNoChange()
    {
        String table = "file:/lake/s/u";
        String copy = "file:/lake/s/.dredge/u-c1";
        HiveCheckpoint from = checkpoint(T0, partition("", table, file(table, "f1", 10, 1), file(table, "f2", 10, 2)));
        HiveCheckpoint to = checkpoint(T0.plusSeconds(60), partition("", copy, file(copy, "c0", 18, 22)));
        PartitionRecord whole = PartitionRecord.planned(Optional.empty(), table, copy, List.of(new TableFile(table + "/f1", 10), new TableFile(table + "/f2", 10)))
                .verified(10, List.of(new TableFile(copy + "/c0", 18)))
                .withState(PartitionState.SWAPPED);
        OperationRecord compaction = finished(OperationRecord.start(OperationKind.COMPACT, TABLE, "u", Optional.empty(), CompactionDetails.unplanned().withPlan("checksum", 1, List.of(whole)), T0.plusSeconds(20)), T0.plusSeconds(25));
        assertThat(HiveChanges.changes(from, to, List.of(compaction), NOTHING_PARKED, List.of())).isEmpty();
    }

    @Test
    void testCheckpointRoundTrip()
    {
        HiveCheckpoint checkpoint = checkpoint(T0, partition("day=2026-12-01", A, file(A, "f1", 10, 1)), partition("", "file:/lake/u", file("file:/lake/u", "x y", 3, 2), file("file:/lake/u", "HIVE_UNION_SUBDIR_1/000000_0", 4, 3)));
        assertThat(HiveCheckpoint.decode(checkpoint.encode())).isEqualTo(checkpoint);
        ResumeToken token = ResumeToken.ofCheckpoint("hive:s.t", checkpoint.id());
        assertThat(ResumeToken.decode(token.encode())).isEqualTo(token);
        // a name may hold the separator
        ResumeToken odd = ResumeToken.ofCheckpoint("hive:s.a|b", checkpoint.id());
        assertThat(ResumeToken.decode(odd.encode())).isEqualTo(odd);
    }

    @Test
    void testFilteredAnswersCarryTheOtherPartitionsOver()
    {
        String c = "file:/lake/s/t/day=2026-12-03";
        HiveCheckpoint from = checkpoint(T0, partition("day=2026-12-01", A, file(A, "f1", 10, 1)), partition("day=2026-12-02", B, file(B, "f1", 10, 2)));
        // an answer filtered to 2026-12-01 lists only it: the late file in 2026-12-02 is left for the next answer
        HiveCheckpoint listed = checkpoint(T0.plusSeconds(60), partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "late", 5, 30)));
        Predicate<String> first = name -> name.equals("day=2026-12-01");
        assertThat(summary(HiveChanges.changes(from.restrictedTo(first), listed, List.of(), NOTHING_PARKED, COLUMNS))).containsExactly("day=2026-12-01 [APPEND] +1 -0");
        HiveCheckpoint kept = from.carryingOver(listed, first);
        assertThat(kept.id()).isEqualTo(listed.id());
        assertThat(kept.partitionsByName().get("day=2026-12-02").files()).isEqualTo(from.partitionsByName().get("day=2026-12-02").files());
        assertThat(kept.listedAt(kept.partitionsByName().get("day=2026-12-02"))).isEqualTo(from.takenAt());
        // the next answer, from the kept checkpoint, has the left-out partition's change and a new partition, once
        HiveCheckpoint now = checkpoint(T0.plusSeconds(120),
                partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "late", 5, 30)),
                partition("day=2026-12-02", B, file(B, "f1", 10, 2), file(B, "late", 5, 40)),
                partition("day=2026-12-03", c, file(c, "f1", 5, 100)));
        assertThat(summary(HiveChanges.changes(HiveCheckpoint.decode(kept.encode()), now, List.of(), NOTHING_PARKED, COLUMNS)))
                .containsExactly("day=2026-12-02 [APPEND] +1 -0", "day=2026-12-03 [APPEND] +1 -0");
    }

    @Test
    void testCarriedPartitionKeepsItsListingTimeSoACompactionSinceIsNoChange()
    {
        HiveCheckpoint from = checkpoint(T0, partition("day=2026-12-01", A, file(A, "f1", 10, 1), file(A, "f2", 10, 2)), partition("day=2026-12-02", B, file(B, "f1", 10, 3)));
        // Dredge compacts 2026-12-01 at T0 + 20 s; at T0 + 60 s an answer filtered to 2026-12-02 carries 2026-12-01 over
        OperationRecord compaction = compaction(T0.plusSeconds(20), PartitionState.SWAPPED, List.of(new TableFile(A + "/f1", 10), new TableFile(A + "/f2", 10)), List.of(new TableFile(A_COPY + "/c0", 18)));
        Predicate<String> second = name -> name.equals("day=2026-12-02");
        HiveCheckpoint kept = HiveCheckpoint.decode(from.carryingOver(checkpoint(T0.plusSeconds(60), partition("day=2026-12-02", B, file(B, "f1", 10, 3))), second).encode());
        assertThat(kept.listedAt(kept.partitionsByName().get("day=2026-12-01"))).isEqualTo(T0);
        HiveCheckpoint now = checkpoint(T0.plusSeconds(120), partition("day=2026-12-01", A_COPY, file(A_COPY, "c0", 18, 22)), partition("day=2026-12-02", B, file(B, "f1", 10, 3)));
        assertThat(HiveChanges.changes(kept, now, List.of(compaction), NOTHING_PARKED, COLUMNS)).isEmpty();
    }

    private static OperationRecord compaction(Instant at, PartitionState state, List<TableFile> inputs, List<TableFile> outputs)
    {
        PartitionRecord partition = PartitionRecord.planned(Optional.of("day=2026-12-01"), A, A_COPY, inputs).verified(10, outputs).withState(state);
        CompactionDetails details = CompactionDetails.unplanned().withPlan("checksum", 1, List.of(partition));
        return finished(OperationRecord.start(OperationKind.COMPACT, TABLE, "u", Optional.empty(), details, at), at.plusSeconds(5));
    }

    private static OperationRecord finished(OperationRecord record, Instant at)
    {
        return record.finished(OperationState.SUCCEEDED, Optional.empty(), at);
    }

    private static HiveCheckpoint checkpoint(Instant at, HiveCheckpoint.Partition... partitions)
    {
        return new HiveCheckpoint(HiveCheckpoint.newId(at), TABLE, "hive:s.t", at, Arrays.asList(partitions));
    }

    private static HiveCheckpoint.Partition partition(String name, String location, StoredFile... files)
    {
        return new HiveCheckpoint.Partition(name, location, Arrays.asList(files));
    }

    private static StoredFile file(String location, String name, long size, long secondsAfterT0)
    {
        return new StoredFile(location + "/" + name, size, T0.plusSeconds(secondsAfterT0));
    }

    private static List<String> summary(List<PartitionChange> changes)
    {
        return changes.stream()
                .map(change -> "%s %s +%s -%s".formatted(change.partitionName(), change.kinds().stream().map(ChangeKind::name).collect(Collectors.toList()), change.filesAdded(), change.filesRemoved()))
                .collect(Collectors.toList());
    }
}
