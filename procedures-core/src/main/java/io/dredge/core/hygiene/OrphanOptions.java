package io.dredge.core.hygiene;

import io.dredge.core.DredgeException;
import io.dredge.core.Units;

import java.time.Duration;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

/**
 * What {@code remove_orphan_files} is asked to do.
 *
 * @param olderThan only files last written longer ago than this are removed, at least a day: a file written now
 * may belong to a write that has not committed yet
 * @param dryRun list what would be removed, change nothing
 * @param purge delete at once instead of moving to the quarantine
 */
public record OrphanOptions(Duration olderThan, boolean dryRun, boolean purge)
{
    public static final Duration MINIMUM_AGE = Duration.ofDays(1);
    public static final Duration DEFAULT_AGE = Duration.ofDays(3);

    public OrphanOptions
    {
        requireNonNull(olderThan, "olderThan is null");
        if (olderThan.compareTo(MINIMUM_AGE) < 0) {
            throw new DredgeException(INVALID_ARGUMENT, "older_than must be at least %s (a younger file may belong to a write still in flight): %s".formatted(Units.text(MINIMUM_AGE), Units.text(olderThan)));
        }
    }

    /**
     * A run that carries out a dry run's listing ({@code dry_run_id}) takes the dry run's age and is not a dry run.
     */
    public static void requireListingOnly(String dryRunId, Optional<String> olderThan, boolean dryRun)
    {
        if (dryRunId.isBlank()) {
            throw new DredgeException(INVALID_ARGUMENT, "dry_run_id must not be empty");
        }
        if (olderThan.isPresent()) {
            throw new DredgeException(INVALID_ARGUMENT, "older_than comes from dry run %s: give one or the other".formatted(dryRunId));
        }
        if (dryRun) {
            throw new DredgeException(INVALID_ARGUMENT, "dry_run_id carries out dry run %s: dry_run must be false".formatted(dryRunId));
        }
    }
}
