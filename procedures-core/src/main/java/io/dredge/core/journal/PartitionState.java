package io.dredge.core.journal;

public enum PartitionState
{
    /**
     * Chosen for compaction; the metastore still points at the original data.
     */
    PLANNED,
    /**
     * The rewritten copy has the same rows as the original.
     */
    VERIFIED,
    /**
     * Left as it was, with the reason recorded.
     */
    SKIPPED,
    /**
     * The metastore points at the rewritten copy; the original is kept for rollback.
     */
    SWAPPED,
    /**
     * The metastore points at the original again.
     */
    RESTORED,
}
