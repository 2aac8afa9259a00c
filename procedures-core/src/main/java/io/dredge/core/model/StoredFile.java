package io.dredge.core.model;

import java.time.Instant;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A file as the file system lists it: its path, size and when it was last written.
 */
public record StoredFile(String path, long sizeBytes, Instant lastModified)
{
    public StoredFile
    {
        requireNonNull(path, "path is null");
        checkArgument(sizeBytes >= 0, "sizeBytes is negative: %s", sizeBytes);
        requireNonNull(lastModified, "lastModified is null");
    }
}
