package io.dredge.core.port;

import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;

import java.util.List;
import java.util.Optional;

/**
 * The Hive metastore (thrift, Glue, or Trino's file metastore) shared by the engines: the one source of
 * truth for which tables exist and where their data lives.
 */
public interface Metastore
{
    List<String> listSchemas();

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
    List<PartitionDescriptor> getPartitions(TableDescriptor table, List<String> partitionNames);
}
