package io.dredge.trino;

import com.google.common.collect.ImmutableSet;
import com.google.inject.Inject;
import io.airlift.bootstrap.LifeCycleManager;
import io.trino.spi.connector.Connector;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.transaction.IsolationLevel;

import java.util.Set;
import java.util.concurrent.ExecutorService;

import static java.util.Objects.requireNonNull;

public class DredgeConnector
        implements Connector
{
    private final LifeCycleManager lifeCycleManager;
    private final Set<SystemTable> systemTables;
    private final ExecutorService listingExecutor;

    @Inject
    public DredgeConnector(LifeCycleManager lifeCycleManager, Set<SystemTable> systemTables, @ForListing ExecutorService listingExecutor)
    {
        this.lifeCycleManager = requireNonNull(lifeCycleManager, "lifeCycleManager is null");
        this.systemTables = ImmutableSet.copyOf(requireNonNull(systemTables, "systemTables is null"));
        this.listingExecutor = requireNonNull(listingExecutor, "listingExecutor is null");
    }

    @Override
    public ConnectorTransactionHandle beginTransaction(IsolationLevel isolationLevel, boolean readOnly, boolean autoCommit)
    {
        return DredgeTransactionHandle.INSTANCE;
    }

    @Override
    public ConnectorMetadata getMetadata(ConnectorSession session, ConnectorTransactionHandle transactionHandle)
    {
        return new DredgeMetadata();
    }

    @Override
    public Set<SystemTable> getSystemTables()
    {
        return systemTables;
    }

    @Override
    public void shutdown()
    {
        listingExecutor.shutdownNow();
        lifeCycleManager.stop();
    }
}
