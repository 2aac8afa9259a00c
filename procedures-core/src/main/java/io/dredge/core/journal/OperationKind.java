package io.dredge.core.journal;

public enum OperationKind
{
    COMPACT,
    ROLLBACK,
    CLEANUP,
    RECOVER,
    BACKUP,
    EXPIRE_SNAPSHOTS,
}
