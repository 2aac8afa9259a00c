package io.dredge.core.compaction;

import io.dredge.core.DredgeException;
import io.dredge.core.model.PartitionNames;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.sql.SqlDialect;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCompactionInput
{
    @Test
    void testPartitionFilterMustBeOneExpression()
    {
        assertThatCode(() -> CompactionSql.requireSelfContainedExpression(SqlDialect.TRINO, "event_date = DATE '2024-01-02'")).doesNotThrowAnyException();
        assertThatCode(() -> CompactionSql.requireSelfContainedExpression(SqlDialect.TRINO, "(a = 1 OR b = 'x)') AND c IN (1, 2)")).doesNotThrowAnyException();
        assertThatCode(() -> CompactionSql.requireSelfContainedExpression(SqlDialect.TRINO, "name = 'it''s; -- fine'")).doesNotThrowAnyException();
        assertThatCode(() -> CompactionSql.requireSelfContainedExpression(SqlDialect.TRINO, "\"odd\"\"name\" = 1")).doesNotThrowAnyException();

        assertRefused("a = 1) OR (true", "unbalanced ')'");
        assertRefused("(a = 1", "unbalanced '('");
        assertRefused("a = 1; DROP TABLE t", "';'");
        assertRefused("a = 1 -- rest", "a comment");
        assertRefused("a = 1 /* rest", "a comment");
        assertRefused("a = 'open", "an unterminated quote");
        assertRefused("  ", "empty");

        // Hive escapes quotes with a backslash and quotes names with backticks
        assertThatCode(() -> CompactionSql.requireSelfContainedExpression(SqlDialect.HIVE, "name = 'it\\'s; -- fine' AND `a)b` = \"x;\"")).doesNotThrowAnyException();
        // read as Trino reads it this would be one literal; Hive ends the literal at the second quote and reads on
        assertThatThrownBy(() -> CompactionSql.requireSelfContainedExpression(SqlDialect.HIVE, "a = 'x\\'' ) OR (true --'"))
                .isInstanceOf(DredgeException.class)
                .hasMessageContaining("unbalanced ')'");
    }

    @Test
    void testVerification()
    {
        assertThat(Verification.parse(" Checksum ")).isEqualTo(Verification.CHECKSUM);
        assertThat(Verification.parse("count")).isEqualTo(Verification.COUNT);
        assertThatThrownBy(() -> Verification.parse("md5")).hasMessageContaining("verify must be 'checksum' or 'count'");
    }

    @Test
    void testCopyNamesPartitionsByColumnValuesSoTheEngineCanPrune()
    {
        CompactionSql sql = new CompactionSql(SqlDialect.TRINO, Optional.of("hive"));
        TableDescriptor table = new TableDescriptor(new TableReference("s", "t"), false, Optional.of("file:/t"), "ORC",
                List.of("id"), List.of("day", "ref", "tag"), List.of("date", "int", "string"), Map.of());
        assertThat(sql.copyInto(table, "t__dredge_1", List.of("day=2024-01-02/ref=007/tag=a%2Fb%27c", "day=2024-01-03/ref=__HIVE_DEFAULT_PARTITION__/tag=x")))
                .isEqualTo("INSERT INTO \"hive\".\"s\".\"t__dredge_1\" SELECT * FROM \"hive\".\"s\".\"t\" WHERE " +
                        "((\"day\" = DATE '2024-01-02' AND \"ref\" = 7 AND \"tag\" = 'a/b''c') OR (\"day\" = DATE '2024-01-03' AND \"ref\" IS NULL AND \"tag\" = 'x')) " +
                        "AND \"$partition\" IN ('day=2024-01-02/ref=007/tag=a%2Fb%27c', 'day=2024-01-03/ref=__HIVE_DEFAULT_PARTITION__/tag=x')");

        // one partition column: an IN list, and IS NULL for the NULL partition
        TableDescriptor daily = new TableDescriptor(new TableReference("s", "e"), false, Optional.of("file:/e"), "ORC",
                List.of("id"), List.of("day"), List.of("date"), Map.of());
        assertThat(sql.copyInto(daily, "e__dredge_1", List.of("day=2024-01-01", "day=2024-01-02", "day=__HIVE_DEFAULT_PARTITION__")))
                .endsWith("WHERE (\"day\" IN (DATE '2024-01-01', DATE '2024-01-02') OR \"day\" IS NULL) " +
                        "AND \"$partition\" IN ('day=2024-01-01', 'day=2024-01-02', 'day=__HIVE_DEFAULT_PARTITION__')");

        // so many partitions of two columns that comparing each would make too long a statement: an IN list per column
        List<String> many = IntStream.range(0, 5000).mapToObj(i -> "day=2024-01-%02d/ref=%s".formatted(i % 28 + 1, i)).toList();
        String copy = sql.copyInto(new TableDescriptor(new TableReference("s", "m"), false, Optional.of("file:/m"), "ORC",
                List.of("id"), List.of("day", "ref"), List.of("string", "bigint"), Map.of()), "m__dredge_1", many);
        assertThat(copy).contains("WHERE (\"day\" IN ('2024-01-01', '2024-01-02', ").contains(") AND \"ref\" IN (0, 1, 2, ").doesNotContain(" OR ");
        assertThat(copy.length()).isLessThan(250_000);

        // a type without a plain literal here leaves only the exact predicate for that column, or for all
        TableDescriptor decimal = new TableDescriptor(new TableReference("s", "d"), false, Optional.of("file:/d"), "ORC",
                List.of("id"), List.of("amount"), List.of("decimal(10,2)"), Map.of());
        assertThat(sql.copyInto(decimal, "d__dredge_1", List.of("amount=1.50")))
                .endsWith("FROM \"hive\".\"s\".\"d\" WHERE \"$partition\" IN ('amount=1.50')");
    }

    @Test
    void testHiveStatementsNamePartitionsByTheirValuesAndCountFiles()
    {
        CompactionSql sql = new CompactionSql(SqlDialect.HIVE, Optional.empty());
        TableDescriptor table = new TableDescriptor(new TableReference("s", "t"), false, Optional.of("file:/t"), "ORC",
                List.of("id"), List.of("day", "ref", "tag"), List.of("date", "int", "string"), Map.of());
        assertThat(sql.copyInto(table, "t__dredge_1", List.of("day=2024-01-02/ref=007/tag=a%2Fb%27c", "day=2024-01-03/ref=__HIVE_DEFAULT_PARTITION__/tag=x")))
                .isEqualTo("INSERT INTO `s`.`t__dredge_1` PARTITION (`day`, `ref`, `tag`) SELECT * FROM `s`.`t` WHERE (" +
                        "(CAST(`day` AS string) = '2024-01-02' AND CAST(`ref` AS string) = '007' AND CAST(`tag` AS string) = 'a/b\\'c') OR " +
                        "(CAST(`day` AS string) = '2024-01-03' AND (`ref` IS NULL OR `ref` = '__HIVE_DEFAULT_PARTITION__') AND CAST(`tag` AS string) = 'x'))");
        assertThat(sql.aggregatesOfBothSides(table, "t__dredge_1", List.of("day=2024-01-03/ref=1/tag=x"), Verification.COUNT))
                .isEqualTo("SELECT true, INPUT__FILE__NAME, count(*) FROM `s`.`t` WHERE ((CAST(`day` AS string) = '2024-01-03' AND CAST(`ref` AS string) = '1' AND CAST(`tag` AS string) = 'x')) GROUP BY INPUT__FILE__NAME " +
                        "UNION ALL SELECT false, INPUT__FILE__NAME, count(*) FROM `s`.`t__dredge_1` WHERE ((CAST(`day` AS string) = '2024-01-03' AND CAST(`ref` AS string) = '1' AND CAST(`tag` AS string) = 'x')) GROUP BY INPUT__FILE__NAME");
        assertThat(sql.partitionNamesMatching(table, "ref > 1"))
                .isEqualTo("SELECT DISTINCT CAST(`day` AS string), CAST(`ref` AS string), CAST(`tag` AS string) FROM (SELECT DISTINCT `day`, `ref`, `tag` FROM `s`.`t`) partition_values WHERE (ref > 1)");
        // Hive reads a NULL string partition value as the default partition's name
        assertThat(sql.partitionName(table, Arrays.asList("2024-01-02", null, "a/b'c"))).contains("day=2024-01-02/ref=__HIVE_DEFAULT_PARTITION__/tag=a%2Fb%27c");
        assertThat(sql.partitionName(table, Arrays.asList("2024-01-02", 7, "__HIVE_DEFAULT_PARTITION__"))).contains("day=2024-01-02/ref=7/tag=__HIVE_DEFAULT_PARTITION__");
        // Hive has no metadata cache to flush, and checks write access before the call
        assertThat(sql.flushMetadataCache(table)).isEmpty();
    }

    @Test
    void testPartitionNamesAreEscapedAsHiveEscapesThem()
    {
        String name = PartitionNames.name(List.of("day", "tag"), List.of(Optional.of("2024-01-02"), Optional.of("a/b%c:d=e'f\u0001 g")));
        assertThat(name).isEqualTo("day=2024-01-02/tag=a%2Fb%25c%3Ad%3De%27f%01 g");
        assertThat(PartitionNames.values(name)).containsExactly(Optional.of("2024-01-02"), Optional.of("a/b%c:d=e'f\u0001 g"));
        assertThat(PartitionNames.name(List.of("tag"), List.of(Optional.empty()))).isEqualTo("tag=__HIVE_DEFAULT_PARTITION__");
        assertThat(PartitionNames.name(List.of("tag"), List.of(Optional.of("")))).isEqualTo("tag=__HIVE_DEFAULT_PARTITION__");
    }

    @Test
    void testPartitionNameValues()
    {
        assertThat(PartitionNames.values("day=2024-01-02/tag=with space%25%2F")).containsExactly(Optional.of("2024-01-02"), Optional.of("with space%/"));
        assertThat(PartitionNames.values("tag=__HIVE_DEFAULT_PARTITION__")).containsExactly(Optional.empty());
        assertThat(PartitionNames.values("tag=100%")).containsExactly(Optional.of("100%"));
        assertThatThrownBy(() -> PartitionNames.values("no-equals")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void testDerivedTableNamesStayWithinHiveLimit()
    {
        assertThat(HiveCompaction.derivedTableName("events", "dredge_3f9a0c1d")).isEqualTo("events__dredge_3f9a0c1d");
        assertThat(HiveCompaction.derivedTableName("x".repeat(200), "dredge_backup_3f9a0c1d")).hasSize(128).endsWith("__dredge_backup_3f9a0c1d");
    }

    private static void assertRefused(String filter, String problem)
    {
        assertThatThrownBy(() -> CompactionSql.requireSelfContainedExpression(SqlDialect.TRINO, filter))
                .isInstanceOf(DredgeException.class)
                .hasMessageContaining(problem);
    }
}
