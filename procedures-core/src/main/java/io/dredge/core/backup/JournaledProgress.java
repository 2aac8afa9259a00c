package io.dredge.core.backup;

import io.dredge.core.files.CopyProgress;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.journal.OperationRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Shows copy progress in {@code system.operations.step}, at most once a second: every file's journal write would
 * cost more than the copy of a small file.
 */
final class JournaledProgress
        implements Consumer<CopyProgress>
{
    private static final Logger log = LoggerFactory.getLogger(JournaledProgress.class);

    private final OperationJournal journal;
    private final OperationRecord record;
    private long lastSaved;

    JournaledProgress(OperationJournal journal, OperationRecord record)
    {
        this.journal = requireNonNull(journal, "journal is null");
        this.record = requireNonNull(record, "record is null");
    }

    @Override
    public synchronized void accept(CopyProgress progress)
    {
        long now = System.nanoTime();
        if (progress.files() == progress.totalFiles() || now - lastSaved > 1_000_000_000L) {
            lastSaved = now;
            journal.save(record.withStep(progress.describe()));
            log.info("operation {}: {}", record.id(), progress.describe());
        }
    }
}
