package io.dredge.core.operation;

/**
 * The points of an operation after which a crash is possible; fault-injection tests stop the protocol at each of
 * them. The compaction protocol's steps are numbered in {@code docs/compaction.md} ("How compact_table works"),
 * which names each of these as a crash point; this Javadoc gives the same numbers.
 */
public enum ProtocolStep
{
    /**
     * After step 3 (plan): the planned partitions and their input files are journaled, nothing is written yet.
     */
    PLANNED,
    /**
     * After step 4 (write): the copy is written (Hive: the staging table; Iceberg: {@code optimize} has committed,
     * its snapshot not yet journaled). Backups use it too, without numbered steps: a backup after its copies into
     * the repository, a restore after its copies and before the table is registered.
     */
    WRITTEN,
    /**
     * Snapshot expiry, before {@link #WRITTEN}: the data and delete files only the expiring snapshots reference are
     * in the quarantine, and the engine has not expired anything yet.
     */
    PARKED,
    /**
     * In step 5 (verify), Iceberg only: the snapshot {@code optimize} committed is journaled, its verification has
     * not finished.
     */
    VERIFYING,
    /**
     * After step 5 (verify): Hive, the verified and skipped partitions are journaled; Iceberg, the snapshot is
     * compared with its parent and the outcome not yet journaled.
     */
    VERIFIED,
    /**
     * In step 6 (swap), Hive only: after the k-th partition swap is journaled (k counts from 1).
     */
    PARTITION_SWAPPED,
    /**
     * Last: everything is done but journaling the compaction {@code SUCCEEDED} (Hive: in step 7, after the
     * originals are parked and the late files moved; Iceberg: in step 5, after the verified snapshot's files are
     * journaled).
     */
    BEFORE_COMPLETION,
}
