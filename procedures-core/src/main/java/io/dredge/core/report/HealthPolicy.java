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
 * @param maxManifests and {@code minAvgManifestBytes}: an Iceberg table whose current snapshot has more manifests than
 * {@code maxManifests}, averaging less than {@code minAvgManifestBytes}, has a reason, Trino's
 * {@code optimize_manifests} the fix
 * @param maxDeletedRowShare an Iceberg table whose delete files hold more records per data row than this has a
 * reason, Trino's {@code optimize} (of the whole table, which drops the deletes it applied) the fix
 */
public record HealthPolicy(SmallFilePolicy smallFiles, Duration staleOperationAge, Duration maxSnapshotAge, int maxManifests, long minAvgManifestBytes, double maxDeletedRowShare)
{
    public static final Duration DEFAULT_STALE_OPERATION_AGE = Duration.ofHours(24);
    // Trino's minimum retention for expire_snapshots: the fix runs out of the box
    public static final Duration DEFAULT_MAX_SNAPSHOT_AGE = Duration.ofDays(7);
    // Iceberg's commit.manifest.min-count-to-merge: writers that merge manifests on commit stay at or below it
    public static final int DEFAULT_MAX_MANIFESTS = 100;
    // an eighth of Iceberg's commit.manifest.target-size-bytes (8 MB), which optimize_manifests packs manifests to
    public static final long DEFAULT_MIN_AVG_MANIFEST_BYTES = 1L << 20;
    public static final double DEFAULT_MAX_DELETED_ROW_SHARE = 0.1;

    public HealthPolicy
    {
        requireNonNull(smallFiles, "smallFiles is null");
        requireNonNull(staleOperationAge, "staleOperationAge is null");
        checkArgument(!staleOperationAge.isNegative() && !staleOperationAge.isZero(), "staleOperationAge must be positive");
        requireNonNull(maxSnapshotAge, "maxSnapshotAge is null");
        checkArgument(!maxSnapshotAge.isNegative(), "maxSnapshotAge must not be negative");
        checkArgument(maxManifests >= 1, "maxManifests must be at least 1");
        checkArgument(minAvgManifestBytes >= 1, "minAvgManifestBytes must be at least 1");
        checkArgument(maxDeletedRowShare >= 0 && maxDeletedRowShare <= 1, "maxDeletedRowShare must be between 0 and 1");
    }
}
