package io.dredge.core.operation;

import io.dredge.core.DredgeException;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.sql.SqlDialect;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.NOT_FOUND;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.DredgeException.Kind.TABLE_BUSY;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static io.dredge.core.operation.TableLocks.LOCK_PARAMETER;
import static java.util.Objects.requireNonNull;

/**
 * Preflight and the table lock: every operation that changes a table passes through here first, so that a
 * refusal changes nothing and two operations never hold one table.
 */
public final class OperationGuard
{
    /**
     * Storage formats the engine writes (Trino's Hive connector); others can be read but not rewritten.
     */
    private static final Set<String> WRITABLE_FORMATS = Set.of("PARQUET", "ORC", "AVRO", "RCBINARY", "RCTEXT", "SEQUENCEFILE", "JSON", "OPENX_JSON", "TEXTFILE", "CSV");

    private final MaintenanceContext context;

    public OperationGuard(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    /**
     * The table, if it exists and is a table (not a view).
     */
    /**
     * The dry run {@code dryRunId} of an operation of {@code kind} on {@code table}, which a real run is to carry out:
     * refused unless it is one, of this table by name and, where recorded, by identity. Only the table's schema's
     * journal is read.
     *
     * @param planned what the dry run did, as the refusal of another table's says it ("listed the orphans of")
     */
    public OperationRecord requireDryRun(TableDescriptor table, String dryRunId, OperationKind kind, String procedure, String planned)
    {
        OperationRecord dryRun = context.journal().list(table.table().schemaName()).stream()
                .filter(record -> record.id().equals(dryRunId))
                .findFirst()
                .orElseThrow(() -> new DredgeException(NOT_FOUND, "operation %s does not exist".formatted(dryRunId)));
        if (dryRun.kind() != kind || dryRun.state() != OperationState.PLANNED) {
            throw new DredgeException(INVALID_ARGUMENT, "operation %s is a %s %s, not a dry run of %s".formatted(dryRunId, dryRun.state(), dryRun.kind(), procedure));
        }
        if (!dryRun.table().equals(table.table())) {
            throw new DredgeException(INVALID_ARGUMENT, "dry run %s %s %s, not of %s".formatted(dryRunId, planned, dryRun.table(), table.table()));
        }
        TableIdentity.requireSame(context, table, dryRun);
        return dryRun;
    }

    public TableDescriptor requireTable(TableReference table)
    {
        if (!context.metastore().schemaExists(table.schemaName())) {
            throw new DredgeException(NOT_FOUND, "schema %s does not exist".formatted(table.schemaName()));
        }
        TableDescriptor descriptor = context.metastore().getTable(table)
                .orElseThrow(() -> new DredgeException(NOT_FOUND, "table %s does not exist".formatted(table)));
        if (descriptor.view()) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a view, not a table: a view holds no files of its own".formatted(table));
        }
        return descriptor;
    }

    /**
     * Refuses Hive tables the compaction protocol must not touch (Iceberg tables take their own route before this).
     */
    public static void requireCompactableHiveTable(TableDescriptor table)
    {
        if (table.dredgeRole().isPresent()) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a table Dredge made (%s); it goes away with cleanup or rollback".formatted(table.table(), table.dredgeRole().get()));
        }
        if (table.transactional()) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a transactional (ACID) table: Hive's own compactor owns its files (ALTER TABLE ... COMPACT 'major')".formatted(table.table()));
        }
        if (!WRITABLE_FORMATS.contains(table.storageFormat())) {
            throw new DredgeException(NOT_SUPPORTED, "%s is stored as %s, which the engine cannot write".formatted(table.table(), table.storageFormat()));
        }
        if (table.location().isEmpty()) {
            throw new DredgeException(NOT_SUPPORTED, "%s has no location".formatted(table.table()));
        }
    }

    /**
     * Compaction swaps locations in the metastore; refuse before anything is written where that cannot work.
     */
    public void requireRelocatableMetastore(TableDescriptor table)
    {
        if (!context.metastore().canRelocateData()) {
            throw new DredgeException(NOT_SUPPORTED, "cannot compact %s: compaction points partitions at their rewritten copies in the metastore, which Trino's file metastore does not allow; use a thrift or Glue metastore (hive.metastore=thrift)".formatted(table.table()));
        }
    }

    /**
     * The calling user must be allowed to read the table: Trino analyses, without running, a {@code SELECT} of it;
     * Hive's adapter asks the session's authorizer before the call.
     */
    public void requireReadAccess(TableReference table, TableType type)
    {
        SqlDialect dialect = context.engine().dialect();
        if (dialect != SqlDialect.TRINO) {
            return;
        }
        Optional<String> catalog = type == TableType.ICEBERG ? context.icebergCatalog() : context.catalog();
        try {
            context.engine().query("EXPLAIN (TYPE VALIDATE) SELECT * FROM %s".formatted(dialect.qualifiedName(catalog, table.schemaName(), table.tableName())));
        }
        catch (RuntimeException e) {
            throw new DredgeException(DredgeException.Kind.ACCESS_DENIED, "user %s may not read %s: %s".formatted(context.user(), table, e.getMessage()), e);
        }
    }

    /**
     * The calling user must be allowed to write the table: the engine checks, as it would for the user's own INSERT.
     */
    public void requireWriteAccess(TableDescriptor table)
    {
        try {
            Optional<String> catalog = table.tableType() == TableType.ICEBERG ? context.icebergCatalog() : context.catalog();
            validateInsert(context.engine().dialect(), catalog, table.table()).ifPresent(context.engine()::query);
        }
        catch (RuntimeException e) {
            throw new DredgeException(DredgeException.Kind.ACCESS_DENIED, "user %s may not write %s: %s".formatted(context.user(), table.table(), e.getMessage()), e);
        }
    }

    /**
     * Takes the table for {@code record}'s operation: refused when another operation runs or left it unfinished.
     * Journals the operation as running, then marks the table in the metastore for other engines.
     */
    public void acquire(TableDescriptor table, OperationRecord record)
    {
        Optional<String> holder = context.locks().tryClaim(table.table(), record.id());
        if (holder.isPresent()) {
            throw new DredgeException(TABLE_BUSY, "table %s is held by running operation %s; try again when it has finished".formatted(table.table(), holder.get()));
        }
        try {
            requireEngineReadsTable(table);
            requireNoUnfinishedOperation(table.table());
            context.journal().save(record);
            requireNoConcurrentStart(table.table(), record);
            // an Iceberg table's metastore entry belongs to Iceberg's commits: a parameter write could race them
            if (table.tableType() == TableType.HIVE) {
                context.metastore().updateTableParameters(table.table(), Map.of(LOCK_PARAMETER, Optional.of(record.id())));
            }
        }
        catch (RuntimeException e) {
            context.locks().release(table.table(), record.id());
            throw e;
        }
    }

    /**
     * The engine's Iceberg catalog must read the table Dredge found: Dredge plans and verifies by the metastore's
     * table, and the engine rewrites, expires and rolls back by its catalog's. A catalog configured for another
     * metastore (a forgotten {@code dredge.iceberg-catalog-name}) can hold another table of the same name, or a stale
     * or newer copy of this one (a table registered in a second catalog and written there): the engine's current
     * metadata file must be the one Dredge reads. A commit racing this check is told apart by reading both again.
     */
    public void requireEngineReadsTable(TableDescriptor table)
    {
        SqlDialect dialect = context.engine().dialect();
        if (table.tableType() != TableType.ICEBERG || dialect != SqlDialect.TRINO || table.icebergMetadataLocation().isEmpty()) {
            return;
        }
        String log = dialect.qualifiedName(context.icebergCatalog(), table.table().schemaName(), table.table().tableName() + "$metadata_log_entries");
        String query = "SELECT max_by(file, timestamp) FROM " + log;
        Optional<String> dredges = table.icebergMetadataLocation();
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<String> engines = Optional.ofNullable((String) context.engine().query(query).get(0).get(0));
            if (engines.isPresent() && dredges.isPresent() && Locations.samePath(engines.get(), dredges.get())
                    && Locations.fileSystem(engines.get()).equals(Locations.fileSystem(dredges.get()))) {
                return;
            }
            dredges = context.metastore().getTable(table.table()).flatMap(TableDescriptor::icebergMetadataLocation);
        }
        throw new DredgeException(UNSAFE, ("the engine's catalog %s does not read %s as Dredge finds it (Dredge reads metadata %s): either commits kept racing this check (try again), or %s is " +
                "another catalog, holding another table or another copy of it; set dredge.iceberg-catalog-name to the Iceberg catalog configured with the same catalog properties as this Dredge catalog. Nothing was changed")
                .formatted(context.icebergCatalog().orElse("(none)"), table.table(), table.icebergMetadataLocation().get(), context.icebergCatalog().orElse("(none)")));
    }

    /**
     * Removes the operation's mark from the table that carries it: under {@code table}, or under the name a rename
     * gave it while the operation ran (the mark moves with the table; left behind, it would make Hive's guard refuse
     * the table's writes). Another operation may have taken the table since a crash: only our own mark is removed.
     */
    public void release(TableReference table, String operationId)
    {
        try {
            Optional<TableDescriptor> named = context.metastore().getTable(table);
            Optional<TableDescriptor> holder = named.filter(descriptor -> HeldTable.holds(descriptor, operationId));
            if (holder.isEmpty() && named.map(descriptor -> descriptor.tableType() == TableType.HIVE).orElse(true)) {
                holder = new HeldTable(context).findHolder(table.schemaName(), operationId);
            }
            holder.ifPresent(descriptor -> context.metastore().updateTableParameters(descriptor.table(), Map.of(LOCK_PARAMETER, Optional.empty())));
        }
        finally {
            context.locks().release(table, operationId);
        }
    }

    /**
     * Another engine (Trino and Hive, or two coordinators) may have passed {@link #requireNoUnfinishedOperation} at
     * the same time: each operation journals itself first and then looks again, so of two that overlap at least the
     * later one sees the other and stands down; neither touches the table.
     */
    private void requireNoConcurrentStart(TableReference table, OperationRecord record)
    {
        Optional<OperationRecord> other = context.journal().listRunning(table).stream()
                .filter(running -> !running.id().equals(record.id()))
                .findFirst();
        if (other.isPresent()) {
            String message = "table %s is held by operation %s, started at the same time as this one; try again when it has finished".formatted(table, other.get().id());
            context.journal().save(record.withStep("stood down: " + message).finished(OperationState.FAILED, Optional.of(message), context.clock().instant()));
            throw new DredgeException(TABLE_BUSY, message);
        }
    }

    private void requireNoUnfinishedOperation(TableReference table)
    {
        context.journal().listRunning(table).stream().findFirst().ifPresent(record -> {
            throw new DredgeException(TABLE_BUSY, "table %s has an unfinished %s operation %s (step: %s); run CALL dredge.system.recover(schema_name => '%s', table_name => '%s')"
                    .formatted(table, record.kind().name().toLowerCase(Locale.ROOT), record.id(), record.step(), table.schemaName(), table.tableName()));
        });
    }

    /**
     * Analysed, not run: fails when the user may not insert into the table. Hive analyses no EXPLAIN through
     * HiveServer2's client here: its adapter asks the session's authorizer before the call instead.
     */
    static Optional<String> validateInsert(SqlDialect dialect, Optional<String> catalog, TableReference table)
    {
        if (dialect == SqlDialect.HIVE) {
            return Optional.empty();
        }
        String name = dialect.qualifiedName(catalog, table.schemaName(), table.tableName());
        return Optional.of("EXPLAIN (TYPE VALIDATE) INSERT INTO %s SELECT * FROM %s WHERE false".formatted(name, name));
    }
}
