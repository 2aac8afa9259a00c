package io.dredge.core.journal;

/**
 * Where an operation stands. Only {@link #RUNNING} holds the table: an operation still {@code RUNNING} whose
 * process is gone is unfinished, and {@code recover} finishes or undoes it.
 */
public enum OperationState
{
    RUNNING,
    /**
     * A compaction's dry run: the plan is recorded, nothing was changed.
     */
    PLANNED,
    /**
     * Done; for a compaction, the old data is kept for rollback until cleanup.
     */
    SUCCEEDED,
    /**
     * Stopped by an error and undone: the table is as it was before. The one exception is an Iceberg compaction whose
     * snapshot failed verification after others had committed on top of it: it is left in place (undoing it would
     * discard their commits), its partitions say so and the error names the later snapshots.
     */
    FAILED,
    /**
     * A compaction that rollback has undone.
     */
    ROLLED_BACK,
    /**
     * A compaction whose old data cleanup has deleted: it can no longer be rolled back.
     */
    CLEANED_UP,
    /**
     * An interrupted operation that recover has undone.
     */
    RECOVERED,
}
