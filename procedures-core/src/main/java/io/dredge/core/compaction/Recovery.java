package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import io.dredge.core.DredgeException;
import io.dredge.core.backup.BackupRecovery;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.hygiene.SnapshotExpiry;
import io.dredge.core.journal.CompactionDetails;
import io.dredge.core.journal.OperationDetails;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.HeldTable;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationFrame;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.TableLocks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static io.dredge.core.DredgeException.Kind.ACCESS_DENIED;
import static io.dredge.core.DredgeException.Kind.NOT_FOUND;
import static io.dredge.core.operation.TableLocks.LOCK_PARAMETER;
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
    private final OperationFrame frame;
    private final CompactionUndo undo;

    public Recovery(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.frame = new OperationFrame(context);
        this.undo = new CompactionUndo(context);
    }

    /**
     * Recovers every unfinished operation on the table.
     */
    public OperationRecord recover(TableReference table)
    {
        if (context.metastore().schemaExists(table.schemaName()) && context.metastore().getTable(table).isEmpty()) {
            List<String> orphaned = context.journal().listRunning(table).stream().map(OperationRecord::id).toList();
            if (!orphaned.isEmpty()) {
                throw new DredgeException(NOT_FOUND, "table %s does not exist, and operations %s on it are unfinished (was it renamed or dropped?): run CALL dredge.system.recover(schema_name => '%s', operation_id => '%s')"
                        .formatted(table, orphaned, table.schemaName(), orphaned.get(0)));
            }
        }
        TableDescriptor descriptor = guard.requireTable(table);
        guard.requireWriteAccess(descriptor);
        return run(table, recordId -> context.journal().listRunning(table).stream()
                .filter(operation -> !operation.id().equals(recordId))
                .collect(ImmutableList.toImmutableList()));
    }

    /**
     * Recovers one unfinished operation, found by its id in the schema's journal, wherever its table is now: under
     * its name, renamed, or dropped (then what is left of Dredge's goes). Only the user who started an operation
     * whose table is gone may close it; otherwise the engine decides, as for any write to the table.
     */
    public OperationRecord recover(String schemaName, String operationId)
    {
        if (!context.metastore().schemaExists(schemaName)) {
            throw new DredgeException(NOT_FOUND, "schema %s does not exist".formatted(schemaName));
        }
        OperationRecord operation = context.journal().find(schemaName, operationId)
                .orElseThrow(() -> new DredgeException(NOT_FOUND, "schema %s has no operation %s".formatted(schemaName, operationId)));
        if (operation.state() != OperationState.RUNNING) {
            throw new DredgeException(NOT_FOUND, "operation %s on %s is not unfinished (it is %s): nothing to recover".formatted(operationId, operation.table(), operation.state()));
        }
        Optional<TableDescriptor> table = new HeldTable(context).locate(operation);
        if (table.isPresent()) {
            guard.requireWriteAccess(table.get());
        }
        else if (!operation.user().equals(context.user())) {
            throw new DredgeException(ACCESS_DENIED, "table %s of operation %s no longer exists: only %s, who started it, may recover it".formatted(operation.table(), operationId, operation.user()));
        }
        return run(table.map(TableDescriptor::table).orElse(operation.table()), ignored -> ImmutableList.of(operation));
    }

    /**
     * The table that operation {@code operationId} of the schema holds now, under its name or renamed; empty when it
     * is gone or there is no such operation. For an adapter whose engine is asked before the call (Hive's authorizer)
     * rather than through its SQL, as {@link #recover(String, String)} asks Trino about this same table.
     */
    public Optional<TableReference> locate(String schemaName, String operationId)
    {
        return context.journal().find(schemaName, operationId)
                .flatMap(operation -> new HeldTable(context).locate(operation))
                .map(TableDescriptor::table);
    }

    private OperationRecord run(TableReference table, Function<String, List<OperationRecord>> unfinishedOperations)
    {
        OperationRecord record = OperationRecord.start(OperationKind.RECOVER, table, context.user(), Optional.empty(), OperationDetails.NONE, context.clock().instant());
        return frame.claim(table, record, () -> {
            ImmutableList.Builder<String> outcomes = ImmutableList.builder();
            for (OperationRecord operation : unfinishedOperations.apply(record.id())) {
                outcomes.add(recover(operation));
            }
            // the table may have been renamed by the undo's own discovery: read it again by its name now
            context.metastore().getTable(table)
                    .filter(current -> current.parameter(LOCK_PARAMETER).isPresent())
                    .ifPresent(current -> context.metastore().updateTableParameters(table, Map.of(LOCK_PARAMETER, Optional.empty())));
            List<String> done = outcomes.build();
            OperationRecord finished = record.withStep(done.isEmpty() ? "nothing to recover" : String.join("; ", done))
                    .finished(OperationState.SUCCEEDED, Optional.empty(), context.clock().instant());
            context.journal().save(finished);
            log.info("recover {} on {}: {}", record.id(), table, finished.step());
            return finished;
        }, frame.journalFailed(record));
    }

    private String recover(OperationRecord operation)
    {
        return switch (operation.kind()) {
            case COMPACT -> recoverCompaction(operation);
            case ROLLBACK -> {
                OperationRecord target = targetOf(operation);
                if (target.compaction().icebergSnapshots().isPresent()) {
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
            case BACKUP -> {
                String closed = BackupRecovery.markFailed(context, operation);
                finish(operation, OperationState.RECOVERED, closed);
                yield "closed interrupted backup %s: %s".formatted(operation.id(), closed);
            }
            case EXPIRE_SNAPSHOTS -> new SnapshotExpiry(context).recover(operation);
            case REMOVE_ORPHAN_FILES, RESTORE_ORPHAN_FILES -> new OrphanRemoval(context).recover(operation);
            case REWRITE -> new IcebergEngineRewrite(context).recover(operation);
            case RECOVER -> {
                finish(operation, OperationState.RECOVERED, "superseded by a later recover");
                yield "closed interrupted recover " + operation.id();
            }
        };
    }

    private String recoverCompaction(OperationRecord compaction)
    {
        CompactionDetails details = compaction.compaction();
        // by what the operation ran on, never by what its table's name means now: an Iceberg compaction records its
        // table's identity from the start, a Hive one none (the name may now mean an Iceberg table)
        if (details.icebergSnapshots().isPresent() || compaction.tableIdentity().isPresent()) {
            return new IcebergCompaction(context).recover(compaction);
        }
        Optional<TableDescriptor> held = new HeldTable(context).locate(compaction);
        boolean inPlace = held.map(table -> table.table().equals(compaction.table())).orElse(false);
        boolean allSwapped = inPlace
                && !details.partitionsIn(PartitionState.SWAPPED).isEmpty()
                && details.partitionsIn(PartitionState.VERIFIED).isEmpty()
                && details.partitionsIn(PartitionState.PLANNED).isEmpty();
        if (allSwapped) {
            // every verified partition already reads the new copy: finishing is the smaller step
            TableDescriptor table = held.orElseThrow();
            String backupTable = details.backupTable().orElseGet(() -> BackupTables.backupTableName(compaction));
            OperationRecord withBackup = compaction.withCompaction(current -> current.withBackupTable(backupTable));
            withBackup = new OriginalsParking(context).parkSwapped(table, withBackup);
            new BackupTables(context).create(table, withBackup, withBackup.compaction().partitionsIn(PartitionState.SWAPPED));
            undo.removeStaging(withBackup, false);
            finish(withBackup, OperationState.SUCCEEDED, "compacted %s partitions (finished by recover)".formatted(details.partitionsIn(PartitionState.SWAPPED).size()));
            return "finished compaction " + compaction.id();
        }
        // a table renamed or dropped meanwhile is not finished under a name that no longer means it: undone
        OperationRecord restored = undo.undo(compaction, held);
        finish(restored, OperationState.RECOVERED, restored.step() + " (undone by recover)");
        return "undid compaction %s (%s partitions restored)".formatted(compaction.id(), restored.compaction().partitionsIn(PartitionState.RESTORED).size());
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
