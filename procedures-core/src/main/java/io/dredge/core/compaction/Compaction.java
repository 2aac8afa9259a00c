package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.DredgeException;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.SkippedLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.NOT_FOUND;
import static java.util.Objects.requireNonNull;

/**
 * {@code compact_table}: routes a table to the protocol for its kind, {@link HiveCompaction} or {@link IcebergCompaction}.
 */
public final class Compaction
{
    private static final Logger log = LoggerFactory.getLogger(Compaction.class);

    private final MaintenanceContext context;

    public Compaction(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    public OperationRecord compact(TableReference table, CompactionOptions options)
    {
        TableDescriptor descriptor = new OperationGuard(context).requireTable(table);
        if (descriptor.tableType() == TableType.ICEBERG) {
            return new IcebergCompaction(context).compact(descriptor, options);
        }
        OperationGuard.requireCompactableHiveTable(descriptor);
        // the engine reads, rewrites and verifies: a table whose lines it misreads or cannot write is refused here, before
        // anything is written; a partition whose own serde parameters differ from the table's is left alone by the plan
        SkippedLines rule = SkippedLines.compaction(context.engine().dialect());
        if (rule.refusesAny()) {
            context.metastore().getTableDefinition(table).ifPresent(definition ->
                    rule.require("cannot compact " + table, "compact_table", definition, List.of()));
        }
        return new HiveCompaction(context).compact(descriptor, options);
    }

    /**
     * {@code compact_schema}: every candidate table of the schema, one at a time; a table that fails does not stop
     * the others, and is named with its error in the result.
     */
    public SchemaResult compactSchema(String schemaName, CompactionOptions options)
    {
        if (!context.metastore().schemaExists(schemaName)) {
            throw new DredgeException(NOT_FOUND, "schema %s does not exist".formatted(schemaName));
        }
        ImmutableList.Builder<OperationRecord> compacted = ImmutableList.builder();
        ImmutableMap.Builder<String, String> failures = ImmutableMap.builder();
        for (String tableName : context.metastore().listTables(schemaName)) {
            Optional<TableDescriptor> table = context.metastore().getTable(new TableReference(schemaName, tableName)).filter(Compaction::isCandidate);
            if (table.isEmpty()) {
                continue;
            }
            if (context.engine().cancellation().isPresent()) {
                // the call was cancelled (an earlier table's compaction failed for it): start no other table
                log.warn("compact_schema {}: {} not compacted: {}", schemaName, tableName, context.engine().cancellation().get());
                failures.put(tableName, "not compacted: cancelled: " + context.engine().cancellation().get());
                continue;
            }
            try {
                OperationRecord result = compact(table.get().table(), options);
                log.info("compact_schema {}: {}: {}", schemaName, tableName, result.step());
                compacted.add(result);
            }
            catch (RuntimeException e) {
                log.warn("compact_schema {}: {} failed: {}", schemaName, tableName, e.getMessage());
                failures.put(tableName, String.valueOf(e.getMessage()));
            }
        }
        return new SchemaResult(compacted.build(), failures.buildOrThrow());
    }

    /**
     * @param failures the error of each table that failed, by table name
     */
    public record SchemaResult(List<OperationRecord> compacted, Map<String, String> failures)
    {
        public SchemaResult
        {
            compacted = ImmutableList.copyOf(requireNonNull(compacted, "compacted is null"));
            failures = ImmutableMap.copyOf(requireNonNull(failures, "failures is null"));
        }
    }

    /**
     * Whether {@code compact_schema} should compact the table: Iceberg tables, and Hive tables the protocol handles
     * (not views, ACID tables, unwritable formats or Dredge's own staging and backup tables).
     */
    public static boolean isCandidate(TableDescriptor table)
    {
        if (table.view() || table.dredgeRole().isPresent()) {
            return false;
        }
        if (table.tableType() == TableType.ICEBERG) {
            return true;
        }
        try {
            OperationGuard.requireCompactableHiveTable(table);
            return true;
        }
        catch (DredgeException e) {
            return false;
        }
    }
}
