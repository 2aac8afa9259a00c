package io.dredge.core.journal;

public enum OperationKind
{
    COMPACT,
    ROLLBACK,
    CLEANUP,
    RECOVER,
    BACKUP,
    EXPIRE_SNAPSHOTS,
    REMOVE_ORPHAN_FILES,
    RESTORE_ORPHAN_FILES,
    /**
     * One of the engine's own table procedures that rewrite without changing rows, run by {@code maintain_schema}.
     */
    REWRITE,
}
