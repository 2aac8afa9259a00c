package io.dredge.core.operation;

/**
 * The points of the compaction protocol after which a crash is possible; fault-injection tests stop the
 * protocol at each of them.
 */
public enum ProtocolStep
{
    PLANNED,
    WRITTEN,
    /**
     * Iceberg: the snapshot {@code optimize} committed is journaled, its verification has not finished.
     */
    VERIFYING,
    VERIFIED,
    /**
     * After the k-th partition swap (k counts from 1).
     */
    PARTITION_SWAPPED,
    BEFORE_COMPLETION,
}
