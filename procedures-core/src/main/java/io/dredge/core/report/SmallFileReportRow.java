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

    /**
     * The row's values in the order of the report's columns ({@code catalog_name, schema_name, table_name,
     * partition_name, table_type, file_format, file_count, total_bytes, avg_file_bytes, small_file_count,
     * ideal_file_count, compaction_ratio, status, recommended_action}), as both engines show them; NULL as {@code null}.
     */
    public Object[] values(String catalogName)
    {
        return new Object[] {
                catalogName,
                table.schemaName(),
                table.tableName(),
                partitionName.orElse(null),
                tableType.name(),
                fileFormat,
                statistics.fileCount(),
                statistics.totalBytes(),
                statistics.avgFileBytes(),
                statistics.smallFileCount(),
                statistics.idealFileCount(),
                statistics.compactionRatio(),
                statistics.status().name(),
                statistics.recommendedAction()};
    }
}
