package io.dredge.core.maintenance;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.DredgeException;
import io.dredge.core.compaction.Compaction;
import io.dredge.core.compaction.CompactionOptions;
import io.dredge.core.compaction.IcebergEngineRewrite;
import io.dredge.core.compaction.Recovery;
import io.dredge.core.hygiene.ExpiryOptions;
import io.dredge.core.hygiene.OrphanOptions;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.hygiene.SnapshotExpiry;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.report.HealthFix;
import io.dredge.core.report.TableHealthRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.DredgeException.Kind.OPERATIONS_FAILED;
import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * {@code maintain_schema}: runs each table's {@code fix} from {@code table_health}, in its order (recover, compact,
 * Trino's {@code optimize} and {@code optimize_manifests} of an Iceberg table, expire, remove orphan files into the
 * quarantine), each statement its own operation (Trino's held, journaled and verified as {@link IcebergEngineRewrite}). A table another operation holds has no fix; a table
 * whose statement fails gets none of its later ones, and the other tables go on.
 */
public final class SchemaMaintenance
{
    private static final Logger log = LoggerFactory.getLogger(SchemaMaintenance.class);

    private final MaintenanceContext context;

    public SchemaMaintenance(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    /**
     * @param compaction how {@code compact_table} runs; its {@code dryRun} makes every statement a dry run, and
     * {@code recover}, which has none, is then left out
     */
    public Result maintain(List<TableHealthRow> health, CompactionOptions compaction)
    {
        ImmutableList.Builder<OperationRecord> operations = ImmutableList.builder();
        ImmutableMap.Builder<String, String> failures = ImmutableMap.builder();
        for (TableHealthRow row : health) {
            for (HealthFix fix : row.fixes()) {
                if (context.engine().cancellation().isPresent()) {
                    failures.put(row.table().tableName(), "not maintained: cancelled: " + context.engine().cancellation().get());
                    break;
                }
                try {
                    switch (fix.procedure()) {
                        case RECOVER -> {
                            if (!compaction.dryRun()) {
                                operations.add(new Recovery(context).recover(fix.table()));
                            }
                        }
                        case COMPACT_TABLE -> operations.add(new Compaction(context).compact(fix.table(), compaction));
                        case OPTIMIZE, OPTIMIZE_MANIFESTS -> operations.add(rewrite(fix, compaction));
                        case EXPIRE_SNAPSHOTS -> operations.add(new SnapshotExpiry(context).expire(fix.table(),
                                new ExpiryOptions(fix.olderThan().orElseThrow(), fix.retainLast().orElseThrow(), compaction.dryRun())));
                        case REMOVE_ORPHAN_FILES -> operations.add(new OrphanRemoval(context).remove(fix.table(),
                                new OrphanOptions(OrphanOptions.DEFAULT_AGE, compaction.dryRun(), false)));
                    }
                }
                catch (RuntimeException e) {
                    // the later statements of this table's fix assume this one succeeded
                    log.warn("maintain_schema: {} of {} failed: {}", fix.procedure(), fix.table(), e.getMessage());
                    failures.put(row.table().tableName(), "%s failed: %s".formatted(name(fix), e.getMessage()));
                    break;
                }
            }
        }
        return new Result(operations.build(), failures.buildKeepingLast());
    }

    /**
     * Runs one of Trino's table procedures through the engine, as the calling user, as an operation of its own: the
     * table held, the statement journaled, and the rows of what it rewrote verified ({@link IcebergEngineRewrite}).
     */
    private OperationRecord rewrite(HealthFix fix, CompactionOptions compaction)
    {
        String sql = fix.tableProcedureSql(context.icebergCatalog().orElseThrow(() -> new DredgeException(NOT_SUPPORTED, "%s runs only through Trino".formatted(name(fix)))));
        // optimize writes as compaction does: one writer per task, so not a file per thread
        Map<String, String> session = fix.procedure() == HealthFix.Procedure.OPTIMIZE
                ? context.writeSizing().sessionProperties(context.icebergCatalog(), compaction.policy().targetFileSizeBytes())
                : Map.of();
        return new IcebergEngineRewrite(context).rewrite(fix.table(), sql, session, compaction.dryRun());
    }

    private static String name(HealthFix fix)
    {
        return fix.procedure().name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param operations what each statement journaled, in the order they ran
     * @param failures by table name, why its fix stopped
     */
    public record Result(List<OperationRecord> operations, Map<String, String> failures)
    {
        public Result
        {
            operations = ImmutableList.copyOf(requireNonNull(operations, "operations is null"));
            failures = ImmutableMap.copyOf(requireNonNull(failures, "failures is null"));
        }

        /**
         * The operations, unless a table's fix failed: then the call fails, naming each such table and why.
         */
        public List<OperationRecord> requireNoFailures(String schema)
        {
            if (failures.isEmpty()) {
                return operations;
            }
            String tables = failures.entrySet().stream()
                    .map(failure -> "%s (%s)".formatted(failure.getKey(), failure.getValue()))
                    .collect(joining("; "));
            throw new DredgeException(OPERATIONS_FAILED, "maintain_schema %s: %s tables failed, the others were maintained: %s".formatted(schema, failures.size(), tables));
        }
    }
}
