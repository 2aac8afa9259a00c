package io.dredge.core.report;

import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One row of the small-file report: a table ({@code partitionName} empty) or one of its partitions.
 */
public record SmallFileReportRow(
        TableReference table,
        Optional<String> partitionName,
        TableType tableType,
        String fileFormat,
        FileGroupStatistics statistics)
{
    public SmallFileReportRow
    {
        requireNonNull(table, "table is null");
        requireNonNull(partitionName, "partitionName is null");
        requireNonNull(tableType, "tableType is null");
        requireNonNull(fileFormat, "fileFormat is null");
        requireNonNull(statistics, "statistics is null");
    }
}
