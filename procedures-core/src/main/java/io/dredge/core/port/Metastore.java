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
     * Every partition of a partitioned table with its location, in partition-name order.
     */
    List<PartitionDescriptor> getPartitions(TableDescriptor table);
}
