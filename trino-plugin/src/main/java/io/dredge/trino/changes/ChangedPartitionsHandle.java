package io.dredge.trino.changes;

import com.google.common.collect.ImmutableList;
import io.dredge.core.changes.ChangedPartitions;
import io.dredge.core.changes.IcebergChanges;
import io.dredge.core.iceberg.IcebergTableMetadata.PartitionColumn;
import io.dredge.core.model.TableReference;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;

import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A planned {@code changed_partitions} call, as the coordinator fixed it and the worker reads it: the table, the
 * metadata version that ends the range, and the range's snapshots (null for none).
 */
public record ChangedPartitionsHandle(
        String schemaName,
        String tableName,
        String metadataLocation,
        String tableIdentity,
        Long afterSnapshot,
        Long untilSnapshot,
        List<String> partitionColumnNames,
        List<String> partitionColumnTypes)
        implements ConnectorTableFunctionHandle
{
    public ChangedPartitionsHandle
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
        requireNonNull(metadataLocation, "metadataLocation is null");
        requireNonNull(tableIdentity, "tableIdentity is null");
        partitionColumnNames = ImmutableList.copyOf(requireNonNull(partitionColumnNames, "partitionColumnNames is null"));
        partitionColumnTypes = ImmutableList.copyOf(requireNonNull(partitionColumnTypes, "partitionColumnTypes is null"));
        checkArgument(partitionColumnNames.size() == partitionColumnTypes.size(), "a type for each partition column");
    }

    static ChangedPartitionsHandle of(ChangedPartitions.Plan plan)
    {
        IcebergChanges.Range range = plan.range();
        return new ChangedPartitionsHandle(
                plan.table().schemaName(),
                plan.table().tableName(),
                plan.metadataLocation(),
                range.tableIdentity(),
                range.after().isPresent() ? range.after().getAsLong() : null,
                range.until().isPresent() ? range.until().getAsLong() : null,
                plan.partitionColumns().stream().map(PartitionColumn::name).collect(ImmutableList.toImmutableList()),
                plan.partitionColumns().stream().map(PartitionColumn::type).collect(ImmutableList.toImmutableList()));
    }

    ChangedPartitions.Plan plan()
    {
        return new ChangedPartitions.Plan(
                new TableReference(schemaName, tableName),
                metadataLocation,
                new IcebergChanges.Range(tableIdentity, optional(afterSnapshot), optional(untilSnapshot)),
                IntStream.range(0, partitionColumnNames.size())
                        .mapToObj(index -> new PartitionColumn(partitionColumnNames.get(index), partitionColumnTypes.get(index)))
                        .collect(ImmutableList.toImmutableList()));
    }

    private static OptionalLong optional(Long value)
    {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
