package io.dredge.core.operation;

import io.dredge.core.files.FileCopiers;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.Metastore;
import io.dredge.core.port.SqlEngine;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import static java.util.Objects.requireNonNull;

/**
 * What one maintenance call works with: the lake's metastore and files, the engine (as the calling user), the
 * journal, and the engine catalog through which Hive tables are read and written.
 *
 * @param catalog the engine's catalog for Hive tables (Trino: the Hive connector's catalog; Hive: empty)
 * @param icebergCatalog the engine's catalog for Iceberg tables
 * @param writeSizing session properties that size the engine's output files
 * @param besideExecutor runs a step beside an operation's main one (see {@link Beside}); its owner shuts it down
 * @param fileCopiers copies, moves and deletes many files at once (Trino: on the workers)
 */
public record MaintenanceContext(
        Metastore metastore,
        FileStore fileStore,
        SqlEngine engine,
        OperationJournal journal,
        TableLocks locks,
        Optional<String> catalog,
        Optional<String> icebergCatalog,
        String user,
        WriteSizing writeSizing,
        Clock clock,
        FaultInjector faults,
        Executor besideExecutor,
        FileCopiers fileCopiers)
{
    public MaintenanceContext
    {
        requireNonNull(metastore, "metastore is null");
        requireNonNull(fileStore, "fileStore is null");
        requireNonNull(engine, "engine is null");
        requireNonNull(journal, "journal is null");
        requireNonNull(locks, "locks is null");
        requireNonNull(catalog, "catalog is null");
        requireNonNull(icebergCatalog, "icebergCatalog is null");
        requireNonNull(user, "user is null");
        requireNonNull(writeSizing, "writeSizing is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(faults, "faults is null");
        requireNonNull(besideExecutor, "besideExecutor is null");
        requireNonNull(fileCopiers, "fileCopiers is null");
    }

    /**
     * Engine session properties for a rewrite through {@code catalog} that should produce files of at most
     * {@code targetFileSizeBytes}.
     */
    public interface WriteSizing
    {
        Map<String, String> sessionProperties(Optional<String> catalog, long targetFileSizeBytes);
    }
}
