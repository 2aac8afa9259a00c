package io.dredge.core.hygiene;

import io.dredge.core.DredgeException;

import java.time.Duration;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

/**
 * What {@code expire_snapshots} is asked to do.
 *
 * @param olderThan only snapshots committed longer ago than this expire
 * @param retainLast the newest snapshots of each branch that stay however old, at least 1 (the current one)
 * @param dryRun plan and list what would be removed, change nothing
 */
public record ExpiryOptions(Duration olderThan, int retainLast, boolean dryRun)
{
    public ExpiryOptions
    {
        requireNonNull(olderThan, "olderThan is null");
        if (olderThan.isNegative()) {
            throw new DredgeException(INVALID_ARGUMENT, "older_than must not be negative: " + olderThan);
        }
        if (retainLast < 1) {
            throw new DredgeException(INVALID_ARGUMENT, "retain_last must be at least 1 (the current snapshot always stays): " + retainLast);
        }
    }
}
