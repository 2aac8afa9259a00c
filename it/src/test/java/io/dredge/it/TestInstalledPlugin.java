package io.dredge.it;

import com.google.common.collect.ImmutableMap;
import io.dredge.core.files.FileCopy;
import io.dredge.trino.copy.CopyPlan;
import io.dredge.trino.copy.CopyPlanCodec;
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
import java.util.zip.CRC32C;

import static io.dredge.core.sql.SqlDialect.TRINO;
import static io.dredge.it.ChildProcesses.requiredProperty;
import static io.dredge.trino.copy.TrinoFileCopier.copyFilesSql;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
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
    private static final String KEYSTORE_PASSWORD = "changeit";
    private static final String COPY_PLAN_KEY = "copy plans of TestInstalledPlugin, 32+ chars";

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
                  "functions": [{"privileges": ["EXECUTE"]}],
                  "tables": [{"privileges": ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"]}],
                  "impersonation": [{"original_user": "dredge_service", "new_user": ".*", "allow": true}]
                }
                """);
        int closedPort = ChildProcesses.freePort();
        int httpsPort = ChildProcesses.freePort();
        Path keystore = selfSignedKeystore(directory);
        metastore = ThriftMetastoreServer.start(directory.resolve("metastore"));
        LakeMetastore lake = new LakeMetastore.ThriftMetastore(metastore.uri(), metastore.warehouse());
        server = TrinoServerProcess.builder(directory.resolve("server"))
                .plugin("hive", Path.of(requiredProperty("dredge.hive.plugin")))
                .plugin("dredge", Path.of(requiredProperty("dredge.dredge.plugin")))
                .plugin("password", Path.of(requiredProperty("dredge.password.plugin")))
                .catalog("hive", catalog("hive", lake.catalogProperties("hive"), Map.of()))
                // restore_table registers Iceberg tables through the engine
                .catalog("iceberg", catalog("iceberg", lake.catalogProperties("iceberg"), Map.of("iceberg.register-table-procedure.enabled", "true")))
                // the loopback address given explicitly, as a cluster behind a load balancer would have it
                .catalog("dredge", dredgeCatalog(lake, Map.of(
                        "dredge.engine.uri", "${ENV:TRINO_SERVER_URI}",
                        "dredge.copy-plan-key", COPY_PLAN_KEY,
                        "dredge.backup-location", "file:" + directory.resolve("backups"))))
                // ... an address nothing listens on
                .catalog("dredge_elsewhere", dredgeCatalog(lake, Map.of("dredge.engine.uri", "http://127.0.0.1:" + closedPort)))
                // ... over HTTPS with password authentication, as a service user that may impersonate the caller
                .catalog("dredge_secure", dredgeCatalog(lake, engineCredentials(httpsPort, "dredge_service", "s3cret")))
                // ... with a wrong password, and as a user with a right password who may not impersonate
                .catalog("dredge_bad_password", dredgeCatalog(lake, engineCredentials(httpsPort, "dredge_service", "guess")))
                .catalog("dredge_untrusted", dredgeCatalog(lake, engineCredentials(httpsPort, "mallory", "m4llory")))
                .etcFile("access-control.properties", "access-control.name=file\nsecurity.config-file=%s\n".formatted(rules))
                .etcFile("password-authenticator.properties", "password-authenticator.name=dredge-testing\ntesting.users=dredge_service:s3cret,mallory:m4llory\n")
                .property("http-server.https.enabled", "true")
                .property("http-server.https.port", String.valueOf(httpsPort))
                .property("http-server.https.keystore.path", keystore.toString())
                .property("http-server.https.keystore.key", KEYSTORE_PASSWORD)
                .property("http-server.authentication.type", "PASSWORD")
                // the test itself connects over HTTP as alice, without a password
                .property("http-server.authentication.allow-insecure-over-http", "true")
                .property("internal-communication.shared-secret", "dredge-test-secret-dredge-test-secret")
                // the procedures' JDBC client trusts the server's self-signed certificate through the JVM's trust store
                .jvmOption("-Djavax.net.ssl.trustStore=" + keystore)
                .jvmOption("-Djavax.net.ssl.trustStorePassword=" + KEYSTORE_PASSWORD)
                .jvmOption("-Djavax.net.ssl.trustStoreType=PKCS12")
                // as the test servers do: C1 alone compiles for less CPU than a server running minutes earns back
                .jvmOption("-XX:TieredStopAtLevel=1")
                .start();
        execute("CREATE SCHEMA hive.installed WITH (location = '%s')".formatted(lake.schemaLocation("installed").orElseThrow()));
        execute("CREATE SCHEMA iceberg.installed_iceberg WITH (location = '%s')".formatted(lake.schemaLocation("installed_iceberg").orElseThrow()));
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
            // the server provides the SPI; HDFS must live only in hdfs/, or Trino refuses fs.hadoop.enabled;
            // Hadoop itself is in both, for Iceberg restores' Parquet and ORC rewrites, and the same jar in both
            assertThat(names).anyMatch(name -> name.startsWith("dredge-trino-plugin-"))
                    .noneMatch(name -> name.startsWith("trino-spi-"))
                    .noneMatch(name -> name.startsWith("trino-hdfs-"))
                    .contains("hdfs");
            assertThat(names.stream().filter(name -> name.startsWith("hadoop-"))).singleElement().satisfies(hadoop ->
                    assertThat(dredgePlugin.resolve("hdfs").resolve(hadoop)).hasSameBinaryContentAs(dredgePlugin.resolve(hadoop)));
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
        List<List<Object>> before = createTwoFileTable("unreachable");

        assertThatThrownBy(() -> execute("CALL dredge_elsewhere.system.compact_table(schema_name => 'installed', table_name => 'unreachable')"))
                .hasMessageContaining("127.0.0.1");
        assertThat(filesAndRows("unreachable")).isEqualTo(before);
        assertThat(query("SELECT state FROM dredge.system.operations WHERE table_name = 'unreachable'")).doesNotContain(List.of("RUNNING"));
    }

    @Test
    void testEngineCredentialsAuthenticateAndImpersonateTheCaller()
            throws SQLException
    {
        List<List<Object>> before = createTwoFileTable("secured");

        assertThatThrownBy(() -> execute("CALL dredge_bad_password.system.compact_table(schema_name => 'installed', table_name => 'secured')"))
                .hasMessageContaining("Invalid credentials");
        assertThatThrownBy(() -> execute("CALL dredge_untrusted.system.compact_table(schema_name => 'installed', table_name => 'secured')"))
                .hasMessageContaining("mallory cannot impersonate user alice");
        assertThat(filesAndRows("secured")).isEqualTo(before);

        execute("CALL dredge_secure.system.compact_table(schema_name => 'installed', table_name => 'secured')");
        assertThat(query("SELECT id FROM hive.installed.secured ORDER BY id")).containsExactly(List.of(1L), List.of(2L), List.of(3L));
        assertThat(query("SELECT count(DISTINCT \"$path\") FROM hive.installed.secured")).containsExactly(List.of(1L));
        assertThat(query("SELECT state, user_name FROM dredge.system.operations WHERE table_name = 'secured' AND state = 'SUCCEEDED'"))
                .containsExactly(List.of("SUCCEEDED", "alice"));
        // the rewrite ran as alice, though dredge_service authenticated it
        assertThat(query("SELECT DISTINCT \"user\" FROM system.runtime.queries WHERE query LIKE 'INSERT INTO%secured__dredge_%'"))
                .containsExactly(List.of("alice"));
    }

    @Test
    void testCopyFilesThroughTheInstalledPlugin()
            throws IOException, SQLException
    {
        Path directory = Files.createTempDirectory("dredge-installed-copy");
        byte[] content = "bytes the plugin copies".getBytes(UTF_8);
        Path source = Files.write(directory.resolve("source"), content);
        String target = "file:" + directory.resolve("copies/target");
        Path plan = Files.write(directory.resolve("plan.json"), new CopyPlanCodec(COPY_PLAN_KEY.getBytes(UTF_8))
                .encode(new CopyPlan("alice", List.of(new FileCopy("file:" + source, target, content.length)))));
        CRC32C crc = new CRC32C();
        crc.update(content);

        // the handle and the split travel between the engine and the plugin's own class loader
        assertThat(query(copyFilesSql(TRINO, "dredge", "file:" + plan)))
                .extracting(row -> row.subList(0, 3))
                .containsExactly(List.of(target, (long) content.length, crc.getValue()));
        assertThat(Files.readAllBytes(directory.resolve("copies/target"))).isEqualTo(content);
    }

    @Test
    void testHiveBackupAndRestoreThroughTheInstalledPlugin()
            throws SQLException
    {
        execute("CREATE TABLE hive.installed.backed_up (id bigint, payload varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        execute("INSERT INTO hive.installed.backed_up SELECT n, 'row ' || CAST(n AS varchar), CAST(DATE '2024-01-01' + n % 3 * INTERVAL '1' DAY AS varchar) FROM UNNEST(sequence(1, 300)) AS t(n)");
        assertThat(backUpAndRestore("hive", "installed", "backed_up", "id, payload, day")).containsExactly(300L);
        assertThat(query("SELECT table_type, state, rows FROM dredge.system.backups WHERE backup_name = 'backed_up'"))
                .containsExactly(List.of("HIVE", "COMPLETE", 300L));
    }

    @Test
    void testIcebergBackupAndRestoreRewritesPositionDeletesThroughTheInstalledPlugin()
            throws SQLException
    {
        // format version 2: a merge-on-read DELETE writes Parquet position-delete files, which a restore reads and
        // rewrites with iceberg-parquet in the plugin's own class loader (version 3 writes deletion vectors instead)
        execute("CREATE TABLE iceberg.installed_iceberg.orders (id bigint, name varchar) WITH (format = 'PARQUET', format_version = 2)");
        execute("INSERT INTO iceberg.installed_iceberg.orders SELECT n, 'order ' || CAST(n AS varchar) FROM UNNEST(sequence(1, 100)) AS t(n)");
        execute("INSERT INTO iceberg.installed_iceberg.orders SELECT n, 'order ' || CAST(n AS varchar) FROM UNNEST(sequence(101, 200)) AS t(n)");
        execute("DELETE FROM iceberg.installed_iceberg.orders WHERE id % 7 = 0");
        assertThat(query("SELECT file_format FROM iceberg.installed_iceberg.\"orders$files\" WHERE content = 1"))
                .isNotEmpty()
                .allMatch(row -> row.equals(List.of("PARQUET")));
        assertThat(backUpAndRestore("iceberg", "installed_iceberg", "orders", "id, name")).containsExactly(172L);
        assertThat(query("SELECT count(*) FROM iceberg.installed_iceberg.\"orders_restored$files\" WHERE content = 1"))
                .isEqualTo(query("SELECT count(*) FROM iceberg.installed_iceberg.\"orders$files\" WHERE content = 1"));
    }

    @Test
    void testIcebergBackupAndRestoreRewritesOrcPositionDeletesThroughTheInstalledPlugin()
            throws SQLException
    {
        // an ORC table's merge-on-read DELETE and UPDATE write ORC position-delete files, which a restore rewrites
        // with iceberg-orc and ORC's nohive jar on the plugin's own Hadoop
        execute("CREATE TABLE iceberg.installed_iceberg.orc_orders (id bigint, name varchar) WITH (format = 'ORC', format_version = 2)");
        execute("INSERT INTO iceberg.installed_iceberg.orc_orders SELECT n, 'order ' || CAST(n AS varchar) FROM UNNEST(sequence(1, 100)) AS t(n)");
        execute("INSERT INTO iceberg.installed_iceberg.orc_orders SELECT n, 'order ' || CAST(n AS varchar) FROM UNNEST(sequence(101, 200)) AS t(n)");
        execute("DELETE FROM iceberg.installed_iceberg.orc_orders WHERE id % 7 = 0");
        execute("UPDATE iceberg.installed_iceberg.orc_orders SET name = 'updated' WHERE id % 5 = 0");
        assertThat(query("SELECT file_format FROM iceberg.installed_iceberg.\"orc_orders$files\" WHERE content = 1"))
                .isNotEmpty()
                .allMatch(row -> row.equals(List.of("ORC")));
        assertThat(backUpAndRestore("iceberg", "installed_iceberg", "orc_orders", "id, name")).containsExactly(172L);
        assertThat(query("SELECT count(*) FROM iceberg.installed_iceberg.\"orc_orders_restored$files\" WHERE content = 1"))
                .isEqualTo(query("SELECT count(*) FROM iceberg.installed_iceberg.\"orc_orders$files\" WHERE content = 1"));
    }

    /**
     * Backs the table up under its own name, restores the backup next to it as {@code <table>_restored}, checks that
     * both hold the same rows (count and checksum), and returns the row count.
     */
    private List<Object> backUpAndRestore(String catalog, String schema, String table, String columns)
            throws SQLException
    {
        String contents = "SELECT count(*), to_hex(checksum(ROW(%s))) FROM %s.%s.%%s".formatted(columns, catalog, schema);
        List<List<Object>> source = query(contents.formatted(table));

        execute("CALL dredge.system.backup_table(schema_name => '%s', table_name => '%s', backup_name => '%s')".formatted(schema, table, table));
        execute("CALL dredge.system.restore_table(backup_name => '%s', schema_name => '%s', table_name => '%s_restored')".formatted(table, schema, table));

        assertThat(query(contents.formatted(table + "_restored"))).isEqualTo(source);
        return source.stream().map(List::getFirst).toList();
    }

    /**
     * A table of three rows in two files; returns its files and rows.
     */
    private List<List<Object>> createTwoFileTable(String table)
            throws SQLException
    {
        execute("CREATE TABLE hive.installed.%s (id bigint)".formatted(table));
        execute("INSERT INTO hive.installed.%s VALUES 1, 2".formatted(table));
        execute("INSERT INTO hive.installed.%s VALUES 3".formatted(table));
        return filesAndRows(table);
    }

    private List<List<Object>> filesAndRows(String table)
            throws SQLException
    {
        return query("SELECT \"$path\", id FROM hive.installed.%s ORDER BY id".formatted(table));
    }

    private static Map<String, String> engineCredentials(int httpsPort, String user, String password)
    {
        return Map.of(
                "dredge.engine.uri", "https://127.0.0.1:" + httpsPort,
                "dredge.engine.user", user,
                "dredge.engine.password", password);
    }

    private static Map<String, String> dredgeCatalog(LakeMetastore lake, Map<String, String> engine)
    {
        return catalog("dredge", lake.catalogProperties("dredge"), ImmutableMap.<String, String>builder()
                .put("dredge.hive-catalog-name", "hive")
                .put("dredge.iceberg-catalog-name", "iceberg")
                .putAll(engine)
                .buildOrThrow());
    }

    /**
     * A certificate for 127.0.0.1, made with the JDK's keytool.
     */
    private static Path selfSignedKeystore(Path directory)
            throws IOException, InterruptedException
    {
        Path keystore = directory.resolve("server.p12");
        Process keytool = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "trino", "-keyalg", "RSA", "-keysize", "2048", "-validity", "7",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("keytool.log").toFile())
                .start();
        if (!keytool.waitFor(60, SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool failed, see " + directory.resolve("keytool.log"));
        }
        return keystore;
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
