package io.dredge.trino.changes;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConstraintApplicationResult;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableFunctionApplicationResult;
import io.trino.spi.expression.Constant;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;
import io.trino.spi.predicate.TupleDomain;

import java.util.Map;
import java.util.Optional;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;

/**
 * A {@code changed_partitions} call as a table scan: the engine turns the call into one, and pushes its filter on the
 * partition columns into it, which the answer applies exactly (its token moves on for the partitions it takes).
 */
public final class ChangedPartitionsScan
{
    private static final SchemaTableName NAME = new SchemaTableName(SYSTEM_SCHEMA, ChangedPartitionsFunction.NAME);

    private ChangedPartitionsScan() {}

    public static Optional<TableFunctionApplicationResult<ConnectorTableHandle>> applyTableFunction(ConnectorTableFunctionHandle handle)
    {
        if (!(handle instanceof ChangedPartitionsHandle function)) {
            return Optional.empty();
        }
        ChangedPartitionsTableHandle table = new ChangedPartitionsTableHandle(function, TupleDomain.all());
        return Optional.of(new TableFunctionApplicationResult<>(table, ImmutableList.copyOf(table.columns().handles())));
    }

    public static boolean isScan(ConnectorTableHandle table)
    {
        return table instanceof ChangedPartitionsTableHandle;
    }

    public static ConnectorTableMetadata tableMetadata(ConnectorTableHandle table)
    {
        return new ConnectorTableMetadata(NAME, ((ChangedPartitionsTableHandle) table).columns().metadata());
    }

    public static ColumnMetadata columnMetadata(ConnectorTableHandle table, ColumnHandle column)
    {
        return ((ChangedPartitionsTableHandle) table).columns().metadata().get(((ChangedPartitionsColumnHandle) column).ordinal());
    }

    public static Map<String, ColumnHandle> columnHandles(ConnectorTableHandle table)
    {
        return ((ChangedPartitionsTableHandle) table).columns().handles().stream()
                .collect(ImmutableMap.toImmutableMap(ChangedPartitionsColumnHandle::name, column -> column));
    }

    /**
     * Takes a Hive answer's filter from a token when the filter is only on partition columns, as values and ranges of
     * each: then every row of a partition the answer takes reaches the caller, so moving the token on for exactly
     * those is what the caller saw. Anything more (a filter on another column, an expression the engine checks after
     * the scan, whose domain is wider than it) and the answer takes every partition, its token covering them all. An
     * Iceberg answer's token is a snapshot, and a first answer's checkpoint holds every partition: neither takes it.
     */
    public static Optional<ConstraintApplicationResult<ConnectorTableHandle>> applyFilter(ConnectorTableHandle handle, Constraint constraint)
    {
        if (!(handle instanceof ChangedPartitionsTableHandle table) || table.function().fromCheckpoint() == null || !constraint.getExpression().equals(Constant.TRUE)) {
            return Optional.empty();
        }
        ChangedPartitionsColumns columns = table.columns();
        TupleDomain<ChangedPartitionsColumnHandle> summary = constraint.getSummary().transformKeys(ChangedPartitionsColumnHandle.class::cast);
        if (summary.getDomains().map(domains -> !domains.keySet().stream().allMatch(columns::isPartitionValue)).orElse(false)) {
            return Optional.empty();
        }
        TupleDomain<ChangedPartitionsColumnHandle> pushed = table.constraint().intersect(summary);
        if (pushed.equals(table.constraint())) {
            return Optional.empty();
        }
        return Optional.of(new ConstraintApplicationResult<>(new ChangedPartitionsTableHandle(table.function(), pushed), TupleDomain.all(), Constant.TRUE, false));
    }
}
