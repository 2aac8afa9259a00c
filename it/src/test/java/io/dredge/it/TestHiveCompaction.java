package io.dredge.it;

import io.trino.Session;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compact_table}, {@code rollback_compaction}, {@code cleanup} and {@code recover} through SQL on a real
 * Trino cluster (coordinator and worker) over a real thrift metastore, checking the table's rows and files after
 * every call.
 */
public class TestHiveCompaction
        extends AbstractTestQueryFramework
{
    private ThriftMetastoreServer server;
    private LakeMetastore metastore;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        server = ThriftMetastoreServer.start(Files.createTempDirectory("dredge-compaction"));
        metastore = new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
        return DredgeQueryRunner.builder(metastore).build();
    }

    @BeforeAll
    public void createSchema()
    {
        assertUpdate("CREATE SCHEMA hive.compaction WITH (location = '" + metastore.schemaLocation("compaction").orElseThrow() + "')");
    }

    @AfterAll
    public void stopMetastore()
    {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void testCompactPartitionedTableThenRollbackThenCleanup()
    {
        createTable("events", "day varchar", "ARRAY['day']", List.of("'2024-01-01'", "'2024-01-02'", "'2024-01-03'"), 4);
        TableState before = state("events");
        assertThat(before.files()).hasSize(12);

        assertUpdate("CALL dredge.system.compact_table(schema_name => 'compaction', table_name => 'events')");
        TableState compacted = state("events");
        assertThat(compacted.rows()).isEqualTo(before.rows());
        assertThat(compacted.files()).hasSize(3).doesNotContainAnyElementsOf(before.files());
        assertThat(computeActual("SELECT DISTINCT status FROM dredge.system.small_file_report WHERE schema_name = 'compaction' AND table_name = 'events'").getOnlyColumnAsSet())
                .containsExactly("OK");
        MaterializedRow operation = computeActual("SELECT state, partitions_compacted, files_before, files_after, rows_verified, backup_table FROM dredge.system.operations " +
                "WHERE table_name = 'events' AND kind = 'COMPACT' ORDER BY started_at DESC LIMIT 1").getMaterializedRows().get(0);
        assertThat(operation.getFields().subList(0, 5)).containsExactly("SUCCEEDED", 3L, 12L, 3L, 1200L);
        // the backup table still reads the original rows
        assertThat(computeActual(format("SELECT count(*) FROM hive.compaction.\"%s\"", operation.getField(5))).getOnlyValue()).isEqualTo(1200L);

        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'events')");
        assertThat(state("events")).isEqualTo(before);

        assertUpdate("CALL dredge.system.compact_table(schema_name => 'compaction', table_name => 'events')");
        assertThat(state("events").rows()).isEqualTo(before.rows());
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction', table_name => 'events', older_than => '0s')");
        assertThat(state("events").rows()).isEqualTo(before.rows());
        assertThat(before.files()).allSatisfy(file -> assertThat(Files.exists(java.nio.file.Path.of(java.net.URI.create(file)))).isFalse());
        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction', table_name => 'events')", ".*nothing left to roll back.*cleanup deleted.*");
    }

    private void createTable(String table, String partitionColumn, String partitionedBy, List<String> partitionValues, int filesPerPartition)
    {
        assertUpdate(format("CREATE TABLE hive.compaction.%s (id bigint, name varchar, %s) WITH (format = 'PARQUET', partitioned_by = %s)", table, partitionColumn, partitionedBy));
        for (String value : partitionValues) {
            for (int batch = 0; batch < filesPerPartition; batch++) {
                assertUpdate(format("INSERT INTO hive.compaction.%s SELECT id, 'name-' || CAST(id AS varchar), %s FROM UNNEST(sequence(%s, %s)) AS t(id)", table, value, batch * 100, batch * 100 + 99), 100);
            }
        }
    }

    private TableState state(String table)
    {
        List<String> columns = computeActual("SHOW COLUMNS FROM hive.compaction." + table).getMaterializedRows().stream()
                .map(row -> "\"" + row.getField(0) + "\"")
                .toList();
        MaterializedRow rows = computeActual(format("SELECT count(*), to_hex(checksum(ROW(%s))) FROM hive.compaction.%s", String.join(", ", columns), table)).getMaterializedRows().get(0);
        Set<String> files = computeActual(format("SELECT DISTINCT \"$path\" FROM hive.compaction.%s", table)).getOnlyColumnAsSet().stream()
                .map(String.class::cast)
                .collect(java.util.stream.Collectors.toSet());
        return new TableState(rows.getFields(), files);
    }

    private record TableState(List<Object> rows, Set<String> files) {}

    protected Session session()
    {
        return getSession();
    }
}
