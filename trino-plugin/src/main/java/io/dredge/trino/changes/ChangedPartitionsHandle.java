package io.dredge.trino.changes;

import com.google.common.collect.ImmutableList;
import io.dredge.core.changes.ChangedPartitions;
import io.dredge.core.changes.HiveChanges;
import io.dredge.core.changes.IcebergChanges;
import io.dredge.core.iceberg.IcebergTableMetadata.PartitionColumn;
import io.dredge.core.model.TableReference;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A planned {@code changed_partitions} call, as the coordinator fixed it and the worker reads it: the table, and the
 * range. For an Iceberg table: the metadata version that ends it and its snapshots (null for none). For a Hive table
 * ({@code metadataLocation} null): where its checkpoints are, the one it starts at or the time (epoch milliseconds),
 * and the id of the one the answer takes (on the worker, once the engine has pushed its filter down).
 */
public record ChangedPartitionsHandle(
        String schemaName,
        String tableName,
        String tableIdentity,
        String metadataLocation,
        Long afterSnapshot,
        Long untilSnapshot,
        String checkpointDirectory,
        String fromCheckpoint,
        Long sinceMillis,
        String toCheckpoint,
        List<String> partitionColumnNames,
        List<String> partitionColumnTypes)
        implements ConnectorTableFunctionHandle
{
    public ChangedPartitionsHandle
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
        requireNonNull(tableIdentity, "tableIdentity is null");
        checkArgument((metadataLocation == null) == (toCheckpoint != null), "an Iceberg or a Hive range");
        partitionColumnNames = ImmutableList.copyOf(requireNonNull(partitionColumnNames, "partitionColumnNames is null"));
        partitionColumnTypes = ImmutableList.copyOf(requireNonNull(partitionColumnTypes, "partitionColumnTypes is null"));
        checkArgument(partitionColumnNames.size() == partitionColumnTypes.size(), "a type for each partition column");
    }

    static ChangedPartitionsHandle of(ChangedPartitions.Plan plan)
    {
        List<String> names = plan.partitionColumns().stream().map(PartitionColumn::name).collect(ImmutableList.toImmutableList());
        List<String> types = plan.partitionColumns().stream().map(PartitionColumn::type).collect(ImmutableList.toImmutableList());
        return switch (plan.range()) {
            case ChangedPartitions.IcebergRange iceberg -> {
                IcebergChanges.Range range = iceberg.snapshots();
                yield new ChangedPartitionsHandle(plan.table().schemaName(), plan.table().tableName(), range.tableIdentity(), iceberg.metadataLocation(),
                        range.after().isPresent() ? range.after().getAsLong() : null,
                        range.until().isPresent() ? range.until().getAsLong() : null,
                        null, null, null, null, names, types);
            }
            case HiveChanges.Range hive -> new ChangedPartitionsHandle(plan.table().schemaName(), plan.table().tableName(), hive.tableIdentity(), null, null, null,
                    hive.checkpointDirectory(), hive.from().orElse(null), hive.since().map(Instant::toEpochMilli).orElse(null), hive.to(), names, types);
        };
    }

    ChangedPartitions.Plan plan()
    {
        ChangedPartitions.Range range = metadataLocation != null
                ? new ChangedPartitions.IcebergRange(metadataLocation, new IcebergChanges.Range(tableIdentity, optional(afterSnapshot), optional(untilSnapshot)))
                : new HiveChanges.Range(tableIdentity, checkpointDirectory, Optional.ofNullable(fromCheckpoint), Optional.ofNullable(sinceMillis).map(Instant::ofEpochMilli), toCheckpoint);
        return new ChangedPartitions.Plan(
                new TableReference(schemaName, tableName),
                range,
                IntStream.range(0, partitionColumnNames.size())
                        .mapToObj(index -> new PartitionColumn(partitionColumnNames.get(index), partitionColumnTypes.get(index)))
                        .collect(ImmutableList.toImmutableList()));
    }

    private static OptionalLong optional(Long value)
    {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
