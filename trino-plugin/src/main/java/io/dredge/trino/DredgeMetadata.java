package io.dredge.trino;

import com.google.common.collect.ImmutableList;
import io.dredge.trino.changes.ChangedPartitionsScan;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConstraintApplicationResult;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.TableFunctionApplicationResult;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dredge catalog holds no tables of its own: only the {@code system} schema with its system tables
 * and procedures, and the scans the engine makes of {@code changed_partitions} calls.
 */
public class DredgeMetadata
        implements ConnectorMetadata
{
    public static final String SYSTEM_SCHEMA = "system";

    @Override
    public List<String> listSchemaNames(ConnectorSession session)
    {
        return ImmutableList.of(SYSTEM_SCHEMA);
    }

    @Override
    public Optional<TableFunctionApplicationResult<ConnectorTableHandle>> applyTableFunction(ConnectorSession session, ConnectorTableFunctionHandle handle)
    {
        return ChangedPartitionsScan.applyTableFunction(handle);
    }

    @Override
    public ConnectorTableMetadata getTableMetadata(ConnectorSession session, ConnectorTableHandle table)
    {
        return ChangedPartitionsScan.tableMetadata(table);
    }

    @Override
    public ColumnMetadata getColumnMetadata(ConnectorSession session, ConnectorTableHandle table, ColumnHandle column)
    {
        return ChangedPartitionsScan.columnMetadata(table, column);
    }

    @Override
    public Map<String, ColumnHandle> getColumnHandles(ConnectorSession session, ConnectorTableHandle table)
    {
        return ChangedPartitionsScan.columnHandles(table);
    }

    @Override
    public Optional<ConstraintApplicationResult<ConnectorTableHandle>> applyFilter(ConnectorSession session, ConnectorTableHandle table, Constraint constraint)
    {
        return ChangedPartitionsScan.applyFilter(table, constraint);
    }
}
