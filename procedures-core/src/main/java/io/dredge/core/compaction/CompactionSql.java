package io.dredge.core.compaction;

import io.dredge.core.DredgeException;
import io.dredge.core.model.PartitionNames;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.sql.SqlDialect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;
import static java.util.stream.Collectors.toCollection;

/**
 * The statements compaction runs on the engine, built from quoted names and rendered literals only. The one
 * user-written fragment, the partition filter, must be a self-contained expression (see
 * {@link #requireSelfContainedExpression(String)}) and runs as the calling user, so it can read nothing the user
 * could not read anyway.
 */
final class CompactionSql
{
    private static final String PARTITION_NAME_COLUMN = "$partition";
    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "int", "bigint");
    private static final Pattern INTEGER_VALUE = Pattern.compile("-?[0-9]{1,18}");
    private static final Pattern DATE_VALUE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    // stand-ins while the pruning predicate is built; neither can be a rendered literal
    private static final String NULL_LITERAL = "NULL";
    private static final String NO_LITERAL = "";
    // the statement also names every partition in "$partition" IN (...), and verification has two sides: stay well
    // within the engine's query.max-length (1,000,000 characters by default)
    private static final int MAX_PER_PARTITION_PREDICATE_LENGTH = 100_000;

    private final SqlDialect dialect;
    private final Optional<String> catalog;

    CompactionSql(SqlDialect dialect, Optional<String> catalog)
    {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        if (dialect != SqlDialect.TRINO) {
            throw new UnsupportedOperationException("compaction statements are built for Trino only so far");
        }
    }

    String table(String schema, String table)
    {
        return dialect.qualifiedName(catalog, schema, table);
    }

    /**
     * Makes the engine's Hive catalog forget what it cached about the table's partitions and files.
     */
    String flushMetadataCache(TableDescriptor table)
    {
        return "CALL %s.system.flush_metadata_cache(schema_name => %s, table_name => %s)".formatted(
                dialect.quoteIdentifier(catalog.orElseThrow()),
                dialect.stringLiteral(table.table().schemaName()),
                dialect.stringLiteral(table.table().tableName()));
    }

    /**
     * Analysed, not run: fails when the user may not insert into the table.
     */
    String validateInsert(TableDescriptor table)
    {
        String name = table(table.table().schemaName(), table.table().tableName());
        return "EXPLAIN (TYPE VALIDATE) INSERT INTO %s SELECT * FROM %s WHERE false".formatted(name, name);
    }

    /**
     * Fails (through the engine) when the filter names anything but partition columns.
     */
    String validatePartitionFilter(TableDescriptor table, String filter)
    {
        return "SELECT count(*) FROM %s WHERE (%s)".formatted(table(table.table().schemaName(), table.table().tableName() + "$partitions"), filter);
    }

    String partitionNamesMatching(TableDescriptor table, String filter)
    {
        return "SELECT DISTINCT %s FROM %s WHERE (%s)".formatted(
                dialect.quoteIdentifier(PARTITION_NAME_COLUMN),
                table(table.table().schemaName(), table.table().tableName()),
                filter);
    }

    /**
     * Copies the chosen partitions (or the whole unpartitioned table) into the staging table.
     */
    String copyInto(TableDescriptor source, String stagingTable, Collection<String> partitionNames)
    {
        return "INSERT INTO %s SELECT * FROM %s%s".formatted(
                table(source.table().schemaName(), stagingTable),
                table(source.table().schemaName(), source.table().tableName()),
                partitionPredicate(source, partitionNames));
    }

    /**
     * Rows {@code (is_original, partition_name, row_count[, checksum])} for the chosen partitions of the source table
     * and of its staging copy, which has the same columns and partitioning.
     */
    String aggregatesOfBothSides(TableDescriptor source, String stagingTable, Collection<String> partitionNames, Verification verification)
    {
        return "%s UNION ALL %s".formatted(
                aggregates(source, source.table().tableName(), true, partitionNames, verification),
                aggregates(source, stagingTable, false, partitionNames, verification));
    }

    private String aggregates(TableDescriptor source, String tableName, boolean original, Collection<String> partitionNames, Verification verification)
    {
        String partitionName = source.partitioned() ? dialect.quoteIdentifier(PARTITION_NAME_COLUMN) : dialect.stringLiteral("");
        String checksum = switch (verification) {
            case COUNT -> "";
            case CHECKSUM -> ", " + dialect.rowChecksum(source.allColumns());
        };
        return "SELECT %s, %s, count(*)%s FROM %s%s GROUP BY 2".formatted(
                original,
                partitionName,
                checksum,
                table(source.table().schemaName(), tableName),
                partitionPredicate(source, partitionNames));
    }

    private String partitionPredicate(TableDescriptor source, Collection<String> partitionNames)
    {
        if (!source.partitioned()) {
            return "";
        }
        String exact = "%s IN (%s)".formatted(
                dialect.quoteIdentifier(PARTITION_NAME_COLUMN),
                partitionNames.stream().map(dialect::stringLiteral).collect(joining(", ")));
        // the engine applies "$partition" to rows only after it has listed and opened the files of every partition;
        // the same partitions as comparisons of partition columns with literals are pruned before any listing
        return prunablePredicate(source, partitionNames)
                .map(prunable -> " WHERE (%s) AND %s".formatted(prunable, exact))
                .orElse(" WHERE " + exact);
    }

    /**
     * The partitions as comparisons of partition columns with literals, leaving out a column whose type has no
     * plain literal here (the exact {@code "$partition"} predicate still applies); empty when nothing can be said.
     * One partition column: {@code c IN (...)}. More: {@code (c1 = v1 AND c2 = v2) OR ...}, which the engine
     * evaluates against each partition's values, unless that grows too long for a statement; then one
     * {@code IN} list per column, which prunes to a superset of the partitions.
     */
    private Optional<String> prunablePredicate(TableDescriptor source, Collection<String> partitionNames)
    {
        List<String> columns = source.partitionColumns();
        List<List<String>> literals = new ArrayList<>();
        for (String partitionName : partitionNames) {
            List<Optional<String>> values = PartitionNames.values(partitionName);
            if (values.size() != columns.size()) {
                return Optional.empty();
            }
            List<String> row = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                String type = source.partitionColumnTypes().get(i);
                // a NULL value is written as IS NULL; a value without a literal leaves its column unconstrained
                row.add(values.get(i).isEmpty() ? NULL_LITERAL : literal(type, values.get(i).get()).orElse(NO_LITERAL));
            }
            literals.add(row);
        }
        if (columns.size() > 1) {
            Optional<String> exact = perPartition(columns, literals);
            if (exact.isEmpty() || exact.get().length() <= MAX_PER_PARTITION_PREDICATE_LENGTH) {
                return exact;
            }
        }
        return perColumn(columns, literals);
    }

    private Optional<String> perPartition(List<String> columns, List<List<String>> literals)
    {
        List<String> disjuncts = new ArrayList<>();
        for (List<String> row : literals) {
            List<String> terms = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                String literal = row.get(i);
                if (!literal.equals(NO_LITERAL)) {
                    terms.add(comparison(columns.get(i), literal));
                }
            }
            if (terms.isEmpty()) {
                return Optional.empty();
            }
            disjuncts.add("(" + String.join(" AND ", terms) + ")");
        }
        return Optional.of(String.join(" OR ", disjuncts));
    }

    private Optional<String> perColumn(List<String> columns, List<List<String>> literals)
    {
        List<List<String>> terms = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            int column = i;
            Set<String> values = literals.stream().map(row -> row.get(column)).collect(toCollection(LinkedHashSet::new));
            if (values.contains(NO_LITERAL)) {
                continue;
            }
            String name = dialect.quoteIdentifier(columns.get(i));
            List<String> alternatives = new ArrayList<>();
            List<String> nonNull = values.stream().filter(value -> !value.equals(NULL_LITERAL)).toList();
            if (!nonNull.isEmpty()) {
                alternatives.add("%s IN (%s)".formatted(name, String.join(", ", nonNull)));
            }
            if (values.contains(NULL_LITERAL)) {
                alternatives.add(name + " IS NULL");
            }
            terms.add(alternatives);
        }
        if (terms.size() == 1) {
            return Optional.of(String.join(" OR ", terms.get(0)));
        }
        return terms.isEmpty() ? Optional.empty() : Optional.of(terms.stream()
                .map(alternatives -> alternatives.size() == 1 ? alternatives.get(0) : "(" + String.join(" OR ", alternatives) + ")")
                .collect(joining(" AND ")));
    }

    private String comparison(String column, String literal)
    {
        String name = dialect.quoteIdentifier(column);
        return literal.equals(NULL_LITERAL) ? name + " IS NULL" : "%s = %s".formatted(name, literal);
    }

    /**
     * A literal equal to the partition value as the engine reads it from the partition name, for the types whose
     * text form is unambiguous.
     */
    private Optional<String> literal(String hiveType, String value)
    {
        String type = hiveType.toLowerCase(Locale.ROOT);
        if (type.equals("string") || type.startsWith("varchar")) {
            return Optional.of(dialect.stringLiteral(value));
        }
        if (INTEGER_TYPES.contains(type) && INTEGER_VALUE.matcher(value).matches()) {
            return Optional.of(Long.toString(Long.parseLong(value)));
        }
        if (type.equals("date") && DATE_VALUE.matcher(value).matches()) {
            return Optional.of("DATE " + dialect.stringLiteral(value));
        }
        if (type.equals("boolean") && (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false"))) {
            return Optional.of(value.toLowerCase(Locale.ROOT));
        }
        return Optional.empty();
    }

    /**
     * A filter is pasted into {@code WHERE (...)}; it must not be able to close that parenthesis, end the
     * statement or open a comment that swallows the rest.
     */
    static void requireSelfContainedExpression(String filter)
    {
        if (filter.isBlank()) {
            throw new DredgeException(INVALID_ARGUMENT, "partition_filter is empty");
        }
        int depth = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == '\'' || c == '"') {
                int end = closingQuote(filter, i);
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

    private static int closingQuote(String text, int start)
    {
        char quote = text.charAt(start);
        for (int i = start + 1; i < text.length(); i++) {
            if (text.charAt(i) == quote) {
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
