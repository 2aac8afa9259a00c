package io.dredge.trino;

import com.google.inject.Inject;
import io.dredge.trino.changes.ChangedPartitionsSplit;
import io.dredge.trino.changes.ChangedPartitionsTableHandle;
import io.dredge.trino.copy.CopyFilesHandle;
import io.dredge.trino.copy.CopyFilesSplitManager;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplitManager;
import io.trino.spi.connector.ConnectorSplitSource;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.FixedSplitSource;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;

import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The splits of Dredge's table functions: the dredge catalog has no tables of its own to scan, only the
 * {@code changed_partitions} calls the engine turned into scans.
 */
public class DredgeSplitManager
        implements ConnectorSplitManager
{
    private final CopyFilesSplitManager copyFiles;

    @Inject
    public DredgeSplitManager(CopyFilesSplitManager copyFiles)
    {
        this.copyFiles = requireNonNull(copyFiles, "copyFiles is null");
    }

    @Override
    public ConnectorSplitSource getSplits(ConnectorTransactionHandle transaction, ConnectorSession session, ConnectorTableHandle table, Set<ColumnHandle> columns, Constraint constraint)
    {
        if (table instanceof ChangedPartitionsTableHandle) {
            return new FixedSplitSource(List.of(new ChangedPartitionsSplit()));
        }
        throw new UnsupportedOperationException("the dredge catalog has no tables to scan");
    }

    @Override
    public ConnectorSplitSource getSplits(ConnectorTransactionHandle transaction, ConnectorSession session, ConnectorTableFunctionHandle function)
    {
        if (function instanceof CopyFilesHandle copyFilesHandle) {
            return copyFiles.getSplits(session, copyFilesHandle);
        }
        throw new IllegalArgumentException("unknown table function handle: " + function);
    }
}
