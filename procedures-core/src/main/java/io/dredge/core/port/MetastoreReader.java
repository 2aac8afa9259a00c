package io.dredge.core.port;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.Lists;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;

import java.util.List;
import java.util.Optional;

/**
 * What reports and the journal read from the Hive metastore: schemas, tables and partitions, changing nothing. An
 * engine adapter that only reads (a Hive table function) implements this much.
 */
public interface MetastoreReader
{
    /**
     * Partitions read in one metastore call: Hive's own default ({@code metastore.batch.retrieve.max}). A thrift
     * metastore spends about as long on a call of 50 partitions as on one of 300, so larger batches are faster.
     */
    int PARTITION_BATCH_SIZE = 300;

    List<String> listSchemas();

    boolean schemaExists(String schemaName);

    /**
     * Tables and views of a schema; empty when the schema does not exist.
     */
    List<String> listTables(String schemaName);

    Optional<TableDescriptor> getTable(TableReference table);

    /**
     * Names of every partition of a partitioned table ({@code a=1/b=x}, escaped as Hive escapes them).
     */
    List<String> getPartitionNames(TableDescriptor table);

    /**
     * The named partitions with their locations, in the given order; partitions dropped meanwhile are left out.
     */
    default List<PartitionDescriptor> getPartitions(TableReference table, List<String> partitionNames)
    {
        return partitionReader(table).getPartitions(partitionNames);
    }

    /**
     * Reads partitions of one table in several calls with one lookup of the table: a metastore answers a table
     * lookup about as slowly as a batch of partitions.
     */
    PartitionReader partitionReader(TableReference table);

    @FunctionalInterface
    interface PartitionReader
    {
        /**
         * As {@link MetastoreReader#getPartitions}; safe to call from several threads at once.
         */
        List<PartitionDescriptor> getPartitions(List<String> partitionNames);
    }

    /**
     * The named partitions, as {@link #getPartitions} reads them, {@link #PARTITION_BATCH_SIZE} at a time: a
     * metastore call stays small for tables of many partitions.
     */
    default List<PartitionDescriptor> getPartitionsInBatches(TableReference table, List<String> partitionNames)
    {
        ImmutableList.Builder<PartitionDescriptor> partitions = ImmutableList.builder();
        if (partitionNames.isEmpty()) {
            return partitions.build();
        }
        PartitionReader reader = partitionReader(table);
        for (List<String> batch : Lists.partition(partitionNames, PARTITION_BATCH_SIZE)) {
            partitions.addAll(reader.getPartitions(batch));
        }
        return partitions.build();
    }

    /**
     * The location of a schema (database), when it has one.
     */
    Optional<String> getSchemaLocation(String schemaName);

    /**
     * The directory, inside a journal directory that other catalogs may share (a schema's location, or
     * {@code dredge.journal-location}), that holds this catalog's operations: an Iceberg catalog's schema can share
     * its name and location with a Hive metastore's, and its operations must not be taken for theirs. Empty: the
     * journal directory itself (the Hive metastore's, which Trino and Hive share).
     */
    default Optional<String> journalSubdirectory()
    {
        return Optional.empty();
    }
}
