package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Lists;
import io.dredge.core.DredgeException;
import io.dredge.core.journal.CompactionDetails;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.Beside;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationFrame;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.operation.TableLocks;
import io.dredge.core.port.Metastore;
import io.dredge.core.report.FileGroupStatus;
import io.dredge.core.report.HiveTableFiles.DirectoryListing;
import io.dredge.core.report.HiveTableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static java.util.Objects.requireNonNull;

/**
 * Safe compaction of a Hive (non-Iceberg) table. At every instant each partition's location holds a complete
 * copy of its rows and the metastore points every partition at one complete copy.
 *
 * <p>The protocol's steps are those numbered in {@code docs/compaction.md} ("How compact_table works"), and the
 * methods here name the step they take: {@link #compact} the preflight and, through the {@link OperationFrame}, the
 * lock (steps 1 and 2); the run the plan, write, verify, swap and finish (steps 3 to 7). A failure undoes what was
 * done; a crash leaves the journal saying how far it got, for {@link Recovery}.
 */
public final class HiveCompaction
{
    private static final Logger log = LoggerFactory.getLogger(HiveCompaction.class);
    private static final int SWAP_BATCH_SIZE = 20;
    static final String STAGING_DIRECTORY = ".dredge";

    private final MaintenanceContext context;
    private final OperationGuard guard;
    private final OperationFrame frame;
    private final CompactionSql sql;
    private final CompactionUndo undo;
    private final HiveCompactionPlanner planner;
    private final CopyVerification verification;

    public HiveCompaction(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.frame = new OperationFrame(context);
        this.sql = new CompactionSql(context.engine().dialect(), context.catalog());
        this.undo = new CompactionUndo(context);
        this.planner = new HiveCompactionPlanner(context, sql);
        this.verification = new CopyVerification(context, sql);
    }

    /**
     * Steps 1 (preflight) and 2 (lock), then the run.
     */
    public OperationRecord compact(TableDescriptor descriptor, CompactionOptions options)
    {
        TableReference table = descriptor.table();
        OperationGuard.requireCompactableHiveTable(descriptor);
        guard.requireRelocatableMetastore(descriptor);
        Run run = new Run(descriptor, options, OperationRecord.start(OperationKind.COMPACT, table, context.user(), Optional.empty(), CompactionDetails.unplanned(), context.clock().instant()));
        if (options.dryRun()) {
            return run.dryRun();
        }
        guard.requireWriteAccess(descriptor);
        return frame.hold(descriptor, run.record, run::execute, e -> {
            log.warn("compaction {} of {} failed at step '{}', undoing: {}", run.record.id(), table, run.record.step(), e.toString());
            undo.undoFailed(run.record, e);
            return e;
        });
    }

    /**
     * One compaction: the journal record evolves step by step and is saved at each.
     */
    private final class Run
    {
        private final TableDescriptor table;
        private final CompactionOptions options;
        private final String stagingTable;
        private final String stagingRoot;
        private OperationRecord record;
        // the partitions the backup table was made over
        private Set<String> backedUp = Set.of();

        private Run(TableDescriptor table, CompactionOptions options, OperationRecord record)
        {
            this.table = table;
            this.options = options;
            this.record = record;
            this.stagingTable = derivedTableName(table.table().tableName(), "dredge_" + record.shortId());
            this.stagingRoot = stagingRoot(table, record);
        }

        OperationRecord dryRun()
        {
            List<PartitionRecord> plan = plan();
            record = record.withStep("dry run: would compact %s of %s partitions, %s files".formatted(plan.size(), record.compaction().partitionsConsidered(), plan.stream().mapToLong(p -> p.inputFiles().size()).sum()))
                    .finished(OperationState.PLANNED, Optional.empty(), context.clock().instant());
            context.journal().save(record);
            return record;
        }

        OperationRecord execute()
        {
            List<PartitionRecord> plan = plan();
            save(record.withStep("planned %s of %s partitions, %s files".formatted(plan.size(), record.compaction().partitionsConsidered(), plan.stream().mapToLong(p -> p.inputFiles().size()).sum())));
            context.faults().reached(ProtocolStep.PLANNED, 1);
            if (record.compaction().partitionsIn(PartitionState.PLANNED).isEmpty()) {
                return finish();
            }
            write();
            context.faults().reached(ProtocolStep.WRITTEN, 1);
            verify();
            context.faults().reached(ProtocolStep.VERIFIED, 1);
            // nothing reads the staging table after verification: its metadata goes while the swaps run, a metastore
            // call of its own (its data stays: it becomes the table's)
            OperationRecord verified = record;
            Beside.run(() -> {
                swap();
                return null;
            }, () -> undo.dropStagingTable(verified), context.besideExecutor());
            return finish();
        }

        /**
         * Step 3 (plan): see {@link HiveCompactionPlanner}.
         */
        private List<PartitionRecord> plan()
        {
            HiveCompactionPlanner.Plan plan = planner.plan(table, options, stagingRoot);
            record = record.withCompaction(details -> details.withPlan(options.verification().sqlName(), plan.considered(), plan.partitions()).withStaging(stagingTable, stagingRoot));
            log.info("compaction {} of {}: {} of {} partitions need compaction", record.id(), table.table(), plan.partitions().size(), plan.considered());
            return plan.partitions();
        }

        /**
         * Step 4 (write): the engine copies the planned partitions into the staging table, sized to the target file size.
         * Meanwhile the backup table is made over the planned partitions' original data: a metastore call that
         * would otherwise wait for the rewrite, or the rewrite for it.
         */
        private void write()
        {
            save(record.withCompaction(details -> details.withBackupTable(BackupTables.backupTableName(record))).withStep("writing %s partitions into %s".formatted(partitionNames().size(), stagingTable)));
            TableReference staging = new TableReference(table.table().schemaName(), stagingTable);
            OperationRecord writing = record;
            backedUp = ImmutableSet.copyOf(partitionNames());
            long rows = Beside.run(
                    () -> {
                        context.metastore().createTableLike(table.table(), staging, stagingRoot, false, Map.of(TableDescriptor.DREDGE_ROLE_PROPERTY, "staging"));
                        return context.engine().update(
                                sql.copyInto(table, stagingTable, partitionNames()),
                                context.writeSizing().sessionProperties(context.catalog(), options.policy().targetFileSizeBytes()));
                    },
                    () -> new BackupTables(context).create(table, writing, writing.compaction().partitionsIn(PartitionState.PLANNED)),
                    context.besideExecutor());
            if (table.partitioned()) {
                // the engine chose where each partition went: record what the metastore says
                Map<String, String> locations = new HashMap<>();
                for (PartitionDescriptor partition : context.metastore().getPartitions(staging, partitionNames())) {
                    locations.put(partition.name(), partition.location());
                }
                record = record.withCompaction(details -> details.mapPartitions(partition -> locations.containsKey(partition.name().orElseThrow())
                        ? partition.withStagingLocation(locations.get(partition.name().orElseThrow()))
                        : partition));
            }
            save(record.withStep("wrote %s rows into %s".formatted(rows, stagingTable)));
            log.info("compaction {} of {}: wrote {} rows into {}", record.id(), table.table(), rows, stagingTable);
        }

        /**
         * Step 5 (verify): each staging partition must hold exactly the original's rows, and the original's files must be
         * those planned; otherwise that partition is skipped and keeps its rows where they are.
         */
        private void verify()
        {
            save(record.withStep("verifying %s partitions (%s)".formatted(partitionNames().size(), options.verification().sqlName())));
            List<PartitionRecord> planned = record.compaction().partitionsIn(PartitionState.PLANNED);
            CopyVerification.Outcome outcome = verification.verify(table, stagingTable, planned, options.verification(), record.startedAt());
            Map<Optional<String>, PartitionRecord> results = outcome.partitions().stream().collect(toImmutableMap(PartitionRecord::name, partition -> partition));
            record = record.withCompaction(details -> details.mapPartitions(partition -> results.getOrDefault(partition.name(), partition)));
            long verified = record.compaction().partitionsIn(PartitionState.VERIFIED).size();
            save(record.withStep("verified %s partitions, skipped %s%s".formatted(
                    verified,
                    record.compaction().partitionsIn(PartitionState.SKIPPED).size(),
                    outcome.countedFromFooters() == 0 ? "" : "; %s partitions counted from file footers".formatted(outcome.countedFromFooters()))));
            log.info("compaction {} of {}: {} partitions verified, {} skipped, {} counted from file footers",
                    record.id(), table.table(), verified, record.compaction().partitionsIn(PartitionState.SKIPPED).size(), outcome.countedFromFooters());
        }

        /**
         * Step 6 (swap): partition by partition, point the metastore at the verified copy. The original's files are
         * listed again just before and just after each swap: a writer that added or removed a file meanwhile
         * means the swap is undone for that partition, which keeps every row it wrote.
         */
        private void swap()
        {
            List<PartitionRecord> toSwap = record.compaction().partitionsIn(PartitionState.VERIFIED);
            int swapped = 0;
            for (List<PartitionRecord> batch : Lists.partition(toSwap, SWAP_BATCH_SIZE)) {
                requireTableHeld();
                // one metastore read for a batch instead of three per partition; a batch is small, so a statistics
                // update made meanwhile by another writer is rarely overwritten by the swap (see Metastore)
                Optional<Metastore.PartitionMover> mover = table.partitioned()
                        ? Optional.of(context.metastore().partitionMover(table.table(), batch.stream().map(HiveCompaction::groupKey).collect(toImmutableList())))
                        : Optional.empty();
                for (PartitionRecord partition : batch) {
                    save(record.withStep("swapping %s (%s of %s)".formatted(partition.displayName(), swapped + 1, toSwap.size())));
                    Optional<String> changed = verification.changedFiles(partition, record.startedAt());
                    if (changed.isEmpty()) {
                        try {
                            mover.ifPresentOrElse(
                                    partitions -> partitions.move(groupKey(partition), partition.stagingLocation()),
                                    () -> undo.pointAt(table.table(), partition, partition.stagingLocation()));
                        }
                        catch (RuntimeException e) {
                            // the likeliest reason is the table's disappearance: say so, if that is it
                            requireTableHeld(e);
                            throw e;
                        }
                        changed = verification.changedFiles(partition, record.startedAt());
                        if (changed.isPresent()) {
                            undo.pointAt(table.table(), partition, partition.originalLocation());
                        }
                    }
                    PartitionRecord result = changed.map(partition::skipped).orElseGet(() -> partition.withState(PartitionState.SWAPPED));
                    record = record.withCompaction(details -> details.mapPartitions(current -> current.name().equals(partition.name()) ? result : current));
                    if (result.state() == PartitionState.SWAPPED) {
                        swapped++;
                        save(record.withStep("swapped %s (%s of %s)".formatted(partition.displayName(), swapped, toSwap.size())));
                        context.faults().reached(ProtocolStep.PARTITION_SWAPPED, swapped);
                    }
                    else {
                        save(record);
                        log.info("compaction {} of {}: skipped {}: {}", record.id(), table.table(), partition.displayName(), result.skipReason().orElse(""));
                    }
                }
            }
            log.info("compaction {} of {}: swapped {} of {} partitions", record.id(), table.table(), swapped, toSwap.size());
        }

        /**
         * Step 7 (finish): the backup table keeps only the swapped partitions (none: it goes), staging data of skipped
         * partitions is deleted (the staging table's metadata went during the swaps), and the engine flushes its
         * caches of the table.
         */
        private OperationRecord finish()
        {
            requireTableHeld();
            List<PartitionRecord> swapped = record.compaction().partitionsIn(PartitionState.SWAPPED);
            if (record.compaction().backupTable().isPresent()) {
                BackupTables backups = new BackupTables(context);
                if (swapped.isEmpty()) {
                    backups.drop(record);
                    save(record.withCompaction(CompactionDetails::withoutBackupTable));
                }
                else if (table.partitioned()) {
                    backups.dropPartitions(record, record.compaction().partitions().stream()
                            .filter(partition -> partition.state() != PartitionState.SWAPPED && backedUp.contains(groupKey(partition)))
                            .collect(toImmutableList()));
                }
            }
            undo.deleteStagingData(record, swapped.isEmpty());
            if (!swapped.isEmpty()) {
                // the usual directories of the swapped partitions (and of an unpartitioned table) become free for the engines' writes
                record = new OriginalsParking(context).parkSwapped(table, record);
                new BackupTables(context).relocate(record);
            }
            LateFiles lateFiles = new LateFiles(context);
            // the engine flushes its caches of the table while the old locations are listed for late files
            int late = Beside.run(
                    () -> swapped.stream().mapToInt(partition -> lateFiles.adopt(record.id(), partition)).sum(),
                    () -> {
                        if (!swapped.isEmpty()) {
                            undo.flushMetadataCache(table.table());
                        }
                    },
                    context.besideExecutor());
            context.faults().reached(ProtocolStep.BEFORE_COMPLETION, 1);
            String summary = "compacted %s of %s partitions: %s files -> %s files".formatted(
                    swapped.size(),
                    record.compaction().partitionsConsidered(),
                    swapped.stream().mapToLong(partition -> partition.inputFiles().size()).sum(),
                    swapped.stream().mapToLong(partition -> partition.outputFiles().size()).sum())
                    + (late == 0 ? "" : "; moved %s files written concurrently into the compacted partitions".formatted(late))
                    + skippedSummary();
            record = record.withStep(summary).finished(OperationState.SUCCEEDED, Optional.empty(), context.clock().instant());
            context.journal().save(record);
            log.info("compaction {} of {}: {}", record.id(), table.table(), summary);
            return record;
        }

        /**
         * Why partitions were left as they were, shown with the operation: the first reason, and how many more.
         */
        private String skippedSummary()
        {
            List<PartitionRecord> skipped = record.compaction().partitionsIn(PartitionState.SKIPPED);
            if (skipped.isEmpty()) {
                return "";
            }
            PartitionRecord first = skipped.get(0);
            return "; skipped %s (%s)%s".formatted(
                    first.displayName(),
                    first.skipReason().orElse("no reason recorded"),
                    skipped.size() == 1 ? "" : " and %s more".formatted(skipped.size() - 1));
        }

        /**
         * The table must still be the one this operation locked, under its name: a table dropped or renamed while
         * the operation ran fails it, and the undo follows the table (see {@link CompactionUndo#undo}).
         */
        private void requireTableHeld()
        {
            requireTableHeld(null);
        }

        private void requireTableHeld(RuntimeException cause)
        {
            Optional<TableDescriptor> current = context.metastore().getTable(table.table());
            if (current.isEmpty() || !current.get().parameter(TableLocks.LOCK_PARAMETER).equals(Optional.of(record.id()))) {
                throw new DredgeException(UNSAFE, "table %s was dropped or renamed while compaction %s ran; the compaction is undone".formatted(table.table(), record.id()), cause);
            }
        }

        /**
         * The partitions still to be written and verified.
         */
        private List<String> partitionNames()
        {
            return record.compaction().partitionsIn(PartitionState.PLANNED).stream()
                    .map(partition -> partition.name().orElse(""))
                    .collect(toImmutableList());
        }

        private void save(OperationRecord updated)
        {
            record = updated;
            context.journal().save(record);
        }
    }

    /**
     * Where the engine writes the copy: {@code .dredge/<operation>} inside a partitioned table's directory, which
     * moves with the table when a rename moves it; beside an unpartitioned table's directory,
     * {@code <parent>/.dredge/<directory name>-<operation>}, so that once the originals are parked the directory a
     * table of that name would have is gone, and a table renamed away and another created under the old name do not
     * read each other's files (Hive moves no directory on a rename when the table is not at its default location).
     * A table at the root of its file system keeps its copy inside.
     */
    static String stagingRoot(TableDescriptor table, OperationRecord record)
    {
        String location = table.location().orElseThrow();
        Optional<String> parent = table.partitioned() ? Optional.empty() : Locations.parent(location);
        return parent
                .map(directory -> Locations.child(Locations.child(directory, STAGING_DIRECTORY), Locations.name(location) + "-" + record.id()))
                .orElseGet(() -> Locations.child(Locations.child(location, STAGING_DIRECTORY), record.id()));
    }

    private static String groupKey(PartitionRecord partition)
    {
        return partition.name().orElse("");
    }

    /**
     * {@code <table>__<suffix>}, shortened to the 128 characters Hive allows.
     */
    static String derivedTableName(String tableName, String suffix)
    {
        String tail = "__" + suffix;
        return tableName.substring(0, Math.min(tableName.length(), 128 - tail.length())) + tail;
    }
}
