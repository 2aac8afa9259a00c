package io.dredge.hive.adapter;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.HiveStorageFormats;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.MetastoreReader;
import org.apache.hadoop.hive.metastore.HiveMetaStoreClient;
import org.apache.hadoop.hive.metastore.IMetaStoreClient;
import org.apache.hadoop.hive.metastore.Warehouse;
import org.apache.hadoop.hive.metastore.api.FieldSchema;
import org.apache.hadoop.hive.metastore.api.NoSuchObjectException;
import org.apache.hadoop.hive.metastore.api.Partition;
import org.apache.hadoop.hive.metastore.api.StorageDescriptor;
import org.apache.hadoop.hive.metastore.api.Table;
import org.apache.thrift.TException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The metastore as Hive's own client reads it, for the Hive functions: what the core reads from the metastore, the
 * same tables and partitions Trino's adapter reads from the same metastore.
 */
public final class HiveMetastoreReader
        implements MetastoreReader
{
    private final IMetaStoreClient client;

    public HiveMetastoreReader(IMetaStoreClient client)
    {
        // Hive's client is one thrift connection, not safe to share; the core reads partitions from several threads
        this.client = HiveMetaStoreClient.newSynchronizedClient(requireNonNull(client, "client is null"));
    }

    /**
     * The client this reader calls, safe to call from several threads: for {@link HiveMetastore}, which reads through
     * this reader and writes through the same client.
     */
    IMetaStoreClient client()
    {
        return client;
    }

    @Override
    public List<String> listSchemas()
    {
        return call("list the schemas", () -> ImmutableList.sortedCopyOf(client.getAllDatabases()));
    }

    @Override
    public boolean schemaExists(String schemaName)
    {
        return call("read schema " + schemaName, () -> {
            try {
                client.getDatabase(schemaName);
                return true;
            }
            catch (NoSuchObjectException e) {
                return false;
            }
        });
    }

    @Override
    public List<String> listTables(String schemaName)
    {
        return call("list the tables of " + schemaName, () -> {
            try {
                return ImmutableList.sortedCopyOf(client.getAllTables(schemaName));
            }
            catch (NoSuchObjectException e) {
                return ImmutableList.of();
            }
        });
    }

    @Override
    public Optional<TableDescriptor> getTable(TableReference table)
    {
        return findTable(table).map(found -> toDescriptor(table, found));
    }

    @Override
    public List<String> getPartitionNames(TableDescriptor table)
    {
        TableReference reference = table.table();
        return call("list the partitions of " + reference, () -> ImmutableList.sortedCopyOf(client.listPartitionNames(reference.schemaName(), reference.tableName(), (short) -1)));
    }

    @Override
    public PartitionReader partitionReader(TableReference table)
    {
        Table hiveTable = requireTable(table);
        return partitionNames -> {
            Map<String, Partition> found = partitionsByName(table, hiveTable, partitionNames);
            ImmutableList.Builder<PartitionDescriptor> partitions = ImmutableList.builder();
            for (String name : partitionNames) {
                // a partition dropped since the names were listed is simply gone
                Partition partition = found.get(name);
                if (partition != null) {
                    partitions.add(new PartitionDescriptor(name, partition.getSd().getLocation(), formatName(partition.getSd()), storageDifference(hiveTable.getSd(), partition.getSd())));
                }
            }
            return partitions.build();
        };
    }

    @Override
    public Optional<String> getSchemaLocation(String schemaName)
    {
        return call("read schema " + schemaName, () -> {
            try {
                return Optional.ofNullable(client.getDatabase(schemaName).getLocationUri()).filter(location -> !location.isEmpty());
            }
            catch (NoSuchObjectException e) {
                return Optional.empty();
            }
        });
    }

    Optional<Table> findTable(TableReference table)
    {
        return call("read table " + table, () -> {
            try {
                return Optional.of(client.getTable(table.schemaName(), table.tableName()));
            }
            catch (NoSuchObjectException e) {
                return Optional.empty();
            }
        });
    }

    Table requireTable(TableReference table)
    {
        return findTable(table).orElseThrow(() -> new IllegalStateException("table %s no longer exists".formatted(table)));
    }

    /**
     * The named partitions of {@code hiveTable} that exist, in one metastore call, by their names as Hive makes them.
     */
    // Hive's metastore client serves one call at a time, and a partition reader may be called from several threads
    synchronized Map<String, Partition> partitionsByName(TableReference table, Table hiveTable, List<String> partitionNames)
    {
        return call("read partitions of " + table, () -> {
            Map<String, Partition> found = new HashMap<>();
            for (Partition partition : client.getPartitionsByNames(table.schemaName(), table.tableName(), partitionNames)) {
                found.put(Warehouse.makePartName(hiveTable.getPartitionKeys(), partition.getValues()), partition);
            }
            return found;
        });
    }

    private static TableDescriptor toDescriptor(TableReference reference, Table table)
    {
        String type = Objects.toString(table.getTableType(), "").toUpperCase(Locale.ROOT);
        StorageDescriptor storage = table.getSd();
        Optional<String> location = Optional.ofNullable(storage == null ? null : storage.getLocation()).filter(value -> !value.isEmpty());
        return new TableDescriptor(
                reference,
                type.equals("VIRTUAL_VIEW") || type.equals("MATERIALIZED_VIEW"),
                location,
                storage == null ? "UNKNOWN" : formatName(storage),
                storage == null ? List.of() : storage.getCols().stream().map(FieldSchema::getName).toList(),
                table.getPartitionKeys().stream().map(FieldSchema::getName).toList(),
                table.getPartitionKeys().stream().map(FieldSchema::getType).toList(),
                table.getParameters() == null ? Map.of() : table.getParameters());
    }

    private static String formatName(StorageDescriptor storage)
    {
        return HiveStorageFormats.name(
                Optional.ofNullable(storage.getSerdeInfo()).map(serde -> serde.getSerializationLib()),
                Optional.ofNullable(storage.getInputFormat()));
    }

    /**
     * What a rewrite through the table would store differently from the partition, as the Trino adapter tells it.
     */
    private static Optional<String> storageDifference(StorageDescriptor table, StorageDescriptor partition)
    {
        List<String> differences = new ArrayList<>();
        if (!formatName(table).equals(formatName(partition))) {
            differences.add("stored as %s, the table as %s".formatted(formatName(partition), formatName(table)));
        }
        Map<String, String> tableSerde = table.getSerdeInfo() == null ? Map.of() : Objects.requireNonNullElse(table.getSerdeInfo().getParameters(), Map.of());
        Map<String, String> partitionSerde = partition.getSerdeInfo() == null ? Map.of() : Objects.requireNonNullElse(partition.getSerdeInfo().getParameters(), Map.of());
        if (!tableSerde.equals(partitionSerde)) {
            differences.add("serde properties %s, the table's %s".formatted(partitionSerde, tableSerde));
        }
        if (table.getNumBuckets() != partition.getNumBuckets() || !Objects.equals(table.getBucketCols(), partition.getBucketCols())) {
            differences.add("bucketed differently from the table");
        }
        List<String> tableColumns = columns(table);
        List<String> partitionColumns = columns(partition);
        if (!tableColumns.equals(partitionColumns)) {
            differences.add("columns %s, the table's %s".formatted(partitionColumns, tableColumns));
        }
        return differences.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", differences));
    }

    private static List<String> columns(StorageDescriptor storage)
    {
        return storage.getCols().stream().map(column -> column.getName() + " " + column.getType()).toList();
    }

    static <T> T call(String what, MetastoreCall<T> call)
    {
        try {
            return call.run();
        }
        catch (TException e) {
            throw new IllegalStateException("the metastore failed to %s: %s".formatted(what, e.getMessage()), e);
        }
    }

    static void run(String what, MetastoreAction action)
    {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    @FunctionalInterface
    interface MetastoreCall<T>
    {
        T run()
                throws TException;
    }

    @FunctionalInterface
    interface MetastoreAction
    {
        void run()
                throws TException;
    }
}
