package io.dredge.core.model;

import com.google.common.collect.ImmutableList;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The files of one partition, or of a whole unpartitioned table when {@code partitionName} is empty.
 */
public record PartitionFiles(Optional<String> partitionName, List<TableFile> files)
{
    public PartitionFiles
    {
        requireNonNull(partitionName, "partitionName is null");
        files = ImmutableList.copyOf(requireNonNull(files, "files is null"));
    }
}
