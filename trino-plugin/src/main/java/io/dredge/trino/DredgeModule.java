package io.dredge.trino;

import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.dredge.core.operation.TableLocks;
import io.dredge.trino.adapter.TrinoPorts;
import io.dredge.trino.changes.ChangedPartitionsFunction;
import io.dredge.trino.changes.ChangedPartitionsPageSourceProvider;
import io.dredge.trino.copy.CopyFilesFunction;
import io.dredge.trino.copy.CopyFilesProcessorProvider;
import io.dredge.trino.copy.CopyFilesSplitManager;
import io.dredge.trino.copy.CopyPlanCodec;
import io.dredge.trino.copy.CopyPlanReader;
import io.dredge.trino.copy.DredgeFunctionProvider;
import io.dredge.trino.copy.TrinoFileCopiers;
import io.dredge.trino.procedure.BackupTableProcedure;
import io.dredge.trino.procedure.CleanupProcedure;
import io.dredge.trino.procedure.CompactSchemaProcedure;
import io.dredge.trino.procedure.CompactTableProcedure;
import io.dredge.trino.procedure.DropBackupProcedure;
import io.dredge.trino.procedure.ExpireSnapshotsProcedure;
import io.dredge.trino.procedure.MaintainSchemaProcedure;
import io.dredge.trino.procedure.RecoverProcedure;
import io.dredge.trino.procedure.RemoveOrphanFilesProcedure;
import io.dredge.trino.procedure.RestoreOrphanFilesProcedure;
import io.dredge.trino.procedure.RestoreTableProcedure;
import io.dredge.trino.procedure.RollbackCompactionProcedure;
import io.dredge.trino.procedure.VerifyBackupProcedure;
import io.dredge.trino.system.BackupsSystemTable;
import io.dredge.trino.system.OperationFilesSystemTable;
import io.dredge.trino.system.OperationsSystemTable;
import io.dredge.trino.system.SmallFileReportSystemTable;
import io.dredge.trino.system.TableHealthSystemTable;
import io.dredge.trino.system.WriteAuditSystemTable;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.function.table.ConnectorTableFunction;
import io.trino.spi.procedure.Procedure;

import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import static com.google.inject.multibindings.Multibinder.newSetBinder;
import static io.airlift.concurrent.Threads.daemonThreadsNamed;
import static io.airlift.configuration.ConfigBinder.configBinder;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.Executors.newCachedThreadPool;
import static java.util.concurrent.Executors.newFixedThreadPool;
import static java.util.concurrent.Executors.newScheduledThreadPool;

public class DredgeModule
        implements Module
{
    @Override
    public void configure(Binder binder)
    {
        configBinder(binder).bindConfig(DredgeConfig.class);
        binder.bind(DredgeConnector.class).in(Scopes.SINGLETON);
        binder.bind(DredgeSessionProperties.class).in(Scopes.SINGLETON);
        binder.bind(TrinoPorts.class).in(Scopes.SINGLETON);

        binder.bind(TableLocks.class).in(Scopes.SINGLETON);
        binder.bind(DredgeMaintenance.class).in(Scopes.SINGLETON);

        newSetBinder(binder, SystemTable.class).addBinding().to(SmallFileReportSystemTable.class).in(Scopes.SINGLETON);
        newSetBinder(binder, SystemTable.class).addBinding().to(OperationsSystemTable.class).in(Scopes.SINGLETON);
        newSetBinder(binder, SystemTable.class).addBinding().to(OperationFilesSystemTable.class).in(Scopes.SINGLETON);
        newSetBinder(binder, SystemTable.class).addBinding().to(TableHealthSystemTable.class).in(Scopes.SINGLETON);
        newSetBinder(binder, SystemTable.class).addBinding().to(BackupsSystemTable.class).in(Scopes.SINGLETON);
        newSetBinder(binder, SystemTable.class).addBinding().to(WriteAuditSystemTable.class).in(Scopes.SINGLETON);

        Multibinder<Procedure> procedures = newSetBinder(binder, Procedure.class);
        procedures.addBinding().toProvider(CompactTableProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(CompactSchemaProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(RollbackCompactionProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(BackupTableProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(RestoreTableProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(VerifyBackupProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(DropBackupProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(CleanupProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(RecoverProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(ExpireSnapshotsProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(RemoveOrphanFilesProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(RestoreOrphanFilesProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(MaintainSchemaProcedure.class).in(Scopes.SINGLETON);

        binder.bind(CopyPlanReader.class).in(Scopes.SINGLETON);
        binder.bind(CopyFilesSplitManager.class).in(Scopes.SINGLETON);
        binder.bind(CopyFilesProcessorProvider.class).in(Scopes.SINGLETON);
        binder.bind(DredgeFunctionProvider.class).in(Scopes.SINGLETON);
        binder.bind(TrinoFileCopiers.class).in(Scopes.SINGLETON);
        newSetBinder(binder, ConnectorTableFunction.class).addBinding().to(CopyFilesFunction.class).in(Scopes.SINGLETON);
        newSetBinder(binder, ConnectorTableFunction.class).addBinding().to(ChangedPartitionsFunction.class).in(Scopes.SINGLETON);
        binder.bind(ChangedPartitionsPageSourceProvider.class).in(Scopes.SINGLETON);
        binder.bind(DredgeSplitManager.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    public static CopyPlanCodec createCopyPlanCodec(DredgeConfig config)
    {
        // a coordinator both writes and checks the plans of its own procedures, so a key of its own suffices
        byte[] key = config.getCopyPlanKey()
                .map(value -> value.getBytes(UTF_8))
                .orElseGet(() -> {
                    byte[] random = new byte[32];
                    new SecureRandom().nextBytes(random);
                    return random;
                });
        return new CopyPlanCodec(key);
    }

    @Provides
    @Singleton
    @ForCopy
    public static ExecutorService createCopyExecutor(DredgeConfig config)
    {
        return newFixedThreadPool(config.getCopyConcurrency(), daemonThreadsNamed("dredge-copy-%s"));
    }

    @Provides
    @Singleton
    @ForListing
    public static ExecutorService createListingExecutor(DredgeConfig config)
    {
        return newFixedThreadPool(config.getListingConcurrency(), daemonThreadsNamed("dredge-listing-%s"));
    }

    @Provides
    @Singleton
    @ForMaintenance
    public static ExecutorService createMaintenanceExecutor()
    {
        // one step beside each running operation's own: as many as operations run at once
        return newCachedThreadPool(daemonThreadsNamed("dredge-beside-%s"));
    }

    @Provides
    @Singleton
    @ForCancellation
    public static ScheduledExecutorService createCancellationExecutor()
    {
        // short looks at running statements (a query of the CALL's state now and then): two threads serve every call
        return newScheduledThreadPool(2, daemonThreadsNamed("dredge-cancellation-%s"));
    }

    @Provides
    @Singleton
    @ForMetastore
    public static ExecutorService createMetastoreExecutor(DredgeConfig config)
    {
        return newFixedThreadPool(config.getMetastoreConcurrency(), daemonThreadsNamed("dredge-metastore-%s"));
    }
}
