package io.dredge.trino;

import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.dredge.core.DredgeException;
import io.dredge.core.Units;
import io.dredge.core.backup.BackupRepository;
import io.dredge.core.backup.Backups;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.TableLocks;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.Metastore;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.report.HealthPolicy;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.core.report.TableHealth;
import io.dredge.trino.adapter.TrinoPorts;
import io.dredge.trino.copy.TrinoFileCopiers;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorSession;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import static io.dredge.trino.DredgeErrorCode.DREDGE_INJECTED_FAULT;
import static io.dredge.trino.DredgeErrorCode.DREDGE_OPERATION_FAILED;
import static io.dredge.trino.DredgeErrorCode.DREDGE_TABLE_BUSY;
import static io.dredge.trino.DredgeErrorCode.DREDGE_UNSAFE_OPERATION;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.StandardErrorCode.NOT_FOUND;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.StandardErrorCode.PERMISSION_DENIED;
import static java.util.Objects.requireNonNull;

/**
 * Everything a procedure call needs from this catalog: the core's {@link MaintenanceContext} for the calling user,
 * and the one translation of core errors into Trino errors.
 */
public class DredgeMaintenance
{
    private final TrinoPorts ports;
    private final DredgeConfig config;
    private final TableLocks locks;
    private final DredgeSessionProperties sessionProperties;
    private final ExecutorService maintenanceExecutor;
    private final TrinoFileCopiers fileCopiers;

    @Inject
    public DredgeMaintenance(TrinoPorts ports, DredgeConfig config, TableLocks locks, DredgeSessionProperties sessionProperties, @ForMaintenance ExecutorService maintenanceExecutor, TrinoFileCopiers fileCopiers)
    {
        this.fileCopiers = requireNonNull(fileCopiers, "fileCopiers is null");
        this.maintenanceExecutor = requireNonNull(maintenanceExecutor, "maintenanceExecutor is null");
        this.sessionProperties = requireNonNull(sessionProperties, "sessionProperties is null");
        this.ports = requireNonNull(ports, "ports is null");
        this.config = requireNonNull(config, "config is null");
        this.locks = requireNonNull(locks, "locks is null");
    }

    public MaintenanceContext context(ConnectorSession session)
    {
        return context(session, sessionProperties.faultInjector(session));
    }

    /**
     * The context of a system table's read, which only plans: a system table's session has none of the catalog's
     * session properties, so no fault injection either.
     */
    public MaintenanceContext readingContext(ConnectorSession session)
    {
        return context(session, FaultInjector.NONE);
    }

    private MaintenanceContext context(ConnectorSession session, FaultInjector faults)
    {
        Metastore metastore = ports.metastore(session.getIdentity());
        FileStore fileStore = ports.fileStore(session.getIdentity());
        String hiveCatalog = config.getHiveCatalogName();
        SqlEngine engine = ports.engine(session);
        return new MaintenanceContext(
                metastore,
                fileStore,
                engine,
                journal(session),
                locks,
                Optional.of(hiveCatalog),
                Optional.of(config.getIcebergCatalogName()),
                session.getUser(),
                (catalog, targetFileSizeBytes) -> writeSessionProperties(hiveCatalog, catalog, targetFileSizeBytes),
                Clock.systemUTC(),
                faults,
                maintenanceExecutor,
                staging -> fileCopiers.fileCopier(session, engine, staging));
    }

    private static Map<String, String> writeSessionProperties(String hiveCatalog, Optional<String> catalog, long targetFileSizeBytes)
    {
        ImmutableMap.Builder<String, String> properties = ImmutableMap.<String, String>builder()
                // one writer per task: local writer scaling would split output into many small files
                .put("task_scale_writers_enabled", "false")
                .put("task_min_writer_count", "1");
        // Trino's Hive connector takes a file size per session; its Iceberg connector has no such property
        if (catalog.equals(Optional.of(hiveCatalog))) {
            properties.put(hiveCatalog + ".target_max_file_size", targetFileSizeBytes + "B");
            // the swap keeps each partition's (or the table's) own statistics, so what the rewrite would collect is
            // thrown away; collecting it cost about a sixth of the rewrite's CPU
            properties.put(hiveCatalog + ".collect_column_statistics_on_write", "false");
        }
        return properties.buildOrThrow();
    }

    /**
     * Backups of this catalog, kept in its backup repository ({@code dredge.backup-location}).
     */
    public Backups backups(ConnectorSession session)
    {
        BackupRepository repository = backupRepository(session).orElseThrow(() -> new TrinoException(NOT_SUPPORTED,
                "backups need a backup repository: set dredge.backup-location in the catalog's properties"));
        // the workers copy: the plan file of each copy waits in a hidden directory of the repository; the copies are
        // statements of the call's engine, cancelled with the call
        MaintenanceContext context = context(session);
        return new Backups(context, repository, context.fileCopiers().copier(repository.location(".copy-plans")));
    }

    /**
     * The repository that names this catalog's backups, when one is configured.
     */
    public Optional<BackupRepository> backupRepository(ConnectorSession session)
    {
        return config.getBackupLocation().map(location -> new BackupRepository(ports.fileStore(session.getIdentity()), location));
    }

    public OperationJournal journal(ConnectorSession session)
    {
        return new OperationJournal(ports.fileStore(session.getIdentity()), ports.metastore(session.getIdentity()), config.getJournalLocation());
    }

    public SmallFilePolicy policy(Optional<String> targetFileSize, Optional<Double> compactionRatioThreshold)
    {
        long target = targetFileSize.map(size -> Units.bytes(size, "target_file_size")).orElseGet(() -> config.getTargetFileSize().toBytes());
        double threshold = compactionRatioThreshold.orElse(config.getCompactionRatioThreshold());
        try {
            return new SmallFilePolicy(target, threshold);
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, e.getMessage(), e);
        }
    }

    /**
     * How long {@code cleanup} keeps the quarantine of a removal of orphan files when its caller names no age.
     */
    public Duration quarantineRetention()
    {
        return Duration.ofMillis(config.getQuarantineRetention().toMillis());
    }

    /**
     * {@code table_health}'s judge, as the catalog's properties configure it, writing fixes for the Dredge catalog
     * {@code catalogName} (and Trino's own Iceberg table procedures for {@code dredge.iceberg-catalog-name}).
     */
    public TableHealth tableHealth(String catalogName)
    {
        return new TableHealth(catalogName, config.getIcebergCatalogName(), new HealthPolicy(
                policy(Optional.empty(), Optional.empty()),
                Duration.ofMillis(config.getHealthStaleOperationAge().toMillis()),
                Duration.ofMillis(config.getHealthMaxSnapshotAge().toMillis()),
                config.getHealthMaxManifests(),
                config.getHealthMinAvgManifestSize().toBytes(),
                config.getHealthMaxDeletedRowShare()));
    }

    /**
     * Runs a maintenance call with the plugin's class loader, translating the core's errors once.
     */
    public static <T> T run(Supplier<T> call)
    {
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(DredgeMaintenance.class.getClassLoader())) {
            return call.get();
        }
        catch (DredgeException e) {
            throw new TrinoException(switch (e.kind()) {
                case NOT_FOUND -> NOT_FOUND;
                case INVALID_ARGUMENT -> INVALID_PROCEDURE_ARGUMENT;
                case NOT_SUPPORTED -> NOT_SUPPORTED;
                case ACCESS_DENIED -> PERMISSION_DENIED;
                case TABLE_BUSY -> DREDGE_TABLE_BUSY;
                case UNSAFE -> DREDGE_UNSAFE_OPERATION;
                case OPERATIONS_FAILED -> DREDGE_OPERATION_FAILED;
            }, e.getMessage(), e);
        }
        catch (FaultInjector.InjectedFault e) {
            throw new TrinoException(DREDGE_INJECTED_FAULT, e.getMessage(), e);
        }
        catch (TrinoException e) {
            throw e;
        }
        catch (RuntimeException e) {
            throw new TrinoException(DREDGE_OPERATION_FAILED, "operation failed: " + e.getMessage(), e);
        }
    }
}
