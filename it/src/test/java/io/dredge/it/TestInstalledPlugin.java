package io.dredge.it;

import com.google.common.collect.ImmutableMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.dredge.it.ChildProcesses.requiredProperty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * The packaged plugin directory ({@code trino-plugin/target/dredge-*}/dredge) installed in a real Trino 483 server
 * next to Trino's Hive plugin, each in its own class loader, over a real thrift metastore whose {@code file:}
 * locations both read through the plugins' {@code hdfs/} subdirectories. The test drives it over JDBC as user alice
 * under file-based access control.
 */
@TestInstance(PER_CLASS)
final class TestInstalledPlugin
{
    private ThriftMetastoreServer metastore;
    private TrinoServerProcess server;

    @BeforeAll
    void startServer()
            throws IOException, InterruptedException, SQLException
    {
        Path directory = Files.createTempDirectory("dredge-installed");
        Path rules = Files.writeString(directory.resolve("rules.json"), """
                {
                  "catalogs": [{"allow": "all"}],
                  "schemas": [{"owner": true}],
                  "procedures": [{"privileges": ["EXECUTE"]}],
                  "tables": [{"privileges": ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"]}]
                }
                """);
        int closedPort = ChildProcesses.freePort();
        metastore = ThriftMetastoreServer.start(directory.resolve("metastore"));
        LakeMetastore lake = new LakeMetastore.ThriftMetastore(metastore.uri(), metastore.warehouse());
        server = TrinoServerProcess.start(
                directory.resolve("server"),
                Map.of("hive", Path.of(requiredProperty("dredge.hive.plugin")), "dredge", Path.of(requiredProperty("dredge.dredge.plugin"))),
                Map.of(
                        "hive", catalog("hive", lake.catalogProperties("hive"), Map.of()),
                        "dredge", catalog("dredge", lake.catalogProperties("dredge"), Map.of(
                                "dredge.hive-catalog-name", "hive",
                                "dredge.iceberg-catalog-name", "iceberg",
                                // the loopback address given explicitly, as a cluster behind a load balancer would
                                "dredge.engine.uri", "${ENV:TRINO_SERVER_URI}")),
                        // ... and here an address nothing listens on
                        "dredge_elsewhere", catalog("dredge", lake.catalogProperties("dredge"), Map.of(
                                "dredge.hive-catalog-name", "hive",
                                "dredge.iceberg-catalog-name", "iceberg",
                                "dredge.engine.uri", "http://127.0.0.1:" + closedPort))),
                Map.of("access-control.properties", "access-control.name=file\nsecurity.config-file=%s\n".formatted(rules)));
        execute("CREATE SCHEMA hive.installed WITH (location = '%s')".formatted(lake.schemaLocation("installed").orElseThrow()));
    }

    @AfterAll
    void stopServer()
    {
        if (server != null) {
            server.close();
        }
        if (metastore != null) {
            metastore.close();
        }
    }

    @Test
    void testPluginDirectoryHoldsWhatTheServerLoads()
            throws IOException, SQLException
    {
        Path dredgePlugin = Path.of(requiredProperty("dredge.dredge.plugin"));
        try (Stream<Path> files = Files.list(dredgePlugin)) {
            List<String> names = files.map(file -> file.getFileName().toString()).toList();
            // the server provides the SPI; HDFS must live only in hdfs/, or Trino refuses fs.hadoop.enabled
            assertThat(names).anyMatch(name -> name.startsWith("dredge-trino-plugin-"))
                    .noneMatch(name -> name.startsWith("trino-spi-"))
                    .noneMatch(name -> name.startsWith("trino-hdfs-"))
                    .contains("hdfs");
        }
        try (Stream<Path> files = Files.list(dredgePlugin.resolve("hdfs"))) {
            assertThat(files.map(file -> file.getFileName().toString())).anyMatch(name -> name.startsWith("trino-hdfs-"));
        }
        assertThat(query("SELECT connector_name FROM system.metadata.catalogs WHERE catalog_name = 'dredge'"))
                .containsExactly(List.of("dredge"));
    }

    @Test
    void testReportAndCompactionThroughTheInstalledPlugin()
            throws SQLException
    {
        execute("CREATE TABLE hive.installed.events (id bigint, payload varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        for (int insert = 0; insert < 5; insert++) {
            execute("INSERT INTO hive.installed.events SELECT n, 'row ' || CAST(n AS varchar), day FROM UNNEST(sequence(%s, %s)) AS t(n) CROSS JOIN UNNEST(ARRAY['2024-01-01', '2024-01-02']) AS d(day)"
                    .formatted(insert * 100, insert * 100 + 99));
        }
        String contents = "SELECT count(*), to_hex(checksum(id)), to_hex(checksum(payload)), to_hex(checksum(day)) FROM hive.installed.events";
        List<List<Object>> before = query(contents);
        assertThat(query("SELECT file_count, status FROM dredge.system.small_file_report WHERE schema_name = 'installed' AND table_name = 'events' AND partition_name IS NULL"))
                .containsExactly(List.of(10L, "NEEDS_COMPACTION"));

        execute("CALL dredge.system.compact_table(schema_name => 'installed', table_name => 'events')");

        assertThat(query(contents)).isEqualTo(before);
        assertThat(query("SELECT file_count, status FROM dredge.system.small_file_report WHERE schema_name = 'installed' AND table_name = 'events' AND partition_name IS NULL"))
                .containsExactly(List.of(2L, "OK"));
        assertThat(query("SELECT state, user_name, files_before, files_after, rows_verified FROM dredge.system.operations WHERE table_name = 'events'"))
                .containsExactly(List.of("SUCCEEDED", "alice", 10L, 2L, 1000L));
        // the rewrite ran on this server (dredge.engine.uri), as the caller
        assertThat(query("SELECT DISTINCT \"user\", source FROM system.runtime.queries WHERE query LIKE 'INSERT INTO%events__dredge_%'"))
                .containsExactly(List.of("alice", "dredge"));
    }

    @Test
    void testUnreachableEngineChangesNothing()
            throws SQLException
    {
        execute("CREATE TABLE hive.installed.unreachable (id bigint)");
        execute("INSERT INTO hive.installed.unreachable VALUES 1, 2");
        execute("INSERT INTO hive.installed.unreachable VALUES 3");
        List<List<Object>> before = query("SELECT \"$path\", id FROM hive.installed.unreachable ORDER BY id");

        assertThatThrownBy(() -> execute("CALL dredge_elsewhere.system.compact_table(schema_name => 'installed', table_name => 'unreachable')"))
                .hasMessageContaining("127.0.0.1");
        assertThat(query("SELECT \"$path\", id FROM hive.installed.unreachable ORDER BY id")).isEqualTo(before);
        assertThat(query("SELECT state FROM dredge.system.operations WHERE table_name = 'unreachable'")).doesNotContain(List.of("RUNNING"));
    }

    private static Map<String, String> catalog(String connector, Map<String, String> lakeProperties, Map<String, String> properties)
    {
        return ImmutableMap.<String, String>builder()
                .put("connector.name", connector)
                .putAll(lakeProperties)
                .putAll(properties)
                .buildOrThrow();
    }

    private void execute(String sql)
            throws SQLException
    {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private List<List<Object>> query(String sql)
            throws SQLException
    {
        try (Connection connection = connect(); Statement statement = connection.createStatement(); ResultSet resultSet = statement.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int columns = resultSet.getMetaData().getColumnCount();
            while (resultSet.next()) {
                List<Object> row = new ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    row.add(resultSet.getObject(column));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private Connection connect()
            throws SQLException
    {
        return DriverManager.getConnection(server.jdbcUrl(), "alice", null);
    }
}
