package io.dredge.it;

import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NULL given for each argument of each procedure, through SQL on a real cluster over a real thrift metastore: an
 * optional argument means its default, a required name and {@code dry_run} are refused with nothing changed.
 */
public class TestProcedureNullArguments
        extends AbstractTestQueryFramework
{
    private ThriftMetastoreServer server;
    private LakeMetastore metastore;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        server = ThriftMetastoreServer.start(Files.createTempDirectory("dredge-null-arguments"));
        metastore = new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
        return DredgeQueryRunner.builder(metastore).build();
    }

    @BeforeAll
    public void createSchemas()
    {
        for (String schema : List.of("nulls", "nulls_schema")) {
            assertUpdate(format("CREATE SCHEMA hive.%s WITH (location = '%s')", schema, metastore.schemaLocation(schema).orElseThrow()));
        }
    }

    @AfterAll
    public void stopMetastore()
    {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void testNullDryRunIsRefusedAndChangesNothing()
    {
        createSmallFileTable("nulls.dry");
        TableState before = state("nulls.dry");

        assertQueryFails("CALL dredge.system.compact_table(schema_name => 'nulls', table_name => 'dry', dry_run => NULL)", ".*dry_run must be true or false.*");
        assertQueryFails("CALL dredge.system.compact_schema(schema_name => 'nulls', dry_run => NULL)", ".*dry_run must be true or false.*");

        assertThat(state("nulls.dry")).isEqualTo(before);
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'nulls' AND table_name = 'dry'").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testNullRequiredNamesAreRefused()
    {
        createSmallFileTable("nulls.named");
        TableState before = state("nulls.named");

        for (String call : List.of(
                "compact_table(schema_name => NULL, table_name => 'named')",
                "compact_schema(schema_name => NULL)",
                "rollback_compaction(schema_name => NULL, table_name => 'named')",
                "cleanup(schema_name => NULL, older_than => '0s')",
                "recover(schema_name => NULL, table_name => 'named')")) {
            assertQueryFails("CALL dredge.system." + call, ".*schema_name must not be NULL.*");
        }
        for (String call : List.of(
                "compact_table(schema_name => 'nulls', table_name => NULL)",
                "rollback_compaction(schema_name => 'nulls', table_name => NULL)",
                "recover(schema_name => 'nulls', table_name => NULL)")) {
            assertQueryFails("CALL dredge.system." + call, ".*table_name must not be NULL.*");
        }

        assertThat(state("nulls.named")).isEqualTo(before);
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'nulls' AND table_name = 'named'").getOnlyValue()).isEqualTo(0L);
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
        assertThat(before.files()).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());

        // operation_id => NULL is the latest compaction
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
