package io.dredge.it.demo;

import com.google.common.io.MoreFiles;
import io.airlift.log.Logger;
import io.dredge.it.DredgeQueryRunner;
import io.dredge.it.IcebergCatalogServers;
import io.dredge.it.LakeMetastore;
import io.dredge.it.QuietLogging;
import io.dredge.it.HiveServer2Process;
import io.dredge.it.ThriftMetastoreServer;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code bin/dredge-demo}: a real Trino 483 (a coordinator and one worker) with the hive, iceberg and dredge
 * catalogs over a local warehouse, and a small lake full of small files to look at and fix.
 */
public final class DemoServer
{
    private static final Logger log = Logger.get(DemoServer.class);
    private static final String READY_MARKER = ".demo-ready";

    private DemoServer() {}

    public static void main(String[] args)
            throws Exception
    {
        // Trino's logging takes over System.out: keep the terminal for what the user must read
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
        DemoOptions options = DemoOptions.parse(args);
        Path dataDirectory = options.dataDirectory().toAbsolutePath();
        if (options.reset() || (Files.exists(dataDirectory) && !Files.exists(dataDirectory.resolve(READY_MARKER)))) {
            // a half-built lake (an interrupted first start) is rebuilt rather than trusted
            if (Files.exists(dataDirectory)) {
                MoreFiles.deleteRecursively(dataDirectory, ALLOW_INSECURE);
            }
        }
        Files.createDirectories(dataDirectory);
        console.printf("Starting a Hive 4.0.1 thrift metastore, Trino 483 (coordinator + 1 worker) with the hive, iceberg, iceberg_rest (an Iceberg REST catalog), dredge and dredge_rest catalogs, and a HiveServer2 with Dredge's hooks; logs are quiet unless something fails%n");

        QuietLogging.apply();
        // a real thrift metastore, as production lakes have: compaction swaps partition locations in it
        ThriftMetastoreServer metastoreServer = ThriftMetastoreServer.start(dataDirectory);
        LakeMetastore metastore = new LakeMetastore.ThriftMetastore(metastoreServer.uri(), metastoreServer.warehouse());
        // beside the warehouse, not in it: a backup never lives in the directories it backs up
        Path backups = Files.createDirectories(dataDirectory.resolve("backups"));
        // the iceberg catalog enables register_table, which Iceberg restores go through, in every DredgeQueryRunner
        DistributedQueryRunner queryRunner = DredgeQueryRunner.builder(metastore)
                .setHttpPort(options.port())
                // anyone who reaches the demo could otherwise stop or hold compactions on purpose
                .setFaultInjectionEnabled(false)
                .addDredgeProperty("dredge.backup-location", "file:" + backups)
                .addHiveProperty("hive.max-partitions-per-writers", "1000")
                .build();
        // an Iceberg REST catalog over the same warehouse (iceberg-core's server on a JDBC catalog kept in the data
        // directory), with a Trino catalog iceberg_rest and a Dredge catalog dredge_rest configured as Trino's
        IcebergCatalogServers.RestCatalogServer restServer = IcebergCatalogServers.RestCatalogServer.start(
                IcebergCatalogServers.JdbcCatalogDatabase.persistent(dataDirectory.resolve("rest-catalog"), metastoreServer.warehouse()));
        DredgeQueryRunner.addIcebergCatalog(queryRunner, "rest", restServer.catalogProperties(), Map.of("dredge.backup-location", "file:" + backups));
        // Hive users of the same lake: their writes wait for Dredge's operations, and each write is audited
        HiveServer2Process hiveServer = HiveServer2Process.builder(dataDirectory.resolve("hiveserver2"), metastoreServer.uri(), metastoreServer.warehouse())
                .port(options.hivePort())
                .withDredgeHooks()
                .property("dredge.backup-location", "file:" + backups)
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hiveServer.close();
            queryRunner.close();
            try {
                restServer.close();
            }
            catch (IOException e) {
                log.warn(e, "stopping the REST catalog failed");
            }
            metastoreServer.close();
            stopped.countDown();
        }));

        if (!Files.exists(dataDirectory.resolve(READY_MARKER))) {
            long start = System.nanoTime();
            DemoLake lake = new DemoLake(queryRunner, metastore, "demo");
            lake.create();
            lake.createRestTable("iceberg_rest", "orders", 10);
            Files.writeString(dataDirectory.resolve(READY_MARKER), "");
            log.info("created the demo lake in %.1f s", (System.nanoTime() - start) / 1e9);
        }

        String url = "http://localhost:" + queryRunner.getCoordinator().getBaseUrl().getPort();
        String sql = "bin/dredge-sql" + (url.equals("http://localhost:8080") ? "" : " --server " + url);
        console.printf("%nDredge demo ready at %s (data in %s, backups in %s)%n", url, dataDirectory, backups);
        console.printf("  SQL:       %s   (Trino's CLI; --execute \"...\" or -f file.sql)%n", sql);
        console.printf("  JDBC:      jdbc:trino://localhost:%s/dredge/system?user=admin%n", queryRunner.getCoordinator().getBaseUrl().getPort());
        console.printf("  try:       SELECT * FROM dredge.system.small_file_report WHERE schema_name = 'demo';%n");
        console.printf("  backup:    %s --execute \"CALL dredge.system.backup_table(schema_name => 'demo', table_name => 'events_ice', backup_name => 'ice_nightly')\"%n", sql);
        console.printf("  restore:   %s --execute \"CALL dredge.system.restore_table(backup_name => 'ice_nightly', schema_name => 'demo', table_name => 'events_ice_restored')\"%n", sql);
        console.printf("  REST:      %s --execute \"CALL dredge_rest.system.compact_table(schema_name => 'demo', table_name => 'orders')\"   (iceberg_rest: an Iceberg REST catalog at %s)%n", sql, restServer.uri());
        String hive = "bin/dredge-hive" + (options.hivePort() == DemoOptions.DEFAULT_HIVE_PORT ? "" : " --url " + hiveServer.jdbcUrl());
        console.printf("  Hive:      %s   (HiveServer2 with Dredge's guard and audit hooks; %s -e \"...\" or -f file.hql)%n", hiveServer.jdbcUrl(), hive);
        console.printf("  try:       %s -e \"SELECT dredge_small_file_report('demo')\"   (a Hive write to a table Dredge holds is refused)%n%n", hive);
        printReport(queryRunner, console);
        console.printf("%nServing until Ctrl-C.%n");
        stopped.await();
    }

    private static void printReport(DistributedQueryRunner queryRunner, PrintStream console)
    {
        String format = "%-12s %-8s %-12s %-10s %10s %12s %14s  %s%n";
        console.printf(format, "catalog", "schema", "table", "type", "file_count", "total_bytes", "avg_file_bytes", "status");
        for (MaterializedRow row : queryRunner.execute("""
                SELECT catalog_name, schema_name, table_name, table_type, file_count, total_bytes, avg_file_bytes, status
                FROM dredge.system.small_file_report
                WHERE schema_name = 'demo' AND partition_name IS NULL
                UNION ALL
                SELECT catalog_name, schema_name, table_name, table_type, file_count, total_bytes, avg_file_bytes, status
                FROM dredge_rest.system.small_file_report
                WHERE schema_name = 'demo' AND partition_name IS NULL
                ORDER BY catalog_name, table_name
                """).getMaterializedRows()) {
            console.printf(format, row.getFields().toArray());
        }
    }
}
