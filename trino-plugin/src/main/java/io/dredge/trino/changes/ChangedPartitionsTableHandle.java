package io.dredge.trino.changes;

import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.predicate.TupleDomain;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * A {@code changed_partitions} call as a table the engine scans, so that it pushes its filter on the partition columns
 * down ({@code constraint}): a Hive table's answer then lists only those partitions.
 */
public record ChangedPartitionsTableHandle(ChangedPartitionsHandle function, TupleDomain<ChangedPartitionsColumnHandle> constraint)
        implements ConnectorTableHandle
{
    public ChangedPartitionsTableHandle
    {
        requireNonNull(function, "function is null");
        requireNonNull(constraint, "constraint is null");
    }

    @Override
    public String toString()
    {
        // as EXPLAIN shows the scan
        String filter = constraint.isAll() ? "" : constraint.getDomains()
                .map(domains -> domains.entrySet().stream()
                        .map(entry -> entry.getKey().name() + " " + entry.getValue())
                        .collect(joining(", ", ", partitions where ", "")))
                .orElse(", no partition");
        return "changed_partitions(%s.%s%s)".formatted(function.schemaName(), function.tableName(), filter);
    }

    ChangedPartitionsColumns columns()
    {
        return new ChangedPartitionsColumns(function.plan().partitionColumns());
    }
}
