package io.dredge.core.testing;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.Metastore;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The {@link Metastore} port over maps: schemas, tables and partitions kept as the calls leave them, for the core's
 * fast tier. A table's full Hive definition (column types, serde) is kept only when a test gives one, and copied with
 * the table by {@link #createTableLike}; without one, the calls that need it fail.
 */
public final class InMemoryMetastore
        implements Metastore
{
    private final Map<String, String> schemas = new ConcurrentHashMap<>();
    private final Map<TableReference, TableDescriptor> tables = new ConcurrentHashMap<>();
    private final Map<TableReference, Map<String, PartitionDescriptor>> partitions = new ConcurrentHashMap<>();
    private final Map<TableReference, HiveTableDefinition> definitions = new ConcurrentHashMap<>();

    public void createSchema(String name, String location)
    {
        schemas.put(requireNonNull(name, "name is null"), requireNonNull(location, "location is null"));
    }

    public void createTable(TableDescriptor table, List<PartitionDescriptor> tablePartitions)
    {
        requireSchema(table.table().schemaName());
        tables.put(table.table(), table);
        Map<String, PartitionDescriptor> byName = new LinkedHashMap<>();
        tablePartitions.forEach(partition -> byName.put(partition.name(), partition));
        partitions.put(table.table(), byName);
        definitions.remove(table.table());
    }

    /**
     * A table with its full definition, which the preflight of compaction reads (its skipped lines).
     */
    public void createTable(TableDescriptor table, List<PartitionDescriptor> tablePartitions, HiveTableDefinition definition)
    {
        createTable(table, tablePartitions);
        definitions.put(table.table(), requireNonNull(definition, "definition is null"));
    }

    /**
     * What an engine's {@code INSERT} does for a partition the table does not have yet: registers it where it wrote it.
     */
    public void addPartition(TableReference table, PartitionDescriptor partition)
    {
        requireNonNull(partitions.get(table), () -> "no table " + table).put(partition.name(), partition);
    }

    @Override
    public List<String> listSchemas()
    {
        return ImmutableList.copyOf(new TreeMap<>(schemas).keySet());
    }

    @Override
    public boolean schemaExists(String schemaName)
    {
        return schemas.containsKey(schemaName);
    }

    @Override
    public List<String> listTables(String schemaName)
    {
        return tables.keySet().stream()
                .filter(table -> table.schemaName().equals(schemaName))
                .map(TableReference::tableName)
                .sorted()
                .collect(ImmutableList.toImmutableList());
    }

    @Override
    public Optional<TableDescriptor> getTable(TableReference table)
    {
        return Optional.ofNullable(tables.get(table));
    }

    @Override
    public List<String> getPartitionNames(TableDescriptor table)
    {
        return ImmutableList.copyOf(partitions.getOrDefault(table.table(), Map.of()).keySet());
    }

    @Override
    public PartitionReader partitionReader(TableReference table)
    {
        return names -> names.stream()
                .map(name -> partitions.getOrDefault(table, Map.of()).get(name))
                .filter(partition -> partition != null)
                .collect(ImmutableList.toImmutableList());
    }

    @Override
    public Optional<String> getSchemaLocation(String schemaName)
    {
        return Optional.ofNullable(schemas.get(schemaName));
    }

    @Override
    public Optional<HiveTableDefinition> getTableDefinition(TableReference table)
    {
        if (!tables.containsKey(table)) {
            return Optional.empty();
        }
        return Optional.of(Optional.ofNullable(definitions.get(table))
                .orElseThrow(() -> new UnsupportedOperationException("the in-memory metastore was given no full definition of " + table)));
    }

    @Override
    public List<HivePartitionDefinition> getPartitionDefinitions(TableReference table, List<String> partitionNames)
    {
        throw new UnsupportedOperationException("the in-memory metastore keeps no full partition definitions");
    }

    @Override
    public void createTable(TableReference table, HiveTableDefinition definition, String location, String owner, List<HivePartitionDefinition> partitions, Map<String, String> partitionLocations)
    {
        throw new UnsupportedOperationException("the in-memory metastore keeps no full table definitions");
    }

    @Override
    public boolean canRelocateData()
    {
        return true;
    }

    @Override
    public void setPartitionLocation(TableReference table, String partitionName, String location)
    {
        Map<String, PartitionDescriptor> byName = partitions.get(table);
        PartitionDescriptor partition = byName.get(partitionName);
        byName.put(partitionName, new PartitionDescriptor(partition.name(), location, partition.storageFormat(), partition.storageDifference()));
    }

    @Override
    public PartitionMover partitionMover(TableReference table, List<String> partitionNames)
    {
        return (name, location) -> setPartitionLocation(table, name, location);
    }

    @Override
    public void setTableLocation(TableReference table, String location)
    {
        tables.computeIfPresent(table, (ignored, current) -> withLocationAndParameters(current, table, location, current.parameters()));
    }

    @Override
    public void updateTableParameters(TableReference table, Map<String, Optional<String>> changes)
    {
        tables.computeIfPresent(table, (ignored, current) -> {
            Map<String, String> parameters = new HashMap<>(current.parameters());
            changes.forEach((name, value) -> value.ifPresentOrElse(present -> parameters.put(name, present), () -> parameters.remove(name)));
            return withLocationAndParameters(current, table, current.location().orElse(null), parameters);
        });
    }

    @Override
    public void createTableLike(TableReference source, TableReference target, String location, boolean external, Map<String, String> parameters)
    {
        TableDescriptor like = tables.get(source);
        tables.put(target, withLocationAndParameters(like, target, location, parameters));
        partitions.put(target, new LinkedHashMap<>());
        Optional.ofNullable(definitions.get(source)).ifPresent(definition -> definitions.put(target, new HiveTableDefinition(
                definition.dataColumns(), definition.partitionColumns(), definition.storage(), HiveTableDefinition.copyParameters(definition.parameters(), external, parameters), external)));
    }

    @Override
    public void addPartitionsLike(TableReference source, TableReference target, Map<String, String> locationsByPartitionName)
    {
        locationsByPartitionName.forEach((name, location) -> {
            PartitionDescriptor like = partitions.get(source).get(name);
            partitions.get(target).put(name, new PartitionDescriptor(name, location, like.storageFormat(), like.storageDifference()));
        });
    }

    @Override
    public void dropTableKeepingData(TableReference table)
    {
        tables.remove(table);
        partitions.remove(table);
        definitions.remove(table);
    }

    @Override
    public void dropPartitionKeepingData(TableReference table, String partitionName)
    {
        partitions.getOrDefault(table, new HashMap<>()).remove(partitionName);
    }

    private void requireSchema(String schemaName)
    {
        if (!schemas.containsKey(schemaName)) {
            throw new IllegalArgumentException("schema %s does not exist".formatted(schemaName));
        }
    }

    private static TableDescriptor withLocationAndParameters(TableDescriptor table, TableReference name, String location, Map<String, String> parameters)
    {
        return new TableDescriptor(name, table.view(), Optional.ofNullable(location), table.storageFormat(), table.dataColumns(), table.partitionColumns(), table.partitionColumnTypes(), parameters);
    }
}
