package io.dredge.trino.copy;

import io.trino.spi.function.table.ConnectorTableFunctionHandle;

import static java.util.Objects.requireNonNull;

/**
 * A {@code copy_files} call: only the plan's location, so that a plan of many files does not travel with every task;
 * the splits carry the copies.
 */
public record CopyFilesHandle(String planLocation)
        implements ConnectorTableFunctionHandle
{
    public CopyFilesHandle
    {
        requireNonNull(planLocation, "planLocation is null");
    }
}
