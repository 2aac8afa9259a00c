package io.dredge.core.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A Hive storage descriptor without its location: how the files of a table or partition are read and written.
 *
 * @param bucketing the bucketing and sort order, when the table is bucketed
 */
public record HiveStorage(
        String inputFormat,
        String outputFormat,
        String serde,
        Map<String, String> serdeParameters,
        Optional<Bucketing> bucketing)
{
    public HiveStorage
    {
        requireNonNull(inputFormat, "inputFormat is null");
        requireNonNull(outputFormat, "outputFormat is null");
        requireNonNull(serde, "serde is null");
        serdeParameters = ImmutableMap.copyOf(requireNonNull(serdeParameters, "serdeParameters is null"));
        requireNonNull(bucketing, "bucketing is null");
    }

    public record Bucketing(List<String> columns, int bucketCount, List<SortColumn> sortedBy)
    {
        public Bucketing
        {
            columns = ImmutableList.copyOf(requireNonNull(columns, "columns is null"));
            checkArgument(bucketCount > 0, "bucketCount must be positive");
            sortedBy = ImmutableList.copyOf(requireNonNull(sortedBy, "sortedBy is null"));
        }
    }

    public record SortColumn(String column, boolean ascending)
    {
        public SortColumn
        {
            requireNonNull(column, "column is null");
        }
    }
}
