package io.dredge.core.compaction;

import com.google.common.collect.Sets;
import io.dredge.core.DredgeException;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.iceberg.IcebergTableMetadata.IcebergSnapshot;
import io.dredge.core.journal.OperationDetails;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationFrame;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.operation.TableIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static java.util.Objects.requireNonNull;

/**
 * One of the engine's own table procedures that rewrite an Iceberg table's files or manifests and must leave its rows
 * as they are ({@code optimize}, {@code optimize_manifests}), run as a Dredge operation ({@link OperationKind#REWRITE}):
 * the table is held and the statement journaled, and every {@code replace} snapshot committed since the table was
 * taken is then compared with its parent, row checksum and count per partition it changed, as a compaction's
 * snapshot is; one whose rows differ is rolled back to its parent, unless later commits were built on it.
 */
public final class IcebergEngineRewrite
{
    private static final Logger log = LoggerFactory.getLogger(IcebergEngineRewrite.class);

    private final MaintenanceContext context;
    private final OperationGuard guard;
    private final OperationFrame frame;

    public IcebergEngineRewrite(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.frame = new OperationFrame(context);
    }

    /**
     * @param sql the engine's statement, on the table in the Iceberg catalog
     * @param dryRun journal what would run ({@code PLANNED}) and run nothing
     */
    public OperationRecord rewrite(TableReference reference, String sql, Map<String, String> sessionProperties, boolean dryRun)
    {
        TableDescriptor table = guard.requireTable(reference);
        if (table.tableType() != TableType.ICEBERG) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a Hive table: %s applies to Iceberg tables only".formatted(reference, sql));
        }
        IcebergCompaction.requireTrino(context, "compacted");
        IcebergTableMetadata metadata = IcebergTableMetadata.read(context.fileStore(), table);
        OperationRecord record = OperationRecord.start(OperationKind.REWRITE, reference, context.user(), Optional.empty(), OperationDetails.NONE, context.clock().instant())
                .withTableIdentity(metadata.identity());
        if (dryRun) {
            return finish(record.withStep("dry run: would run " + sql), OperationState.PLANNED);
        }
        guard.requireWriteAccess(table);
        Optional<Long> before = metadata.currentSnapshotId();
        OperationRecord running = record.withStep("running %s on snapshot %s".formatted(sql, before.map(String::valueOf).orElse("(none)")));
        return frame.hold(table, running, () -> {
            log.info("operation {} on {}: {}", running.id(), reference, sql);
            context.engine().update(sql, sessionProperties);
            context.faults().reached(ProtocolStep.WRITTEN, 1);
            return finish(running.withStep(verify(table, current -> before.map(current::lineageAfter).orElseGet(current::currentLineage), sql)), OperationState.SUCCEEDED);
        }, frame.journalFailed(running));
    }

    /**
     * Compares every {@code replace} snapshot among {@code committed} (of the table's current metadata) with its
     * parent; returns what was verified, or fails having rolled back (or, with later commits on it, left) the first
     * snapshot whose rows differ.
     */
    private String verify(TableDescriptor table, Function<IcebergTableMetadata, List<IcebergSnapshot>> committedSince, String sql)
    {
        TableDescriptor current = context.metastore().getTable(table.table())
                .orElseThrow(() -> new DredgeException(UNSAFE, "table %s was dropped while %s ran".formatted(table.table(), sql)));
        IcebergTableMetadata metadata = IcebergTableMetadata.read(context.fileStore(), current);
        List<Long> verified = new ArrayList<>();
        for (IcebergSnapshot snapshot : committedSince.apply(metadata)) {
            if (!snapshot.isReplace()) {
                continue;
            }
            Map<Optional<String>, List<TableFile>> removed = metadata.removedFiles(snapshot.id());
            Map<Optional<String>, List<TableFile>> added = metadata.addedFiles(snapshot.id());
            if (removed.isEmpty() && added.isEmpty()) {
                // manifests rewritten, the same data and delete files: no row can differ
                continue;
            }
            long parent = snapshot.parentId().orElseThrow(() -> new IllegalStateException("snapshot %s of %s has no parent".formatted(snapshot.id(), table.table())));
            IcebergVerification.Result result = new IcebergVerification(context)
                    .compare(current, metadata, parent, snapshot.id(), Sets.union(removed.keySet(), added.keySet()), Verification.CHECKSUM, Optional.empty());
            if (!result.same()) {
                String unverified = "snapshot %s that %s committed was not verified against its parent %s (%s)".formatted(snapshot.id(), sql, parent, result.problem());
                IcebergRollback.Outcome outcome = new IcebergRollback(context).rollBack(current, snapshot.id(), parent);
                if (outcome.rolledBack()) {
                    throw new DredgeException(UNSAFE, "%s: rolled back to %s".formatted(unverified, parent));
                }
                throw new DredgeException(UNSAFE, "%s; it was not rolled back: %s".formatted(unverified,
                        outcome.gone().orElse("snapshots %s were committed after it, and rolling it back would discard them".formatted(outcome.later()))));
            }
            verified.add(snapshot.id());
        }
        return verified.isEmpty()
                ? "ran %s: no data file was rewritten".formatted(sql)
                : "ran %s: snapshots %s verified against their parents".formatted(sql, verified);
    }

    private OperationRecord finish(OperationRecord record, OperationState state)
    {
        OperationRecord finished = record.finished(state, Optional.empty(), context.clock().instant());
        context.journal().save(finished);
        log.info("operation {} on {}: {}", finished.id(), finished.table(), finished.step());
        return finished;
    }

    /**
     * Settles a rewrite that a crash left {@code RUNNING}: the engine's commit is atomic, so the table holds its
     * snapshot or nothing of it; every {@code replace} snapshot committed since the rewrite started is verified as
     * the rewrite would have, and rolled back if its rows differ.
     */
    String recover(OperationRecord rewrite)
    {
        Optional<String> otherTable = TableIdentity.replaced(context, rewrite);
        if (otherTable.isPresent()) {
            String message = otherTable.get() + "; recover closed the rewrite without verifying that table";
            context.journal().save(rewrite.withStep(message).finished(OperationState.FAILED, Optional.of(message), context.clock().instant()));
            return "closed rewrite %s: %s".formatted(rewrite.id(), message);
        }
        TableDescriptor table = context.metastore().getTable(rewrite.table()).orElseThrow();
        try {
            String verified = verify(table, metadata -> metadata.currentLineage().stream()
                    .filter(snapshot -> !metadata.committedAt(snapshot.id()).orElseThrow().isBefore(rewrite.startedAt()))
                    .collect(toImmutableList()), "the interrupted statement");
            context.journal().save(rewrite.withStep(verified + " (interrupted; verified by recover)").finished(OperationState.RECOVERED, Optional.empty(), context.clock().instant()));
            return "verified interrupted rewrite %s: %s".formatted(rewrite.id(), verified);
        }
        catch (DredgeException e) {
            context.journal().save(rewrite.withStep(e.getMessage() + " (by recover)").finished(OperationState.FAILED, Optional.of(e.getMessage()), context.clock().instant()));
            return "interrupted rewrite %s: %s".formatted(rewrite.id(), e.getMessage());
        }
    }
}
