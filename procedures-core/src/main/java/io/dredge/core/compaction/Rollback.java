package io.dredge.core.compaction;

import io.dredge.core.DredgeException;
import io.dredge.core.journal.OperationDetails;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.location.LocationReaders;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationFrame;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.TableIdentity;
import io.dredge.core.report.HiveTableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.NOT_FOUND;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static java.util.Objects.requireNonNull;

/**
 * Puts a table back on exactly the files it had before a compaction. Refused, with nothing changed, when that
 * would hide rows written since (new files in a compacted partition) or when cleanup already deleted the originals.
 */
public final class Rollback
{
    private static final Logger log = LoggerFactory.getLogger(Rollback.class);

    private final MaintenanceContext context;
    private final OperationGuard guard;
    private final CompactionUndo undo;
    private final OperationFrame frame;

    public Rollback(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.undo = new CompactionUndo(context);
        this.frame = new OperationFrame(context);
    }

    /**
     * Rolls back the given compaction, or the table's latest one.
     */
    public OperationRecord rollback(TableReference table, Optional<String> compactionId)
    {
        TableDescriptor descriptor = guard.requireTable(table);
        OperationRecord target = findTarget(table, compactionId);
        TableIdentity.requireSame(context, descriptor, target);
        guard.requireWriteAccess(descriptor);
        OperationRecord record = OperationRecord.start(OperationKind.ROLLBACK, table, context.user(), Optional.of(target.id()), OperationDetails.NONE, context.clock().instant());
        return frame.hold(descriptor, record, () -> {
            String summary = "restored %s partitions of compaction %s to their original files".formatted(target.compaction().compactedPartitions().size(), target.id());
            if (target.compaction().icebergSnapshots().isPresent()) {
                OperationRecord rolledBack = new IcebergCompaction(context).rollBack(descriptor, target);
                context.journal().save(rolledBack);
                summary = "%s of compaction %s".formatted(rolledBack.step(), target.id());
            }
            else {
                requireSafe(target);
                context.journal().save(record.withStep("restoring %s partitions of compaction %s".formatted(target.compaction().compactedPartitions().size(), target.id())));
                context.journal().save(undo.restore(target).withState(OperationState.ROLLED_BACK));
            }
            OperationRecord finished = record.withStep(summary)
                    .finished(OperationState.SUCCEEDED, Optional.empty(), context.clock().instant());
            context.journal().save(finished);
            log.info("rollback {}: {} is back on the files it had before compaction {}", record.id(), table, target.id());
            return finished;
        }, frame.journalFailed(record));
    }

    private OperationRecord findTarget(TableReference table, Optional<String> compactionId)
    {
        List<OperationRecord> compactions = context.journal().list(table).stream()
                .filter(record -> record.kind() == OperationKind.COMPACT && !record.compaction().compactedPartitions().isEmpty())
                .sorted(Comparator.comparing(OperationRecord::id))
                .toList();
        if (compactionId.isPresent()) {
            OperationRecord target = compactions.stream()
                    .filter(record -> record.id().equals(compactionId.get()))
                    .findFirst()
                    .orElseThrow(() -> new DredgeException(NOT_FOUND, "table %s has no compaction %s that changed files".formatted(table, compactionId.get())));
            compactions.stream()
                    .filter(record -> record.id().compareTo(target.id()) > 0 && record.state() == OperationState.SUCCEEDED)
                    .findFirst()
                    .ifPresent(later -> {
                        throw new DredgeException(UNSAFE, "table %s was compacted again by %s after %s: roll that back first".formatted(table, later.id(), target.id()));
                    });
            return requireRollbackable(target);
        }
        if (compactions.isEmpty()) {
            throw new DredgeException(NOT_FOUND, "table %s has no compaction to roll back".formatted(table));
        }
        return requireRollbackable(compactions.get(compactions.size() - 1));
    }

    private static OperationRecord requireRollbackable(OperationRecord target)
    {
        if (target.state() == OperationState.FAILED && target.compaction().icebergSnapshots().isPresent() && !target.compaction().partitionsIn(PartitionState.SWAPPED).isEmpty()) {
            // an Iceberg compaction that failed verification but could not be undone: its snapshot is still in the table
            return target;
        }
        if (target.state() == OperationState.CLEANED_UP && target.compaction().icebergSnapshots().isPresent()) {
            throw new DredgeException(UNSAFE, "nothing left to roll back on %s: cleanup closed the rollback window of compaction %s (its files stay until Iceberg's expire_snapshots removes them)".formatted(target.table(), target.id()));
        }
        return switch (target.state()) {
            case SUCCEEDED -> target;
            case CLEANED_UP -> throw new DredgeException(UNSAFE, "nothing left to roll back on %s: cleanup deleted the original files of compaction %s".formatted(target.table(), target.id()));
            case ROLLED_BACK -> throw new DredgeException(UNSAFE, "nothing left to roll back on %s: compaction %s is already rolled back".formatted(target.table(), target.id()));
            case RUNNING -> throw new DredgeException(DredgeException.Kind.TABLE_BUSY, "compaction %s of %s is unfinished: run recover instead".formatted(target.id(), target.table()));
            default -> throw new DredgeException(UNSAFE, "nothing to roll back on %s: compaction %s ended %s and changed nothing".formatted(target.table(), target.id(), target.state()));
        };
    }

    /**
     * Each compacted partition must still be on the compaction's copy, with no file added since, and its original
     * files must all be there.
     */
    private void requireSafe(OperationRecord target)
    {
        // the original files go back to their directories: none may have become another table's meanwhile
        Cleanup.otherReaders(LocationReaders.scan(context.metastore(), context.besideExecutor()), target).ifPresent(readers -> {
            throw new DredgeException(UNSAFE, "cannot roll back compaction %s of %s: %s; nothing was changed".formatted(target.id(), target.table(), readers));
        });
        Map<String, String> current = undo.currentLocations(target);
        for (PartitionRecord partition : target.compaction().compactedPartitions()) {
            String location = current.get(partition.displayName());
            if (!partition.stagingLocation().equals(location)) {
                throw new DredgeException(UNSAFE, "%s of %s no longer reads compaction %s's files (it points at %s); nothing was changed".formatted(partition.displayName(), target.table(), target.id(), location));
            }
            CompactionUndo.difference(partition.outputFiles(), HiveTableFiles.listDataFiles(context.fileStore(), partition.stagingLocation()))
                    .ifPresent(difference -> {
                        throw new DredgeException(UNSAFE, "%s of %s received new data after compaction %s (%s): rolling back would hide it; nothing was changed".formatted(partition.displayName(), target.table(), target.id(), difference));
                    });
            // a file of the copy rewritten under its name with the same size, as Hive's INSERT OVERWRITE may write one
            target.finishedAt().ifPresent(finished -> {
                long rewritten = HiveTableFiles.listStoredDataFiles(context.fileStore(), partition.stagingLocation()).stream().filter(file -> file.lastModified().isAfter(finished)).count();
                if (rewritten > 0) {
                    throw new DredgeException(UNSAFE, "%s of %s received new data after compaction %s (%s files rewritten after it): rolling back would hide it; nothing was changed".formatted(partition.displayName(), target.table(), target.id(), rewritten));
                }
            });
            CompactionUndo.difference(partition.originalFiles(), HiveTableFiles.listDataFiles(context.fileStore(), partition.originalDataLocation()))
                    .ifPresent(difference -> {
                        throw new DredgeException(UNSAFE, "the original files of %s of %s changed after compaction %s (%s); nothing was changed".formatted(partition.displayName(), target.table(), target.id(), difference));
                    });
        }
    }
}
