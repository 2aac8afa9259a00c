package io.dredge.core.journal;

import com.google.common.collect.ImmutableList;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * What a snapshot expiry journals beyond what every operation does: the plan a real run carries out and a crash
 * leaves for {@code recover} to settle.
 *
 * @param expireOlderThan the cut-off: snapshots committed before it may expire (the caller's {@code older_than},
 * moved earlier to keep every snapshot a Dredge operation can still return to)
 * @param retainLast how many of the newest snapshots of each branch stay, however old
 * @param snapshots the snapshots planned to expire, oldest first
 * @param quarantineLocation where the run moves the data and delete files only the expiring snapshots reference,
 * before the engine commits the expiry, and deletes them after it; empty in a dry run and in runs journaled before
 * expiries quarantined
 */
public record ExpiryDetails(Instant expireOlderThan, int retainLast, List<Long> snapshots, Optional<String> quarantineLocation)
        implements OperationDetails
{
    public ExpiryDetails
    {
        requireNonNull(expireOlderThan, "expireOlderThan is null");
        checkArgument(retainLast >= 1, "retainLast must be at least 1: %s", retainLast);
        snapshots = ImmutableList.copyOf(requireNonNull(snapshots, "snapshots is null"));
        requireNonNull(quarantineLocation, "quarantineLocation is null");
    }

    public ExpiryDetails(Instant expireOlderThan, int retainLast, List<Long> snapshots)
    {
        this(expireOlderThan, retainLast, snapshots, Optional.empty());
    }

    public ExpiryDetails withQuarantine(String location)
    {
        return new ExpiryDetails(expireOlderThan, retainLast, snapshots, Optional.of(location));
    }
}
