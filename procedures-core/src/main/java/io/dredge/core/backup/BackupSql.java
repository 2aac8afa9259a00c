package io.dredge.core.backup;

import com.google.common.collect.ImmutableMap;
import com.google.common.io.BaseEncoding;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.sql.PartitionPredicate;
import io.dredge.core.sql.SqlDialect;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The figures a backup records and a restore checks, counted by the engine: rows and the order-independent row
 * checksum that compaction verifies with, per partition, in one scan. Trino names each row's partition
 * ({@code "$partition"}); Hive names its file ({@code INPUT__FILE__NAME}), and a partition's figures are those of the
 * files below its location. A checksum says which engine's formulation it is: Hive's start with {@value #HIVE_CHECKSUM}.
 */
final class BackupSql
{
    private static final String PARTITION_NAME_COLUMN = "$partition";
    private static final String HIVE_FILE_COLUMN = "INPUT__FILE__NAME";
    static final String HIVE_CHECKSUM = "hive:";

    private final MaintenanceContext context;
    private final SqlEngine engine;
    private final Optional<String> catalog;

    BackupSql(MaintenanceContext context, Optional<String> catalog)
    {
        this.context = requireNonNull(context, "context is null");
        this.engine = context.engine();
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    record Figures(long rows, String checksum)
    {
        Figures
        {
            requireNonNull(checksum, "checksum is null");
        }

        /**
         * The same rows: the same count, and the same checksum where both are one engine's formulation (a backup
         * taken through one engine and restored through the other is checked by its row counts).
         */
        boolean matches(Figures other)
        {
            return other != null && rows == other.rows
                    && (checksum.equals(other.checksum) || checksum.startsWith(HIVE_CHECKSUM) != other.checksum.startsWith(HIVE_CHECKSUM));
        }
    }

    /**
     * Figures by partition name; an unpartitioned table's under the empty name. Partitions without rows are absent.
     */
    Map<String, Figures> figures(TableDescriptor table)
    {
        return figures(table, Optional.empty());
    }

    /**
     * Figures of some partitions of a partitioned table, by name; the others are not read.
     */
    Map<String, Figures> figures(TableDescriptor table, Collection<String> partitionNames)
    {
        return figures(table, Optional.of(partitionNames));
    }

    private Map<String, Figures> figures(TableDescriptor table, Optional<Collection<String>> partitionNames)
    {
        var dialect = engine.dialect();
        String where = partitionNames.map(names -> new PartitionPredicate(dialect).where(table, names)).orElse("");
        String name = dialect.qualifiedName(catalog, table.table().schemaName(), table.table().tableName());
        if (dialect == SqlDialect.HIVE) {
            return hiveFigures(table, partitionNames, "SELECT %s, count(*), %s FROM %s%s GROUP BY %s".formatted(
                    HIVE_FILE_COLUMN, String.join(", ", dialect.rowDigestSums(table.allColumns())), name, where, HIVE_FILE_COLUMN));
        }
        String partitionName = table.partitioned() ? dialect.quoteIdentifier(PARTITION_NAME_COLUMN) : dialect.stringLiteral("");
        String sql = "SELECT %s, count(*), %s FROM %s%s GROUP BY 1".formatted(
                partitionName,
                dialect.rowChecksum(table.allColumns()),
                name,
                where);
        ImmutableMap.Builder<String, Figures> figures = ImmutableMap.builder();
        for (List<Object> row : engine.query(sql)) {
            figures.put((String) row.get(0), new Figures(((Number) row.get(1)).longValue(), checksumText(row.get(2))));
        }
        return figures.buildOrThrow();
    }

    /**
     * Hive's rows come per file: each file's figures go to the partition whose location holds it (the deepest, where
     * one partition lies inside another's directory), and add up as the digest's parts do.
     */
    private Map<String, Figures> hiveFigures(TableDescriptor table, Optional<Collection<String>> partitionNames, String sql)
    {
        Map<String, String> locations = new HashMap<>();
        if (table.partitioned()) {
            List<String> names = partitionNames.map(List::copyOf).orElseGet(() -> context.metastore().getPartitionNames(table));
            context.metastore().getPartitionsInBatches(table.table(), names).forEach(partition -> locations.put(partition.name(), partition.location()));
        }
        else {
            locations.put("", table.location().orElseThrow());
        }
        Map<String, long[]> sums = new HashMap<>();
        for (List<Object> row : engine.query(sql)) {
            String file = (String) row.get(0);
            Optional<String> partition = locations.entrySet().stream()
                    .filter(location -> Locations.isBelow(location.getValue(), file))
                    .max(Comparator.comparingInt(location -> Locations.comparablePath(location.getValue()).length()))
                    .map(Map.Entry::getKey);
            if (partition.isEmpty()) {
                throw new IllegalStateException("Hive read %s for %s, a file below no partition's location".formatted(file, table.table()));
            }
            long[] partitionSums = sums.computeIfAbsent(partition.get(), ignored -> new long[row.size() - 1]);
            for (int i = 1; i < row.size(); i++) {
                partitionSums[i - 1] += ((Number) row.get(i)).longValue();
            }
        }
        ImmutableMap.Builder<String, Figures> figures = ImmutableMap.builder();
        sums.forEach((partition, partitionSums) -> figures.put(partition, new Figures(partitionSums[0], HIVE_CHECKSUM + "%016x%016x".formatted(partitionSums[1], partitionSums[2]))));
        return figures.buildOrThrow();
    }

    /**
     * Figures of an Iceberg table at one snapshot, read with time travel: what that snapshot holds, whatever was
     * committed since.
     */
    Figures snapshotFigures(TableReference table, long snapshotId, List<String> columns)
    {
        var dialect = engine.dialect();
        List<Object> row = engine.query("SELECT count(*), %s FROM %s FOR VERSION AS OF %s".formatted(
                dialect.rowChecksum(columns),
                dialect.qualifiedName(catalog, table.schemaName(), table.tableName()),
                snapshotId)).get(0);
        return new Figures(((Number) row.get(0)).longValue(), checksumText(row.get(1)));
    }

    /**
     * The rows of an Iceberg table at one snapshot, counted by the engine with time travel.
     */
    long snapshotRows(TableReference table, long snapshotId)
    {
        return ((Number) engine.query("SELECT count(*) FROM %s FOR VERSION AS OF %s".formatted(
                engine.dialect().qualifiedName(catalog, table.schemaName(), table.tableName()),
                snapshotId)).get(0).get(0)).longValue();
    }

    /**
     * Figures as a mismatch names them; {@code null} stands for a partition without rows.
     */
    static String describe(Figures figures)
    {
        return figures == null ? "no rows" : "%s rows, checksum %s".formatted(figures.rows(), figures.checksum());
    }

    static String checksumText(Object checksum)
    {
        if (checksum == null) {
            return "";
        }
        return checksum instanceof byte[] bytes ? BaseEncoding.base16().lowerCase().encode(bytes) : checksum.toString();
    }
}
