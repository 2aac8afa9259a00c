package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import io.dredge.core.backup.FileCopy;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What one {@code copy_files} call copies, and the user it was planned for: only that user may run it.
 */
public record CopyPlan(String user, List<FileCopy> copies)
{
    public CopyPlan
    {
        requireNonNull(user, "user is null");
        copies = ImmutableList.copyOf(requireNonNull(copies, "copies is null"));
    }

    public long totalBytes()
    {
        return copies.stream().mapToLong(FileCopy::sizeBytes).sum();
    }
}
