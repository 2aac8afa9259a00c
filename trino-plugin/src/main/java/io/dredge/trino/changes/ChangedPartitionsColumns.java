package io.dredge.trino.changes;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.dredge.core.changes.PartitionChange;
import io.dredge.core.iceberg.IcebergTableMetadata.PartitionColumn;
import io.trino.spi.block.ArrayBlockBuilder;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.function.table.Descriptor;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static io.airlift.slice.Slices.utf8Slice;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.RealType.REAL;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.Float.floatToIntBits;

/**
 * The columns of {@code changed_partitions}: the partition's name, a column per partition field of the table's
 * current spec (typed as Iceberg types them, where Trino has the type; as text otherwise), then the figures. A
 * partition field whose name is one of the fixed columns' is left out (its value is in {@code partition_name}).
 */
final class ChangedPartitionsColumns
{
    private static final ArrayType TEXTS = new ArrayType(VARCHAR);
    private static final List<String> FIGURES = ImmutableList.of(
            "change_kinds", "rows_added", "rows_removed", "files_added", "files_removed", "first_changed_at", "last_changed_at", "resume_token");
    private static final List<Type> FIGURE_TYPES = ImmutableList.of(
            TEXTS, BIGINT, BIGINT, BIGINT, BIGINT, TIMESTAMP_TZ_MILLIS, TIMESTAMP_TZ_MILLIS, VARCHAR);
    private static final String PARTITION_NAME = "partition_name";
    private static final Set<String> FIXED = ImmutableSet.<String>builder().add(PARTITION_NAME).addAll(FIGURES).build();

    private final List<PartitionColumn> partitionColumns;

    ChangedPartitionsColumns(List<PartitionColumn> partitionColumns)
    {
        this.partitionColumns = partitionColumns.stream()
                .filter(column -> !FIXED.contains(column.name()))
                .collect(ImmutableList.toImmutableList());
    }

    Descriptor descriptor()
    {
        List<Descriptor.Field> fields = new ArrayList<>();
        fields.add(new Descriptor.Field(PARTITION_NAME, Optional.of(VARCHAR)));
        partitionColumns.forEach(column -> fields.add(new Descriptor.Field(column.name(), Optional.of(type(column)))));
        for (int index = 0; index < FIGURES.size(); index++) {
            fields.add(new Descriptor.Field(FIGURES.get(index), Optional.of(FIGURE_TYPES.get(index))));
        }
        return new Descriptor(fields);
    }

    List<Type> types()
    {
        ImmutableList.Builder<Type> types = ImmutableList.builder();
        types.add(VARCHAR);
        partitionColumns.forEach(column -> types.add(type(column)));
        return types.addAll(FIGURE_TYPES).build();
    }

    /**
     * Writes one row into the column builders, in the descriptor's order.
     */
    void write(PartitionChange change, String resumeToken, List<BlockBuilder> columns)
    {
        int column = 0;
        VARCHAR.writeSlice(columns.get(column++), utf8Slice(change.partitionName()));
        for (PartitionColumn partitionColumn : partitionColumns) {
            writeValue(partitionColumn, change.partitionValues().get(partitionColumn.name()), columns.get(column++));
        }
        ((ArrayBlockBuilder) columns.get(column++)).buildEntry(elements -> change.kinds().forEach(kind -> VARCHAR.writeSlice(elements, utf8Slice(kind.name()))));
        writeCount(change.rowsAdded(), columns.get(column++));
        writeCount(change.rowsRemoved(), columns.get(column++));
        BIGINT.writeLong(columns.get(column++), change.filesAdded());
        BIGINT.writeLong(columns.get(column++), change.filesRemoved());
        TIMESTAMP_TZ_MILLIS.writeLong(columns.get(column++), packDateTimeWithZone(change.firstChangedAt().toEpochMilli(), UTC_KEY));
        TIMESTAMP_TZ_MILLIS.writeLong(columns.get(column++), packDateTimeWithZone(change.lastChangedAt().toEpochMilli(), UTC_KEY));
        VARCHAR.writeSlice(columns.get(column), utf8Slice(resumeToken));
    }

    private static void writeCount(OptionalLong count, BlockBuilder builder)
    {
        if (count.isPresent()) {
            BIGINT.writeLong(builder, count.getAsLong());
        }
        else {
            builder.appendNull();
        }
    }

    private static Type type(PartitionColumn column)
    {
        return switch (column.type()) {
            case "boolean" -> BOOLEAN;
            case "integer" -> INTEGER;
            case "long" -> BIGINT;
            case "float" -> REAL;
            case "double" -> DOUBLE;
            case "date" -> DATE;
            default -> VARCHAR;
        };
    }

    private static void writeValue(PartitionColumn column, Object value, BlockBuilder builder)
    {
        if (value == null) {
            builder.appendNull();
            return;
        }
        try {
            writeTyped(type(column), value, builder);
        }
        catch (ClassCastException e) {
            // a file of an older spec whose field of this name had another type: its value is in partition_name
            builder.appendNull();
        }
    }

    private static void writeTyped(Type type, Object value, BlockBuilder builder)
    {
        if (type == BOOLEAN) {
            BOOLEAN.writeBoolean(builder, (Boolean) value);
        }
        else if (type == INTEGER || type == DATE) {
            type.writeLong(builder, ((Number) value).longValue());
        }
        else if (type == BIGINT) {
            BIGINT.writeLong(builder, ((Number) value).longValue());
        }
        else if (type == REAL) {
            REAL.writeLong(builder, floatToIntBits(((Number) value).floatValue()));
        }
        else if (type == DOUBLE) {
            DOUBLE.writeDouble(builder, ((Number) value).doubleValue());
        }
        else {
            VARCHAR.writeSlice(builder, utf8Slice(String.valueOf(value)));
        }
    }
}
