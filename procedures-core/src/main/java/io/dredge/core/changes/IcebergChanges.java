package io.dredge.core.changes;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.dredge.core.DredgeException;
import io.dredge.core.changes.ChangeStart.AfterSnapshot;
import io.dredge.core.changes.ChangeStart.AfterTime;
import io.dredge.core.changes.ChangeStart.AfterToken;
import io.dredge.core.changes.PartitionChange.ChangeKind;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.iceberg.IcebergTableMetadata.FileChange;
import io.dredge.core.iceberg.IcebergTableMetadata.IcebergSnapshot;
import io.dredge.core.model.TableReference;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

/**
 * The partitions of an Iceberg table whose rows changed between two snapshots, told from the snapshots' own
 * manifests (the files each commit added and removed, with their record counts), never by reading data. A
 * {@code replace} snapshot (a compaction, Dredge's or the engine's {@code optimize}) rewrites files without changing
 * rows and is passed over. Position and equality deletes count as removed rows, where Iceberg's changelog scan gives
 * up on them.
 */
public final class IcebergChanges
{
    private IcebergChanges() {}

    /**
     * The snapshots an answer covers: those of the current lineage after {@code after} (all of them when empty), up
     * to {@code until}, the current one when the answer was planned (empty for a table without snapshots).
     */
    public record Range(String tableIdentity, OptionalLong after, OptionalLong until)
    {
        public Range
        {
            requireNonNull(tableIdentity, "tableIdentity is null");
            requireNonNull(after, "after is null");
            requireNonNull(until, "until is null");
        }

        /**
         * Where the next answer starts: after this one's last snapshot.
         */
        public ResumeToken resumeToken()
        {
            return new ResumeToken(tableIdentity, until);
        }
    }

    /**
     * Resolves where the caller's changes start on the table's current metadata; refused, naming the oldest point
     * still answerable, when the start lies before history that expiry removed, and when it is a snapshot the
     * current one does not descend from (a rollback went past it).
     */
    public static Range range(IcebergTableMetadata metadata, TableReference table, ChangeStart start)
    {
        List<IcebergSnapshot> lineage = metadata.currentLineage();
        OptionalLong until = metadata.currentSnapshotId().map(OptionalLong::of).orElseGet(OptionalLong::empty);
        // the lineage reaches back to the table's first commit, or its oldest part was expired
        boolean wholeHistory = lineage.isEmpty() || lineage.get(0).parentId().isEmpty();
        OptionalLong after;
        if (start instanceof AfterToken token) {
            if (!token.token().tableIdentity().equals(metadata.identity())) {
                throw new DredgeException(INVALID_ARGUMENT, "the resume token is of another table than %s (one dropped and made again under its name, or another one): start from a snapshot or a time instead".formatted(table));
            }
            after = token.token().snapshotId().isPresent()
                    ? afterSnapshot(metadata, lineage, table, token.token().snapshotId().getAsLong())
                    : fromTheStart(metadata, lineage, wholeHistory, table);
        }
        else if (start instanceof AfterSnapshot snapshot) {
            after = afterSnapshot(metadata, lineage, table, snapshot.snapshotId());
        }
        else {
            Instant time = ((AfterTime) start).time();
            after = OptionalLong.empty();
            for (IcebergSnapshot snapshot : lineage) {
                if (!metadata.committedAt(snapshot.id()).orElseThrow().isAfter(time)) {
                    after = OptionalLong.of(snapshot.id());
                }
            }
            if (after.isEmpty()) {
                after = fromTheStart(metadata, lineage, wholeHistory, table);
            }
        }
        requireNothingAbandoned(metadata, lineage, table, after.isPresent() ? metadata.committedAt(after.getAsLong()).orElseThrow() : start instanceof AfterTime time ? time.time() : Instant.EPOCH);
        return new Range(metadata.identity(), after, until);
    }

    /**
     * A snapshot that was the table's current one after the start and is not an ancestor of the current one now (a
     * rollback discarded it, or the table was replaced) had rows that came and went, which the current lineage does
     * not show: refused rather than answered with a gap.
     */
    private static void requireNothingAbandoned(IcebergTableMetadata metadata, List<IcebergSnapshot> lineage, TableReference table, Instant start)
    {
        Set<Long> ancestors = lineage.stream().map(IcebergSnapshot::id).collect(ImmutableSet.toImmutableSet());
        for (long snapshot : metadata.becameCurrentAfter(start)) {
            if (!ancestors.contains(snapshot)) {
                throw new DredgeException(INVALID_ARGUMENT, "snapshot %s was the current snapshot of %s after the start and is not an ancestor of the current one (a rollback discarded it, or the table was replaced): the rows it had came and went, which the table's snapshots cannot tell by partition; start from its current snapshot %s instead"
                        .formatted(snapshot, table, metadata.currentSnapshotId().orElseThrow()));
            }
        }
    }

    private static OptionalLong afterSnapshot(IcebergTableMetadata metadata, List<IcebergSnapshot> lineage, TableReference table, long snapshotId)
    {
        if (lineage.stream().anyMatch(snapshot -> snapshot.id() == snapshotId)) {
            return OptionalLong.of(snapshotId);
        }
        if (metadata.snapshot(snapshotId).isPresent()) {
            throw new DredgeException(INVALID_ARGUMENT, "snapshot %s of %s is not an ancestor of its current snapshot %s (the table was rolled back past it): what changed since cannot be told from its snapshots"
                    .formatted(snapshotId, table, metadata.currentSnapshotId().orElseThrow()));
        }
        throw new DredgeException(INVALID_ARGUMENT, "snapshot %s is not among the snapshots of %s (expired, or never one of them); %s"
                .formatted(snapshotId, table, oldestAnswerable(metadata, lineage)));
    }

    private static OptionalLong fromTheStart(IcebergTableMetadata metadata, List<IcebergSnapshot> lineage, boolean wholeHistory, TableReference table)
    {
        if (wholeHistory) {
            return OptionalLong.empty();
        }
        throw new DredgeException(INVALID_ARGUMENT, "the snapshots of %s before the start asked for were expired; %s".formatted(table, oldestAnswerable(metadata, lineage)));
    }

    private static String oldestAnswerable(IcebergTableMetadata metadata, List<IcebergSnapshot> lineage)
    {
        if (lineage.isEmpty()) {
            return "the table has no snapshots";
        }
        IcebergSnapshot oldest = lineage.get(0);
        return "the oldest point still answerable is snapshot %s, committed at %s".formatted(oldest.id(), metadata.committedAt(oldest.id()).orElseThrow());
    }

    /**
     * The changes in {@code range}, read from {@code metadata}, the version whose current snapshot is the range's
     * {@code until}; one entry per partition, ordered by partition name.
     */
    public static List<PartitionChange> changes(IcebergTableMetadata metadata, Range range)
    {
        if (!metadata.currentSnapshotId().map(OptionalLong::of).orElseGet(OptionalLong::empty).equals(range.until())) {
            throw new IllegalArgumentException("metadata %s is not the version the range ends at".formatted(metadata.metadataLocation()));
        }
        Map<String, Accumulator> partitions = new TreeMap<>();
        boolean started = range.after().isEmpty();
        for (IcebergSnapshot snapshot : metadata.currentLineage()) {
            if (!started) {
                started = snapshot.id() == range.after().getAsLong();
                continue;
            }
            if (snapshot.isReplace()) {
                continue;
            }
            Instant committedAt = metadata.committedAt(snapshot.id()).orElseThrow();
            Map<String, SnapshotEffect> effects = new HashMap<>();
            for (FileChange file : metadata.fileChanges(snapshot.id())) {
                Accumulator partition = partitions.computeIfAbsent(file.partitionName(), ignored -> new Accumulator(file.partitionValues()));
                SnapshotEffect effect = effects.computeIfAbsent(file.partitionName(), ignored -> new SnapshotEffect());
                partition.add(file, effect);
            }
            effects.forEach((name, effect) -> partitions.get(name).changedAt(effect.kind(), committedAt));
        }
        return partitions.entrySet().stream()
                .map(entry -> entry.getValue().change(entry.getKey()))
                .collect(ImmutableList.toImmutableList());
    }

    private static final class SnapshotEffect
    {
        private boolean added;
        private boolean removed;

        ChangeKind kind()
        {
            if (added && !removed) {
                return ChangeKind.APPEND;
            }
            if (removed && !added) {
                return ChangeKind.DELETE;
            }
            // both, or only delete files removed (rows they hid are back)
            return ChangeKind.OVERWRITE;
        }
    }

    private static final class Accumulator
    {
        private final Map<String, Object> values;
        private final Set<ChangeKind> kinds = EnumSet.noneOf(ChangeKind.class);
        private long rowsAdded;
        private long rowsRemoved;
        private boolean rowsRemovedKnown = true;
        private long filesAdded;
        private long filesRemoved;
        private Optional<Instant> first = Optional.empty();
        private Optional<Instant> last = Optional.empty();

        Accumulator(Map<String, Object> values)
        {
            this.values = values;
        }

        void add(FileChange file, SnapshotEffect effect)
        {
            if (file.added()) {
                filesAdded++;
            }
            else {
                filesRemoved++;
            }
            switch (file.content()) {
                case DATA -> {
                    if (file.added()) {
                        rowsAdded += file.recordCount();
                        effect.added = true;
                    }
                    else {
                        rowsRemoved += file.recordCount();
                        effect.removed = true;
                    }
                }
                case POSITION_DELETES -> {
                    if (file.added()) {
                        rowsRemoved += file.recordCount();
                        effect.removed = true;
                    }
                }
                case EQUALITY_DELETES -> {
                    if (file.added()) {
                        rowsRemovedKnown = false;
                        effect.removed = true;
                    }
                }
            }
        }

        void changedAt(ChangeKind kind, Instant committedAt)
        {
            kinds.add(kind);
            first = Optional.of(first.filter(time -> time.isBefore(committedAt)).orElse(committedAt));
            last = Optional.of(last.filter(time -> time.isAfter(committedAt)).orElse(committedAt));
        }

        PartitionChange change(String name)
        {
            return new PartitionChange(name, values, kinds, OptionalLong.of(rowsAdded), rowsRemovedKnown ? OptionalLong.of(rowsRemoved) : OptionalLong.empty(),
                    filesAdded, filesRemoved, first.orElseThrow(), last.orElseThrow());
        }
    }
}
