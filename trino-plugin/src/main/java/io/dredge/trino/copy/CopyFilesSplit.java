package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import io.dredge.core.files.FileCopy;
import io.trino.spi.connector.ConnectorSplit;

import java.util.List;
import java.util.Optional;

import static io.airlift.slice.SizeOf.estimatedSizeOf;
import static io.airlift.slice.SizeOf.instanceSize;
import static java.util.Objects.requireNonNull;

/**
 * A batch of copies that one worker runs. Any node reaches the file system, so the split goes wherever the scheduler
 * has room, like a split of a table scan.
 */
public record CopyFilesSplit(CopyPlan.Action action, List<FileCopy> copies, Optional<String> storageFormat)
        implements ConnectorSplit
{
    private static final int INSTANCE_SIZE = instanceSize(CopyFilesSplit.class);
    private static final int COPY_INSTANCE_SIZE = instanceSize(FileCopy.class);

    public CopyFilesSplit
    {
        requireNonNull(action, "action is null");
        copies = ImmutableList.copyOf(requireNonNull(copies, "copies is null"));
        requireNonNull(storageFormat, "storageFormat is null");
    }

    @Override
    public long getRetainedSizeInBytes()
    {
        return INSTANCE_SIZE + estimatedSizeOf(copies, copy -> COPY_INSTANCE_SIZE + estimatedSizeOf(copy.source()) + estimatedSizeOf(copy.target()));
    }
}
