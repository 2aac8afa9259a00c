package io.dredge.core.compaction;

import io.dredge.core.DredgeException;
import io.dredge.core.model.PartitionNames;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.sql.PartitionPredicate;
import io.dredge.core.sql.SqlDialect;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * The statements compaction runs on the engine, built from quoted names and rendered literals only. The one
 * user-written fragment, the partition filter, must be a self-contained expression (see
 * {@link #requireSelfContainedExpression(SqlDialect, String)}) and runs as the calling user, so it can read nothing the user
 * could not read anyway. Trino names a row's partition ({@code "$partition"}) and file; Hive names only the file
 * ({@code INPUT__FILE__NAME}), and knows partitions by their columns' values.
 */
final class CompactionSql
{
    private static final String PARTITION_NAME_COLUMN = "$partition";
    private static final String HIVE_FILE_COLUMN = "INPUT__FILE__NAME";

    private final SqlDialect dialect;
    private final Optional<String> catalog;
    private final PartitionPredicate partitions;

    CompactionSql(SqlDialect dialect, Optional<String> catalog)
    {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.partitions = new PartitionPredicate(dialect);
    }

    SqlDialect dialect()
    {
        return dialect;
    }

    String table(String schema, String table)
    {
        return dialect.qualifiedName(catalog, schema, table);
    }

    /**
     * Makes the engine's Hive catalog forget what it cached about the table's partitions and files; Hive reads the
     * metastore for every statement and has nothing to flush.
     */
    Optional<String> flushMetadataCache(TableDescriptor table)
    {
        if (dialect == SqlDialect.HIVE) {
            return Optional.empty();
        }
        return Optional.of("CALL %s.system.flush_metadata_cache(schema_name => %s, table_name => %s)".formatted(
                dialect.quoteIdentifier(catalog.orElseThrow()),
                dialect.stringLiteral(table.table().schemaName()),
                dialect.stringLiteral(table.table().tableName())));
    }

    /**
     * Fails (through the engine) when the filter names anything but partition columns.
     */
    String validatePartitionFilter(TableDescriptor table, String filter)
    {
        if (dialect == SqlDialect.HIVE) {
            return "SELECT count(*) FROM %s WHERE (%s)".formatted(hivePartitionValues(table), filter);
        }
        return "SELECT count(*) FROM %s WHERE (%s)".formatted(table(table.table().schemaName(), table.table().tableName() + "$partitions"), filter);
    }

    /**
     * The partitions the filter selects, a row each: read them with {@link #partitionName}.
     */
    String partitionNamesMatching(TableDescriptor table, String filter)
    {
        if (dialect == SqlDialect.HIVE) {
            // each value as text, as Hive writes it into a partition's name
            return "SELECT DISTINCT %s FROM %s WHERE (%s)".formatted(
                    table.partitionColumns().stream().map(column -> "CAST(%s AS string)".formatted(dialect.quoteIdentifier(column))).collect(joining(", ")),
                    hivePartitionValues(table),
                    filter);
        }
        return "SELECT DISTINCT %s FROM %s WHERE (%s)".formatted(
                dialect.quoteIdentifier(PARTITION_NAME_COLUMN),
                table(table.table().schemaName(), table.table().tableName()),
                filter);
    }

    /**
     * A row of {@link #partitionNamesMatching} as a partition name; empty for a row that names none.
     */
    Optional<String> partitionName(TableDescriptor table, List<Object> row)
    {
        if (dialect == SqlDialect.HIVE) {
            return Optional.of(PartitionNames.name(table.partitionColumns(), row.stream().map(value -> Optional.ofNullable(value).map(Object::toString)).toList()));
        }
        return Optional.ofNullable((String) row.get(0));
    }

    /**
     * The table's partition columns alone, so that a filter naming any other column fails to analyse; Hive answers
     * a DISTINCT over partition columns from the metastore.
     */
    private String hivePartitionValues(TableDescriptor table)
    {
        return "(SELECT DISTINCT %s FROM %s) partition_values".formatted(
                table.partitionColumns().stream().map(dialect::quoteIdentifier).collect(joining(", ")),
                table(table.table().schemaName(), table.table().tableName()));
    }

    /**
     * Copies the chosen partitions (or the whole unpartitioned table) into the staging table.
     */
    String copyInto(TableDescriptor source, String stagingTable, Collection<String> partitionNames)
    {
        // Hive names the partition columns of a dynamic-partition insert; SELECT * ends with them, in order
        String partitionClause = dialect == SqlDialect.HIVE && source.partitioned()
                ? " PARTITION (%s)".formatted(source.partitionColumns().stream().map(dialect::quoteIdentifier).collect(joining(", ")))
                : "";
        return "INSERT INTO %s%s SELECT * FROM %s%s".formatted(
                table(source.table().schemaName(), stagingTable),
                partitionClause,
                table(source.table().schemaName(), source.table().tableName()),
                partitionPredicate(source, partitionNames));
    }

    /**
     * Rows {@code (is_original, group, row_count[, checksum...])} for the chosen partitions of the source table and
     * of its staging copy, which has the same columns and partitioning. Trino groups by partition name ({@code ""}
     * for an unpartitioned table) with one checksum; Hive groups by file, with the parts of
     * {@link SqlDialect#rowDigestSums}, which add up to a partition's.
     */
    String aggregatesOfBothSides(TableDescriptor source, String stagingTable, Collection<String> partitionNames, Verification verification)
    {
        return "%s UNION ALL %s".formatted(
                aggregates(source, source.table().tableName(), true, partitionNames, verification),
                aggregates(source, stagingTable, false, partitionNames, verification));
    }

    private String aggregates(TableDescriptor source, String tableName, boolean original, Collection<String> partitionNames, Verification verification)
    {
        String group;
        String checksum;
        String groupBy;
        if (dialect == SqlDialect.HIVE) {
            group = HIVE_FILE_COLUMN;
            groupBy = HIVE_FILE_COLUMN;
            checksum = switch (verification) {
                case COUNT -> "";
                case CHECKSUM -> ", " + String.join(", ", dialect.rowDigestSums(source.allColumns()));
            };
        }
        else {
            group = source.partitioned() ? dialect.quoteIdentifier(PARTITION_NAME_COLUMN) : dialect.stringLiteral("");
            groupBy = "2";
            checksum = switch (verification) {
                case COUNT -> "";
                case CHECKSUM -> ", " + dialect.rowChecksum(source.allColumns());
            };
        }
        return "SELECT %s, %s, count(*)%s FROM %s%s GROUP BY %s".formatted(
                original,
                group,
                checksum,
                table(source.table().schemaName(), tableName),
                partitionPredicate(source, partitionNames),
                groupBy);
    }

    private String partitionPredicate(TableDescriptor source, Collection<String> partitionNames)
    {
        return partitions.where(source, partitionNames);
    }

    /**
     * A filter is pasted into {@code WHERE (...)}; it must not be able to close that parenthesis, end the
     * statement or open a comment that swallows the rest. Quotes are read as the engine reads them: Trino doubles a
     * quote inside a literal or quoted name; Hive also escapes with a backslash inside literals, and quotes names with
     * backticks.
     */
    static void requireSelfContainedExpression(SqlDialect dialect, String filter)
    {
        if (filter.isBlank()) {
            throw new DredgeException(INVALID_ARGUMENT, "partition_filter is empty");
        }
        String quotes = dialect == SqlDialect.HIVE ? "'\"`" : "'\"";
        int depth = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (quotes.indexOf(c) >= 0) {
                int end = closingQuote(filter, i, dialect == SqlDialect.HIVE && c != '`');
                if (end < 0) {
                    throw invalidFilter(filter, "an unterminated quote");
                }
                i = end;
            }
            else if (c == '(') {
                depth++;
            }
            else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw invalidFilter(filter, "an unbalanced ')'");
                }
            }
            else if (c == ';') {
                throw invalidFilter(filter, "';'");
            }
            else if ((c == '-' && filter.startsWith("--", i)) || (c == '/' && filter.startsWith("/*", i))) {
                throw invalidFilter(filter, "a comment");
            }
        }
        if (depth != 0) {
            throw invalidFilter(filter, "an unbalanced '('");
        }
    }

    private static int closingQuote(String text, int start, boolean backslashEscapes)
    {
        char quote = text.charAt(start);
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (backslashEscapes && c == '\\') {
                i++;
                continue;
            }
            if (c == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i++;
                    continue;
                }
                return i;
            }
        }
        return -1;
    }

    private static DredgeException invalidFilter(String filter, String problem)
    {
        return new DredgeException(INVALID_ARGUMENT, "partition_filter must be one SQL expression over partition columns; it contains %s: %s".formatted(problem, filter));
    }
}
