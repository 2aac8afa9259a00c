package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import io.dredge.core.DredgeException;
import io.dredge.core.iceberg.IcebergTableFiles;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationRecord.IcebergSnapshots;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.PartitionFiles;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableFiles;
import io.dredge.core.report.FileGroupStatus;
import io.dredge.core.sql.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static java.util.Objects.requireNonNull;

/**
 * Compaction of an Iceberg table. Iceberg commits atomically, so the engine's own {@code optimize} does the swap;
 * Dredge plans, journals, verifies the new snapshot against the one before it (count and checksum with time travel)
 * and rolls back to the snapshot before, refusing when later commits would be discarded.
 */
public final class IcebergCompaction
{
    private static final Logger log = LoggerFactory.getLogger(IcebergCompaction.class);

    private final MaintenanceContext context;
    private final OperationGuard guard;
    private final SqlDialect dialect;

    public IcebergCompaction(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.dialect = context.engine().dialect();
    }

    public OperationRecord compact(TableDescriptor table, CompactionOptions options)
    {
        options.partitionFilter().ifPresent(CompactionSql::requireSelfContainedExpression);
        OperationRecord record = OperationRecord.start(OperationKind.COMPACT, table.table(), context.user(), Optional.empty(), context.clock().instant());
        TableFiles before = IcebergTableFiles.read(context.fileStore(), table);
        List<PartitionFiles> planned = before.partitions().stream()
                .filter(partition -> needsCompaction(partition.files(), options))
                .collect(toImmutableList());
        // with a filter the engine chooses the partitions; without one, only those the policy names count
        boolean nothingToDo = planned.isEmpty() && options.partitionFilter().isEmpty();
        record = record.withPlan(options.verification().sqlName(), before.partitions().size(), ImmutableList.of(wholeTable(table, before.allFiles())));
        if (options.dryRun()) {
            record = record.withStep("dry run: %s of %s partitions need compaction, %s files".formatted(
                            planned.size(), before.partitions().size(), planned.stream().mapToLong(partition -> partition.files().size()).sum()))
                    .finished(OperationState.PLANNED, Optional.empty(), context.clock().instant());
            context.journal().save(record);
            return record;
        }
        guard.requireWriteAccess(table);
        guard.acquire(table, record);
        try {
            return nothingToDo ? finish(record, "nothing to compact") : run(table, options, record);
        }
        catch (FaultInjector.InjectedFault e) {
            // a simulated crash: the journal keeps saying RUNNING, for recover
            throw e;
        }
        catch (RuntimeException e) {
            context.journal().save(record.finished(OperationState.FAILED, Optional.of(String.valueOf(e.getMessage())), context.clock().instant()));
            throw e;
        }
        finally {
            guard.release(table.table(), record.id());
        }
    }

    private OperationRecord run(TableDescriptor table, CompactionOptions options, OperationRecord record)
    {
        Optional<Long> before = currentSnapshot(table);
        if (before.isEmpty()) {
            return finish(record, "nothing to compact: the table has no snapshot");
        }
        context.journal().save(record.withStep("optimizing from snapshot " + before.get()));
        String optimize = "ALTER TABLE %s EXECUTE optimize(file_size_threshold => %s)%s".formatted(
                name(table),
                dialect.stringLiteral(options.policy().targetFileSizeBytes() + "B"),
                options.partitionFilter().map(filter -> " WHERE (" + filter + ")").orElse(""));
        try {
            context.engine().update(optimize, context.writeSizing().sessionProperties(context.icebergCatalog(), options.policy().targetFileSizeBytes()));
        }
        catch (RuntimeException e) {
            if (options.partitionFilter().isPresent()) {
                throw new DredgeException(INVALID_ARGUMENT, "partition_filter must be a predicate over the partition columns of %s: %s".formatted(table.table(), e.getMessage()), e);
            }
            throw e;
        }
        long after = currentSnapshot(table).orElseThrow();
        if (after == before.get()) {
            return finish(record, "nothing to compact: optimize rewrote no files");
        }
        IcebergSnapshots snapshots = new IcebergSnapshots(before.get(), after);
        record = record.withIcebergSnapshots(snapshots).withStep("verifying snapshot %s against %s (%s)".formatted(after, before.get(), options.verification().sqlName()));
        context.journal().save(record);
        context.faults().reached(ProtocolStep.WRITTEN, 1);

        List<Object> verification = context.engine().query(verificationQuery(table, snapshots, options.verification())).get(0);
        long rows = ((Number) verification.get(0)).longValue();
        boolean same = Objects.equals(verification.get(0), verification.get(1))
                && (options.verification() == Verification.COUNT || Arrays.equals((byte[]) verification.get(2), (byte[]) verification.get(3)));
        if (!same) {
            rollbackTo(table, record, snapshots);
            throw new DredgeException(UNSAFE, "compaction of %s rolled back: snapshot %s does not hold the same rows as %s".formatted(table.table(), after, before.get()));
        }
        TableDescriptor current = context.metastore().getTable(table.table()).orElseThrow();
        PartitionRecord whole = wholeTable(table, record.partitions().get(0).inputFiles());
        record = record.withPartitions(ImmutableList.of(new PartitionRecord(whole.name(), whole.originalLocation(), whole.stagingLocation(), whole.inputFiles(),
                PartitionState.SWAPPED, Optional.empty(), rows, IcebergTableFiles.read(context.fileStore(), current).allFiles(), Optional.empty())));
        context.faults().reached(ProtocolStep.BEFORE_COMPLETION, 1);
        PartitionRecord result = record.partitions().get(0);
        return finish(record, "compacted snapshot %s into %s: %s files -> %s files".formatted(before.get(), after, result.inputFiles().size(), result.outputFiles().size()));
    }

    /**
     * Back to the snapshot before the compaction; refused when the table has commits after it.
     */
    void rollbackTo(TableDescriptor table, OperationRecord compaction, IcebergSnapshots snapshots)
    {
        long current = currentSnapshot(table).orElseThrow();
        if (current != snapshots.after()) {
            throw new DredgeException(UNSAFE, "%s has commits after compaction %s (current snapshot %s, not %s): rolling back would discard them; nothing was changed"
                    .formatted(table.table(), compaction.id(), current, snapshots.after()));
        }
        context.engine().update("ALTER TABLE %s EXECUTE rollback_to_snapshot(snapshot_id => %s)".formatted(name(table), snapshots.before()), Map.of());
        log.info("operation {}: {} is back on snapshot {}", compaction.id(), table.table(), snapshots.before());
    }

    private OperationRecord finish(OperationRecord record, String summary)
    {
        OperationRecord finished = record.withStep(summary).finished(OperationState.SUCCEEDED, Optional.empty(), context.clock().instant());
        context.journal().save(finished);
        log.info("compaction {} of {}: {}", record.id(), record.table(), summary);
        return finished;
    }

    private Optional<Long> currentSnapshot(TableDescriptor table)
    {
        return context.engine().query("SELECT snapshot_id FROM %s WHERE is_current_ancestor ORDER BY made_current_at DESC LIMIT 1".formatted(
                        dialect.qualifiedName(context.icebergCatalog(), table.table().schemaName(), table.table().tableName() + "$history")))
                .stream()
                .map(row -> ((Number) row.get(0)).longValue())
                .findFirst();
    }

    private String verificationQuery(TableDescriptor table, IcebergSnapshots snapshots, Verification verification)
    {
        List<String> columns = context.engine().query("SELECT column_name FROM %s.information_schema.columns WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position".formatted(
                        dialect.quoteIdentifier(context.icebergCatalog().orElseThrow()),
                        dialect.stringLiteral(table.table().schemaName()),
                        dialect.stringLiteral(table.table().tableName())))
                .stream()
                .map(row -> (String) row.get(0))
                .collect(toImmutableList());
        String before = "%s FOR VERSION AS OF %s".formatted(name(table), snapshots.before());
        String after = "%s FOR VERSION AS OF %s".formatted(name(table), snapshots.after());
        if (verification == Verification.COUNT) {
            return "SELECT (SELECT count(*) FROM %s), (SELECT count(*) FROM %s)".formatted(before, after);
        }
        String rowHash = new CompactionSql(dialect, context.icebergCatalog()).rowHash(columns);
        return "SELECT (SELECT count(*) FROM %1$s), (SELECT count(*) FROM %2$s), (SELECT checksum(%3$s) FROM %1$s), (SELECT checksum(%3$s) FROM %2$s)".formatted(before, after, rowHash);
    }

    private String name(TableDescriptor table)
    {
        return dialect.qualifiedName(context.icebergCatalog(), table.table().schemaName(), table.table().tableName());
    }

    private static boolean needsCompaction(List<TableFile> files, CompactionOptions options)
    {
        return options.policy().status(files.size(), files.stream().mapToLong(TableFile::sizeBytes).sum()) == FileGroupStatus.NEEDS_COMPACTION;
    }

    /**
     * An Iceberg compaction is journaled as one entry for the whole table: its live files before and after.
     */
    private static PartitionRecord wholeTable(TableDescriptor table, List<TableFile> files)
    {
        String location = table.location().orElse("");
        return PartitionRecord.planned(Optional.empty(), location, location, files);
    }
}
