package io.dredge.core.operation;

import io.dredge.core.DredgeException;
import io.dredge.core.model.HiveColumn;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveStorage;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.sql.SqlDialect;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.sql.SqlDialect.HIVE;
import static io.dredge.core.sql.SqlDialect.TRINO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestSkippedLines
{
    private static final String TEXT = "org.apache.hadoop.mapred.TextInputFormat";

    @Test
    public void testHiveRefusesAnyLineToSkipWhereverItIsSet()
    {
        assertRefused(HIVE, table(Map.of("skip.header.line.count", "1"), Map.of()), List.of(), "table parameter skip.header.line.count = 1");
        assertRefused(HIVE, table(Map.of(), Map.of("skip.footer.line.count", "2")), List.of(), "serde parameter skip.footer.line.count = 2");
        assertRefused(HIVE, table(Map.of(), Map.of()), List.of(partition("day=b", Map.of("skip.header.line.count", "1"))), "serde parameter of partition day=b skip.header.line.count = 1");
        assertRefused(HIVE, table(Map.of("skip.header.line.count", "one"), Map.of()), List.of(), "table parameter skip.header.line.count = one");
        assertThatThrownBy(() -> SkippedLines.copy(HIVE).require("cannot back up s.t", "backup_table", table(Map.of("skip.header.line.count", "1"), Map.of("skip.footer.line.count", "1")), List.of()))
                .hasMessageContaining("(and 1 more)")
                .hasMessageContaining("CALL dredge.system.backup_table");
        assertThatCode(() -> SkippedLines.compaction(HIVE).require("cannot compact s.t", "compact_table", table(Map.of("skip.header.line.count", "0"), Map.of("skip.footer.line.count", " 0")), List.of()))
                .doesNotThrowAnyException();
    }

    @Test
    public void testTrinoRefusesToRewriteOnlyWhatItsWriterCannotWrite()
    {
        assertThatCode(() -> SkippedLines.compaction(TRINO).require("cannot compact s.t", "compact_table", table(Map.of("skip.header.line.count", "1"), Map.of()), List.of()))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> SkippedLines.compaction(TRINO).require("cannot compact s.t", "compact_table", table(Map.of("skip.header.line.count", "2"), Map.of()), List.of()))
                .isInstanceOf(DredgeException.class)
                .hasMessageContaining("Trino's Hive connector writes no footer lines and at most one header line");
        assertThatThrownBy(() -> SkippedLines.compaction(TRINO).require("cannot compact s.t", "compact_table", table(Map.of(), Map.of("skip.footer.line.count", "1")), List.of()))
                .hasMessageStartingWith("cannot compact s.t: its text files have lines to skip (serde parameter skip.footer.line.count = 1)");
        // a copy keeps the files as they are, and Trino counts their rows right
        assertThatCode(() -> SkippedLines.copy(TRINO).require("cannot back up s.t", "backup_table", table(Map.of("skip.header.line.count", "3"), Map.of("skip.footer.line.count", "1")), List.of()))
                .doesNotThrowAnyException();
    }

    private static void assertRefused(SqlDialect engine, HiveTableDefinition table, List<HivePartitionDefinition> partitions, String setting)
    {
        assertThatThrownBy(() -> SkippedLines.compaction(engine).require("cannot compact s.t", "compact_table", table, partitions))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(NOT_SUPPORTED))
                .hasMessageStartingWith("cannot compact s.t: its text files have lines to skip (" + setting)
                .hasMessageContaining("Hive 4.0.1 does not skip header and footer lines in files it reads combined")
                .hasMessageContaining("CALL dredge.system.compact_table");
    }

    private static HiveTableDefinition table(Map<String, String> parameters, Map<String, String> serdeParameters)
    {
        return new HiveTableDefinition(List.of(new HiveColumn("id", "int", Optional.empty())), List.of(), storage(serdeParameters), parameters, false);
    }

    private static HivePartitionDefinition partition(String name, Map<String, String> serdeParameters)
    {
        return new HivePartitionDefinition(name, List.of(name.substring(name.indexOf('=') + 1)), List.of(new HiveColumn("id", "int", Optional.empty())), storage(serdeParameters), Map.of());
    }

    private static HiveStorage storage(Map<String, String> serdeParameters)
    {
        return new HiveStorage(TEXT, "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat", "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", serdeParameters, Optional.empty());
    }
}
