package io.dredge.core.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Everything that defines a Hive table apart from its name and location: what a backup keeps and a restore recreates.
 *
 * @param parameters the table's parameters, without the metastore's own bookkeeping (statistics, DDL times) and Dredge's lock
 * @param external whether the table is external (its data outlives a DROP TABLE)
 */
public record HiveTableDefinition(
        List<HiveColumn> dataColumns,
        List<HiveColumn> partitionColumns,
        HiveStorage storage,
        Map<String, String> parameters,
        boolean external)
{
    public HiveTableDefinition
    {
        dataColumns = ImmutableList.copyOf(requireNonNull(dataColumns, "dataColumns is null"));
        partitionColumns = ImmutableList.copyOf(requireNonNull(partitionColumns, "partitionColumns is null"));
        requireNonNull(storage, "storage is null");
        parameters = ImmutableMap.copyOf(requireNonNull(parameters, "parameters is null"));
    }
}
