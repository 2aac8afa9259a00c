package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.Sets;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.sql.SqlDialect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * Compares the rows of an Iceberg compaction's own snapshot with those of its parent, read with time travel, per
 * partition: a {@code replace} commit rewrites files and must leave every row as it was. Only the partitions the
 * commit changed are read, unless a change is not confined to a partition (an unpartitioned table or spec): the
 * others are the same files on both sides. Commits made after either snapshot do not enter the comparison.
 */
final class IcebergVerification
{
    private static final String PARTITION_COLUMN = "$partition";

    private final MaintenanceContext context;
    private final SqlDialect dialect;

    IcebergVerification(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.dialect = context.engine().dialect();
    }

    /**
     * @param partitions the partitions the snapshot changed, by name (empty for an unpartitioned spec)
     */
    Result compare(TableDescriptor table, IcebergTableMetadata metadata, long parent, long snapshot, Collection<Optional<String>> partitions, Verification verification)
    {
        boolean wholeTable = !metadata.partitioned() || partitions.stream().anyMatch(Optional::isEmpty);
        List<String> names = partitions.stream().flatMap(Optional::stream).toList();
        String sql = "%s UNION ALL %s".formatted(
                side(table, metadata, parent, true, wholeTable, names, verification),
                side(table, metadata, snapshot, false, wholeTable, names, verification));
        List<List<Object>> rows;
        try {
            rows = context.engine().query(sql);
        }
        catch (RuntimeException e) {
            return new Result(ImmutableMap.of(), ImmutableList.of(), Optional.of("the verification query failed: " + e.getMessage()));
        }
        Map<String, List<Object>> before = new HashMap<>();
        Map<String, List<Object>> after = new HashMap<>();
        for (List<Object> row : rows) {
            ((Boolean) row.get(0) ? before : after).put(String.valueOf(row.get(1)), row.subList(2, row.size()));
        }
        List<String> differing = new ArrayList<>();
        ImmutableMap.Builder<String, Long> verifiedRows = ImmutableMap.builder();
        for (String partition : union(before.keySet(), after.keySet())) {
            List<Object> figures = after.get(partition);
            if (figures == null || !same(before.get(partition), figures)) {
                differing.add(partition.isEmpty() ? "<table>" : partition);
            }
            else {
                verifiedRows.put(partition, ((Number) figures.get(0)).longValue());
            }
        }
        return new Result(verifiedRows.buildOrThrow(), ImmutableList.copyOf(differing), Optional.empty());
    }

    private String side(TableDescriptor table, IcebergTableMetadata metadata, long snapshot, boolean parent, boolean wholeTable, List<String> partitions, Verification verification)
    {
        String partition = wholeTable ? dialect.stringLiteral("") : dialect.quoteIdentifier(PARTITION_COLUMN);
        String checksum = switch (verification) {
            case COUNT -> "";
            case CHECKSUM -> ", " + dialect.rowChecksum(metadata.columns(snapshot));
        };
        String filter = wholeTable ? "" : " WHERE %s IN (%s)".formatted(
                dialect.quoteIdentifier(PARTITION_COLUMN),
                partitions.stream().map(dialect::stringLiteral).collect(joining(", ")));
        return "SELECT %s, %s, count(*)%s FROM %s FOR VERSION AS OF %s%s GROUP BY 2".formatted(
                parent,
                partition,
                checksum,
                dialect.qualifiedName(context.icebergCatalog(), table.table().schemaName(), table.table().tableName()),
                snapshot,
                filter);
    }

    private static boolean same(List<Object> before, List<Object> after)
    {
        if (before == null || before.size() != after.size()) {
            return false;
        }
        for (int i = 0; i < before.size(); i++) {
            boolean equal = before.get(i) instanceof byte[] left && after.get(i) instanceof byte[] right
                    ? Arrays.equals(left, right)
                    : Objects.equals(before.get(i), after.get(i));
            if (!equal) {
                return false;
            }
        }
        return true;
    }

    private static List<String> union(Set<String> left, Set<String> right)
    {
        return ImmutableList.sortedCopyOf(Sets.union(left, right));
    }

    /**
     * @param rows the verified row count of each partition that matched (by {@code "$partition"}, {@code ""} for the whole table)
     * @param differing partitions whose rows differ
     * @param error why the comparison could not be made
     */
    record Result(Map<String, Long> rows, List<String> differing, Optional<String> error)
    {
        Result
        {
            rows = ImmutableMap.copyOf(requireNonNull(rows, "rows is null"));
            differing = ImmutableList.copyOf(requireNonNull(differing, "differing is null"));
            requireNonNull(error, "error is null");
        }

        boolean same()
        {
            return error.isEmpty() && differing.isEmpty();
        }

        String problem()
        {
            return error.orElseGet(() -> "the rows of %s differ".formatted(String.join(", ", differing)));
        }
    }
}
