package io.dredge.core.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A partition as the metastore defines it, apart from its location: its values as the metastore stores them (in
 * partition-column order; {@code __HIVE_DEFAULT_PARTITION__} for a NULL), and its own columns, storage and parameters, which may differ from the table's.
 */
public record HivePartitionDefinition(
        String name,
        List<String> values,
        List<HiveColumn> columns,
        HiveStorage storage,
        Map<String, String> parameters)
{
    public HivePartitionDefinition
    {
        requireNonNull(name, "name is null");
        values = ImmutableList.copyOf(requireNonNull(values, "values is null"));
        columns = ImmutableList.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(storage, "storage is null");
        parameters = ImmutableMap.copyOf(requireNonNull(parameters, "parameters is null"));
    }
}
