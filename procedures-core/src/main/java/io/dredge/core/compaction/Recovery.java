package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import io.dredge.core.DredgeException;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.TABLE_BUSY;
import static io.dredge.core.compaction.TableLocks.LOCK_PARAMETER;
import static java.util.Objects.requireNonNull;

/**
 * Finishes or undoes operations that a crash left {@code RUNNING}. A compaction that had swapped every partition
 * it verified is finished; any other is undone. An interrupted rollback or cleanup is run to its end (both are
 * idempotent).
 */
public final class Recovery
{
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final MaintenanceContext context;
    private final OperationGuard guard;
    private final CompactionUndo undo;

    public Recovery(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.undo = new CompactionUndo(context);
    }

    public OperationRecord recover(TableReference table)
    {
        TableDescriptor descriptor = guard.requireTable(table);
        guard.requireWriteAccess(descriptor);
        OperationRecord record = OperationRecord.start(OperationKind.RECOVER, table, context.user(), Optional.empty(), context.clock().instant());
        Optional<String> holder = context.locks().tryClaim(table, record.id());
        if (holder.isPresent()) {
            throw new DredgeException(TABLE_BUSY, "table %s is held by running operation %s, which is not interrupted: nothing to recover".formatted(table, holder.get()));
        }
        try {
            context.journal().save(record);
            List<OperationRecord> unfinished = context.journal().listRunning(table).stream()
                    .filter(operation -> !operation.id().equals(record.id()))
                    .collect(ImmutableList.toImmutableList());
            ImmutableList.Builder<String> outcomes = ImmutableList.builder();
            for (OperationRecord operation : unfinished) {
                outcomes.add(recover(operation));
            }
            if (descriptor.parameter(LOCK_PARAMETER).isPresent()) {
                context.metastore().updateTableParameters(table, Map.of(LOCK_PARAMETER, Optional.empty()));
            }
            List<String> done = outcomes.build();
            OperationRecord finished = record.withStep(done.isEmpty() ? "nothing to recover" : String.join("; ", done))
                    .finished(OperationState.SUCCEEDED, Optional.empty(), context.clock().instant());
            context.journal().save(finished);
            log.info("recover {} on {}: {}", record.id(), table, finished.step());
            return finished;
        }
        catch (RuntimeException e) {
            context.journal().save(record.finished(OperationState.FAILED, Optional.of(String.valueOf(e.getMessage())), context.clock().instant()));
            throw e;
        }
        finally {
            context.locks().release(table, record.id());
        }
    }

    private String recover(OperationRecord operation)
    {
        return switch (operation.kind()) {
            case COMPACT -> recoverCompaction(operation);
            case ROLLBACK -> {
                OperationRecord target = targetOf(operation);
                if (target.icebergSnapshots().isPresent()) {
                    yield new IcebergCompaction(context).recoverRollback(operation, target);
                }
                context.journal().save(undo.restore(target).withState(OperationState.ROLLED_BACK));
                finish(operation, OperationState.SUCCEEDED, "finished by recover");
                yield "finished rollback %s of compaction %s".formatted(operation.id(), target.id());
            }
            case CLEANUP -> {
                OperationRecord target = targetOf(operation);
                String summary = new Cleanup(context).deleteOriginals(target);
                context.journal().save(target.withState(OperationState.CLEANED_UP));
                finish(operation, OperationState.SUCCEEDED, summary + " (finished by recover)");
                yield "finished cleanup %s of compaction %s".formatted(operation.id(), target.id());
            }
            case RECOVER -> {
                finish(operation, OperationState.RECOVERED, "superseded by a later recover");
                yield "closed interrupted recover " + operation.id();
            }
        };
    }

    private String recoverCompaction(OperationRecord compaction)
    {
        if (compaction.icebergSnapshots().isPresent() || context.metastore().getTable(compaction.table()).map(table -> table.tableType() == TableType.ICEBERG).orElse(false)) {
            return new IcebergCompaction(context).recover(compaction);
        }
        boolean allSwapped = !compaction.partitionsIn(PartitionState.SWAPPED).isEmpty()
                && compaction.partitionsIn(PartitionState.VERIFIED).isEmpty()
                && compaction.partitionsIn(PartitionState.PLANNED).isEmpty();
        if (allSwapped) {
            // every verified partition already reads the new copy: finishing is the smaller step
            OperationRecord withBackup = compaction.withBackupTable(compaction.backupTable().orElseGet(() -> BackupTables.backupTableName(compaction)));
            new BackupTables(context).create(context.metastore().getTable(compaction.table()).orElseThrow(), withBackup, withBackup.partitionsIn(PartitionState.SWAPPED));
            undo.removeStaging(withBackup, false);
            finish(withBackup, OperationState.SUCCEEDED, "compacted %s partitions (finished by recover)".formatted(compaction.partitionsIn(PartitionState.SWAPPED).size()));
            return "finished compaction " + compaction.id();
        }
        OperationRecord restored = undo.restore(compaction);
        finish(restored, OperationState.RECOVERED, restored.step() + " (undone by recover)");
        return "undid compaction %s (%s partitions restored)".formatted(compaction.id(), restored.partitionsIn(PartitionState.RESTORED).size());
    }

    private OperationRecord targetOf(OperationRecord operation)
    {
        String targetId = operation.targetOperationId().orElseThrow(() -> new IllegalStateException("operation %s has no target".formatted(operation.id())));
        return context.journal().find(operation.table().schemaName(), targetId)
                .orElseThrow(() -> new IllegalStateException("journal has no operation %s, the target of %s".formatted(targetId, operation.id())));
    }

    private void finish(OperationRecord operation, OperationState state, String step)
    {
        context.journal().save(operation.withStep(step).finished(state, operation.error(), context.clock().instant()));
    }
}
