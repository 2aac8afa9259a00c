package io.dredge.core.model;

import com.google.common.collect.ImmutableList;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The files of one partition, or of a whole unpartitioned table when {@code partitionName} is empty.
 *
 * @param fileFormat the partition's own storage format, when it has one (a Hive partition's storage descriptor may
 * name another format than the table's)
 */
public record PartitionFiles(Optional<String> partitionName, List<TableFile> files, Optional<String> fileFormat)
{
    public PartitionFiles
    {
        requireNonNull(partitionName, "partitionName is null");
        files = ImmutableList.copyOf(requireNonNull(files, "files is null"));
        requireNonNull(fileFormat, "fileFormat is null");
    }

    public PartitionFiles(Optional<String> partitionName, List<TableFile> files)
    {
        this(partitionName, files, Optional.empty());
    }
}
