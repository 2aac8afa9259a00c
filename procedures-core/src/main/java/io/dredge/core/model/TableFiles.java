package io.dredge.core.model;

import com.google.common.collect.ImmutableList;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The data files of a table as of now, grouped by partition. A partitioned table with no partitions has
 * an empty list; an unpartitioned table has exactly one entry without a partition name.
 */
public record TableFiles(TableReference table, TableType tableType, String fileFormat, boolean partitioned, List<PartitionFiles> partitions)
{
    public TableFiles
    {
        requireNonNull(table, "table is null");
        requireNonNull(tableType, "tableType is null");
        requireNonNull(fileFormat, "fileFormat is null");
        partitions = ImmutableList.copyOf(requireNonNull(partitions, "partitions is null"));
    }

    public List<TableFile> allFiles()
    {
        return partitions.stream()
                .flatMap(partition -> partition.files().stream())
                .collect(ImmutableList.toImmutableList());
    }
}
