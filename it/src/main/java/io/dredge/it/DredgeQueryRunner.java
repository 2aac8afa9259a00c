package io.dredge.it;

import com.google.common.collect.ImmutableMap;
import io.dredge.trino.DredgePlugin;
import io.trino.Session;
import io.trino.plugin.hive.HivePlugin;
import io.trino.plugin.iceberg.IcebergPlugin;
import io.trino.testing.DistributedQueryRunner;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static io.trino.testing.TestingSession.testSessionBuilder;
import static java.util.Objects.requireNonNull;

/**
 * A real Trino cluster in this JVM (a coordinator and workers) with the {@code hive}, {@code iceberg} and
 * {@code dredge} catalogs over one metastore and warehouse.
 */
public final class DredgeQueryRunner
{
    public static final String HIVE_CATALOG = "hive";
    public static final String ICEBERG_CATALOG = "iceberg";
    public static final String DREDGE_CATALOG = "dredge";

    private DredgeQueryRunner() {}

    /**
     * Adds an Iceberg catalog {@code iceberg_<kind>} of a kind that is not a Hive metastore ({@code catalogProperties}:
     * {@code iceberg.catalog.type} and its own properties), with {@code register_table} for restores, and a Dredge
     * catalog {@code dredge_<kind>} configured with the same properties and {@code dredgeProperties}. Files are read
     * through Hadoop's local file system, as a thrift metastore's {@code file:} locations are.
     */
    public static void addIcebergCatalog(DistributedQueryRunner queryRunner, String kind, Map<String, String> catalogProperties, Map<String, String> dredgeProperties)
    {
        Map<String, String> fileSystem = Map.of("fs.hadoop.enabled", "true");
        queryRunner.createCatalog("iceberg_" + kind, "iceberg", ImmutableMap.<String, String>builder()
                .putAll(catalogProperties)
                .putAll(fileSystem)
                .put("iceberg.register-table-procedure.enabled", "true")
                .put("iceberg.expire-snapshots.min-retention", "1s")
                .buildOrThrow());
        queryRunner.createCatalog("dredge_" + kind, "dredge", ImmutableMap.<String, String>builder()
                .putAll(catalogProperties)
                .putAll(fileSystem)
                .put("dredge.iceberg-catalog-name", "iceberg_" + kind)
                .putAll(dredgeProperties)
                .buildOrThrow());
    }

    public static Builder builder(LakeMetastore metastore)
    {
        return new Builder(metastore);
    }

    public static final class Builder
    {
        private final LakeMetastore metastore;
        private int workerCount = 1;
        private final Map<String, String> coordinatorProperties = new HashMap<>();
        private final Map<String, String> hiveProperties = new HashMap<>();
        private final Map<String, String> icebergProperties = new HashMap<>();
        private final Map<String, String> dredgeProperties = new HashMap<>();
        private Optional<Path> baseDataDir = Optional.empty();
        private Optional<Path> accessControlRules = Optional.empty();
        // tests crash and pause the protocol on purpose (testing_fail_after, testing_pause_after)
        private boolean faultInjectionEnabled = true;

        private Builder(LakeMetastore metastore)
        {
            this.metastore = requireNonNull(metastore, "metastore is null");
        }

        public Builder setWorkerCount(int workerCount)
        {
            this.workerCount = workerCount;
            return this;
        }

        public Builder setHttpPort(int port)
        {
            coordinatorProperties.put("http-server.http.port", String.valueOf(port));
            return this;
        }

        public Builder addCoordinatorProperty(String name, String value)
        {
            coordinatorProperties.put(name, value);
            return this;
        }

        public Builder addHiveProperty(String name, String value)
        {
            hiveProperties.put(name, value);
            return this;
        }

        public Builder addIcebergProperty(String name, String value)
        {
            icebergProperties.put(name, value);
            return this;
        }

        public Builder addDredgeProperty(String name, String value)
        {
            dredgeProperties.put(name, value);
            return this;
        }

        public Builder setBaseDataDir(Path baseDataDir)
        {
            this.baseDataDir = Optional.of(baseDataDir);
            return this;
        }

        /**
         * Trino's file-based system access control with the given rules file.
         */
        public Builder setAccessControlRules(Path rules)
        {
            this.accessControlRules = Optional.of(rules);
            return this;
        }

        /**
         * Whether the dredge catalog accepts the test-only fault injection session properties: on by default for
         * tests, off for anything users reach (the demo).
         */
        public Builder setFaultInjectionEnabled(boolean faultInjectionEnabled)
        {
            this.faultInjectionEnabled = faultInjectionEnabled;
            return this;
        }

        public DistributedQueryRunner build()
                throws Exception
        {
            Session session = testSessionBuilder()
                    .setCatalog(HIVE_CATALOG)
                    .setSchema("default")
                    .build();
            DistributedQueryRunner.Builder<?> runnerBuilder = DistributedQueryRunner.builder(session)
                    .setWorkerCount(workerCount)
                    .setCoordinatorProperties(coordinatorProperties)
                    .setBaseDataDir(baseDataDir);
            accessControlRules.ifPresent(rules -> runnerBuilder.setSystemAccessControl("file", Map.of("security.config-file", rules.toAbsolutePath().toString())));
            DistributedQueryRunner queryRunner = runnerBuilder.build();
            try {
                queryRunner.installPlugin(new HivePlugin());
                queryRunner.installPlugin(new IcebergPlugin());
                queryRunner.installPlugin(new DredgePlugin());
                queryRunner.createCatalog(HIVE_CATALOG, "hive", ImmutableMap.<String, String>builder()
                        .putAll(metastore.catalogProperties("hive"))
                        .putAll(hiveProperties)
                        .buildKeepingLast());
                queryRunner.createCatalog(ICEBERG_CATALOG, "iceberg", ImmutableMap.<String, String>builder()
                        .putAll(metastore.catalogProperties("iceberg"))
                        // restores of backups register the restored metadata
                        .put("iceberg.register-table-procedure.enabled", "true")
                        .putAll(icebergProperties)
                        .buildKeepingLast());
                queryRunner.createCatalog(DREDGE_CATALOG, "dredge", ImmutableMap.<String, String>builder()
                        .putAll(metastore.catalogProperties("dredge"))
                        .put("dredge.hive-catalog-name", HIVE_CATALOG)
                        .put("dredge.iceberg-catalog-name", ICEBERG_CATALOG)
                        .put("dredge.testing.fault-injection-enabled", String.valueOf(faultInjectionEnabled))
                        .putAll(dredgeProperties)
                        .buildKeepingLast());
                return queryRunner;
            }
            catch (Throwable e) {
                queryRunner.close();
                throw e;
            }
        }
    }
}
