package io.dredge.trino.changes;

import io.trino.spi.connector.ConnectorSplit;

import static io.airlift.slice.SizeOf.instanceSize;

/**
 * The one split of a {@code changed_partitions} call: the handle says all it needs.
 */
public record ChangedPartitionsSplit()
        implements ConnectorSplit
{
    private static final int INSTANCE_SIZE = instanceSize(ChangedPartitionsSplit.class);

    @Override
    public long getRetainedSizeInBytes()
    {
        return INSTANCE_SIZE;
    }
}
