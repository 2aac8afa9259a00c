package io.dredge.it;

import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NULL given for each argument of each procedure, through SQL on a real cluster over a real thrift metastore: an
 * optional argument means its default, a required name and {@code dry_run} are refused with nothing changed.
 */
public class TestProcedureNullArguments
        extends AbstractTestWithThriftMetastore
{
    @BeforeAll
    public void createSchemas()
    {
        createSchema("nulls");
        createSchema("nulls_schema");
    }

    @Test
    public void testNullDryRunIsRefusedAndChangesNothing()
    {
        assertRefusedChangingNothing("dry", ".*dry_run must be true or false.*", List.of(
                "compact_table(schema_name => 'nulls', table_name => 'dry', dry_run => NULL)",
                "compact_schema(schema_name => 'nulls', dry_run => NULL)"));
    }

    @Test
    public void testNullRequiredNamesAreRefused()
    {
        assertRefusedChangingNothing("named", ".*schema_name must not be NULL.*", List.of(
                "compact_table(schema_name => NULL, table_name => 'named')",
                "compact_schema(schema_name => NULL)",
                "rollback_compaction(schema_name => NULL, table_name => 'named')",
                "cleanup(schema_name => NULL, older_than => '0s')",
                "recover(schema_name => NULL, table_name => 'named')"));
        assertRefusedChangingNothing("unnamed", ".*table_name must not be NULL.*", List.of(
                "compact_table(schema_name => 'nulls', table_name => NULL)",
                "rollback_compaction(schema_name => 'nulls', table_name => NULL)",
                "recover(schema_name => 'nulls', table_name => NULL)"));
    }

    @Test
    public void testNullOptionalArgumentsOfTableProceduresMeanTheirDefaults()
    {
        createSmallFileTable("nulls.defaults");
        TableState before = state("nulls.defaults");
        assertThat(before.files()).hasSizeGreaterThan(3);

        // no filter, the configured size and threshold, checksum verification, a real run
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'nulls', table_name => 'defaults', partition_filter => NULL, " +
                "target_file_size => NULL, compaction_ratio_threshold => NULL, verify => NULL)");
        TableState compacted = state("nulls.defaults");
        assertThat(compacted.rows()).isEqualTo(before.rows());
        assertThat(compacted.files()).hasSize(3).doesNotContainAnyElementsOf(before.files());
        assertThat(lastCompaction("nulls", "defaults").getFields()).containsExactly("SUCCEEDED", "checksum", 3L);

        // older_than => NULL is seven days: a compaction that has just finished keeps its original files
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'nulls', table_name => 'defaults', older_than => NULL)");
        assertThat(lastCompaction("nulls", "defaults").getField(0)).isEqualTo("SUCCEEDED");

        // operation_id => NULL is the latest compaction, and the original files it brings back were kept
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'nulls', table_name => 'defaults', operation_id => NULL)");
        assertThat(state("nulls.defaults")).isEqualTo(before);
        assertThat(lastCompaction("nulls", "defaults").getField(0)).isEqualTo("ROLLED_BACK");
    }

    @Test
    public void testNullOptionalArgumentsOfSchemaProceduresMeanTheirDefaults()
    {
        createSmallFileTable("nulls_schema.first");
        createSmallFileTable("nulls_schema.second");
        TableState first = state("nulls_schema.first");
        TableState second = state("nulls_schema.second");

        assertUpdate("CALL dredge.system.compact_schema(schema_name => 'nulls_schema', target_file_size => NULL, compaction_ratio_threshold => NULL, verify => NULL)");
        assertThat(lastCompaction("nulls_schema", "first").getFields()).containsExactly("SUCCEEDED", "checksum", 3L);
        assertThat(lastCompaction("nulls_schema", "second").getFields()).containsExactly("SUCCEEDED", "checksum", 3L);

        // table_name => NULL is every table of the schema
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'nulls_schema', table_name => NULL, older_than => '0s')");
        for (TableState before : List.of(first, second)) {
            assertThat(before.files()).allSatisfy(file -> assertThat(Path.of(URI.create(file))).doesNotExist());
        }
        assertThat(lastCompaction("nulls_schema", "first").getField(0)).isEqualTo("CLEANED_UP");
        assertThat(lastCompaction("nulls_schema", "second").getField(0)).isEqualTo("CLEANED_UP");
        assertThat(state("nulls_schema.first").rows()).isEqualTo(first.rows());
        assertThat(state("nulls_schema.second").rows()).isEqualTo(second.rows());
    }

    /**
     * Makes each call on a new table {@code nulls.<table>}: each is refused with {@code message}, and the table's rows
     * and files stay as they were with no operation journaled.
     */
    private void assertRefusedChangingNothing(String table, String message, List<String> calls)
    {
        createSmallFileTable("nulls." + table);
        TableState before = state("nulls." + table);
        for (String call : calls) {
            assertQueryFails("CALL dredge.system." + call, message);
        }
        assertThat(state("nulls." + table)).isEqualTo(before);
        assertThat(computeActual(format("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'nulls' AND table_name = '%s'", table)).getOnlyValue())
                .isEqualTo(0L);
    }

    /**
     * A table of three partitions, each written by three inserts: several small files per partition.
     */
    private void createSmallFileTable(String table)
    {
        assertUpdate(format("CREATE TABLE hive.%s (id bigint, name varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])", table));
        for (int insert = 0; insert < 3; insert++) {
            assertUpdate(format("INSERT INTO hive.%s SELECT id, 'name-' || CAST(id AS varchar), day FROM UNNEST(sequence(%s, %s)) AS t(id) CROSS JOIN UNNEST(ARRAY['a', 'b', 'c']) AS d(day)",
                    table, insert * 100, insert * 100 + 99), 300);
        }
    }

    private MaterializedRow lastCompaction(String schema, String table)
    {
        return computeActual(format("SELECT state, verification, partitions_compacted FROM dredge.system.operations " +
                "WHERE schema_name = '%s' AND table_name = '%s' AND kind = 'COMPACT' ORDER BY operation_id DESC LIMIT 1", schema, table)).getMaterializedRows().getFirst();
    }

    private TableState state(String table)
    {
        MaterializedRow rows = computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.%s", table)).getMaterializedRows().getFirst();
        List<String> files = computeActual(format("SELECT DISTINCT \"$path\" FROM hive.%s", table)).getOnlyColumnAsSet().stream()
                .map(String.class::cast)
                .sorted()
                .toList();
        return new TableState(rows.getFields(), files);
    }

    private record TableState(List<Object> rows, List<String> files) {}
}
