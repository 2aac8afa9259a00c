package io.dredge.core.report;

import java.time.Duration;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The thresholds of {@link TableHealth}.
 *
 * @param smallFiles when a table has too many small files (as in the small-file report)
 * @param staleOperationAge how long an operation may stay {@code RUNNING} before it counts as interrupted, so that
 * {@code recover} is the fix: no engine tells a live operation in another process from a dead one
 * @param maxSnapshotAge how much history an Iceberg table keeps when it does not say
 * ({@code history.expire.max-snapshot-age-ms}); older snapshots are a reason, {@code expire_snapshots} the fix
 */
public record HealthPolicy(SmallFilePolicy smallFiles, Duration staleOperationAge, Duration maxSnapshotAge)
{
    public static final Duration DEFAULT_STALE_OPERATION_AGE = Duration.ofHours(24);
    // Trino's minimum retention for expire_snapshots: the fix runs out of the box
    public static final Duration DEFAULT_MAX_SNAPSHOT_AGE = Duration.ofDays(7);

    public HealthPolicy
    {
        requireNonNull(smallFiles, "smallFiles is null");
        requireNonNull(staleOperationAge, "staleOperationAge is null");
        checkArgument(!staleOperationAge.isNegative() && !staleOperationAge.isZero(), "staleOperationAge must be positive");
        requireNonNull(maxSnapshotAge, "maxSnapshotAge is null");
        checkArgument(!maxSnapshotAge.isNegative(), "maxSnapshotAge must not be negative");
    }
}
