package io.dredge.core.journal;

import io.dredge.core.journal.CompactionDetails.IcebergSnapshots;
import io.dredge.core.model.TableReference;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The snapshots of an Iceberg table that a Dredge operation can still return to, which an expiry must keep: each
 * compaction that is neither cleaned up nor rolled back keeps the snapshot before it and its own.
 */
public final class RollbackPoints
{
    /**
     * How far a kept snapshot stays from an expiry's cut-off: the engine's cut-off is its own clock minus the
     * threshold Dredge gives it, so it can land a little later than the plan's.
     */
    public static final Duration KEPT_MARGIN = Duration.ofSeconds(10);

    private RollbackPoints() {}

    /**
     * The kept snapshots of {@code table}, each with why, from journal records of any table and state; where both
     * the record and {@code identity} know the table's identity, they must agree (a name reused is another table).
     */
    public static Map<Long, String> of(Collection<OperationRecord> operations, TableReference table, Optional<String> identity)
    {
        Map<Long, String> kept = new TreeMap<>();
        for (OperationRecord operation : operations) {
            if (operation.kind() != OperationKind.COMPACT
                    || !operation.table().equals(table)
                    || !(operation.state() == OperationState.SUCCEEDED || operation.state() == OperationState.RUNNING)
                    || (operation.tableIdentity().isPresent() && identity.isPresent() && !operation.tableIdentity().equals(identity))) {
                continue;
            }
            Optional<IcebergSnapshots> snapshots = operation.compaction().icebergSnapshots();
            if (snapshots.isEmpty()) {
                continue;
            }
            String why = "rollback point of compaction " + operation.id();
            kept.putIfAbsent(snapshots.get().before(), why);
            snapshots.get().after().ifPresent(snapshot -> kept.putIfAbsent(snapshot, why));
            snapshots.get().afterParent().ifPresent(snapshot -> kept.putIfAbsent(snapshot, why));
        }
        return kept;
    }

    /**
     * The cut-off of an expiry asked for {@code requested}, moved back to {@link #KEPT_MARGIN} before every kept
     * snapshot the table still has.
     */
    public static Instant cutoff(Instant requested, Collection<Long> kept, Function<Long, Optional<Instant>> committedAt)
    {
        Instant cutoff = requested;
        for (long snapshot : kept) {
            Optional<Instant> committed = committedAt.apply(snapshot);
            if (committed.isPresent() && committed.get().minus(KEPT_MARGIN).isBefore(cutoff)) {
                cutoff = committed.get().minus(KEPT_MARGIN);
            }
        }
        return cutoff;
    }
}
