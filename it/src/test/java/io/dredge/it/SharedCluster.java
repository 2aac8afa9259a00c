package io.dredge.it;

import com.google.common.collect.ImmutableMap;
import io.trino.metastore.HiveMetastore;
import io.trino.metastore.HiveMetastoreFactory;
import io.trino.metastore.TableInfo;
import io.trino.plugin.hive.HiveConnector;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.QueryRunner;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The thrift metastore and Dredge query runner that every test class of a JVM without settings of its own uses, and
 * the HiveServer2 over them that every such Hive class uses: starting them takes longer than many classes' tests.
 * Both engines back up to one repository ({@link #backupRepository}), the coordinator runs no splits (what a backup
 * copies, a worker copied), the test-only fault injection is on in both, and Trino has file-based access control
 * ({@link #ACCESS_RULES}). Each class keeps to its own schemas and backup names. Stopped when the JVM (a surefire
 * fork) exits.
 */
final class SharedCluster
{
    /**
     * Everyone may do anything, except two users the access control tests use: {@code reader} may only read tables;
     * {@code outsider} owns no schema and may see nothing of schema {@code hidden_ops} and not tables
     * {@code open_ops.secret}, {@code changes.secret}, {@code changes.hive_secret} and {@code rest_ops.secret} (in every catalog). Backups need {@code copy_files}, a table function the rules
     * must grant, as {@code changed_partitions} needs its own.
     */
    static final String ACCESS_RULES = """
            {
              "catalogs": [{"allow": "all"}],
              "schemas": [{"user": "outsider", "owner": false}, {"owner": true}],
              "procedures": [{"privileges": ["EXECUTE"]}],
              "functions": [
                {"catalog": "dredge(_rest|_jdbc|_nessie|_nessie_dev)?", "schema": "system", "function": "copy_files", "privileges": ["EXECUTE"]},
                {"catalog": "dredge(_rest|_jdbc|_nessie|_nessie_dev)?", "schema": "system", "function": "changed_partitions", "privileges": ["EXECUTE"]},
                {"catalog": "system", "schema": "builtin", "privileges": ["EXECUTE"]}
              ],
              "tables": [
                {"user": "reader", "privileges": ["SELECT"]},
                {"user": "outsider", "schema": "hidden_ops", "privileges": []},
                {"user": "outsider", "schema": "open_ops", "table": "secret", "privileges": []},
                {"user": "outsider", "schema": "changes", "table": "secret|hive_secret", "privileges": []},
                {"user": "outsider", "schema": "rest_ops", "table": "secret", "privileges": []},
                {"privileges": ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"]}
              ]
            }
            """;

    /**
     * The key that signs the shared runner's copy plans, so that a test can write plans of its own
     * ({@code TestCopyFiles}).
     */
    static final String COPY_PLAN_KEY = "copy plans of the shared cluster, 32+ chars";

    private static SharedCluster instance;

    private final Path directory;
    private final ThriftMetastoreServer server;
    private final DistributedQueryRunner queryRunner;
    private Optional<HiveServer2Process> hiveServer = Optional.empty();
    private Optional<IcebergCatalogServers.RestCatalogServer> restServer = Optional.empty();
    private Optional<NessieServerProcess> nessieServer = Optional.empty();

    private SharedCluster(Path directory, ThriftMetastoreServer server, DistributedQueryRunner queryRunner)
    {
        this.directory = requireNonNull(directory, "directory is null");
        this.server = requireNonNull(server, "server is null");
        this.queryRunner = requireNonNull(queryRunner, "queryRunner is null");
    }

    static synchronized SharedCluster get()
            throws Exception
    {
        if (instance == null) {
            Path directory = Files.createTempDirectory("dredge-shared");
            ThriftMetastoreServer server = ThriftMetastoreServer.start(directory);
            DistributedQueryRunner queryRunner;
            try {
                queryRunner = DredgeQueryRunner.builder(new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse()))
                        .addDredgeProperty("dredge.backup-location", "file:" + Files.createDirectories(backupRepository(directory)))
                        .addDredgeProperty("dredge.copy-plan-key", COPY_PLAN_KEY)
                        .setFaultInjectionEnabled(true)
                        .addCoordinatorProperty("node-scheduler.include-coordinator", "false")
                        // Hive column statistics are the metastore's alone (Dredge neither reads nor copies them): not
                        // computing and storing them on every INSERT saves the suite a sixth of the metastore's work
                        .addHiveProperty("hive.collect-column-statistics-on-write", "false")
                        .setAccessControlRules(Files.writeString(directory.resolve("rules.json"), ACCESS_RULES))
                        .build();
            }
            catch (Exception | Error e) {
                server.close();
                throw e;
            }
            instance = new SharedCluster(directory, server, queryRunner);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "dredge-shared-cluster-shutdown"));
        }
        return instance;
    }

    /**
     * Adds, once, Iceberg catalogs of the kinds that are not a Hive metastore, each with a Dredge catalog over it:
     * {@code iceberg_rest} and {@code dredge_rest} on a REST catalog server in this JVM, {@code iceberg_jdbc} and
     * {@code dredge_jdbc} on Iceberg's JDBC catalog in an H2 database. The Dredge catalogs share the cluster's backup
     * repository, so a backup taken through one restores through another.
     */
    synchronized void addIcebergCatalogs()
            throws Exception
    {
        if (restServer.isPresent()) {
            return;
        }
        IcebergCatalogServers.RestCatalogServer server = IcebergCatalogServers.RestCatalogServer.start(Files.createDirectories(directory.resolve("rest-warehouse")));
        restServer = Optional.of(server);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            }
            catch (IOException e) {
                // the JVM is going
            }
        }, "dredge-rest-catalog-shutdown"));
        IcebergCatalogServers.JdbcCatalogDatabase jdbc = IcebergCatalogServers.JdbcCatalogDatabase.create(Files.createDirectories(directory.resolve("jdbc-warehouse")));
        addIcebergCatalog("rest", server.catalogProperties());
        addIcebergCatalog("jdbc", jdbc.catalogProperties());
        NessieServerProcess nessie = NessieServerProcess.start(directory.resolve("nessie"));
        nessieServer = Optional.of(nessie);
        Runtime.getRuntime().addShutdownHook(new Thread(nessie::close, "dredge-nessie-shutdown"));
        Path nessieWarehouse = Files.createDirectories(directory.resolve("nessie-warehouse"));
        addIcebergCatalog("nessie", nessie.catalogProperties("main", nessieWarehouse));
    }

    /**
     * The REST catalog server of {@link #addIcebergCatalogs}.
     */
    synchronized IcebergCatalogServers.RestCatalogServer restServer()
    {
        return restServer.orElseThrow();
    }

    /**
     * The Nessie server of {@link #addIcebergCatalogs}.
     */
    synchronized NessieServerProcess nessieServer()
    {
        return nessieServer.orElseThrow();
    }

    /**
     * Adds the Iceberg catalog {@code iceberg_<kind>} and the Dredge catalog {@code dredge_<kind>} over it, which
     * shares the cluster's backup repository.
     */
    void addIcebergCatalog(String kind, Map<String, String> catalogProperties)
    {
        addIcebergCatalog(kind, catalogProperties, Map.of());
    }

    /**
     * As {@link #addIcebergCatalog(String, Map)}, with more properties of the Dredge catalog.
     */
    void addIcebergCatalog(String kind, Map<String, String> catalogProperties, Map<String, String> dredgeProperties)
    {
        DredgeQueryRunner.addIcebergCatalog(queryRunner, kind, catalogProperties, ImmutableMap.<String, String>builder()
                .put("dredge.backup-location", "file:" + backupRepository(directory))
                .put("dredge.copy-plan-key", COPY_PLAN_KEY)
                .put("dredge.testing.fault-injection-enabled", "true")
                .putAll(dredgeProperties)
                .buildOrThrow());
    }

    Path directory()
    {
        return directory;
    }

    /**
     * Where both engines' {@code dredge.backup-location} points.
     */
    Path backupRepository()
    {
        return backupRepository(directory);
    }

    private static Path backupRepository(Path directory)
    {
        return directory.resolve("backups");
    }

    ThriftMetastoreServer server()
    {
        return server;
    }

    DistributedQueryRunner queryRunner()
    {
        return queryRunner;
    }

    /**
     * The query runner for a test class: Trino's test framework closes its class's runner after the class, and this
     * one outlives every class.
     */
    QueryRunner queryRunnerForClass()
    {
        return (QueryRunner) Proxy.newProxyInstance(QueryRunner.class.getClassLoader(), new Class<?>[] {QueryRunner.class}, (proxy, method, arguments) -> {
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                return null;
            }
            try {
                return method.invoke(queryRunner, arguments);
            }
            catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /**
     * The Hive catalog's own metastore client.
     */
    HiveMetastore hiveMetastore()
    {
        return ((HiveConnector) queryRunner.getCoordinator().getConnector("hive")).getInjector()
                .getInstance(HiveMetastoreFactory.class)
                .createMetastore(Optional.empty());
    }

    /**
     * The schemas of the metastore now, to give {@link #dropSchemasExcept} when a class ends.
     */
    Set<String> schemas()
    {
        return Set.copyOf(hiveMetastore().getAllDatabases());
    }

    /**
     * Drops from the metastore, without their data, the schemas not in {@code kept} (those a class created): every
     * class after it would otherwise pay for them in each operation that reads the whole metastore (the report, the
     * location scan).
     */
    void dropSchemasExcept(Set<String> kept)
    {
        HiveMetastore hiveMetastore = hiveMetastore();
        for (String schema : hiveMetastore.getAllDatabases()) {
            if (kept.contains(schema)) {
                continue;
            }
            for (TableInfo table : hiveMetastore.getTables(schema)) {
                hiveMetastore.dropTable(schema, table.tableName().getTableName(), false);
            }
            hiveMetastore.dropDatabase(schema, false);
        }
    }

    /**
     * HiveServer2 with Dredge installed, the shared backup repository and fault injection, over the shared metastore
     * and warehouse.
     */
    synchronized HiveServer2Process hiveServer()
            throws Exception
    {
        if (hiveServer.isEmpty()) {
            hiveServer = Optional.of(HiveServer2Process.builder(directory.resolve("hiveserver2-shared"), server.uri(), server.warehouse())
                    .withDredgeHooks()
                    .property("dredge.backup-location", "file:" + backupRepository())
                    .property("dredge.testing.fault-injection-enabled", "true")
                    .start());
        }
        return hiveServer.orElseThrow();
    }

    private synchronized void close()
    {
        hiveServer.ifPresent(HiveServer2Process::close);
        queryRunner.close();
        server.close();
    }
}
