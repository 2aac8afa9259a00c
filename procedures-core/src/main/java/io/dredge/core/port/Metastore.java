package io.dredge.core.port;

import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.TableReference;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Hive metastore (thrift, Glue, or Trino's file metastore) shared by the engines: the one source of
 * truth for which tables exist and where their data lives; what the operations that change tables need beyond
 * {@link MetastoreReader}.
 */
public interface Metastore
        extends MetastoreReader
{
    /**
     * The whole definition of a Hive table, as a backup keeps it: without statistics, DDL times, engine bookkeeping
     * and Dredge's lock. Empty when the table does not exist.
     */
    Optional<HiveTableDefinition> getTableDefinition(TableReference table);

    /**
     * The named partitions' definitions, in the given order; partitions dropped meanwhile are left out.
     */
    List<HivePartitionDefinition> getPartitionDefinitions(TableReference table, List<String> partitionNames);

    /**
     * Creates a Hive table from a definition at {@code location}, owned by {@code owner}, with its partitions (each at
     * the location given for its name); all or nothing: when a partition cannot be added the table is dropped again.
     */
    void createTable(TableReference table, HiveTableDefinition definition, String location, String owner, List<HivePartitionDefinition> partitions, Map<String, String> partitionLocations);

    /**
     * Whether tables and partitions can be pointed at new locations (Trino's file metastore ties each managed
     * partition to a fixed directory, a thrift or Glue metastore does not).
     */
    boolean canRelocateData();

    /**
     * Points one partition at a new location; nothing else about the partition changes.
     */
    void setPartitionLocation(TableReference table, String partitionName, String location);

    /**
     * Points the named partitions at new locations one at a time, each as {@link #setPartitionLocation} does, but
     * reads the table, the partitions and their statistics once, now, for all of them: a statistics update that
     * another writer makes between this call and a move is overwritten by the move.
     */
    PartitionMover partitionMover(TableReference table, List<String> partitionNames);

    interface PartitionMover
    {
        void move(String partitionName, String location);
    }

    /**
     * Points an unpartitioned table at a new location; nothing else about the table changes.
     */
    void setTableLocation(TableReference table, String location);

    /**
     * Sets (present value) or removes (empty value) table parameters.
     */
    void updateTableParameters(TableReference table, Map<String, Optional<String>> changes);

    /**
     * Creates {@code target} with the columns, comments, partitioning, storage format, serde, bucketing and sort
     * order of {@code source}, at {@code location}, without data, statistics or partitions, and with the given
     * extra parameters. An external table is never deleted with its data by a {@code DROP TABLE}.
     */
    void createTableLike(TableReference source, TableReference target, String location, boolean external, Map<String, String> parameters);

    /**
     * Adds partitions to {@code target} copied from the same-named partitions of {@code source} (values, storage
     * format), each at the given location.
     */
    void addPartitionsLike(TableReference source, TableReference target, Map<String, String> locationsByPartitionName);

    /**
     * Removes a table from the metastore and leaves its files where they are; a missing table is not an error.
     */
    void dropTableKeepingData(TableReference table);

    /**
     * Removes one partition from the metastore and leaves its files where they are.
     */
    void dropPartitionKeepingData(TableReference table, String partitionName);

    /**
     * Why a file the table's own metadata no longer references may still be read through the catalog (a Nessie
     * repository's other branches, tags and commits share the table's files), which makes deleting such files unsafe;
     * empty where the table's metadata is all that reads them.
     */
    default Optional<String> filesReadBeyondMetadata(TableReference table)
    {
        return Optional.empty();
    }

    /**
     * The catalog's own registration of Iceberg tables at a metadata file, where the engine cannot register them
     * (Trino's {@code register_table} does not support Nessie); empty: the engine's {@code register_table} does.
     */
    default Optional<IcebergTableRegistry> icebergTableRegistry()
    {
        return Optional.empty();
    }

    interface IcebergTableRegistry
    {
        /**
         * Makes {@code table} the Iceberg table whose current metadata is {@code metadataLocation}; fails if the name is
         * taken.
         */
        void register(TableReference table, String metadataLocation);

        /**
         * Removes the table from the catalog and leaves its files.
         */
        void unregister(TableReference table);
    }
}
