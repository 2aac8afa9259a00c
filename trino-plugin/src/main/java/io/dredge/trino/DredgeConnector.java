package io.dredge.trino;

import com.google.common.collect.ImmutableSet;
import com.google.inject.Inject;
import io.airlift.bootstrap.LifeCycleManager;
import io.trino.spi.connector.Connector;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.session.PropertyMetadata;
import io.trino.spi.transaction.IsolationLevel;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import static java.util.Objects.requireNonNull;

public class DredgeConnector
        implements Connector
{
    private final LifeCycleManager lifeCycleManager;
    private final Set<SystemTable> systemTables;
    private final Set<Procedure> procedures;
    private final ExecutorService listingExecutor;
    private final ExecutorService metastoreExecutor;
    private final ExecutorService maintenanceExecutor;
    private final List<PropertyMetadata<?>> sessionProperties;

    @Inject
    public DredgeConnector(
            LifeCycleManager lifeCycleManager,
            Set<SystemTable> systemTables,
            Set<Procedure> procedures,
            DredgeSessionProperties sessionProperties,
            @ForListing ExecutorService listingExecutor,
            @ForMetastore ExecutorService metastoreExecutor,
            @ForMaintenance ExecutorService maintenanceExecutor)
    {
        this.maintenanceExecutor = requireNonNull(maintenanceExecutor, "maintenanceExecutor is null");
        this.sessionProperties = requireNonNull(sessionProperties, "sessionProperties is null").getSessionProperties();
        this.metastoreExecutor = requireNonNull(metastoreExecutor, "metastoreExecutor is null");
        this.lifeCycleManager = requireNonNull(lifeCycleManager, "lifeCycleManager is null");
        this.systemTables = ImmutableSet.copyOf(requireNonNull(systemTables, "systemTables is null"));
        this.procedures = ImmutableSet.copyOf(requireNonNull(procedures, "procedures is null"));
        this.listingExecutor = requireNonNull(listingExecutor, "listingExecutor is null");
    }

    @Override
    public Set<Procedure> getProcedures()
    {
        return procedures;
    }

    @Override
    public List<PropertyMetadata<?>> getSessionProperties()
    {
        return sessionProperties;
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
        metastoreExecutor.shutdownNow();
        maintenanceExecutor.shutdownNow();
        lifeCycleManager.stop();
    }
}
