package io.dredge.core.sql;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The one place where names and values become SQL text. Every statement Dredge generates quotes identifiers
 * and renders string literals through these methods; nothing a user typed is concatenated into SQL by hand.
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
        String literal = value.replace("'", "''");
        // HiveQL also treats backslash as an escape inside literals
        return "'" + (this == HIVE ? literal.replace("\\", "\\\\") : literal) + "'";
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
}
