package io.dredge.core.journal;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What an orphan removal journals beyond what every operation does; its files are the operation's file list.
 *
 * @param olderThan only files last written before this were candidates
 * @param quarantineLocation where the removed files were moved, the i-th listed file to {@code <i>-<its name>};
 * empty when they were deleted at once ({@code purge})
 */
public record OrphanDetails(Instant olderThan, Optional<String> quarantineLocation)
        implements OperationDetails
{
    public OrphanDetails
    {
        requireNonNull(olderThan, "olderThan is null");
        requireNonNull(quarantineLocation, "quarantineLocation is null");
    }
}
