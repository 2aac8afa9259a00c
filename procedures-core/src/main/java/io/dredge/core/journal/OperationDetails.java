package io.dredge.core.journal;

/**
 * What one kind of operation journals beyond what every operation does: a compaction its plan, copies and backup
 * table ({@link CompactionDetails}), a backup where its manifest is ({@link BackupDetails}), a snapshot expiry its cut-off and plan
 * ({@link ExpiryDetails}), an orphan removal where it keeps what it removed ({@link OrphanDetails}). A rollback, cleanup, recover or
 * restore of orphan files keeps nothing of its own ({@link None}): the operation it acted on is in every record.
 */
public sealed interface OperationDetails
        permits CompactionDetails, BackupDetails, ExpiryDetails, OrphanDetails, OperationDetails.None
{
    None NONE = new None();

    /**
     * The details of a rollback, a cleanup or a recover.
     */
    record None()
            implements OperationDetails {}
}
