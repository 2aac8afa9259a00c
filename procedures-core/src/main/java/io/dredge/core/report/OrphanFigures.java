package io.dredge.core.report;

import java.time.Duration;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * What {@code remove_orphan_files} would take from a table now: the files below its location that nothing of the
 * table reads, last written more than {@code olderThan} ago.
 */
public record OrphanFigures(long files, long bytes, Duration olderThan)
{
    public OrphanFigures
    {
        checkArgument(files >= 0, "files must not be negative");
        checkArgument(bytes >= 0, "bytes must not be negative");
        requireNonNull(olderThan, "olderThan is null");
    }
}
