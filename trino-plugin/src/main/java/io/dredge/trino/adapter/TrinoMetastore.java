package io.dredge.trino.adapter;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.Metastore;
import io.trino.metastore.Column;
import io.trino.metastore.HiveMetastore;
import io.trino.metastore.Partition;
import io.trino.metastore.StorageFormat;
import io.trino.metastore.Table;
import io.trino.metastore.TableInfo;
import io.trino.plugin.hive.HiveStorageFormat;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.predicate.TupleDomain;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * The {@link Metastore} port over Trino's metastore client (thrift, Glue or file metastore).
 */
final class TrinoMetastore
        implements Metastore
{
    private final HiveMetastore metastore;

    TrinoMetastore(HiveMetastore metastore)
    {
        this.metastore = requireNonNull(metastore, "metastore is null");
    }

    @Override
    public List<String> listSchemas()
    {
        return ImmutableList.sortedCopyOf(metastore.getAllDatabases());
    }

    @Override
    public List<String> listTables(String schemaName)
    {
        if (metastore.getDatabase(schemaName).isEmpty()) {
            return ImmutableList.of();
        }
        return metastore.getTables(schemaName).stream()
                .map(TableInfo::tableName)
                .map(SchemaTableName::getTableName)
                .sorted()
                .collect(toImmutableList());
    }

    @Override
    public Optional<TableDescriptor> getTable(TableReference table)
    {
        return metastore.getTable(table.schemaName(), table.tableName())
                .map(hiveTable -> toDescriptor(table, hiveTable));
    }

    @Override
    public List<String> getPartitionNames(TableDescriptor table)
    {
        TableReference reference = table.table();
        return metastore.getPartitionNamesByFilter(reference.schemaName(), reference.tableName(), table.partitionColumns(), TupleDomain.all())
                .map(ImmutableList::sortedCopyOf)
                .orElse(ImmutableList.of());
    }

    @Override
    public List<PartitionDescriptor> getPartitions(TableDescriptor table, List<String> partitionNames)
    {
        TableReference reference = table.table();
        Table hiveTable = metastore.getTable(reference.schemaName(), reference.tableName())
                .orElseThrow(() -> new IllegalStateException("table %s no longer exists".formatted(reference)));
        Map<String, Optional<Partition>> found = metastore.getPartitionsByNames(hiveTable, partitionNames);
        ImmutableList.Builder<PartitionDescriptor> partitions = ImmutableList.builder();
        for (String name : partitionNames) {
            // a partition dropped since the names were listed is simply gone
            found.getOrDefault(name, Optional.empty())
                    .ifPresent(partition -> partitions.add(new PartitionDescriptor(name, partition.getStorage().getLocation())));
        }
        return partitions.build();
    }

    private static String storageFormatName(StorageFormat format)
    {
        if (format.getSerDeNullable() == null || format.getInputFormatNullable() == null) {
            return "UNKNOWN";
        }
        return HiveStorageFormat.getHiveStorageFormat(format)
                .map(Enum::name)
                .orElse(format.getInputFormatNullable());
    }

    private static TableDescriptor toDescriptor(TableReference reference, Table table)
    {
        boolean view = table.getTableType().equals("VIRTUAL_VIEW") || table.getTableType().equals("MATERIALIZED_VIEW");
        String format = storageFormatName(table.getStorage().getStorageFormat());
        Optional<String> location = table.getStorage().getOptionalLocation().filter(value -> !value.isEmpty());
        return new TableDescriptor(
                reference,
                view,
                location,
                format,
                table.getPartitionColumns().stream().map(Column::getName).collect(toImmutableList()),
                table.getParameters());
    }
}
