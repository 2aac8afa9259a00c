package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import io.dredge.core.iceberg.IcebergTableMetadata.IcebergSnapshot;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.sql.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * Takes an Iceberg compaction's snapshot out of the table by making its parent current again, which is exact only
 * while nothing was committed after it: Iceberg cannot take one commit out from under later ones, and Dredge does not
 * commit to the catalog itself, so with later commits it changes nothing and names them.
 *
 * <p>The engine's {@code rollback_to_snapshot} sets the current snapshot unconditionally, so a commit landing between
 * the check and the rollback would be discarded; the table's snapshot log shows that afterwards, and the discarded
 * snapshot is made current again.
 */
final class IcebergRollback
{
    private static final Logger log = LoggerFactory.getLogger(IcebergRollback.class);

    private final MaintenanceContext context;
    private final SqlDialect dialect;

    IcebergRollback(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.dialect = context.engine().dialect();
    }

    /**
     * Makes {@code parent} current again if {@code snapshot} is the current snapshot.
     */
    Outcome rollBack(TableDescriptor table, long snapshot, long parent)
    {
        IcebergTableMetadata metadata = read(table);
        if (!metadata.inCurrentLineage(snapshot)) {
            return new Outcome(false, ImmutableList.of(), Optional.of("snapshot %s is no longer in the history of %s".formatted(snapshot, table.table())));
        }
        List<Long> later = ids(metadata.lineageAfter(snapshot));
        if (!later.isEmpty()) {
            return new Outcome(false, later, Optional.empty());
        }
        setCurrentSnapshot(table, parent);
        log.info("{} is back on snapshot {}, the parent of {}", table.table(), parent, snapshot);

        IcebergTableMetadata after = read(table);
        List<Long> history = after.snapshotLog();
        int ours = history.lastIndexOf(parent);
        long replaced = ours > 0 ? history.get(ours - 1) : snapshot;
        if (replaced == snapshot) {
            return new Outcome(true, ImmutableList.of(), Optional.empty());
        }
        // a commit landed between the check and the rollback: put it back, with the compaction under it
        if (after.currentSnapshotId().equals(Optional.of(parent))) {
            setCurrentSnapshot(table, replaced);
            log.warn("{}: snapshot {} was committed while rolling back to {}; made it current again", table.table(), replaced, parent);
            return new Outcome(false, ImmutableList.of(replaced), Optional.empty());
        }
        throw new IllegalStateException("snapshot %s of %s was committed while it was rolled back to %s, and %s was committed after that: snapshot %s is no longer current; to restore it, run ALTER TABLE ... EXECUTE rollback_to_snapshot(snapshot_id => %s)"
                .formatted(replaced, table.table(), parent, after.currentSnapshotId().map(String::valueOf).orElse("another snapshot"), replaced, replaced));
    }

    private void setCurrentSnapshot(TableDescriptor table, long snapshot)
    {
        context.engine().update("ALTER TABLE %s EXECUTE rollback_to_snapshot(snapshot_id => %s)".formatted(
                dialect.qualifiedName(context.icebergCatalog(), table.table().schemaName(), table.table().tableName()), snapshot), Map.of());
    }

    private IcebergTableMetadata read(TableDescriptor table)
    {
        TableDescriptor current = context.metastore().getTable(table.table())
                .orElseThrow(() -> new IllegalStateException("table %s no longer exists".formatted(table.table())));
        return IcebergTableMetadata.read(context.fileStore(), current);
    }

    private static List<Long> ids(List<IcebergSnapshot> snapshots)
    {
        return snapshots.stream().map(IcebergSnapshot::id).collect(toImmutableList());
    }

    /**
     * @param rolledBack whether the parent is current now
     * @param later when not rolled back, the snapshots committed after the compaction's
     * @param gone when not rolled back, why there was nothing to roll back
     */
    record Outcome(boolean rolledBack, List<Long> later, Optional<String> gone)
    {
        Outcome
        {
            later = ImmutableList.copyOf(requireNonNull(later, "later is null"));
            requireNonNull(gone, "gone is null");
        }
    }
}
