package io.dredge.hive.adapter;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Lists;
import io.dredge.core.model.HiveColumn;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveStorage;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.Metastore;
import org.apache.hadoop.hive.common.StatsSetupConst;
import org.apache.hadoop.hive.metastore.IMetaStoreClient;
import org.apache.hadoop.hive.metastore.TableType;
import org.apache.hadoop.hive.metastore.api.EnvironmentContext;
import org.apache.hadoop.hive.metastore.api.FieldSchema;
import org.apache.hadoop.hive.metastore.api.NoSuchObjectException;
import org.apache.hadoop.hive.metastore.api.Order;
import org.apache.hadoop.hive.metastore.api.Partition;
import org.apache.hadoop.hive.metastore.api.PrincipalPrivilegeSet;
import org.apache.hadoop.hive.metastore.api.PrincipalType;
import org.apache.hadoop.hive.metastore.api.PrivilegeGrantInfo;
import org.apache.hadoop.hive.metastore.api.SerDeInfo;
import org.apache.hadoop.hive.metastore.api.StorageDescriptor;
import org.apache.hadoop.hive.metastore.api.Table;
import org.apache.hadoop.hive.serde2.typeinfo.TypeInfoUtils;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.dredge.hive.adapter.HiveMetastoreReader.call;
import static io.dredge.hive.adapter.HiveMetastoreReader.run;
import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.toCollection;

/**
 * The {@link Metastore} port over Hive's own metastore client, for the Hive functions: the same changes to the same
 * thrift metastore as Trino's adapter makes, made with Hive's thrift objects.
 *
 * <p>Hive 4's metastore (its default {@code metastore.metadata.transformer.class}, MetastoreDefaultTransformer) turns
 * every MANAGED_TABLE that a client creates without {@code transactional=true} into an EXTERNAL_TABLE with
 * {@code EXTERNAL=TRUE}, {@code external.table.purge=TRUE} and {@code TRANSLATED_TO_EXTERNAL=TRUE}, whatever the
 * client's capabilities (it converts before it looks at them), keeping the location given; so a managed table that
 * {@link #createTable} or {@link #createTableLike} makes comes back external, with the purge flag. This does not put
 * data at risk: {@link #dropTableKeepingData} and {@link #dropPartitionKeepingData} drop with {@code deleteData=false},
 * and the metastore deletes files only when a drop asks for it ({@code HMSHandler.checkTableDataShouldBeDeleted}: the
 * purge flag decides only whether a drop that asks to delete an external table's data does).
 */
public final class HiveMetastore
        implements Metastore
{
    private static final String MANAGED_TABLE = TableType.MANAGED_TABLE.name();
    private static final String EXTERNAL_TABLE = TableType.EXTERNAL_TABLE.name();


    private static final List<String> OWNER_PRIVILEGES = ImmutableList.of("SELECT", "INSERT", "UPDATE", "DELETE");

    private final HiveMetastoreReader reader;
    private final IMetaStoreClient client;

    public HiveMetastore(IMetaStoreClient client)
    {
        this.reader = new HiveMetastoreReader(requireNonNull(client, "client is null"));
        // the reader's client, which it makes safe to share between threads: the core writes beside its reads
        this.client = reader.client();
    }

    @Override
    public boolean canRelocateData()
    {
        // a thrift metastore points tables and partitions anywhere
        return true;
    }

    @Override
    public List<String> listSchemas()
    {
        return reader.listSchemas();
    }

    @Override
    public boolean schemaExists(String schemaName)
    {
        return reader.schemaExists(schemaName);
    }

    @Override
    public List<String> listTables(String schemaName)
    {
        return reader.listTables(schemaName);
    }

    @Override
    public Optional<TableDescriptor> getTable(TableReference table)
    {
        return reader.getTable(table);
    }

    @Override
    public List<String> getPartitionNames(TableDescriptor table)
    {
        return reader.getPartitionNames(table);
    }

    @Override
    public PartitionReader partitionReader(TableReference table)
    {
        return reader.partitionReader(table);
    }

    @Override
    public Optional<String> getSchemaLocation(String schemaName)
    {
        return reader.getSchemaLocation(schemaName);
    }

    @Override
    public Optional<HiveTableDefinition> getTableDefinition(TableReference table)
    {
        return reader.findTable(table).map(hiveTable -> {
            StorageDescriptor storage = requireStorage(hiveTable.getSd(), "table " + table);
            return new HiveTableDefinition(
                    columns(storage.getCols()),
                    columns(hiveTable.getPartitionKeys()),
                    storage(storage, "table " + table),
                    HiveTableDefinition.definingParameters(hiveTable.getParameters()),
                    EXTERNAL_TABLE.equals(hiveTable.getTableType()));
        });
    }

    @Override
    public List<HivePartitionDefinition> getPartitionDefinitions(TableReference table, List<String> partitionNames)
    {
        Table hiveTable = reader.requireTable(table);
        Map<String, Partition> found = partitions(table, hiveTable, partitionNames);
        ImmutableList.Builder<HivePartitionDefinition> partitions = ImmutableList.builder();
        for (String name : partitionNames) {
            Partition partition = found.get(name);
            if (partition != null) {
                String what = "partition %s of %s".formatted(name, table);
                StorageDescriptor storage = requireColumns(partition, what);
                partitions.add(new HivePartitionDefinition(
                        name,
                        partition.getValues(),
                        columns(storage.getCols()),
                        storage(storage, what),
                        HiveTableDefinition.definingParameters(partition.getParameters())));
            }
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
        Table hiveTable = new Table();
        hiveTable.setDbName(table.schemaName());
        hiveTable.setTableName(table.tableName());
        hiveTable.setOwner(owner);
        hiveTable.setOwnerType(PrincipalType.USER);
        hiveTable.setPrivileges(ownerPrivileges(owner));
        hiveTable.setTableType(definition.external() ? EXTERNAL_TABLE : MANAGED_TABLE);
        hiveTable.setPartitionKeys(fieldSchemas(definition.partitionColumns()));
        hiveTable.setParameters(parameters);
        hiveTable.setSd(storageDescriptor(table.tableName(), definition.dataColumns(), definition.storage(), location));
        run("create table " + table, () -> client.createTable(hiveTable));
        if (partitions.isEmpty()) {
            return;
        }
        try {
            List<Partition> added = new ArrayList<>();
            for (HivePartitionDefinition partition : partitions) {
                String partitionLocation = requireNonNull(partitionLocations.get(partition.name()), () -> "no location for partition " + partition.name());
                Partition hivePartition = new Partition();
                hivePartition.setDbName(table.schemaName());
                hivePartition.setTableName(table.tableName());
                hivePartition.setValues(new ArrayList<>(partition.values()));
                hivePartition.setParameters(new HashMap<>(partition.parameters()));
                hivePartition.setSd(storageDescriptor(table.tableName(), partition.columns(), partition.storage(), partitionLocation));
                added.add(hivePartition);
            }
            for (List<Partition> batch : Lists.partition(added, PARTITION_BATCH_SIZE)) {
                run("add partitions to " + table, () -> client.add_partitions(batch));
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

    @Override
    public void setPartitionLocation(TableReference table, String partitionName, String location)
    {
        partitionMover(table, List.of(partitionName)).move(partitionName, location);
    }

    /**
     * Moves are thrift alters of the partitions as read, with only their location changed. The partitions keep their
     * statistics: {@link StatsSetupConst#DO_NOT_UPDATE_STATS} keeps the metastore from recomputing (or marking
     * inaccurate) the basic statistics the alter carries, and Hive 4's metastore drops a partition's column
     * statistics on alter only for columns the alter removes or retypes, or when it renames the partition
     * ({@code HiveAlterHandler.updateOrGetPartitionColumnStats}), none of which a move does.
     */
    @Override
    public PartitionMover partitionMover(TableReference table, List<String> partitionNames)
    {
        Table hiveTable = reader.requireTable(table);
        Map<String, Partition> partitions = partitions(table, hiveTable, partitionNames);
        // a partition read without its columns would be given the table's by the alter
        partitions.forEach((name, partition) -> requireColumns(partition, "partition %s of %s".formatted(name, table)));
        return (partitionName, location) -> {
            Partition partition = partitions.get(partitionName);
            if (partition == null) {
                throw new IllegalStateException("partition %s of %s no longer exists".formatted(partitionName, table));
            }
            Partition moved = partition.deepCopy();
            moved.getSd().setLocation(location);
            run("move partition %s of %s to %s".formatted(partitionName, table, location),
                    () -> client.alter_partition(table.schemaName(), table.tableName(), moved, keepingStatistics()));
        };
    }

    @Override
    public void setTableLocation(TableReference table, String location)
    {
        Table updated = reader.requireTable(table).deepCopy();
        updated.getSd().setLocation(location);
        alterTable(table, updated, "move table %s to %s".formatted(table, location));
    }

    @Override
    public void updateTableParameters(TableReference table, Map<String, Optional<String>> changes)
    {
        Table updated = reader.requireTable(table).deepCopy();
        Map<String, String> parameters = updated.getParameters() == null ? new HashMap<>() : new HashMap<>(updated.getParameters());
        changes.forEach((key, value) -> value.ifPresentOrElse(present -> parameters.put(key, present), () -> parameters.remove(key)));
        updated.setParameters(parameters);
        alterTable(table, updated, "update the parameters of table " + table);
    }

    @Override
    public void createTableLike(TableReference source, TableReference target, String location, boolean external, Map<String, String> extraParameters)
    {
        Table sourceTable = reader.requireTable(source);
        // a copy has no statistics, no Dredge lock and no engine bookkeeping of the source
        Map<String, String> parameters = HiveTableDefinition.copyParameters(sourceTable.getParameters(), external, extraParameters);
        Table copy = sourceTable.deepCopy();
        // what the metastore gives the source, not its definition: the copy gets its own
        copy.unsetId();
        copy.unsetCreateTime();
        copy.unsetLastAccessTime();
        copy.unsetWriteId();
        copy.unsetTxnId();
        copy.unsetPrivileges();
        copy.unsetColStats();
        copy.unsetIsStatsCompliant();
        copy.unsetAccessType();
        copy.unsetRequiredReadCapabilities();
        copy.unsetRequiredWriteCapabilities();
        copy.unsetFileMetadata();
        copy.unsetDictionary();
        copy.setDbName(target.schemaName());
        copy.setTableName(target.tableName());
        copy.setTableType(external ? EXTERNAL_TABLE : MANAGED_TABLE);
        copy.setParameters(parameters);
        requireStorage(copy.getSd(), "table " + source).setLocation(location);
        if (copy.getOwner() != null) {
            copy.setPrivileges(ownerPrivileges(copy.getOwner()));
        }
        run("create table %s like %s".formatted(target, source), () -> client.createTable(copy));
    }

    @Override
    public void addPartitionsLike(TableReference source, TableReference target, Map<String, String> locationsByPartitionName)
    {
        Table sourceTable = reader.requireTable(source);
        Map<String, Partition> partitions = partitions(source, sourceTable, ImmutableList.copyOf(locationsByPartitionName.keySet()));
        List<Partition> copies = new ArrayList<>();
        locationsByPartitionName.forEach((name, location) -> {
            Partition partition = partitions.get(name);
            if (partition == null) {
                throw new IllegalStateException("partition %s of %s no longer exists".formatted(name, source));
            }
            requireColumns(partition, "partition %s of %s".formatted(name, source));
            Partition copy = new Partition();
            copy.setDbName(target.schemaName());
            copy.setTableName(target.tableName());
            copy.setValues(new ArrayList<>(partition.getValues()));
            copy.setSd(partition.getSd().deepCopy());
            copy.getSd().setLocation(location);
            // without statistics: the copy's files are counted by whoever writes them
            copy.setParameters(new HashMap<>(HiveTableDefinition.definingParameters(partition.getParameters())));
            copies.add(copy);
        });
        for (List<Partition> batch : Lists.partition(copies, PARTITION_BATCH_SIZE)) {
            run("add partitions to " + target, () -> client.add_partitions(batch));
        }
    }

    /**
     * Drops with {@code deleteData=false}: Hive 4's metastore then deletes no file of the table or its partitions,
     * whatever its type and {@code external.table.purge} ({@code HMSHandler.drop_table_core} deletes only when
     * {@code checkTableDataShouldBeDeleted}, false for a drop that keeps data), and the client's storage handler hook
     * (tables of other formats) is told to keep the data too.
     */
    /**
     * What a table's owner is granted when Hive or Trino creates it (every privilege, with the grant option): SQL
     * standard authorization checks grants, not ownership, so a copy made without them could not be written, not even
     * by its owner.
     */
    private static PrincipalPrivilegeSet ownerPrivileges(String owner)
    {
        int now = (int) (System.currentTimeMillis() / 1000);
        List<PrivilegeGrantInfo> grants = OWNER_PRIVILEGES.stream()
                .map(privilege -> new PrivilegeGrantInfo(privilege, now, owner, PrincipalType.USER, true))
                .collect(toImmutableList());
        PrincipalPrivilegeSet privileges = new PrincipalPrivilegeSet();
        privileges.setUserPrivileges(new HashMap<>(Map.of(owner, new ArrayList<>(grants))));
        return privileges;
    }

    @Override
    public void dropTableKeepingData(TableReference table)
    {
        run("drop table " + table, () -> {
            try {
                client.dropTable(table.schemaName(), table.tableName(), false, true);
            }
            catch (NoSuchObjectException ignored) {
                // already gone: an interrupted run may have dropped it
            }
        });
    }

    @Override
    public void dropPartitionKeepingData(TableReference table, String partitionName)
    {
        // by name: the metastore parses it against the table's partition keys, as it makes names
        run("drop partition %s of %s".formatted(partitionName, table), () -> client.dropPartition(table.schemaName(), table.tableName(), partitionName, false));
    }

    private void alterTable(TableReference table, Table updated, String what)
    {
        // no CASCADE: the partitions stay as they are
        run(what, () -> client.alter_table_with_environmentContext(table.schemaName(), table.tableName(), updated, keepingStatistics()));
    }

    /**
     * The named partitions that exist, {@link #PARTITION_BATCH_SIZE} a metastore call.
     */
    private Map<String, Partition> partitions(TableReference table, Table hiveTable, List<String> partitionNames)
    {
        Map<String, Partition> found = new HashMap<>();
        for (List<String> batch : Lists.partition(partitionNames, PARTITION_BATCH_SIZE)) {
            found.putAll(reader.partitionsByName(table, hiveTable, batch));
        }
        return found;
    }

    /**
     * An alter that leaves the statistics it carries as they are, instead of having the metastore list the files
     * again or mark them inaccurate.
     */
    private static EnvironmentContext keepingStatistics()
    {
        EnvironmentContext context = new EnvironmentContext();
        context.putToProperties(StatsSetupConst.DO_NOT_UPDATE_STATS, StatsSetupConst.TRUE);
        return context;
    }

    private static StorageDescriptor requireStorage(StorageDescriptor storage, String what)
    {
        if (storage == null) {
            throw new IllegalStateException(what + " has no storage descriptor");
        }
        return storage;
    }

    /**
     * The partition's storage with its columns: a client configured to skip them
     * ({@code metastore.client.skip.columns.for.partitions}) reads partitions without, and what is written back from
     * them would not be the partition.
     */
    private static StorageDescriptor requireColumns(Partition partition, String what)
    {
        StorageDescriptor storage = requireStorage(partition.getSd(), what);
        if (storage.getCols() == null || storage.getCols().isEmpty()) {
            throw new IllegalStateException(what + " was read without its columns (is metastore.client.skip.columns.for.partitions set?)");
        }
        return storage;
    }

    /**
     * Columns with their Hive type names as Trino's adapter reads them: lower case, in Hive's canonical form.
     */
    static List<HiveColumn> columns(List<FieldSchema> columns)
    {
        if (columns == null) {
            return ImmutableList.of();
        }
        return columns.stream()
                .map(column -> new HiveColumn(
                        column.getName(),
                        TypeInfoUtils.getTypeInfoFromTypeString(column.getType().toLowerCase(Locale.ENGLISH)).getTypeName(),
                        Optional.ofNullable(column.getComment())))
                .collect(toImmutableList());
    }

    static List<FieldSchema> fieldSchemas(List<HiveColumn> columns)
    {
        List<FieldSchema> fields = new ArrayList<>();
        for (HiveColumn column : columns) {
            fields.add(new FieldSchema(column.name(), column.type(), column.comment().orElse(null)));
        }
        return fields;
    }

    static HiveStorage storage(StorageDescriptor storage, String what)
    {
        SerDeInfo serde = storage.getSerdeInfo();
        if (serde == null) {
            throw new IllegalStateException(what + " has no serde");
        }
        return new HiveStorage(
                requireFormat(storage.getInputFormat(), "input format", what),
                requireFormat(storage.getOutputFormat(), "output format", what),
                requireFormat(serde.getSerializationLib(), "serde", what),
                serde.getParameters() == null ? ImmutableMap.of() : serde.getParameters(),
                bucketing(storage, what));
    }

    private static String requireFormat(String value, String name, String what)
    {
        if (value == null) {
            throw new IllegalStateException("%s has no %s".formatted(what, name));
        }
        return value;
    }

    /**
     * Bucketing as Trino's adapter reads it: Hive stores -1 buckets for a table that is not bucketed.
     */
    private static Optional<HiveStorage.Bucketing> bucketing(StorageDescriptor storage, String what)
    {
        if (storage.getNumBuckets() <= 0) {
            return Optional.empty();
        }
        if (storage.getBucketCols() == null || storage.getBucketCols().isEmpty()) {
            throw new IllegalStateException("%s has %s buckets but no bucketing columns".formatted(what, storage.getNumBuckets()));
        }
        List<HiveStorage.SortColumn> sortedBy = storage.getSortCols() == null ? ImmutableList.of() : storage.getSortCols().stream()
                .map(order -> new HiveStorage.SortColumn(order.getCol().toLowerCase(Locale.ENGLISH), switch (order.getOrder()) {
                    case 1 -> true;
                    case 0 -> false;
                    default -> throw new IllegalStateException("%s is sorted on %s in an unknown order %s".formatted(what, order.getCol(), order.getOrder()));
                }))
                .collect(toImmutableList());
        return Optional.of(new HiveStorage.Bucketing(
                storage.getBucketCols().stream().map(column -> column.toLowerCase(Locale.ENGLISH)).collect(toImmutableList()),
                storage.getNumBuckets(),
                sortedBy));
    }

    static StorageDescriptor storageDescriptor(String tableName, List<HiveColumn> columns, HiveStorage storage, String location)
    {
        StorageDescriptor descriptor = new StorageDescriptor();
        descriptor.setCols(fieldSchemas(columns));
        descriptor.setLocation(location);
        descriptor.setInputFormat(storage.inputFormat());
        descriptor.setOutputFormat(storage.outputFormat());
        descriptor.setSerdeInfo(new SerDeInfo(tableName, storage.serde(), new HashMap<>(storage.serdeParameters())));
        descriptor.setParameters(new HashMap<>());
        descriptor.setNumBuckets(-1);
        storage.bucketing().ifPresent(bucketing -> {
            descriptor.setNumBuckets(bucketing.bucketCount());
            descriptor.setBucketCols(new ArrayList<>(bucketing.columns()));
            if (!bucketing.sortedBy().isEmpty()) {
                // Hive's orders: 1 ascending, 0 descending
                descriptor.setSortCols(bucketing.sortedBy().stream()
                        .map(sort -> new Order(sort.column(), sort.ascending() ? 1 : 0))
                        .collect(toCollection(ArrayList::new)));
            }
        });
        return descriptor;
    }

}
