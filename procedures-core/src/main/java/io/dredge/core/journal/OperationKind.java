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
}
