package io.dredge.core.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    // what the metastore and the engines keep about a table's or partition's current data, and Hive's record of
    // which of those statistics are accurate (stale on a copy)
    private static final Set<String> DATA_PARAMETERS = ImmutableSet.of(
            "numFiles", "numRows", "rawDataSize", "totalSize", "numFilesErasureCoded", "COLUMN_STATS_ACCURATE",
            "transient_lastDdlTime", "trino_query_id", "presto_query_id", "trino_version", "presto_version", "EXTERNAL");

    /**
     * A table's or partition's parameters without what the metastore and the engines keep about its current data
     * (statistics, DDL times, the writing query) and without Dredge's own (the lock): what defines it, as both
     * engines' adapters read it.
     */
    public static Map<String, String> definingParameters(Map<String, String> parameters)
    {
        if (parameters == null) {
            return ImmutableMap.of();
        }
        Map<String, String> defining = new HashMap<>(parameters);
        defining.keySet().removeAll(DATA_PARAMETERS);
        defining.keySet().removeIf(key -> key.startsWith("dredge."));
        return ImmutableMap.copyOf(defining);
    }

    /**
     * The parameters of a copy of a table that has {@code parameters}: its defining ones, marked external when the copy
     * is (without the purge flags: a DROP TABLE of the copy from Hive must not delete the data it points at), and
     * {@code extra}.
     */
    public static Map<String, String> copyParameters(Map<String, String> parameters, boolean external, Map<String, String> extra)
    {
        Map<String, String> copy = new HashMap<>(definingParameters(parameters));
        if (external) {
            copy.put("EXTERNAL", "TRUE");
            copy.remove("external.table.purge");
            copy.remove("auto.purge");
        }
        copy.putAll(extra);
        return ImmutableMap.copyOf(copy);
    }
}
