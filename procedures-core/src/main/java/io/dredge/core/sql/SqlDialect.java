package io.dredge.core.sql;

import com.google.common.collect.Lists;

import java.util.List;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * The one place where names and values become SQL text. Every statement Dredge generates quotes identifiers
 * and renders string literals through these methods. The one piece of user SQL is {@code partition_filter}: it is
 * inserted as a parenthesised expression after {@code CompactionSql.requireSelfContainedExpression} refused
 * statement separators, comments and unbalanced parentheses, and it runs as the calling user.
 */
public enum SqlDialect
{
    /**
     * Trino: {@code "name"} identifiers with doubled quotes, {@code 'text'} literals with doubled quotes.
     */
    TRINO('"'),
    /**
     * HiveQL: {@code `name`} identifiers with doubled backticks.
     */
    HIVE('`');

    // Trino's own per-type hash (what checksum() and ROW hashing use) and its hash combiner; both are functions of
    // Trino 483 that are callable from SQL but not documented, and TestHiveCompaction checks them
    private static final String TRINO_HASH_OPERATOR = "\"$operator$xx_hash_64\"";
    private static final int ROW_HASH_GROUP_SIZE = 32;

    private final char identifierQuote;

    SqlDialect(char identifierQuote)
    {
        this.identifierQuote = identifierQuote;
    }

    public String quoteIdentifier(String name)
    {
        requireNonNull(name, "name is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("identifier is empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        String quote = String.valueOf(identifierQuote);
        return quote + name.replace(quote, quote + quote) + quote;
    }

    public String stringLiteral(String value)
    {
        requireNonNull(value, "value is null");
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains a NUL character");
        }
        if (this == HIVE) {
            // HiveQL escapes with a backslash inside literals; two quotes in a row are two literals, concatenated
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * Whether the engine's writer can write a partition of this name: Trino's Hive connector writes only
     * printable ASCII partition values.
     */
    public boolean writesPartition(String partitionName)
    {
        return this != TRINO || partitionName.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
    }

    /**
     * {@code catalog.schema.table} with every part quoted; Hive has no catalog part.
     */
    public String qualifiedName(Optional<String> catalog, String schema, String table)
    {
        String name = quoteIdentifier(schema) + "." + quoteIdentifier(table);
        return catalog.filter(ignored -> this == TRINO)
                .map(value -> quoteIdentifier(value) + "." + name)
                .orElse(name);
    }

    /**
     * An aggregate over rows that is the same for the same rows in any order, and differs (but for hash collisions)
     * when a row is missing, added, or has a value changed or moved to another row: what compaction verifies a copy
     * with. For Hive see {@link #rowDigestSums}, whose parts add up across groups.
     */
    public String rowChecksum(List<String> columns)
    {
        requireTrino("a row checksum");
        return "checksum(%s)".formatted(rowHash(columns));
    }

    /**
     * A hash of the whole row, as {@code checksum(ROW(...))} would take it, but computed from each column's own
     * hash: building a ROW value copies every field of every row, which made checksum verification cost three to
     * five times the scan. Within a group of columns each column has its own weight (the hashes are folded as
     * {@code 31 * h + next}), and a group's result is hashed again before it is folded into the row's hash, so a value
     * moved to another row or another column changes the row's hash, and the nesting stays shallow for wide tables.
     */
    public String rowHash(List<String> columns)
    {
        requireTrino("a row hash");
        checkArgument(!columns.isEmpty(), "no columns to hash");
        List<String> groups = Lists.partition(columns, ROW_HASH_GROUP_SIZE).stream()
                .map(group -> fold(group.stream().map(column -> "coalesce(%s(%s), 0)".formatted(TRINO_HASH_OPERATOR, quoteIdentifier(column))).toList()))
                .toList();
        return groups.size() == 1 ? groups.get(0) : fold(groups.stream().map(group -> "%s(%s)".formatted(TRINO_HASH_OPERATOR, group)).toList());
    }

    /**
     * Hive's row checksum: two aggregates of bigint whose values, added (modulo 2^64) over any split of the rows into
     * groups, are the same for the same rows in any order and differ (but for hash collisions) when a row is missing,
     * added, or has a value changed or moved to another row or column. Each row is hashed twice by Hive's own hashes
     * of the whole row ({@code hash} and {@code murmur_hash}, each folding its columns' hashes as {@code 31 * h + next},
     * so a value moved to another column changes them); MD5 of the two mixes them, so that a sum over rows is no
     * longer a sum over columns (a value moved to another row changes it), and each part adds 32 bits of that digest,
     * so the sums cannot overflow below 2^31 rows.
     */
    public List<String> rowDigestSums(List<String> columns)
    {
        if (this != HIVE) {
            throw new UnsupportedOperationException("row digest sums are Hive's formulation; %s has rowChecksum".formatted(name()));
        }
        checkArgument(!columns.isEmpty(), "no columns to hash");
        String row = columns.stream().map(this::quoteIdentifier).collect(joining(", "));
        String digest = "md5(concat(cast(hash(%s) AS string), ':', cast(murmur_hash(%s) AS string)))".formatted(row, row);
        return List.of(
                "sum(cast(conv(substr(%s, 1, 8), 16, 10) AS bigint))".formatted(digest),
                "sum(cast(conv(substr(%s, 9, 8), 16, 10) AS bigint))".formatted(digest));
    }

    private static String fold(List<String> hashes)
    {
        String folded = hashes.get(0);
        for (String hash : hashes.subList(1, hashes.size())) {
            folded = "combine_hash(%s, %s)".formatted(folded, hash);
        }
        return folded;
    }

    private void requireTrino(String what)
    {
        if (this != TRINO) {
            throw new UnsupportedOperationException("%s has no %s formulation yet".formatted(what, name()));
        }
    }
}
