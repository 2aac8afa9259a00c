package io.dredge.core.backup;

import com.google.common.collect.ImmutableMap;
import com.google.common.io.BaseEncoding;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.sql.PartitionPredicate;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The figures a backup records and a restore checks, counted by the engine: rows and the order-independent row
 * checksum that compaction verifies with, per partition ({@code "$partition"}, the engine's partition name), in one scan.
 */
final class BackupSql
{
    private static final String PARTITION_NAME_COLUMN = "$partition";

    private final SqlEngine engine;
    private final Optional<String> catalog;

    BackupSql(SqlEngine engine, Optional<String> catalog)
    {
        this.engine = requireNonNull(engine, "engine is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    record Figures(long rows, String checksum)
    {
        Figures
        {
            requireNonNull(checksum, "checksum is null");
        }
    }

    /**
     * Figures by partition name; an unpartitioned table's under the empty name. Partitions without rows are absent.
     */
    Map<String, Figures> figures(TableDescriptor table)
    {
        return figures(table, "");
    }

    /**
     * Figures of some partitions of a partitioned table, by name; the others are not read.
     */
    Map<String, Figures> figures(TableDescriptor table, Collection<String> partitionNames)
    {
        return figures(table, new PartitionPredicate(engine.dialect()).where(table, partitionNames));
    }

    private Map<String, Figures> figures(TableDescriptor table, String where)
    {
        var dialect = engine.dialect();
        String partitionName = table.partitioned() ? dialect.quoteIdentifier(PARTITION_NAME_COLUMN) : dialect.stringLiteral("");
        String sql = "SELECT %s, count(*), %s FROM %s%s GROUP BY 1".formatted(
                partitionName,
                dialect.rowChecksum(table.allColumns()),
                dialect.qualifiedName(catalog, table.table().schemaName(), table.table().tableName()),
                where);
        ImmutableMap.Builder<String, Figures> figures = ImmutableMap.builder();
        for (List<Object> row : engine.query(sql)) {
            figures.put((String) row.get(0), new Figures(((Number) row.get(1)).longValue(), checksumText(row.get(2))));
        }
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
