package io.dredge.core.sql;

import io.dredge.core.model.PartitionNames;
import io.dredge.core.model.TableDescriptor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;
import static java.util.stream.Collectors.toCollection;

/**
 * A filter that selects given partitions of a Hive table by name, and that the engine can also prune with before it
 * lists any file: what compaction rewrites and verifies, and what a backup counts again.
 */
public final class PartitionPredicate
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

    public PartitionPredicate(SqlDialect dialect)
    {
        this.dialect = requireNonNull(dialect, "dialect is null");
    }

    /**
     * {@code " WHERE ..."} selecting exactly {@code partitionNames} of {@code source} (engine partition names, as
     * {@code "$partition"} gives them); empty for an unpartitioned table.
     */
    public String where(TableDescriptor source, Collection<String> partitionNames)
    {
        return expression(source, partitionNames).map(predicate -> " WHERE " + predicate).orElse("");
    }

    /**
     * The predicate of {@link #where}, alone: also a partition filter that selects exactly those partitions.
     */
    public Optional<String> expression(TableDescriptor source, Collection<String> partitionNames)
    {
        if (!source.partitioned()) {
            return Optional.empty();
        }
        if (dialect == SqlDialect.HIVE) {
            return Optional.of(hivePartitions(source, partitionNames));
        }
        String exact = "%s IN (%s)".formatted(
                dialect.quoteIdentifier(PARTITION_NAME_COLUMN),
                partitionNames.stream().map(dialect::stringLiteral).collect(joining(", ")));
        // the engine applies "$partition" to rows only after it has listed and opened the files of every partition;
        // the same partitions as comparisons of partition columns with literals are pruned before any listing
        return Optional.of(prunablePredicate(source, partitionNames)
                .map(prunable -> "(%s) AND %s".formatted(prunable, exact))
                .orElse(exact));
    }

    /**
     * Hive has no partition-name column, and its metastore prunes with any predicate over partition columns: each
     * partition's values as text, as Hive reads them from the name. A NULL value reads as NULL, or, in a string column,
     * as the default partition's name.
     */
    private String hivePartitions(TableDescriptor source, Collection<String> partitionNames)
    {
        List<String> columns = source.partitionColumns();
        List<String> disjuncts = new ArrayList<>();
        for (String partitionName : partitionNames) {
            List<Optional<String>> values = PartitionNames.values(partitionName);
            if (values.size() != columns.size()) {
                throw new IllegalArgumentException("partition %s does not have the columns %s".formatted(partitionName, columns));
            }
            List<String> terms = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                String name = dialect.quoteIdentifier(columns.get(i));
                terms.add(values.get(i)
                        .map(value -> "CAST(%s AS string) = %s".formatted(name, dialect.stringLiteral(value)))
                        // not under a CAST: Hive's metastore reads "column = default partition name" as IS NULL, and
                        // fails on any other left side
                        .orElseGet(() -> "(%s IS NULL OR %s = %s)".formatted(name, name, dialect.stringLiteral(PartitionNames.NULL_VALUE))));
            }
            disjuncts.add("(" + String.join(" AND ", terms) + ")");
        }
        return disjuncts.isEmpty() ? "false" : "(" + String.join(" OR ", disjuncts) + ")";
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
}
