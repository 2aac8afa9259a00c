package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;
import io.dredge.core.DredgeException;
import io.dredge.core.iceberg.IcebergTableMetadata.IcebergSnapshot;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.journal.CompactionDetails.IcebergSnapshots;
import io.dredge.core.journal.CompactionDetails;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.operation.Beside;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationFrame;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.operation.TableIdentity;
import io.dredge.core.report.FileGroupStatus;
import io.dredge.core.sql.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * Compaction of an Iceberg table. Iceberg commits atomically, so the engine's own {@code optimize} rewrites and swaps;
 * Dredge plans, bounds {@code optimize} to the plan, journals, and verifies.
 *
 * <p>The steps carry the numbers of the Hive protocol's steps they stand for in {@code docs/compaction.md} ("Iceberg
 * tables"): the lock (step 2), plan (3), write with {@code optimize} (4) and verify, which settles the committed
 * snapshot (5); each method below names its step. A crash leaves the journal {@code RUNNING} with the snapshots
 * known so far; {@link #recover} settles it as step 5 would.
 */
public final class IcebergCompaction
{
    private static final Logger log = LoggerFactory.getLogger(IcebergCompaction.class);
    private static final String PARTITION_COLUMN = "$partition";

    private final MaintenanceContext context;
    private final OperationGuard guard;
    private final OperationFrame frame;
    private final SqlDialect dialect;

    public IcebergCompaction(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.frame = new OperationFrame(context);
        this.dialect = context.engine().dialect();
    }

    /**
     * Plans (step 3) before taking the table (step 2), whose journal record then holds the plan; then steps 4 and 5.
     */
    public OperationRecord compact(TableDescriptor table, CompactionOptions options)
    {
        requireTrino(context, "compacted");
        options.partitionFilter().ifPresent(filter -> CompactionSql.requireSelfContainedExpression(dialect, filter));
        IcebergTableMetadata metadata = IcebergTableMetadata.read(context.fileStore(), table);
        Run run = new Run(plan(table, metadata, options, OperationRecord.start(OperationKind.COMPACT, table.table(), context.user(), Optional.empty(), CompactionDetails.unplanned(), context.clock().instant())
                .withTableIdentity(metadata.identity())));
        if (options.dryRun()) {
            OperationRecord planned = run.record.withStep("dry run: would compact %s of %s partitions, %s files%s".formatted(
                            run.record.compaction().partitionsIn(PartitionState.PLANNED).size(), run.record.compaction().partitionsConsidered(), plannedFiles(run.record).size(), fromSnapshot(run.record)))
                    .finished(OperationState.PLANNED, Optional.empty(), context.clock().instant());
            context.journal().save(planned);
            return planned;
        }
        guard.requireWriteAccess(table);
        // journals the plan and the snapshot it was made from, before optimize can commit anything
        OperationRecord finished = frame.hold(table, run.record, () -> {
            context.faults().reached(ProtocolStep.PLANNED, 1);
            if (run.record.compaction().partitionsIn(PartitionState.PLANNED).isEmpty()) {
                return run.finish(OperationState.SUCCEEDED, "nothing to compact" + fromSnapshot(run.record));
            }
            // the parent's side of a checksum comparison is the planned partitions as they are now: read while
            // optimize rewrites them, instead of after it; not with a partition_filter, which optimize may refuse at
            // once (a filter it cannot bound), and the refusal would wait for the whole read
            AtomicReference<Optional<IcebergVerification.Side>> parentSide = new AtomicReference<>(Optional.empty());
            Beside.run(() -> {
                optimize(table, run, options);
                return null;
            }, () -> {
                if (options.verification() == Verification.CHECKSUM && options.partitionFilter().isEmpty()) {
                    List<Optional<String>> planned = run.record.compaction().partitionsIn(PartitionState.PLANNED).stream().map(PartitionRecord::name).collect(toImmutableList());
                    parentSide.set(new IcebergVerification(context).readAhead(table, metadata, run.snapshots().before(), planned, Verification.CHECKSUM));
                }
            }, context.besideExecutor());
            context.faults().reached(ProtocolStep.WRITTEN, 1);
            return settle(table, run, options.verification(), parentSide.get(), false);
        }, e -> failed(table, run, e));
        if (finished.state() == OperationState.FAILED) {
            throw new DredgeException(UNSAFE, "compaction %s of %s: %s".formatted(finished.id(), table.table(), finished.error().orElse(finished.step())));
        }
        return finished;
    }

    /**
     * Settles a compaction that a crash left {@code RUNNING}: verifies and keeps the snapshot it committed, or undoes
     * it as {@link #compact} would have. Returns what was done.
     */
    String recover(OperationRecord compaction)
    {
        requireTrino(context, "recovered");
        Optional<String> otherTable = TableIdentity.mismatch(context, compaction);
        if (otherTable.isPresent()) {
            // the table it ran on is gone from this name: nothing here may be verified or undone on its behalf
            String message = otherTable.get() + "; recover left that table alone and closed the operation without verifying or undoing it";
            context.journal().save(compaction.withStep(message).finished(OperationState.FAILED, Optional.of(message), context.clock().instant()));
            return "closed compaction %s: %s".formatted(compaction.id(), message);
        }
        TableDescriptor table = context.metastore().getTable(compaction.table()).orElseThrow();
        // recover may roll the table back through the engine: the engine's catalog must read this table too
        new OperationGuard(context).requireEngineReadsTable(table);
        Run run = new Run(compaction);
        CompactionDetails details = compaction.compaction();
        if (details.icebergSnapshots().isEmpty()) {
            // journaled by a version that recorded the snapshot only after optimize; it never got that far
            run.finish(OperationState.RECOVERED, compaction.step() + " (interrupted before optimize; the table was not changed)");
            return "closed interrupted Iceberg compaction " + compaction.id();
        }
        OperationRecord settled = settle(table, run, details.verification().map(Verification::parse).orElse(Verification.CHECKSUM), Optional.empty(), true);
        return "%s Iceberg compaction %s: %s".formatted(switch (settled.state()) {
            case SUCCEEDED -> "verified and kept";
            case RECOVERED -> "undid";
            default -> "could not undo";
        }, compaction.id(), settled.error().orElse(settled.step()));
    }

    /**
     * {@code rollback_compaction}: back to the parent of the compaction's snapshot (the snapshot before it), only while
     * nothing was committed after it. Returns the compaction's record as rolled back.
     */
    OperationRecord rollBack(TableDescriptor table, OperationRecord compaction)
    {
        requireTrino(context, "rolled back");
        TableIdentity.requireSame(context, table, compaction);
        IcebergSnapshots snapshots = compaction.compaction().icebergSnapshots().orElseThrow();
        long snapshot = snapshots.after()
                .orElseThrow(() -> new DredgeException(UNSAFE, "nothing to roll back on %s: compaction %s committed no snapshot".formatted(table.table(), compaction.id())));
        long parent = snapshots.afterParent()
                .or(() -> read(table).snapshot(snapshot).flatMap(IcebergSnapshot::parentId))
                .orElse(snapshots.before());
        IcebergRollback.Outcome outcome = new IcebergRollback(context).rollBack(table, snapshot, parent);
        if (outcome.gone().isPresent()) {
            throw new DredgeException(UNSAFE, "nothing to roll back on %s: %s, the snapshot compaction %s committed; nothing was changed".formatted(table.table(), outcome.gone().get(), compaction.id()));
        }
        if (!outcome.rolledBack()) {
            throw new DredgeException(UNSAFE, "%s; the table was left as it is".formatted(laterCommits(table, compaction.id(), snapshot, outcome.later(), parent)));
        }
        log.info("operation {}: {} is back on snapshot {}", compaction.id(), table.table(), parent);
        return rolledBack(compaction.withStep("rolled back to snapshot %s, the parent of snapshot %s".formatted(parent, snapshot)));
    }

    private static OperationRecord rolledBack(OperationRecord compaction)
    {
        return compaction.withCompaction(details -> details.mapPartitions(partition -> partition.state() == PartitionState.SWAPPED ? partition.withState(PartitionState.RESTORED) : partition))
                .withState(OperationState.ROLLED_BACK);
    }

    /**
     * Finishes a {@code rollback_compaction} that a crash interrupted: done if the compaction's snapshot is out of the
     * table's lineage, else rolled back now, unless commits followed it.
     */
    String recoverRollback(OperationRecord rollback, OperationRecord compaction)
    {
        requireTrino(context, "recovered");
        TableDescriptor table = context.metastore().getTable(compaction.table()).orElseThrow();
        Optional<Long> snapshot = compaction.compaction().icebergSnapshots().flatMap(IcebergSnapshots::after);
        Optional<String> otherTable = TableIdentity.mismatch(context, compaction);
        String outcome;
        OperationState state = OperationState.SUCCEEDED;
        if (otherTable.isPresent()) {
            state = OperationState.FAILED;
            outcome = "not finished by recover: " + otherTable.get();
        }
        else if (snapshot.isPresent() && !read(table).inCurrentLineage(snapshot.get())) {
            context.journal().save(rolledBack(compaction));
            outcome = "snapshot %s is no longer in the table's history: the rollback had taken effect (finished by recover)".formatted(snapshot.get());
        }
        else {
            try {
                context.journal().save(rollBack(table, compaction));
                outcome = "finished by recover";
            }
            catch (DredgeException e) {
                state = OperationState.FAILED;
                outcome = "not finished by recover: " + e.getMessage();
            }
        }
        context.journal().save(rollback.withStep(outcome).finished(state, state == OperationState.FAILED ? Optional.of(outcome) : Optional.empty(), context.clock().instant()));
        return "rollback %s of compaction %s: %s".formatted(rollback.id(), compaction.id(), outcome);
    }

    /**
     * Step 3 (plan): the partitions whose files the policy says need compaction, each with its small files, and the
     * snapshot they were read from.
     */
    private OperationRecord plan(TableDescriptor table, IcebergTableMetadata metadata, CompactionOptions options, OperationRecord record)
    {
        if (!metadata.partitioned() && options.partitionFilter().isPresent()) {
            throw new DredgeException(INVALID_ARGUMENT, "table %s is not partitioned: partition_filter does not apply".formatted(table.table()));
        }
        Map<Optional<String>, List<TableFile>> files = metadata.liveFiles();
        List<Optional<String>> candidates = files.entrySet().stream()
                .filter(entry -> options.policy().status(entry.getValue().size(), entry.getValue().stream().mapToLong(TableFile::sizeBytes).sum()) == FileGroupStatus.NEEDS_COMPACTION)
                .map(Map.Entry::getKey)
                .collect(toImmutableList());
        Set<Optional<String>> chosen = options.partitionFilter()
                .map(filter -> matching(table, metadata.currentSnapshotId().orElseThrow(), filter, candidates))
                .orElseGet(() -> ImmutableSet.copyOf(candidates));
        String location = table.location().orElse("");
        List<PartitionRecord> planned = candidates.stream()
                .filter(chosen::contains)
                .map(name -> {
                    List<TableFile> small = files.get(name).stream().filter(file -> options.policy().isSmall(file.sizeBytes())).collect(toImmutableList());
                    PartitionRecord partition = PartitionRecord.planned(name, location, location, small);
                    // optimize can name a partition of a partitioned table only by its values
                    return metadata.partitioned() && name.isEmpty()
                            ? partition.skipped("files written before the table was partitioned; compact them with ALTER TABLE ... EXECUTE optimize")
                            : partition;
                })
                .collect(toImmutableList());
        OperationRecord withPlan = record.withCompaction(details -> details.withPlan(options.verification().sqlName(), Math.max(files.size(), metadata.partitioned() ? 0 : 1), planned));
        OperationRecord from = metadata.currentSnapshotId()
                .map(snapshot -> withPlan.withCompaction(details -> details.withIcebergSnapshots(IcebergSnapshots.planned(snapshot))))
                .orElse(withPlan);
        return from.withStep("planned %s of %s partitions, %s files%s".formatted(
                from.compaction().partitionsIn(PartitionState.PLANNED).size(), from.compaction().partitionsConsidered(), plannedFiles(from).size(), fromSnapshot(from)));
    }

    private Set<Optional<String>> matching(TableDescriptor table, long snapshot, String filter, List<Optional<String>> candidates)
    {
        List<String> names = candidates.stream().flatMap(Optional::stream).toList();
        if (names.isEmpty()) {
            return ImmutableSet.of();
        }
        try {
            return context.engine().query("SELECT DISTINCT %s FROM %s FOR VERSION AS OF %s WHERE (%s) AND %s".formatted(
                            dialect.quoteIdentifier(PARTITION_COLUMN), name(table), snapshot, filter, partitionPredicate(names)))
                    .stream()
                    .map(row -> Optional.of((String) row.get(0)))
                    .collect(toImmutableSet());
        }
        catch (RuntimeException e) {
            throw invalidFilter(table, e);
        }
    }

    /**
     * Step 4 (write): the engine rewrites the small files of exactly the planned partitions, as the plan defined small.
     */
    private void optimize(TableDescriptor table, Run run, CompactionOptions options)
    {
        List<String> partitions = run.record.compaction().partitionsIn(PartitionState.PLANNED).stream()
                .flatMap(partition -> partition.name().stream())
                .collect(toImmutableList());
        // a file is small below the bound; optimize takes files up to and including its threshold
        long threshold = Math.max(0, (long) Math.ceil(options.policy().smallFileBoundBytes()) - 1);
        String where = Stream.concat(
                        partitions.isEmpty() ? Stream.empty() : Stream.of(partitionPredicate(partitions)),
                        options.partitionFilter().map(filter -> "(" + filter + ")").stream())
                .collect(joining(" AND "));
        String optimize = "ALTER TABLE %s EXECUTE optimize(file_size_threshold => %s)%s".formatted(
                name(table), dialect.stringLiteral(threshold + "B"), where.isEmpty() ? "" : " WHERE " + where);
        run.save(run.record.withStep("optimizing %s partitions from snapshot %s".formatted(run.record.compaction().partitionsIn(PartitionState.PLANNED).size(), run.snapshots().before())));
        try {
            context.engine().update(optimize, context.writeSizing().sessionProperties(context.icebergCatalog(), options.policy().targetFileSizeBytes()));
        }
        catch (RuntimeException e) {
            // the call may have failed after the commit (a lost connection): then there is a snapshot to settle
            if (findCompaction(read(table), run.snapshots().before(), plannedFiles(run.record)).isPresent()) {
                log.warn("compaction {} of {}: optimize failed after it committed, settling its snapshot: {}", run.record.id(), table.table(), e.toString());
                return;
            }
            throw options.partitionFilter().isPresent() ? invalidFilter(table, e) : e;
        }
    }

    /**
     * Step 5 (verify): finds the snapshot {@code optimize} committed, journals it, verifies it against its parent, and keeps or
     * undoes it. Returns the finished record.
     */
    private OperationRecord settle(TableDescriptor table, Run run, Verification verification, Optional<IcebergVerification.Side> parentSide, boolean byRecover)
    {
        IcebergTableMetadata metadata = read(table);
        IcebergSnapshots snapshots = run.snapshots();
        Optional<IcebergSnapshot> committed = snapshots.after().isPresent()
                ? snapshots.after().flatMap(metadata::snapshot)
                : findCompaction(metadata, snapshots.before(), plannedFiles(run.record));
        if (committed.isEmpty()) {
            if (snapshots.after().isPresent()) {
                return gone(run, "snapshot %s, which it committed, is no longer in the table's metadata".formatted(snapshots.after().get()), byRecover);
            }
            return byRecover
                    ? run.finish(OperationState.RECOVERED, "optimize had not committed when the compaction stopped: the table was not changed by it (undone by recover)")
                    : run.finish(OperationState.SUCCEEDED, "nothing to compact: optimize rewrote no files" + fromSnapshot(run.record));
        }
        IcebergSnapshot snapshot = committed.get();
        long parent = snapshot.parentId().orElseThrow(() -> new IllegalStateException("snapshot %s of %s has no parent".formatted(snapshot.id(), table.table())));
        run.save(run.record.withCompaction(details -> details.withIcebergSnapshots(snapshots.committed(snapshot.id(), Optional.of(parent))))
                .withStep("verifying snapshot %s against its parent %s (%s)".formatted(snapshot.id(), parent, verification.sqlName())));
        context.faults().reached(ProtocolStep.VERIFYING, 1);
        if (!metadata.inCurrentLineage(snapshot.id())) {
            return gone(run, "snapshot %s, which it committed, is no longer in the table's history".formatted(snapshot.id()), byRecover);
        }
        Map<Optional<String>, List<TableFile>> removed = metadata.removedFiles(snapshot.id());
        Map<Optional<String>, List<TableFile>> added = metadata.addedFiles(snapshot.id());
        IcebergVerification.Result result = new IcebergVerification(context)
                .compare(table, metadata, parent, snapshot.id(), Sets.union(removed.keySet(), added.keySet()), verification, parentSide);
        context.faults().reached(ProtocolStep.VERIFIED, 1);
        OperationRecord compacted = run.record.withCompaction(details -> details.withPartitions(compacted(run.record, removed, added, result.rows())));
        if (result.same()) {
            run.save(compacted.withStep("verified snapshot %s against %s%s".formatted(snapshot.id(), parent, result.fromFooters() ? " (rows counted from the files' footers)" : "")));
            context.faults().reached(ProtocolStep.BEFORE_COMPLETION, 1);
            return run.finish(OperationState.SUCCEEDED, "compacted snapshot %s into %s%s: %s files -> %s files%s%s".formatted(
                    parent, snapshot.id(), parent == snapshots.before() ? "" : " (optimize ran after snapshots committed since %s)".formatted(snapshots.before()),
                    files(removed).size(), files(added).size(), result.fromFooters() ? "; rows counted from the files' footers" : "", byRecover ? " (verified by recover)" : ""));
        }
        return undo(table, run, compacted, snapshot.id(), parent, result.problem(), byRecover);
    }

    private OperationRecord undo(TableDescriptor table, Run run, OperationRecord compacted, long snapshot, long parent, String problem, boolean byRecover)
    {
        String unverified = "snapshot %s was not verified against its parent %s (%s)".formatted(snapshot, parent, problem);
        log.warn("compaction {} of {}: {}", run.record.id(), table.table(), unverified);
        IcebergRollback.Outcome outcome = new IcebergRollback(context).rollBack(table, snapshot, parent);
        if (outcome.gone().isPresent()) {
            return gone(run, outcome.gone().get(), byRecover);
        }
        if (outcome.rolledBack()) {
            String message = "%s: rolled back to %s".formatted(unverified, parent);
            return byRecover
                    ? run.finish(OperationState.RECOVERED, message + " (undone by recover)")
                    : run.fail(message);
        }
        // the table holds the compaction's files: the record says so, and rollback_compaction can still be asked
        run.save(compacted);
        return run.fail("%s; %s; the table still holds snapshot %s's files".formatted(unverified, laterCommits(table, run.record.id(), snapshot, outcome.later(), parent), snapshot));
    }

    private OperationRecord gone(Run run, String reason, boolean byRecover)
    {
        String message = "nothing of compaction %s is left to verify or undo: %s".formatted(run.record.id(), reason);
        return byRecover ? run.finish(OperationState.RECOVERED, message) : run.fail(message);
    }

    /**
     * After an error: a snapshot this compaction committed and did not settle stays journaled {@code RUNNING} for
     * recover; with nothing committed, the compaction failed and changed nothing.
     */
    private RuntimeException failed(TableDescriptor table, Run run, RuntimeException error)
    {
        try {
            Optional<Long> committed = run.record.compaction().icebergSnapshots().isEmpty() ? Optional.empty() : run.snapshots().after()
                    .or(() -> findCompaction(read(table), run.snapshots().before(), plannedFiles(run.record)).map(IcebergSnapshot::id));
            if (committed.isPresent()) {
                run.save(run.record.withCompaction(details -> details.withIcebergSnapshots(run.snapshots().committed(committed.get(), run.snapshots().afterParent())))
                        .withStep("stopped after optimize committed snapshot %s, before it was verified or undone: %s".formatted(committed.get(), error.getMessage())));
                return new DredgeException(UNSAFE, "compaction %s of %s stopped after optimize committed snapshot %s, before it was verified or undone (%s); run CALL dredge.system.recover(schema_name => '%s', table_name => '%s')"
                        .formatted(run.record.id(), table.table(), committed.get(), error.getMessage(), table.table().schemaName(), table.table().tableName()), error);
            }
            context.journal().save(run.record.finished(OperationState.FAILED, Optional.of(String.valueOf(error.getMessage())), context.clock().instant()));
        }
        catch (RuntimeException journalFailure) {
            // the journal still says RUNNING: recover will settle it
            error.addSuppressed(journalFailure);
        }
        return error;
    }

    /**
     * The {@code replace} snapshot of the current lineage, committed after {@code before}, that rewrote planned
     * files: optimize may have committed it on top of other commits, and others may have committed after it.
     */
    private static Optional<IcebergSnapshot> findCompaction(IcebergTableMetadata metadata, long before, Set<TableFile> planned)
    {
        return metadata.lineageAfter(before).stream()
                .filter(IcebergSnapshot::isReplace)
                .filter(snapshot -> files(metadata.removedFiles(snapshot.id())).stream().anyMatch(planned::contains))
                .findFirst();
    }

    /**
     * The planned partitions as the compaction's snapshot left them: inputs are the files it removed, outputs those it added.
     */
    private static List<PartitionRecord> compacted(OperationRecord record, Map<Optional<String>, List<TableFile>> removed, Map<Optional<String>, List<TableFile>> added, Map<String, Long> rows)
    {
        List<PartitionRecord> partitions = new ArrayList<>();
        Set<Optional<String>> changed = Sets.union(removed.keySet(), added.keySet());
        Optional<String> location = record.compaction().partitions().stream().map(PartitionRecord::originalLocation).findFirst();
        for (PartitionRecord partition : record.compaction().partitions()) {
            if (partition.state() == PartitionState.PLANNED && !changed.contains(partition.name())) {
                partitions.add(partition.skipped("optimize left its files as they were"));
            }
            else if (!changed.contains(partition.name())) {
                partitions.add(partition);
            }
        }
        for (Optional<String> name : changed) {
            String where = location.orElse("");
            partitions.add(new PartitionRecord(name, where, where, removed.getOrDefault(name, List.of()), PartitionState.SWAPPED, Optional.empty(),
                    rows.getOrDefault(name.orElse(""), 0L), added.getOrDefault(name, List.of()), Optional.empty()));
        }
        return partitions;
    }

    private String laterCommits(TableDescriptor table, String compactionId, long snapshot, List<Long> later, long parent)
    {
        return "%s has snapshots %s committed after snapshot %s of compaction %s: rolling it back would discard them (Iceberg cannot take one commit out from under later ones; ALTER TABLE %s EXECUTE rollback_to_snapshot(snapshot_id => %s) would discard them too)"
                .formatted(table.table(), later, snapshot, compactionId, name(table), parent);
    }

    private IcebergTableMetadata read(TableDescriptor table)
    {
        TableDescriptor current = context.metastore().getTable(table.table())
                .orElseThrow(() -> new IllegalStateException("table %s no longer exists".formatted(table.table())));
        return IcebergTableMetadata.read(context.fileStore(), current);
    }

    private String partitionPredicate(Collection<String> partitionNames)
    {
        return "%s IN (%s)".formatted(dialect.quoteIdentifier(PARTITION_COLUMN), partitionNames.stream().map(dialect::stringLiteral).collect(joining(", ")));
    }

    private String name(TableDescriptor table)
    {
        return dialect.qualifiedName(context.icebergCatalog(), table.table().schemaName(), table.table().tableName());
    }

    private static DredgeException invalidFilter(TableDescriptor table, RuntimeException e)
    {
        return new DredgeException(INVALID_ARGUMENT, "partition_filter must be a predicate over the partition columns of %s: %s".formatted(table.table(), e.getMessage()), e);
    }

    private static Set<TableFile> plannedFiles(OperationRecord record)
    {
        return record.compaction().partitions().stream()
                .flatMap(partition -> partition.inputFiles().stream())
                .collect(toImmutableSet());
    }

    private static List<TableFile> files(Map<Optional<String>, List<TableFile>> byPartition)
    {
        return byPartition.values().stream().flatMap(List::stream).collect(toImmutableList());
    }

    private static String fromSnapshot(OperationRecord record)
    {
        return record.compaction().icebergSnapshots().map(snapshots -> " (snapshot %s)".formatted(snapshots.before())).orElse(": the table has no snapshot");
    }

    /**
     * One compaction's record as it evolves; every change is journaled, so an error or crash leaves the latest.
     */
    private final class Run
    {
        private OperationRecord record;

        private Run(OperationRecord record)
        {
            this.record = record;
        }

        IcebergSnapshots snapshots()
        {
            return record.compaction().icebergSnapshots().orElseThrow();
        }

        void save(OperationRecord updated)
        {
            context.journal().save(updated);
            record = updated;
        }

        OperationRecord finish(OperationState state, String summary)
        {
            save(record.withStep(summary).finished(state, Optional.empty(), context.clock().instant()));
            log.info("compaction {} of {}: {}", record.id(), record.table(), summary);
            return record;
        }

        OperationRecord fail(String message)
        {
            save(record.withStep(message).finished(OperationState.FAILED, Optional.of(message), context.clock().instant()));
            log.warn("compaction {} of {} failed: {}", record.id(), record.table(), message);
            return record;
        }
    }

    /**
     * The Iceberg protocols rewrite and roll back through Trino's Iceberg connector ({@code optimize},
     * {@code rollback_to_snapshot}); another engine is told where to go, before anything is touched.
     */
    static void requireTrino(MaintenanceContext context, String done)
    {
        if (context.engine().dialect() != SqlDialect.TRINO) {
            throw new DredgeException(NOT_SUPPORTED, "Iceberg tables are %s through Trino's Dredge (CALL dredge.system.%s); %s's Dredge works on Hive tables only".formatted(
                    done, switch (done) {
                        case "compacted" -> "compact_table";
                        case "rolled back" -> "rollback_compaction";
                        default -> "recover";
                    }, context.engine().dialect().name().toLowerCase(Locale.ROOT)));
        }
    }
}
