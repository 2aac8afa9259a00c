package io.dredge.core.operation;

import io.dredge.core.model.TableReference;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static java.util.Objects.requireNonNull;

/**
 * The operations running in this process, one per table. The metastore parameter {@link #LOCK_PARAMETER} tells
 * other processes and engines (the Hive guard hook) that a table is held; this map closes the race between two
 * calls in the same coordinator that both read the parameter before either wrote it, and tells a live
 * operation from one whose process died.
 */
public final class TableLocks
{
    /**
     * Table parameter naming the operation that holds the table.
     */
    public static final String LOCK_PARAMETER = "dredge.operation";

    private final ConcurrentMap<TableReference, String> holders = new ConcurrentHashMap<>();

    /**
     * Claims the table for the operation, or returns the id of the operation that already holds it.
     */
    public Optional<String> tryClaim(TableReference table, String operationId)
    {
        requireNonNull(operationId, "operationId is null");
        return Optional.ofNullable(holders.putIfAbsent(table, operationId));
    }

    public void release(TableReference table, String operationId)
    {
        holders.remove(table, operationId);
    }
}
