package io.dredge.trino.changes;

import io.trino.spi.connector.ColumnHandle;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A column of a {@code changed_partitions} answer, by its place in the answer.
 */
public record ChangedPartitionsColumnHandle(String name, int ordinal)
        implements ColumnHandle
{
    public ChangedPartitionsColumnHandle
    {
        requireNonNull(name, "name is null");
        checkArgument(ordinal >= 0, "ordinal is negative");
    }
}
