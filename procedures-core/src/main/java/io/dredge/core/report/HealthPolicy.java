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
 */
public record HealthPolicy(SmallFilePolicy smallFiles, Duration staleOperationAge)
{
    public static final Duration DEFAULT_STALE_OPERATION_AGE = Duration.ofHours(24);

    public HealthPolicy
    {
        requireNonNull(smallFiles, "smallFiles is null");
        requireNonNull(staleOperationAge, "staleOperationAge is null");
        checkArgument(!staleOperationAge.isNegative() && !staleOperationAge.isZero(), "staleOperationAge must be positive");
    }
}
