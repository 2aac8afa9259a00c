package io.dredge.core.backup;

import io.dredge.core.DredgeException;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.sql.SqlDialect;

import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.ACCESS_DENIED;
import static java.util.Objects.requireNonNull;

/**
 * Who may do what with a backup. A backup is a copy of a table's rows, so a backup name must not reach further than
 * the table does: restoring or verifying it needs read access to the table it was taken of (under the name it had
 * then, as the manifest records it), and dropping it needs ownership-level rights on that table, or being the user who
 * made it and may still read the table. When that table no longer exists (or the name now means a view or a table of another kind),
 * there is nobody to ask: only the backup's maker may then restore, verify or drop it.
 *
 * <p>The engine decides, as the calling user: Trino analyses, without running, a statement that needs the access;
 * Hive's adapter asks the session's authorizer before the call (the statements here are Trino's).
 */
final class BackupAccess
{
    private final MaintenanceContext context;

    BackupAccess(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    /**
     * The caller may read {@code table} (a backup copies all of it).
     */
    void requireRead(TableReference table, TableType type)
    {
        new OperationGuard(context).requireReadAccess(table, type);
    }

    /**
     * The caller may create {@code table} (a restore does). A plain CREATE TABLE is checked only when it runs, a
     * CREATE TABLE AS while it is analysed.
     */
    void requireCreate(TableReference table, TableType type)
    {
        refusal("EXPLAIN (TYPE VALIDATE) CREATE TABLE %s AS SELECT 1 AS restore_check", table, type).ifPresent(refusal -> {
            throw new DredgeException(ACCESS_DENIED, "user %s may not create %s: %s".formatted(context.user(), table, refusal.getMessage()), refusal);
        });
    }

    /**
     * The caller may restore or verify the backup: they may read its table, or, that table gone, they made the backup.
     */
    void requireUse(BackupManifest manifest, String action)
    {
        if (existingSource(manifest).isEmpty()) {
            requireMaker(manifest, action);
            return;
        }
        refusal("EXPLAIN (TYPE VALIDATE) SELECT * FROM %s", manifest.sourceTable(), manifest.tableType()).ifPresent(refusal -> {
            throw new DredgeException(ACCESS_DENIED, "user %s may not %s backup %s: it is a copy of %s, which they may not read: %s".formatted(
                    context.user(), action, manifest.name(), manifest.sourceTable(), refusal.getMessage()), refusal);
        });
    }

    /**
     * Dropping a backup destroys a copy of the table, as dropping the table would. Trino checks DROP TABLE only when
     * it runs, so the engine is asked about the nearest statement it checks while analysing: replacing the table
     * ({@code CREATE OR REPLACE TABLE ... AS}, which file-based rules grant with ownership of the table, as DROP TABLE).
     * The backup's maker may drop it too, while still allowed to read the table. The table gone: the maker only.
     */
    void requireDrop(BackupManifest manifest)
    {
        Optional<TableReference> source = existingSource(manifest);
        if (source.isEmpty() || context.engine().dialect() != SqlDialect.TRINO) {
            requireMaker(manifest, "drop");
            return;
        }
        Optional<RuntimeException> replaceRefused = refusal("EXPLAIN (TYPE VALIDATE) CREATE OR REPLACE TABLE %s AS SELECT 1 AS drop_check", source.get(), manifest.tableType());
        if (replaceRefused.isEmpty()) {
            return;
        }
        if (!manifest.user().equals(context.user())) {
            throw new DredgeException(ACCESS_DENIED, "user %s may not drop backup %s: only %s, who made it, or a user who may replace %s, may drop it: %s".formatted(
                    context.user(), manifest.name(), manifest.user(), manifest.sourceTable(), replaceRefused.get().getMessage()), replaceRefused.get());
        }
        requireUse(manifest, "drop");
    }

    /**
     * The table the backup was taken of, if its name still means a table of the same kind.
     */
    Optional<TableReference> existingSource(BackupManifest manifest)
    {
        if (!context.metastore().schemaExists(manifest.sourceTable().schemaName())) {
            return Optional.empty();
        }
        return context.metastore().getTable(manifest.sourceTable())
                .filter(table -> !table.view() && table.tableType() == manifest.tableType())
                .map(TableDescriptor::table);
    }

    private void requireMaker(BackupManifest manifest, String action)
    {
        if (manifest.user().equals(context.user())) {
            return;
        }
        String reason = existingSource(manifest).isPresent()
                ? "only %s, who made it, may %s it here".formatted(manifest.user(), action)
                : "%s, which it is a copy of, no longer exists, so only %s, who made it, may %s it".formatted(manifest.sourceTable(), manifest.user(), action);
        throw new DredgeException(ACCESS_DENIED, "user %s may not %s backup %s: %s".formatted(context.user(), action, manifest.name(), reason));
    }

    /**
     * The engine's refusal of {@code statement} on {@code table} to the caller; empty when it allows it.
     */
    private Optional<RuntimeException> refusal(String statement, TableReference table, TableType type)
    {
        SqlDialect dialect = context.engine().dialect();
        if (dialect != SqlDialect.TRINO) {
            // the statements are Trino's; Hive's adapter asks the session's authorizer before the call
            return Optional.empty();
        }
        Optional<String> catalog = type == TableType.ICEBERG ? context.icebergCatalog() : context.catalog();
        try {
            context.engine().query(statement.formatted(dialect.qualifiedName(catalog, table.schemaName(), table.tableName())));
            return Optional.empty();
        }
        catch (RuntimeException e) {
            return Optional.of(e);
        }
    }
}
