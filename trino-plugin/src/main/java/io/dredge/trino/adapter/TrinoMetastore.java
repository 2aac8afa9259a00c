package io.dredge.trino.adapter;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.HiveColumn;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveStorageFormats;
import io.dredge.core.model.HiveStorage;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.Metastore;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Lists;
import io.trino.metastore.Column;
import io.trino.metastore.HiveBucketProperty;
import io.trino.metastore.HiveColumnStatistics;
import io.trino.metastore.HiveMetastore;
import io.trino.metastore.HiveType;
import io.trino.metastore.Partition;
import io.trino.metastore.PartitionStatistics;
import io.trino.metastore.PartitionWithStatistics;
import io.trino.metastore.Partitions;
import io.trino.metastore.PrincipalPrivileges;
import io.trino.metastore.SortingColumn;
import io.trino.metastore.Storage;
import io.trino.metastore.StorageFormat;
import io.trino.metastore.Table;
import io.trino.metastore.TableInfo;
import io.trino.plugin.hive.metastore.MetastoreUtil;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.predicate.TupleDomain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.metastore.PrincipalPrivileges.NO_PRIVILEGES;
import static io.trino.plugin.hive.metastore.MetastoreUtil.getHiveBasicStatistics;
import static java.util.Objects.requireNonNull;

/**
 * The {@link Metastore} port over Trino's metastore client (thrift, Glue or file metastore).
 */
final class TrinoMetastore
        implements Metastore
{
    private static final String MANAGED_TABLE = "MANAGED_TABLE";
    private static final String EXTERNAL_TABLE = "EXTERNAL_TABLE";

    private final HiveMetastore metastore;
    private final boolean canRelocateData;

    TrinoMetastore(HiveMetastore metastore, boolean canRelocateData)
    {
        this.metastore = requireNonNull(metastore, "metastore is null");
        this.canRelocateData = canRelocateData;
    }

    @Override
    public boolean canRelocateData()
    {
        return canRelocateData;
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
    public PartitionReader partitionReader(TableReference table)
    {
        Table hiveTable = requireTable(table);
        return partitionNames -> {
            Map<String, Optional<Partition>> found = metastore.getPartitionsByNames(hiveTable, partitionNames);
            ImmutableList.Builder<PartitionDescriptor> partitions = ImmutableList.builder();
            for (String name : partitionNames) {
                // a partition dropped since the names were listed is simply gone
                found.getOrDefault(name, Optional.empty())
                        .ifPresent(partition -> partitions.add(toDescriptor(hiveTable, name, partition)));
            }
            return partitions.build();
        };
    }

    @Override
    public boolean schemaExists(String schemaName)
    {
        return metastore.getDatabase(schemaName).isPresent();
    }

    @Override
    public Optional<String> getSchemaLocation(String schemaName)
    {
        return metastore.getDatabase(schemaName).flatMap(database -> database.getLocation()).filter(location -> !location.isEmpty());
    }

    @Override
    public void setPartitionLocation(TableReference table, String partitionName, String location)
    {
        partitionMover(table, List.of(partitionName)).move(partitionName, location);
    }

    @Override
    public PartitionMover partitionMover(TableReference table, List<String> partitionNames)
    {
        Table hiveTable = requireTable(table);
        Map<String, Optional<Partition>> partitions = metastore.getPartitionsByNames(hiveTable, partitionNames);
        // the partitions keep their statistics: a thrift metastore drops column statistics that an alter leaves out
        Set<String> columns = hiveTable.getDataColumns().stream().map(Column::getName).collect(ImmutableSet.toImmutableSet());
        Map<String, Map<String, HiveColumnStatistics>> columnStatistics = metastore.getPartitionColumnStatistics(table.schemaName(), table.tableName(), ImmutableSet.copyOf(partitionNames), columns);
        return (partitionName, location) -> {
            Partition partition = partitions.getOrDefault(partitionName, Optional.empty())
                    .orElseThrow(() -> new IllegalStateException("partition %s of %s no longer exists".formatted(partitionName, table)));
            Partition moved = Partition.builder(partition)
                    .withStorage(storage -> storage.setLocation(location))
                    .build();
            PartitionStatistics statistics = new PartitionStatistics(getHiveBasicStatistics(partition.getParameters()), columnStatistics.getOrDefault(partitionName, ImmutableMap.of()));
            metastore.alterPartition(table.schemaName(), table.tableName(), new PartitionWithStatistics(moved, partitionName, statistics));
        };
    }

    @Override
    public void setTableLocation(TableReference table, String location)
    {
        Table hiveTable = requireTable(table);
        replaceTable(table, Table.builder(hiveTable)
                .withStorage(storage -> storage.setLocation(location))
                .build());
    }

    @Override
    public void updateTableParameters(TableReference table, Map<String, Optional<String>> changes)
    {
        Table hiveTable = requireTable(table);
        Table.Builder updated = Table.builder(hiveTable);
        changes.forEach(updated::setParameter);
        replaceTable(table, updated.build());
    }

    @Override
    public void createTableLike(TableReference source, TableReference target, String location, boolean external, Map<String, String> extraParameters)
    {
        Table hiveTable = requireTable(source);
        // a copy has no statistics, no Dredge lock and no engine bookkeeping of the source
        Map<String, String> parameters = HiveTableDefinition.copyParameters(hiveTable.getParameters(), external, extraParameters);
        Table copy = Table.builder(hiveTable)
                .setTableName(target.tableName())
                .setTableType(external ? EXTERNAL_TABLE : MANAGED_TABLE)
                .setParameters(parameters)
                .withStorage(storage -> storage.setLocation(location))
                .build();
        metastore.createTable(copy, privileges(copy));
    }

    @Override
    public void addPartitionsLike(TableReference source, TableReference target, Map<String, String> locationsByPartitionName)
    {
        Table sourceTable = requireTable(source);
        Map<String, Optional<Partition>> partitions = metastore.getPartitionsByNames(sourceTable, ImmutableList.copyOf(locationsByPartitionName.keySet()));
        ImmutableList.Builder<PartitionWithStatistics> copies = ImmutableList.builder();
        locationsByPartitionName.forEach((name, location) -> {
            Partition partition = partitions.getOrDefault(name, Optional.empty())
                    .orElseThrow(() -> new IllegalStateException("partition %s of %s no longer exists".formatted(name, source)));
            Partition copy = Partition.builder(partition)
                    .setTableName(target.tableName())
                    .withStorage(storage -> storage.setLocation(location))
                    .build();
            copies.add(new PartitionWithStatistics(copy, name, PartitionStatistics.empty()));
        });
        metastore.addPartitions(target.schemaName(), target.tableName(), copies.build());
    }

    @Override
    public Optional<HiveTableDefinition> getTableDefinition(TableReference table)
    {
        return metastore.getTable(table.schemaName(), table.tableName()).map(hiveTable -> new HiveTableDefinition(
                columns(hiveTable.getDataColumns()),
                columns(hiveTable.getPartitionColumns()),
                storage(hiveTable.getStorage()),
                HiveTableDefinition.definingParameters(hiveTable.getParameters()),
                hiveTable.getTableType().equals(EXTERNAL_TABLE)));
    }

    @Override
    public List<HivePartitionDefinition> getPartitionDefinitions(TableReference table, List<String> partitionNames)
    {
        Table hiveTable = requireTable(table);
        Map<String, Optional<Partition>> found = metastore.getPartitionsByNames(hiveTable, partitionNames);
        ImmutableList.Builder<HivePartitionDefinition> partitions = ImmutableList.builder();
        for (String name : partitionNames) {
            found.getOrDefault(name, Optional.empty()).ifPresent(partition -> partitions.add(new HivePartitionDefinition(
                    name,
                    partition.getValues(),
                    columns(partition.getColumns()),
                    storage(partition.getStorage()),
                    HiveTableDefinition.definingParameters(partition.getParameters()))));
        }
        return partitions.build();
    }

    @Override
    public void createTable(TableReference table, HiveTableDefinition definition, String location, String owner, List<HivePartitionDefinition> partitions, Map<String, String> partitionLocations)
    {
        Map<String, String> parameters = new HashMap<>(definition.parameters());
        parameters.remove("EXTERNAL");
        if (definition.external()) {
            parameters.put("EXTERNAL", "TRUE");
        }
        Table hiveTable = Table.builder()
                .setDatabaseName(table.schemaName())
                .setTableName(table.tableName())
                .setOwner(Optional.of(owner))
                .setTableType(definition.external() ? EXTERNAL_TABLE : MANAGED_TABLE)
                .setDataColumns(hiveColumns(definition.dataColumns()))
                .setPartitionColumns(hiveColumns(definition.partitionColumns()))
                .setParameters(parameters)
                .withStorage(storage -> hiveStorage(storage, definition.storage()).setLocation(location))
                .build();
        metastore.createTable(hiveTable, privileges(hiveTable));
        if (partitions.isEmpty()) {
            return;
        }
        try {
            ImmutableList.Builder<PartitionWithStatistics> added = ImmutableList.builder();
            for (HivePartitionDefinition partition : partitions) {
                String partitionLocation = requireNonNull(partitionLocations.get(partition.name()), () -> "no location for partition " + partition.name());
                Partition hivePartition = Partition.builder()
                        .setDatabaseName(table.schemaName())
                        .setTableName(table.tableName())
                        .setValues(partition.values())
                        .setColumns(hiveColumns(partition.columns()))
                        .setParameters(partition.parameters())
                        .withStorage(storage -> hiveStorage(storage, partition.storage()).setLocation(partitionLocation))
                        .build();
                added.add(new PartitionWithStatistics(hivePartition, partition.name(), PartitionStatistics.empty()));
            }
            for (List<PartitionWithStatistics> batch : Lists.partition(added.build(), PARTITION_BATCH_SIZE)) {
                metastore.addPartitions(table.schemaName(), table.tableName(), batch);
            }
        }
        catch (RuntimeException e) {
            try {
                dropTableKeepingData(table);
            }
            catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static List<HiveColumn> columns(List<Column> columns)
    {
        return columns.stream()
                .map(column -> new HiveColumn(column.getName(), column.getType().toString(), column.getComment()))
                .collect(toImmutableList());
    }

    private static List<Column> hiveColumns(List<HiveColumn> columns)
    {
        return columns.stream()
                .map(column -> new Column(column.name(), HiveType.valueOf(column.type()), column.comment(), ImmutableMap.of()))
                .collect(toImmutableList());
    }

    private static HiveStorage storage(Storage storage)
    {
        StorageFormat format = storage.getStorageFormat();
        return new HiveStorage(
                format.getInputFormat(),
                format.getOutputFormat(),
                format.getSerde(),
                storage.getSerdeParameters(),
                storage.getBucketProperty().map(bucketing -> new HiveStorage.Bucketing(
                        bucketing.bucketedBy(),
                        bucketing.bucketCount(),
                        bucketing.sortedBy().stream()
                                .map(sort -> new HiveStorage.SortColumn(sort.columnName(), sort.order() == SortingColumn.Order.ASCENDING))
                                .collect(toImmutableList()))));
    }

    private static Storage.Builder hiveStorage(Storage.Builder builder, HiveStorage storage)
    {
        return builder
                .setStorageFormat(StorageFormat.create(storage.serde(), storage.inputFormat(), storage.outputFormat()))
                .setSerdeParameters(storage.serdeParameters())
                .setBucketProperty(storage.bucketing().map(bucketing -> new HiveBucketProperty(
                        bucketing.columns(),
                        bucketing.bucketCount(),
                        bucketing.sortedBy().stream()
                                .map(sort -> new SortingColumn(sort.column(), sort.ascending() ? SortingColumn.Order.ASCENDING : SortingColumn.Order.DESCENDING))
                                .collect(toImmutableList()))));
    }


    @Override
    public void dropTableKeepingData(TableReference table)
    {
        try {
            metastore.dropTable(table.schemaName(), table.tableName(), false);
        }
        catch (TableNotFoundException ignored) {
            // already gone: an interrupted run may have dropped it
        }
    }

    @Override
    public void dropPartitionKeepingData(TableReference table, String partitionName)
    {
        metastore.dropPartition(table.schemaName(), table.tableName(), Partitions.toPartitionValues(partitionName), false);
    }

    private void replaceTable(TableReference table, Table updated)
    {
        metastore.replaceTable(table.schemaName(), table.tableName(), updated, privileges(updated), ImmutableMap.of());
    }

    /**
     * The owner's privileges, as Trino's Hive connector grants them: a thrift metastore revokes what a replace leaves out.
     */
    private static PrincipalPrivileges privileges(Table table)
    {
        return table.getOwner().map(MetastoreUtil::buildInitialPrivilegeSet).orElse(NO_PRIVILEGES);
    }

    private Table requireTable(TableReference table)
    {
        return metastore.getTable(table.schemaName(), table.tableName())
                .orElseThrow(() -> new IllegalStateException("table %s no longer exists".formatted(table)));
    }

    static String storageFormatName(StorageFormat format)
    {
        return HiveStorageFormats.name(Optional.ofNullable(format.getSerDeNullable()), Optional.ofNullable(format.getInputFormatNullable()));
    }

    private static PartitionDescriptor toDescriptor(Table table, String name, Partition partition)
    {
        return new PartitionDescriptor(
                name,
                partition.getStorage().getLocation(),
                storageFormatName(partition.getStorage().getStorageFormat()),
                storageDifference(table, partition));
    }

    /**
     * What a rewrite through the table would store differently from the partition: the engine writes the table's
     * format, serde properties, bucketing and columns, and the swap keeps the partition's own descriptor.
     */
    private static Optional<String> storageDifference(Table table, Partition partition)
    {
        Storage tableStorage = table.getStorage();
        Storage partitionStorage = partition.getStorage();
        List<String> differences = new ArrayList<>();
        if (!tableStorage.getStorageFormat().equals(partitionStorage.getStorageFormat())) {
            differences.add("stored as %s, the table as %s".formatted(storageFormatName(partitionStorage.getStorageFormat()), storageFormatName(tableStorage.getStorageFormat())));
        }
        if (!tableStorage.getSerdeParameters().equals(partitionStorage.getSerdeParameters())) {
            differences.add("serde properties %s, the table's %s".formatted(partitionStorage.getSerdeParameters(), tableStorage.getSerdeParameters()));
        }
        if (!tableStorage.getBucketProperty().equals(partitionStorage.getBucketProperty())) {
            differences.add("bucketed differently from the table");
        }
        if (!columnsOf(table.getDataColumns()).equals(columnsOf(partition.getColumns()))) {
            differences.add("columns %s, the table's %s".formatted(columnsOf(partition.getColumns()), columnsOf(table.getDataColumns())));
        }
        return differences.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", differences));
    }

    private static List<String> columnsOf(List<Column> columns)
    {
        return columns.stream().map(column -> column.getName() + " " + column.getType()).collect(toImmutableList());
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
                table.getDataColumns().stream().map(Column::getName).collect(toImmutableList()),
                table.getPartitionColumns().stream().map(Column::getName).collect(toImmutableList()),
                table.getPartitionColumns().stream().map(column -> column.getType().toString()).collect(toImmutableList()),
                table.getParameters());
    }
}
