package io.dredge.trino;

import com.google.common.collect.ImmutableSet;
import com.google.inject.Inject;
import io.airlift.bootstrap.LifeCycleManager;
import io.dredge.trino.changes.ChangedPartitionsPageSourceProvider;
import io.dredge.trino.copy.DredgeFunctionProvider;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorMetadata;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorPageSourceProvider;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorSplitManager;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorTableFunction;
import io.trino.spi.connector.Connector;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorPageSourceProvider;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplitManager;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.function.FunctionProvider;
import io.trino.spi.function.table.ConnectorTableFunction;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.session.PropertyMetadata;
import io.trino.spi.transaction.IsolationLevel;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static java.util.Objects.requireNonNull;

public class DredgeConnector
        implements Connector
{
    private final LifeCycleManager lifeCycleManager;
    private final Set<SystemTable> systemTables;
    private final Set<Procedure> procedures;
    private final Set<ConnectorTableFunction> tableFunctions;
    private final ConnectorSplitManager splitManager;
    private final FunctionProvider functionProvider;
    private final ConnectorPageSourceProvider pageSourceProvider;
    private final ExecutorService listingExecutor;
    private final ExecutorService metastoreExecutor;
    private final ExecutorService maintenanceExecutor;
    private final ExecutorService copyExecutor;
    private final ScheduledExecutorService cancellationExecutor;
    private final List<PropertyMetadata<?>> sessionProperties;

    @Inject
    public DredgeConnector(
            LifeCycleManager lifeCycleManager,
            Set<SystemTable> systemTables,
            Set<Procedure> procedures,
            Set<ConnectorTableFunction> tableFunctions,
            DredgeSplitManager splitManager,
            DredgeFunctionProvider functionProvider,
            ChangedPartitionsPageSourceProvider pageSourceProvider,
            DredgeSessionProperties sessionProperties,
            @ForListing ExecutorService listingExecutor,
            @ForMetastore ExecutorService metastoreExecutor,
            @ForMaintenance ExecutorService maintenanceExecutor,
            @ForCopy ExecutorService copyExecutor,
            @ForCancellation ScheduledExecutorService cancellationExecutor)
    {
        this.cancellationExecutor = requireNonNull(cancellationExecutor, "cancellationExecutor is null");
        this.copyExecutor = requireNonNull(copyExecutor, "copyExecutor is null");
        this.maintenanceExecutor = requireNonNull(maintenanceExecutor, "maintenanceExecutor is null");
        this.sessionProperties = requireNonNull(sessionProperties, "sessionProperties is null").getSessionProperties();
        this.metastoreExecutor = requireNonNull(metastoreExecutor, "metastoreExecutor is null");
        this.lifeCycleManager = requireNonNull(lifeCycleManager, "lifeCycleManager is null");
        this.systemTables = ImmutableSet.copyOf(requireNonNull(systemTables, "systemTables is null"));
        this.procedures = ImmutableSet.copyOf(requireNonNull(procedures, "procedures is null"));
        ClassLoader classLoader = getClass().getClassLoader();
        this.tableFunctions = requireNonNull(tableFunctions, "tableFunctions is null").stream()
                .map(function -> new ClassLoaderSafeConnectorTableFunction(function, classLoader))
                .collect(toImmutableSet());
        this.splitManager = new ClassLoaderSafeConnectorSplitManager(requireNonNull(splitManager, "splitManager is null"), classLoader);
        this.functionProvider = requireNonNull(functionProvider, "functionProvider is null");
        this.pageSourceProvider = new ClassLoaderSafeConnectorPageSourceProvider(requireNonNull(pageSourceProvider, "pageSourceProvider is null"), classLoader);
        this.listingExecutor = requireNonNull(listingExecutor, "listingExecutor is null");
    }

    @Override
    public Set<Procedure> getProcedures()
    {
        return procedures;
    }

    @Override
    public Set<ConnectorTableFunction> getTableFunctions()
    {
        return tableFunctions;
    }

    @Override
    public ConnectorSplitManager getSplitManager()
    {
        return splitManager;
    }

    @Override
    public ConnectorPageSourceProvider getPageSourceProvider()
    {
        return pageSourceProvider;
    }

    @Override
    public Optional<FunctionProvider> getFunctionProvider()
    {
        return Optional.of(functionProvider);
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
        return new ClassLoaderSafeConnectorMetadata(new DredgeMetadata(), getClass().getClassLoader());
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
        copyExecutor.shutdownNow();
        cancellationExecutor.shutdownNow();
        lifeCycleManager.stop();
    }
}
