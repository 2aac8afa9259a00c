package io.dredge.trino.changes;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.dredge.core.changes.PartitionChange;
import io.dredge.core.changes.PartitionFilter;
import io.dredge.core.iceberg.IcebergTableMetadata.PartitionColumn;
import io.trino.spi.block.ArrayBlockBuilder;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.function.table.Descriptor;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;

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
import static io.trino.spi.type.TypeUtils.writeNativeValue;
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
                // the engine's column names ignore case
                .filter(column -> !FIXED.contains(column.name().toLowerCase(Locale.ROOT)))
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
        writeNativeValue(type(column), builder, nativeValue(column, value));
    }

    /**
     * A partition value as the engine holds it in the column, as written and as filtered on: null where the value is
     * not of the column's type.
     */
    private static Object nativeValue(PartitionColumn column, Object value)
    {
        if (value == null) {
            return null;
        }
        Type type = type(column);
        try {
            if (type == BOOLEAN) {
                return (Boolean) value;
            }
            if (type == INTEGER || type == DATE || type == BIGINT) {
                return ((Number) value).longValue();
            }
            if (type == REAL) {
                return (long) floatToIntBits(((Number) value).floatValue());
            }
            if (type == DOUBLE) {
                return ((Number) value).doubleValue();
            }
            return utf8Slice(String.valueOf(value));
        }
        catch (ClassCastException e) {
            // a file of an older spec whose field of this name had another type: its value is in partition_name
            return null;
        }
    }

    List<ColumnMetadata> metadata()
    {
        return descriptor().getFields().stream()
                .map(field -> new ColumnMetadata(field.getName().orElseThrow(), field.getType().orElseThrow()))
                .collect(ImmutableList.toImmutableList());
    }

    List<ChangedPartitionsColumnHandle> handles()
    {
        List<Descriptor.Field> fields = descriptor().getFields();
        return IntStream.range(0, fields.size())
                .mapToObj(index -> new ChangedPartitionsColumnHandle(fields.get(index).getName().orElseThrow().toLowerCase(Locale.ROOT), index))
                .collect(ImmutableList.toImmutableList());
    }

    /**
     * Whether the column holds a partition value, whose filter the answer takes.
     */
    boolean isPartitionValue(ChangedPartitionsColumnHandle column)
    {
        return column.ordinal() >= 1 && column.ordinal() <= partitionColumns.size();
    }

    /**
     * The partitions whose values {@code constraint} takes, exactly as the engine would filter the rows.
     */
    PartitionFilter filter(TupleDomain<ChangedPartitionsColumnHandle> constraint)
    {
        if (constraint.isAll()) {
            return PartitionFilter.ALL;
        }
        if (constraint.isNone()) {
            return PartitionFilter.of(values -> false);
        }
        Map<ChangedPartitionsColumnHandle, Domain> domains = constraint.getDomains().orElseThrow();
        return PartitionFilter.of(values -> domains.entrySet().stream().allMatch(entry -> {
            PartitionColumn column = partitionColumns.get(entry.getKey().ordinal() - 1);
            return entry.getValue().includesNullableValue(nativeValue(column, values.get(column.name())));
        }));
    }
}
