package io.dredge.core.sql;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestSqlDialect
{
    @Test
    void testIdentifiersCannotBreakOutOfQuotes()
    {
        assertThat(SqlDialect.TRINO.quoteIdentifier("events")).isEqualTo("\"events\"");
        assertThat(SqlDialect.TRINO.quoteIdentifier("a\"; DROP TABLE x; --")).isEqualTo("\"a\"\"; DROP TABLE x; --\"");
        assertThat(SqlDialect.HIVE.quoteIdentifier("a`b")).isEqualTo("`a``b`");
        assertThatThrownBy(() -> SqlDialect.TRINO.quoteIdentifier("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SqlDialect.TRINO.quoteIdentifier("a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void testLiteralsCannotBreakOutOfQuotes()
    {
        assertThat(SqlDialect.TRINO.stringLiteral("it's")).isEqualTo("'it''s'");
        assertThat(SqlDialect.TRINO.stringLiteral("a\\b")).isEqualTo("'a\\b'");
        // Hive reads 'a''b' as two literals, concatenated: a quote is escaped with a backslash
        assertThat(SqlDialect.HIVE.stringLiteral("a\\'b")).isEqualTo("'a\\\\\\'b'");
    }

    @Test
    void testQualifiedNames()
    {
        assertThat(SqlDialect.TRINO.qualifiedName(Optional.of("hive"), "demo", "events$partitions")).isEqualTo("\"hive\".\"demo\".\"events$partitions\"");
        assertThat(SqlDialect.HIVE.qualifiedName(Optional.of("hive"), "demo", "events")).isEqualTo("`demo`.`events`");
    }

    @Test
    void testRowChecksumQuotesColumnsAndIsTrinos()
    {
        assertThat(SqlDialect.TRINO.rowChecksum(List.of("id", "a\"b")))
                .isEqualTo("checksum(combine_hash(coalesce(\"$operator$xx_hash_64\"(\"id\"), 0), coalesce(\"$operator$xx_hash_64\"(\"a\"\"b\"), 0)))");
        // wider than a group: each group is hashed again
        assertThat(SqlDialect.TRINO.rowHash(IntStream.range(0, 33).mapToObj(i -> "c" + i).toList()))
                .startsWith("combine_hash(\"$operator$xx_hash_64\"(combine_hash(")
                .endsWith(", \"$operator$xx_hash_64\"(coalesce(\"$operator$xx_hash_64\"(\"c32\"), 0)))");
        assertThatThrownBy(() -> SqlDialect.HIVE.rowChecksum(List.of("id"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void testHiveRowDigestSumsQuoteColumnsAndAreHives()
    {
        // TestHiveMaintenance checks in HiveServer2 that they see a value moved to another row or column
        assertThat(SqlDialect.HIVE.rowDigestSums(List.of("id", "a`b")))
                .containsExactly(
                        "sum(cast(conv(substr(md5(concat(cast(hash(`id`, `a``b`) AS string), ':', cast(murmur_hash(`id`, `a``b`) AS string))), 1, 8), 16, 10) AS bigint))",
                        "sum(cast(conv(substr(md5(concat(cast(hash(`id`, `a``b`) AS string), ':', cast(murmur_hash(`id`, `a``b`) AS string))), 9, 8), 16, 10) AS bigint))");
        assertThatThrownBy(() -> SqlDialect.TRINO.rowDigestSums(List.of("id"))).isInstanceOf(UnsupportedOperationException.class);
    }
}
