package io.dredge.core.report;

public enum FileGroupStatus
{
    OK,
    NEEDS_COMPACTION,
}
