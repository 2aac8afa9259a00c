package io.dredge.trino.copy;

import com.google.inject.Inject;
import io.dredge.trino.ForCopy;
import io.dredge.trino.adapter.TrinoPorts;
import io.trino.spi.NodeManager;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorTableCredentials;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;
import io.trino.spi.function.table.TableFunctionProcessorProvider;
import io.trino.spi.function.table.TableFunctionSplitProcessor;

import java.util.Optional;
import java.util.concurrent.ExecutorService;

import static java.util.Objects.requireNonNull;

/**
 * Runs {@code copy_files} splits on the node that got them, through the file system as the query's user.
 */
public class CopyFilesProcessorProvider
        implements TableFunctionProcessorProvider
{
    private final TrinoPorts ports;
    private final NodeManager nodeManager;
    private final ExecutorService copyExecutor;

    @Inject
    public CopyFilesProcessorProvider(TrinoPorts ports, NodeManager nodeManager, @ForCopy ExecutorService copyExecutor)
    {
        this.ports = requireNonNull(ports, "ports is null");
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
        this.copyExecutor = requireNonNull(copyExecutor, "copyExecutor is null");
    }

    @Override
    public TableFunctionSplitProcessor getSplitProcessor(ConnectorSession session, ConnectorTableFunctionHandle handle, Optional<ConnectorTableCredentials> credentials, ConnectorSplit split)
    {
        CopyFilesSplit copySplit = (CopyFilesSplit) split;
        return new CopyFilesProcessor(
                ports.fileStore(session.getIdentity()),
                copySplit.action(),
                copySplit.copies(),
                copySplit.storageFormat(),
                nodeManager.getCurrentNode().getNodeIdentifier(),
                copyExecutor);
    }
}
