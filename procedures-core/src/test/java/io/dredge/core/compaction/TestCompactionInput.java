package io.dredge.core.compaction;

import io.dredge.core.DredgeException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCompactionInput
{
    @Test
    void testPartitionFilterMustBeOneExpression()
    {
        assertThatCode(() -> CompactionSql.requireSelfContainedExpression("event_date = DATE '2024-01-02'")).doesNotThrowAnyException();
        assertThatCode(() -> CompactionSql.requireSelfContainedExpression("(a = 1 OR b = 'x)') AND c IN (1, 2)")).doesNotThrowAnyException();
        assertThatCode(() -> CompactionSql.requireSelfContainedExpression("name = 'it''s; -- fine'")).doesNotThrowAnyException();
        assertThatCode(() -> CompactionSql.requireSelfContainedExpression("\"odd\"\"name\" = 1")).doesNotThrowAnyException();

        assertRefused("a = 1) OR (true", "unbalanced ')'");
        assertRefused("(a = 1", "unbalanced '('");
        assertRefused("a = 1; DROP TABLE t", "';'");
        assertRefused("a = 1 -- rest", "a comment");
        assertRefused("a = 1 /* rest", "a comment");
        assertRefused("a = 'open", "an unterminated quote");
        assertRefused("  ", "empty");
    }

    @Test
    void testRetention()
    {
        assertThat(Retention.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Retention.parse(" 12 H ")).isEqualTo(Duration.ofHours(12));
        assertThat(Retention.parse("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Retention.parse("0s")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> Retention.parse("-1d")).isInstanceOf(DredgeException.class);
        assertThatThrownBy(() -> Retention.parse("7 days")).isInstanceOf(DredgeException.class);
        assertThatThrownBy(() -> Retention.parse("soon")).hasMessageContaining("older_than must be a number and a unit");
    }

    @Test
    void testVerification()
    {
        assertThat(Verification.parse(" Checksum ")).isEqualTo(Verification.CHECKSUM);
        assertThat(Verification.parse("count")).isEqualTo(Verification.COUNT);
        assertThatThrownBy(() -> Verification.parse("md5")).hasMessageContaining("verify must be 'checksum' or 'count'");
    }

    @Test
    void testDerivedTableNamesStayWithinHiveLimit()
    {
        assertThat(HiveCompaction.derivedTableName("events", "dredge_3f9a0c1d")).isEqualTo("events__dredge_3f9a0c1d");
        assertThat(HiveCompaction.derivedTableName("x".repeat(200), "dredge_backup_3f9a0c1d")).hasSize(128).endsWith("__dredge_backup_3f9a0c1d");
    }

    private static void assertRefused(String filter, String problem)
    {
        assertThatThrownBy(() -> CompactionSql.requireSelfContainedExpression(filter))
                .isInstanceOf(DredgeException.class)
                .hasMessageContaining(problem);
    }
}
