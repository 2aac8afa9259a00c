package io.dredge.core.backup;

public enum BackupState
{
    RUNNING,
    COMPLETE,
    FAILED,
}
