package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.Sets;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.iceberg.IcebergTableMetadata.RewrittenFile;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.sql.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.joining;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;

/**
 * Compares the rows of an Iceberg compaction's own snapshot with those of its parent, read with time travel, per
 * partition: a {@code replace} commit rewrites files and must leave every row as it was. Only the partitions the
 * commit changed are read, unless a change is not confined to a partition (an unpartitioned table or spec): the
 * others are the same files on both sides. Commits made after either snapshot do not enter the comparison. Count
 * verification reads the rewritten files' footers instead of scanning, where no delete file is involved.
 */
final class IcebergVerification
{
    private static final Logger log = LoggerFactory.getLogger(IcebergVerification.class);
    private static final String PARTITION_COLUMN = "$partition";

    private final MaintenanceContext context;
    private final SqlDialect dialect;

    IcebergVerification(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.dialect = context.engine().dialect();
    }

    /**
     * Reads one side of the comparison ahead: the figures of {@code snapshot} over the given partitions, for
     * {@link #compare} to take as the parent's when the compaction's snapshot turns out to have that parent and to
     * change no other partition. Empty when the query fails: then {@link #compare} reads both sides itself.
     */
    Optional<Side> readAhead(TableDescriptor table, IcebergTableMetadata metadata, long snapshot, Collection<Optional<String>> partitions, Verification verification)
    {
        boolean wholeTable = wholeTable(metadata, partitions);
        List<String> names = partitions.stream().flatMap(Optional::stream).toList();
        try {
            Map<String, List<Object>> figures = new HashMap<>();
            for (List<Object> row : context.engine().query(side(table, metadata, snapshot, true, wholeTable, names, verification))) {
                figures.put(String.valueOf(row.get(1)), row.subList(2, row.size()));
            }
            return Optional.of(new Side(snapshot, wholeTable, names, figures));
        }
        catch (RuntimeException e) {
            log.warn("reading snapshot {} of {} ahead of its verification failed; it is read again after the rewrite: {}", snapshot, table.table(), e.toString());
            return Optional.empty();
        }
    }

    /**
     * @param partitions the partitions the snapshot changed, by name (empty for an unpartitioned spec)
     * @param parentSide the parent's figures if read ahead ({@link #readAhead}); used only where they cover exactly
     * what this comparison reads of the parent
     */
    Result compare(TableDescriptor table, IcebergTableMetadata metadata, long parent, long snapshot, Collection<Optional<String>> partitions, Verification verification, Optional<Side> parentSide)
    {
        if (verification == Verification.COUNT) {
            Optional<Result> counted = countFromFooters(metadata, snapshot);
            if (counted.isPresent()) {
                return counted.get();
            }
        }
        boolean wholeTable = wholeTable(metadata, partitions);
        List<String> names = partitions.stream().flatMap(Optional::stream).toList();
        Optional<Side> known = parentSide.filter(side -> side.snapshot() == parent && side.wholeTable() == wholeTable && side.partitions().containsAll(names));
        String sql = known.isPresent()
                ? side(table, metadata, snapshot, false, wholeTable, names, verification)
                : "%s UNION ALL %s".formatted(
                        side(table, metadata, parent, true, wholeTable, names, verification),
                        side(table, metadata, snapshot, false, wholeTable, names, verification));
        List<List<Object>> rows;
        try {
            rows = context.engine().query(sql);
        }
        catch (RuntimeException e) {
            return new Result(ImmutableMap.of(), ImmutableList.of(), Optional.of("the verification query failed: " + e.getMessage()), false);
        }
        Map<String, List<Object>> before = new HashMap<>();
        Map<String, List<Object>> after = new HashMap<>();
        known.ifPresent(side -> side.figures().forEach((partition, figures) -> {
            if (wholeTable || names.contains(partition)) {
                before.put(partition, figures);
            }
        }));
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
        return new Result(verifiedRows.buildOrThrow(), ImmutableList.copyOf(differing), Optional.empty(), false);
    }

    private static boolean wholeTable(IcebergTableMetadata metadata, Collection<Optional<String>> partitions)
    {
        return !metadata.partitioned() || partitions.stream().anyMatch(Optional::isEmpty);
    }

    /**
     * Count verification without a scan, as the Hive protocol counts where files record their rows: per partition,
     * the rows of the data files the snapshot removed against those of the files it added, each read from the file's
     * own footer by Dredge's reader, not by the engine that wrote it; and every added file's footer must hold the
     * rows its manifest entry says, or the commit misstates its files. Empty, for the engine to count instead, when
     * delete files are involved (rows of a file may be deleted) or a file's footer gives no count.
     */
    private Optional<Result> countFromFooters(IcebergTableMetadata metadata, long snapshot)
    {
        Optional<List<RewrittenFile>> rewritten = metadata.rewrittenDataFiles(snapshot);
        if (rewritten.isEmpty() || rewritten.get().isEmpty()) {
            return Optional.empty();
        }
        Map<String, Long> footers = new HashMap<>();
        rewritten.get().stream()
                .collect(groupingBy(RewrittenFile::format, mapping(RewrittenFile::file, toList())))
                .forEach((format, files) -> footers.putAll(context.fileStore().footerRowCounts(format, files)));
        Map<String, Long> before = new TreeMap<>();
        Map<String, Long> after = new TreeMap<>();
        Set<String> misstated = new TreeSet<>();
        for (RewrittenFile file : rewritten.get()) {
            Long rows = footers.get(file.file().path());
            if (rows == null) {
                return Optional.empty();
            }
            String partition = file.partition().orElse("");
            (file.added() ? after : before).merge(partition, rows, Long::sum);
            if (file.added() && rows != file.recordCount()) {
                misstated.add(partition);
            }
        }
        List<String> differing = new ArrayList<>();
        ImmutableMap.Builder<String, Long> verifiedRows = ImmutableMap.builder();
        for (String partition : union(before.keySet(), after.keySet())) {
            long rows = after.getOrDefault(partition, 0L);
            if (misstated.contains(partition) || rows != before.getOrDefault(partition, 0L)) {
                differing.add(partition.isEmpty() ? "<table>" : partition);
            }
            else {
                verifiedRows.put(partition, rows);
            }
        }
        return Optional.of(new Result(verifiedRows.buildOrThrow(), differing, Optional.empty(), true));
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
     * One snapshot's figures per partition, read ahead over {@code partitions} (all of them when {@code wholeTable}).
     */
    record Side(long snapshot, boolean wholeTable, List<String> partitions, Map<String, List<Object>> figures)
    {
        Side
        {
            partitions = ImmutableList.copyOf(requireNonNull(partitions, "partitions is null"));
            figures = ImmutableMap.copyOf(requireNonNull(figures, "figures is null"));
        }
    }

    /**
     * @param rows the verified row count of each partition that matched (by {@code "$partition"}, {@code ""} for the whole table)
     * @param differing partitions whose rows differ
     * @param error why the comparison could not be made
     * @param fromFooters whether the rows were counted from the files' footers rather than by the engine
     */
    record Result(Map<String, Long> rows, List<String> differing, Optional<String> error, boolean fromFooters)
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
