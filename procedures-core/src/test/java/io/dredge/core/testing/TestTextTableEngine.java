package io.dredge.core.testing;

import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.core.testing.TextTableEngine.FIELD_SEPARATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fast tier's engine: what it computes, and that it refuses what it does not know rather than answer anything.
 */
class TestTextTableEngine
{
    private static final String CHECKSUM = "SELECT true, \"$partition\", count(*), checksum(combine_hash(coalesce(\"$operator$xx_hash_64\"(\"id\"), 0), coalesce(\"$operator$xx_hash_64\"(\"name\"), 0))) " +
            "FROM \"hive\".\"s\".\"t\" GROUP BY 2";

    @TempDir
    Path directory;

    private InMemoryMetastore metastore;
    private TextTableEngine engine;

    @BeforeEach
    void setUp()
            throws IOException
    {
        metastore = new InMemoryMetastore();
        metastore.createSchema("s", "file:" + directory.resolve("s"));
        String table = "file:" + directory.resolve("s/t");
        metastore.createTable(new TableDescriptor(new TableReference("s", "t"), false, Optional.of(table), "TEXTFILE", List.of("id", "name"), List.of("day"), List.of("date"), Map.of()),
                List.of(new PartitionDescriptor("day=2024-01-01", table + "/day=2024-01-01", "TEXTFILE", Optional.empty()),
                        new PartitionDescriptor("day=2024-01-02", table + "/day=2024-01-02", "TEXTFILE", Optional.empty())));
        write("day=2024-01-01/1", "1", "one", "2", "two");
        write("day=2024-01-02/1", "3", "three");
        write("day=2024-01-02/.hidden", "9", "hidden");
        engine = new TextTableEngine(metastore, "hive");
    }

    @Test
    void testChecksumIsOfTheRowsAndSeesAValueMovedToAnotherRow()
            throws IOException
    {
        List<List<Object>> before = engine.query(CHECKSUM);
        assertThat(before).extracting(row -> row.get(1) + ":" + row.get(2)).containsExactly("day=2024-01-01:2", "day=2024-01-02:1");
        // the same rows in another order, in other files: the same figures
        Files.delete(directory.resolve("s/t/day=2024-01-01/1"));
        write("day=2024-01-01/a", "2", "two");
        write("day=2024-01-01/b", "1", "one");
        assertThat(engine.query(CHECKSUM)).usingRecursiveComparison().isEqualTo(before);
        // the same ids and names, each name on the other row
        write("day=2024-01-01/a", "2", "one");
        write("day=2024-01-01/b", "1", "two");
        assertThat(engine.query(CHECKSUM).get(0).get(3)).isNotEqualTo(before.get(0).get(3));
        assertThat(engine.query(CHECKSUM).get(1)).usingRecursiveComparison().isEqualTo(before.get(1));
    }

    @Test
    void testPartitionFilterIsTypedAndResolvedAgainstThePartitionColumns()
    {
        assertThat(engine.query("SELECT DISTINCT \"$partition\" FROM \"hive\".\"s\".\"t\" WHERE (day > DATE '2024-01-01')")).containsExactly(List.of("day=2024-01-02"));
        assertThat(engine.query("SELECT count(*) FROM \"hive\".\"s\".\"t$partitions\" WHERE (day IN (DATE '2024-01-01', NULL))")).containsExactly(List.of(1L));
        assertThatThrownBy(() -> engine.query("SELECT count(*) FROM \"hive\".\"s\".\"t$partitions\" WHERE (id = 1)")).hasMessage("Column 'id' cannot be resolved");
        assertThatThrownBy(() -> engine.query("SELECT count(*) FROM \"hive\".\"s\".\"t$partitions\" WHERE (day = '2024-01-01')")).hasMessageStartingWith("Cannot apply operator");
        assertThatThrownBy(() -> engine.query("SELECT count(*) FROM \"hive\".\"s\".\"nope\"")).hasMessage("Table 'hive.s.nope' does not exist");
    }

    @Test
    void testWhatItDoesNotKnowIsRefused()
    {
        for (String sql : List.of(
                "SELECT * FROM \"hive\".\"s\".\"t\"",
                "DELETE FROM \"hive\".\"s\".\"t\"",
                "SELECT count(*) FROM \"s\".\"t\"",
                "SELECT count(*) FROM \"hive\".\"s\".\"t\" WHERE id = '1'",
                "SELECT sum(id) FROM \"hive\".\"s\".\"t\"",
                "SELECT count(*) FROM \"hive\".\"s\".\"t\"; DROP TABLE \"hive\".\"s\".\"t\"")) {
            assertThatThrownBy(() -> engine.query(sql)).as(sql).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThatThrownBy(() -> engine.update("CALL \"hive\".system.drop_stats(schema_name => 's', table_name => 't')", Map.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThat(engine.statements()).hasSize(7);
    }

    private void write(String relative, String... fields)
            throws IOException
    {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            lines.append(fields[i]).append(FIELD_SEPARATOR).append(fields[i + 1]).append('\n');
        }
        Path file = directory.resolve("s/t").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, lines);
    }
}
