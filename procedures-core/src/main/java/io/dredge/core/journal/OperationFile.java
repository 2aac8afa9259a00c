package io.dredge.core.journal;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A file an operation listed, removed or would remove (a dry run), and why: what {@code system.operation_files}
 * shows.
 */
public record OperationFile(String path, long bytes, String reason)
{
    public OperationFile
    {
        requireNonNull(path, "path is null");
        checkArgument(bytes >= 0, "bytes is negative: %s", bytes);
        requireNonNull(reason, "reason is null");
    }
}
