package io.dredge.core.iceberg;

import com.google.common.collect.ImmutableMap;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Figures of an Iceberg table's metadata for its health: its snapshots and the history the table says to keep, and
 * the manifests and delete files of the current one.
 *
 * @param snapshotTimes when each snapshot was committed, by id
 * @param maxSnapshotAge the table's {@code history.expire.max-snapshot-age-ms}, when set
 * @param minSnapshotsToKeep the table's {@code history.expire.min-snapshots-to-keep}, when set
 * @param dataRows and {@code deleteRows}: the rows of the current snapshot's data files, and the records of its
 * delete files (deleted positions, or equality keys), as the manifest list counts them; empty where a manifest list
 * entry has no counts
 */
public record IcebergFigures(Map<Long, Instant> snapshotTimes, Optional<Duration> maxSnapshotAge, OptionalInt minSnapshotsToKeep, long manifests, long manifestBytes, long deleteFiles, OptionalLong dataRows, OptionalLong deleteRows)
{
    public IcebergFigures
    {
        snapshotTimes = ImmutableMap.copyOf(requireNonNull(snapshotTimes, "snapshotTimes is null"));
        requireNonNull(maxSnapshotAge, "maxSnapshotAge is null");
        requireNonNull(minSnapshotsToKeep, "minSnapshotsToKeep is null");
        checkArgument(minSnapshotsToKeep.orElse(1) >= 1, "minSnapshotsToKeep must be at least 1");
        requireNonNull(dataRows, "dataRows is null");
        requireNonNull(deleteRows, "deleteRows is null");
    }

    /**
     * The delete files' records per data row, the share of the rows a reader filters out (exactly, for position
     * deletes); empty when not counted or without data rows.
     */
    public Optional<Double> deletedRowShare()
    {
        if (dataRows.isEmpty() || deleteRows.isEmpty() || dataRows.getAsLong() == 0) {
            return Optional.empty();
        }
        return Optional.of((double) deleteRows.getAsLong() / dataRows.getAsLong());
    }

    public long snapshots()
    {
        return snapshotTimes.size();
    }

    public Optional<Instant> oldestSnapshot()
    {
        return snapshotTimes.values().stream().min(Comparator.naturalOrder());
    }

    /**
     * How many snapshots were committed before {@code cutoff}, beyond the {@code keep} newest: those an expiry with
     * that cut-off and {@code retain_last => keep} would take, unless a branch or tag keeps them.
     */
    public long snapshotsBefore(Instant cutoff, int keep)
    {
        List<Instant> oldestFirst = snapshotTimes.values().stream().sorted().toList();
        return oldestFirst.subList(0, Math.max(0, oldestFirst.size() - keep)).stream()
                .filter(time -> time.isBefore(cutoff))
                .count();
    }

    /**
     * Mean manifest size, rounded down; 0 without manifests.
     */
    public long avgManifestBytes()
    {
        return manifests == 0 ? 0 : manifestBytes / manifests;
    }
}
