package io.dredge.core.journal;

import io.dredge.core.model.TableReference;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * One maintenance operation as the journal keeps it: what every operation shows of its progress, and in
 * {@code details} what its kind needs besides (for a compaction, to finish, undo or clean it up after any crash).
 *
 * @param targetOperationId the compaction a rollback, cleanup or recover acted on; the removal of orphan files a
 * restore undid; the dry run whose listing a removal carried out
 * @param step what the operation is doing or last did, for people watching it
 * @param tableIdentity what identifies the table across renames ({@code iceberg-uuid:<uuid>} for an Iceberg table), as
 * it was when the operation started; empty in journals written before identities were recorded
 * @param details what the operation's kind keeps of its own
 */
public record OperationRecord(
        String id,
        OperationKind kind,
        TableReference table,
        String user,
        OperationState state,
        Instant startedAt,
        Optional<Instant> finishedAt,
        Optional<String> targetOperationId,
        String step,
        Optional<String> error,
        Optional<String> tableIdentity,
        OperationDetails details)
{
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    public OperationRecord
    {
        requireNonNull(id, "id is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(table, "table is null");
        requireNonNull(user, "user is null");
        requireNonNull(state, "state is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(finishedAt, "finishedAt is null");
        requireNonNull(targetOperationId, "targetOperationId is null");
        requireNonNull(step, "step is null");
        requireNonNull(error, "error is null");
        requireNonNull(tableIdentity, "tableIdentity is null");
        requireNonNull(details, "details is null");
        checkArgument(describes(details, kind), "operation %s is a %s and cannot have %s", id, kind, details.getClass().getSimpleName());
    }

    private static boolean describes(OperationDetails details, OperationKind kind)
    {
        return switch (kind) {
            case COMPACT -> details instanceof CompactionDetails;
            case BACKUP -> details instanceof BackupDetails;
            case EXPIRE_SNAPSHOTS -> details instanceof ExpiryDetails;
            case REMOVE_ORPHAN_FILES -> details instanceof OrphanDetails;
            case ROLLBACK, CLEANUP, RECOVER, RESTORE_ORPHAN_FILES, REWRITE -> details instanceof OperationDetails.None;
        };
    }

    public static OperationRecord start(OperationKind kind, TableReference table, String user, Optional<String> targetOperationId, OperationDetails details, Instant now)
    {
        return new OperationRecord(newId(now), kind, table, user, OperationState.RUNNING, now, Optional.empty(), targetOperationId,
                "started", Optional.empty(), Optional.empty(), details);
    }

    /**
     * Sorts by time and reads like a Trino query id: {@code 20261123_231512_3f9a0c1d}.
     */
    public static String newId(Instant now)
    {
        return "%s_%08x".formatted(ID_TIME.format(now), RANDOM.nextInt());
    }

    /**
     * The random part of the id, for names derived from it ({@code 3f9a0c1d}).
     */
    public String shortId()
    {
        return id.substring(id.lastIndexOf('_') + 1);
    }

    /**
     * The details of a compaction; this must be one.
     */
    public CompactionDetails compaction()
    {
        if (details instanceof CompactionDetails compaction) {
            return compaction;
        }
        throw new IllegalStateException("operation %s is a %s, not a compaction".formatted(id, kind));
    }

    /**
     * The details of a backup; this must be one.
     */
    public BackupDetails backup()
    {
        if (details instanceof BackupDetails backup) {
            return backup;
        }
        throw new IllegalStateException("operation %s is a %s, not a backup".formatted(id, kind));
    }

    /**
     * The details of a snapshot expiry; this must be one.
     */
    public ExpiryDetails expiry()
    {
        if (details instanceof ExpiryDetails expiry) {
            return expiry;
        }
        throw new IllegalStateException("operation %s is a %s, not a snapshot expiry".formatted(id, kind));
    }

    /**
     * The details of an orphan removal; this must be one.
     */
    public OrphanDetails orphans()
    {
        if (details instanceof OrphanDetails orphans) {
            return orphans;
        }
        throw new IllegalStateException("operation %s is a %s, not an orphan removal".formatted(id, kind));
    }

    /**
     * The same operation on a table that was renamed while it ran.
     */
    public OperationRecord withTable(TableReference newTable)
    {
        return buildFrom(this).table(newTable).build();
    }

    public OperationRecord withStep(String newStep)
    {
        return buildFrom(this).step(newStep).build();
    }

    /**
     * This compaction with its details changed.
     */
    public OperationRecord withCompaction(UnaryOperator<CompactionDetails> change)
    {
        return buildFrom(this).details(change.apply(compaction())).build();
    }

    public OperationRecord withTableIdentity(String identity)
    {
        return buildFrom(this).tableIdentity(Optional.of(identity)).build();
    }

    public OperationRecord finished(OperationState newState, Optional<String> newError, Instant now)
    {
        return buildFrom(this).state(newState).finishedAt(Optional.of(now)).error(newError).build();
    }

    /**
     * A later change of a finished compaction's state (rolled back, cleaned up), keeping its finish time.
     */
    public OperationRecord withState(OperationState newState)
    {
        return buildFrom(this).state(newState).build();
    }

    /**
     * A record like {@code record} with some fields changed, as {@code TableMetadata.buildFrom} makes one.
     */
    public static Builder buildFrom(OperationRecord record)
    {
        return new Builder(record);
    }

    public static final class Builder
    {
        private final String id;
        private final OperationKind kind;
        private TableReference table;
        private final String user;
        private OperationState state;
        private final Instant startedAt;
        private Optional<Instant> finishedAt;
        private final Optional<String> targetOperationId;
        private String step;
        private Optional<String> error;
        private Optional<String> tableIdentity;
        private OperationDetails details;

        private Builder(OperationRecord record)
        {
            this.id = record.id;
            this.kind = record.kind;
            this.table = record.table;
            this.user = record.user;
            this.state = record.state;
            this.startedAt = record.startedAt;
            this.finishedAt = record.finishedAt;
            this.targetOperationId = record.targetOperationId;
            this.step = record.step;
            this.error = record.error;
            this.tableIdentity = record.tableIdentity;
            this.details = record.details;
        }

        public Builder table(TableReference table)
        {
            this.table = table;
            return this;
        }

        public Builder state(OperationState state)
        {
            this.state = state;
            return this;
        }

        public Builder finishedAt(Optional<Instant> finishedAt)
        {
            this.finishedAt = finishedAt;
            return this;
        }

        public Builder step(String step)
        {
            this.step = step;
            return this;
        }

        public Builder error(Optional<String> error)
        {
            this.error = error;
            return this;
        }

        public Builder tableIdentity(Optional<String> tableIdentity)
        {
            this.tableIdentity = tableIdentity;
            return this;
        }

        public Builder details(OperationDetails details)
        {
            this.details = details;
            return this;
        }

        public OperationRecord build()
        {
            return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, step, error, tableIdentity, details);
        }
    }
}
