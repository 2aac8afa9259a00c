package io.dredge.core.files;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * One file to copy: from {@code source} to {@code target} (absolute locations), of the size the source had when
 * the copy was planned.
 */
public record FileCopy(String source, String target, long sizeBytes)
{
    public FileCopy
    {
        requireNonNull(source, "source is null");
        requireNonNull(target, "target is null");
        checkArgument(sizeBytes >= 0, "sizeBytes is negative");
    }
}
