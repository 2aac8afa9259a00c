package io.dredge.core.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * What the metastore knows about a table, reduced to what maintenance needs.
 *
 * @param storageFormat the Hive storage format name (PARQUET, ORC, AVRO, ...), or the input format class when unknown
 * @param view whether this is a view rather than a table
 * @param dataColumns the columns stored in data files, in table order (partition columns follow them)
 * @param partitionColumnTypes the Hive type of each partition column ({@code string}, {@code int}, {@code date}, ...)
 */
public record TableDescriptor(
        TableReference table,
        boolean view,
        Optional<String> location,
        String storageFormat,
        List<String> dataColumns,
        List<String> partitionColumns,
        List<String> partitionColumnTypes,
        Map<String, String> parameters)
{
    public static final String ICEBERG_TABLE_TYPE_PROPERTY = "table_type";
    public static final String ICEBERG_METADATA_LOCATION_PROPERTY = "metadata_location";
    /**
     * Marks the tables Dredge itself creates ({@code staging}, {@code backup}): not data to report or compact.
     */
    public static final String DREDGE_ROLE_PROPERTY = "dredge.role";

    public TableDescriptor
    {
        requireNonNull(table, "table is null");
        requireNonNull(location, "location is null");
        requireNonNull(storageFormat, "storageFormat is null");
        dataColumns = ImmutableList.copyOf(requireNonNull(dataColumns, "dataColumns is null"));
        partitionColumns = ImmutableList.copyOf(requireNonNull(partitionColumns, "partitionColumns is null"));
        partitionColumnTypes = ImmutableList.copyOf(requireNonNull(partitionColumnTypes, "partitionColumnTypes is null"));
        checkArgument(partitionColumnTypes.size() == partitionColumns.size(), "a type for each partition column");
        parameters = ImmutableMap.copyOf(requireNonNull(parameters, "parameters is null"));
    }

    public TableType tableType()
    {
        String type = parameters.get(ICEBERG_TABLE_TYPE_PROPERTY);
        return type != null && type.toUpperCase(Locale.ROOT).equals("ICEBERG") ? TableType.ICEBERG : TableType.HIVE;
    }

    public Optional<String> icebergMetadataLocation()
    {
        return Optional.ofNullable(parameters.get(ICEBERG_METADATA_LOCATION_PROPERTY));
    }

    /**
     * Hive ACID tables belong to Hive's own compactor.
     */
    public boolean transactional()
    {
        return "true".equalsIgnoreCase(parameters.getOrDefault("transactional", "false"));
    }

    public boolean partitioned()
    {
        return !partitionColumns.isEmpty();
    }

    /**
     * Every column, as {@code SELECT *} returns them: data columns, then partition columns.
     */
    public List<String> allColumns()
    {
        return ImmutableList.<String>builder().addAll(dataColumns).addAll(partitionColumns).build();
    }

    public Optional<String> dredgeRole()
    {
        return parameter(DREDGE_ROLE_PROPERTY);
    }

    public Optional<String> parameter(String name)
    {
        return Optional.ofNullable(parameters.get(name));
    }
}
