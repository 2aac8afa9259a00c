package io.dredge.core.journal;

import com.google.common.collect.ImmutableList;

import java.time.Instant;
import java.util.List;

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
 */
public record ExpiryDetails(Instant expireOlderThan, int retainLast, List<Long> snapshots)
        implements OperationDetails
{
    public ExpiryDetails
    {
        requireNonNull(expireOlderThan, "expireOlderThan is null");
        checkArgument(retainLast >= 1, "retainLast must be at least 1: %s", retainLast);
        snapshots = ImmutableList.copyOf(requireNonNull(snapshots, "snapshots is null"));
    }
}
